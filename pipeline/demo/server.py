"""A loopback HTTP server for the demo and the tests.

It serves static files (the WARC shards and the paths file) with Range support, and per-host routes
chosen by the ``Host`` header, so a client connecting to 127.0.0.1 with ``Host: news.example.de``
gets that host's robots.txt, as with ``curl --resolve``. A route is a list of scripted responses
(status, body, headers, delay, a connection cut after N bytes), each served a number of times, so
tests can stage "500 twice, then the file" or "drop the connection halfway" without mocks.

It listens on 127.0.0.1 only and always stops by itself: after ``max_requests`` requests or
``max_lifetime_s`` seconds, whichever comes first, as well as when its context manager exits.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_RANGE = re.compile(r"bytes=(\d+)-(\d*)$")


@dataclass
class Response:
    """One scripted response; ``times=None`` serves it forever."""

    status: int = 200
    body: bytes = b""
    file: Path | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    cut_after: int | None = None  # close the connection after this many body bytes
    drip_s: float = 0.0  # send the body one byte at a time, this long apart (a server that drips)
    times: int | None = None


class LoopbackServer:
    """``with LoopbackServer(root, routes) as server: requests.get(server.url + "/file")``."""

    def __init__(self, root: Path | None = None, routes: dict[tuple[str, str], list[Response]] | None = None,
                 max_requests: int = 100_000, max_lifetime_s: float = 900.0):
        self.root = Path(root).resolve() if root else None
        self.routes = {key: list(value) for key, value in (routes or {}).items()}
        self.max_requests = max_requests
        self.max_lifetime_s = max_lifetime_s
        self.requests: list[tuple[str, str, dict[str, str]]] = []  # (host, path, headers) seen
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, host: str, path: str, *responses: Response) -> None:
        """Script the responses for ``path`` on ``host`` (``*`` matches any host)."""
        with self._lock:
            self.routes[(host.lower(), path)] = list(responses)

    def next_response(self, host: str, path: str) -> Response | None:
        with self._lock:
            for key in ((host, path), ("*", path)):
                script = self.routes.get(key)
                while script:
                    response = script[0]
                    if response.times is None:
                        return response
                    if response.times > 0:
                        response.times -= 1
                        if response.times == 0:
                            script.pop(0)
                        return response
                    script.pop(0)
        return None

    def start(self) -> LoopbackServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        serve = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        watchdog = threading.Thread(target=self._stop_after_lifetime, daemon=True)
        self._threads = [serve, watchdog]
        for thread in self._threads:
            thread.start()
        return self

    def _stop_after_lifetime(self) -> None:
        deadline = time.monotonic() + self.max_lifetime_s
        while self._httpd is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        self.stop()

    def record(self, host: str, path: str, headers: dict[str, str]) -> bool:
        """Remember a request; False once the request budget is spent (the server then stops)."""
        with self._lock:
            self.requests.append((host, path, headers))
            over = len(self.requests) > self.max_requests
        if over:
            threading.Thread(target=self.stop, daemon=True).start()
        return not over

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up mid-response (timeouts in tests) are expected, not worth a traceback."""

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


def _host_of(header: str) -> str:
    """Host name of a Host header, without port: ``[::1]:80`` -> ``::1``, ``a.de:80`` -> ``a.de``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.partition(":")[0]


class _Handler(BaseHTTPRequestHandler):
    owner: LoopbackServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # quiet: tests and the demo read their own output
        pass

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        host = _host_of(self.headers.get("Host") or "")
        path = self.path.split("?", 1)[0]
        if not self.owner.record(host, path, dict(self.headers.items())):
            self._send(Response(status=503, body=b"request budget spent\n"), send_body)
            return
        response = self.owner.next_response(host, path)
        if response is None:
            response = self._static(path)
        if response.delay_s:
            time.sleep(response.delay_s)
        self._send(response, send_body)

    def _static(self, path: str) -> Response:
        root = self.owner.root
        if root is None:
            return Response(status=404, body=b"not found\n")
        target = (root / path.lstrip("/")).resolve()
        if not target.is_file() or root not in target.parents:
            return Response(status=404, body=b"not found\n")
        return Response(file=target)

    def _send(self, response: Response, send_body: bool) -> None:
        body = response.file.read_bytes() if response.file else response.body
        status, start, total = response.status, 0, len(body)
        headers = dict(response.headers)
        match = _RANGE.match(self.headers.get("Range", "")) if status == 200 else None
        if match:
            start = int(match.group(1))
            end = int(match.group(2)) if match.group(2) else total - 1
            if start >= total:
                status, body = 416, b""
                headers["Content-Range"] = f"bytes */{total}"
            else:
                status, body = 206, body[start:end + 1]
                headers["Content-Range"] = f"bytes {start}-{start + len(body) - 1}/{total}"
        headers.setdefault("Content-Type", "application/octet-stream" if response.file else "text/plain")
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if response.file:
            self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body)))
        if response.cut_after is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        if not send_body:
            return
        if response.drip_s:
            for index in range(len(body)):
                self.wfile.write(body[index:index + 1])
                self.wfile.flush()
                time.sleep(response.drip_s)
            return
        if response.cut_after is not None:
            self.wfile.write(body[: response.cut_after])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)
