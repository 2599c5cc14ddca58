"""Refuse to connect to non-public addresses: the robots crawler follows hostnames from web data.

A crawled page can name any host, including ones that resolve to 127.0.0.1, 10.0.0.0/8 or the
cloud metadata service at 169.254.169.254. The crawler therefore resolves names itself, checks
every address after resolution, and connects to exactly the address it checked (no second lookup
that DNS rebinding could answer differently). This happens on every connection, so every redirect
hop is checked too. An IPv6 address that carries an IPv4 one (IPv4-mapped, 6to4, Teredo, NAT64)
is also checked as that IPv4 address, since that is where its packets end up. Addresses named by
the ``resolve`` mapping (host -> ip[:port], like ``curl --resolve``; ``*`` maps every host) or
inside an allow-listed network are let through: that is how tests and the demo reach their
loopback server.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.util import connection as urllib3_connection

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedAddress(Exception):
    """The host resolves only to addresses we do not connect to."""


_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address a transition address leads to, and how: 6to4 (2002::/16), a Teredo client
    (2001::/32) or NAT64's well-known prefix (64:ff9b::/96). A relay or translator on the path
    delivers the packets to that IPv4 address, so it must pass the same checks."""
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1]
    if ip in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public unicast address, or None if it is one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a connection to ::ffff:a.b.c.d is one to a.b.c.d
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := embedded_ipv4(ip)) is not None:
        how, inner = embedded
        problem = address_problem(inner)
        if problem:
            return f"{problem}: {how} of {inner}"
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:
        return "non-global"
    return None


def split_target(value: str, default_port: int) -> tuple[str, int]:
    """``1.2.3.4:8080``, ``1.2.3.4``, ``[::1]:8080`` or ``::1`` -> (ip, port)."""
    if value.startswith("["):
        ip, _, rest = value[1:].partition("]")
        port = rest.lstrip(":")
    elif value.count(":") == 1:
        ip, port = value.split(":")
    else:
        ip, port = value, ""
    return ip, int(port) if port else default_port


@dataclass
class AddressGuard:
    """Resolves hosts and vets the addresses; ``resolve`` entries bypass DNS and the checks."""

    resolve: dict[str, str] = field(default_factory=dict)
    allow_networks: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._allowed = [ipaddress.ip_network(net, strict=False) for net in self.allow_networks]
        self._resolve = {host.lower().strip("[]"): target for host, target in self.resolve.items()}

    def targets(self, host: str, port: int) -> list[tuple[str, int]]:
        """(ip, port) pairs to connect to for ``host:port``; raises RefusedAddress."""
        host = host.lower().strip("[]").rstrip(".")
        mapped = self._resolve.get(f"{host}:{port}") or self._resolve.get(host) or self._resolve.get("*")
        if mapped:
            return [split_target(mapped, port)]
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise OSError(f"cannot resolve {host}: {exc.strerror}") from None
        allowed, refused = [], []
        for *_, sockaddr in infos:
            ip = ipaddress.ip_address(sockaddr[0])
            problem = address_problem(ip)
            if problem and not any(ip in net for net in self._allowed):
                refused.append(f"{ip} ({problem})")
            elif (sockaddr[0], port) not in allowed:
                allowed.append((sockaddr[0], port))
        if not allowed:
            raise RefusedAddress(f"{host} resolves only to non-public addresses: {', '.join(sorted(set(refused)))}")
        return allowed

    def connect(self, host: str, port: int, timeout, source_address=None, socket_options=None) -> socket.socket:
        last: OSError | None = None
        for ip, target_port in self.targets(host, port):
            try:
                return urllib3_connection.create_connection((ip, target_port), timeout,
                                                            source_address=source_address,
                                                            socket_options=socket_options)
            except OSError as exc:
                last = exc
        assert last is not None
        raise last


class _GuardedConnectionMixin:
    guard: AddressGuard

    def _new_conn(self) -> socket.socket:
        # Same contract as urllib3's: a connected socket for (self._dns_host, self.port); TLS
        # (SNI and certificate checks) still uses the original host name.
        return self.guard.connect(self._dns_host, self.port, self.timeout, self.source_address,
                                  self.socket_options)


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every connection goes through an AddressGuard."""

    def __init__(self, guard: AddressGuard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        attrs = {"guard": self.guard}
        http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), attrs)
        https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), attrs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }
