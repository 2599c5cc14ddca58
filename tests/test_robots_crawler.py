"""The robots.txt crawler against a real loopback server: every outcome the issue lists."""

import codecs
import gzip
import ipaddress
import socket
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from clearweb.filters.robots.crawler import CrawlSettings, RobotsCrawler, retry_after_s
from clearweb.filters.robots.netguard import AddressGuard, RefusedAddress, address_problem
from clearweb.pipeline.demo.server import LoopbackServer, Response

HOSTS = ["ok.example", "gone.example", "flaky.example", "down.example", "slow.example", "drip.example",
         "hops.example", "file.example", "huge.example", "html.example", "garbage.example", "bom.example",
         "xn--mnchen-3ya.example", "gzip.example", "latin.example", "tomb.example", "ports.example",
         "busy.example", "throttled.example", "closed.example"]
ROBOTS = b"User-agent: GPTBot\nDisallow: /\n"


@pytest.fixture(scope="module")
def server():
    with LoopbackServer(max_requests=2000, max_lifetime_s=120) as srv:
        srv.add("ok.example", "/robots.txt", Response(body=ROBOTS))
        srv.add("gone.example", "/robots.txt", Response(status=404, body=b"<html>missing</html>"))
        srv.add("flaky.example", "/robots.txt", Response(status=500, times=1), Response(body=ROBOTS))
        srv.add("down.example", "/robots.txt", Response(status=503))
        srv.add("slow.example", "/robots.txt", Response(body=ROBOTS, delay_s=3))
        srv.add("drip.example", "/robots.txt", Response(body=ROBOTS * 50, drip_s=0.05))
        for hop in range(6):
            srv.add("hops.example", "/robots.txt" if hop == 0 else f"/r{hop}", Response(
                status=301, headers={"Location": f"/r{hop + 1}"}))
        srv.add("hops.example", "/r6", Response(body=ROBOTS))
        srv.add("file.example", "/robots.txt", Response(status=302, headers={"Location": "file:///etc/passwd"}))
        srv.add("huge.example", "/robots.txt", Response(body=b"User-agent: *\nDisallow: /a\n" + b"#" * 10_000_000))
        srv.add("html.example", "/robots.txt", Response(body=b"<html><body><h1>Welcome!</h1></body></html>",
                                                        headers={"Content-Type": "text/html"}))
        srv.add("garbage.example", "/robots.txt", Response(body=bytes(range(256)) * 40))
        srv.add("bom.example", "/robots.txt", Response(body=codecs.BOM_UTF8 + ROBOTS))
        srv.add("xn--mnchen-3ya.example", "/robots.txt", Response(body=ROBOTS))
        srv.add("gzip.example", "/robots.txt", Response(body=gzip.compress(ROBOTS),
                                                        headers={"Content-Encoding": "gzip"}))
        srv.add("latin.example", "/robots.txt", Response(body="User-agent: *\nDisallow: /café\n".encode("latin-1"),
                                                         headers={"Content-Type": "text/plain; charset=iso-8859-1"}))
        srv.add("tomb.example", "/robots.txt", Response(status=302, headers={"Location": "http://127.0.0.1:9/x"}))
        srv.add("::1", "/robots.txt", Response(body=ROBOTS))
        srv.add("ports.example", "/robots.txt", Response(body=b"User-agent: *\nDisallow: /port\n"))
        srv.add("busy.example", "/robots.txt", Response(status=429, headers={"Retry-After": "1"}, times=1),
                Response(body=ROBOTS))
        srv.add("throttled.example", "/robots.txt", Response(status=429))
        srv.add("closed.example", "/robots.txt", Response(status=429, headers={"Retry-After": "3600"}))
        yield srv


@pytest.fixture(scope="module")
def crawler(server):
    resolve = {host: f"127.0.0.1:{server.port}" for host in HOSTS}
    resolve["::1"] = f"127.0.0.1:{server.port}"
    settings = CrawlSettings(concurrency=8, connect_timeout_s=1, read_timeout_s=1, total_timeout_s=2,
                             retries=2, backoff_s=0.05, resolve=resolve)
    return RobotsCrawler(settings)


def fetch(crawler, origin):
    started = time.monotonic()
    result = crawler.fetch(origin)
    assert time.monotonic() - started < 4, "no fetch may take more than a few seconds"
    return result


def test_200(crawler):
    result = fetch(crawler, "http://ok.example")
    assert (result.outcome, result.status, result.body) == ("ok", 200, ROBOTS.decode())
    assert result.sha256 and result.final_url == "http://ok.example/robots.txt"


def test_404_means_no_restrictions(crawler):
    assert fetch(crawler, "http://gone.example").outcome == "unavailable"


def test_500_then_recovery(crawler):
    result = fetch(crawler, "http://flaky.example")
    assert result.outcome == "ok" and result.body == ROBOTS.decode()


def test_500_forever_is_unreachable(crawler, server):
    before = sum(1 for host, *_ in server.requests if host == "down.example")
    result = fetch(crawler, "http://down.example")
    assert (result.outcome, result.status, result.error) == ("unreachable", 503, "HTTP 503")
    assert sum(1 for host, *_ in server.requests if host == "down.example") - before == 3


def test_timeout(crawler):
    result = fetch(crawler, "http://slow.example")
    assert result.outcome == "unreachable" and "timed out" in result.error.lower()


def test_drip_feed_is_cut_by_the_total_budget(crawler):
    result = fetch(crawler, "http://drip.example")
    assert result.outcome == "unreachable" and "time budget" in result.error


def test_redirect_chain_of_six_is_too_long(crawler):
    result = fetch(crawler, "http://hops.example")
    assert result.outcome == "unavailable" and result.error == "more than 5 redirects"


def test_redirect_to_file_scheme_is_not_followed(crawler):
    result = fetch(crawler, "http://file.example")
    assert result.outcome == "unavailable" and "non-http(s)" in result.error and result.body is None


def test_redirect_to_loopback_address_is_refused(crawler):
    result = fetch(crawler, "http://tomb.example")
    assert result.outcome == "refused" and "127.0.0.1 (loopback)" in result.error


def test_ten_megabyte_body_is_capped(crawler):
    result = fetch(crawler, "http://huge.example")
    assert result.outcome == "ok" and len(result.body) == 500 * 1024
    assert result.body.startswith("User-agent: *\nDisallow: /a\n")


def test_html_error_page_with_200_and_binary_garbage_parse_to_nothing(crawler):
    from clearweb.filters.robots import is_allowed

    for origin in ("http://html.example", "http://garbage.example"):
        result = fetch(crawler, origin)
        assert result.outcome == "ok"
        assert is_allowed(result.body, "GPTBot", origin + "/anything")


def test_bom_gzip_and_charset(crawler):
    assert fetch(crawler, "http://bom.example").body == ROBOTS.decode()
    assert fetch(crawler, "http://gzip.example").body == ROBOTS.decode()
    assert "Disallow: /café" in fetch(crawler, "http://latin.example").body


def test_idn_host_in_punycode(crawler):
    assert fetch(crawler, "http://xn--mnchen-3ya.example").outcome == "ok"


def test_ipv6_literal_and_port_in_origin(crawler, server):
    assert fetch(crawler, "http://[::1]:8080").outcome == "ok"
    result = fetch(crawler, "http://ports.example:8443")
    assert result.outcome == "ok" and "/port" in result.body
    assert ("ports.example", "/robots.txt") in [(h, p) for h, p, _ in server.requests]


def test_hostname_resolving_to_loopback_is_refused_by_default(server):
    result = RobotsCrawler(CrawlSettings(retries=0)).fetch(f"http://localhost:{server.port}")
    assert result.outcome == "refused" and "127.0.0.1 (loopback)" in result.error
    assert not any(h == "localhost" for h, *_ in server.requests)


def test_allow_list_lets_a_network_through(server):
    result = RobotsCrawler(CrawlSettings(retries=0, allow_networks=["127.0.0.0/8"])).fetch(
        f"http://localhost:{server.port}")
    assert result.outcome == "unavailable"  # reached the server, which has no robots.txt for it: 404


def test_fetch_all_is_concurrent_and_complete(crawler):
    origins = ["http://ok.example", "http://gone.example", "http://bom.example", "http://gzip.example"] * 5
    results = list(crawler.fetch_all(origins))
    assert sorted(r.origin for r in results) == sorted(origins)


def requests_to(server, host: str) -> int:
    return sum(1 for h, *_ in server.requests if h == host)


def test_429_is_retried_after_retry_after(crawler):
    # RFC 9309 leaves 429 to the crawler: it is no "robots.txt missing, allow all".
    started = time.monotonic()
    result = fetch(crawler, "http://busy.example")
    assert (result.outcome, result.body) == ("ok", ROBOTS.decode())
    assert time.monotonic() - started >= 1  # waited as asked, not the 0.05 s backoff


def test_429_that_persists_is_unreachable(crawler, server):
    before = requests_to(server, "throttled.example")
    result = fetch(crawler, "http://throttled.example")
    assert (result.outcome, result.status, result.error) == ("unreachable", 429, "HTTP 429")
    assert requests_to(server, "throttled.example") - before == 3


def test_retry_after_beyond_the_budget_gives_up_at_once(crawler, server):
    before = requests_to(server, "closed.example")
    started = time.monotonic()
    result = fetch(crawler, "http://closed.example")
    assert (result.outcome, result.status) == ("unreachable", 429) and "Retry-After" in result.error
    assert time.monotonic() - started < 1 and requests_to(server, "closed.example") - before == 1


def test_retry_after_in_seconds_or_as_a_date():
    assert retry_after_s("120") == 120
    assert 55 < retry_after_s(format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)) <= 60
    assert retry_after_s("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past: retry now
    assert retry_after_s(None) is None and retry_after_s("soon") is None


@pytest.mark.parametrize(("address", "problem"), [
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 of the metadata service 169.254.169.254
    ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo client 127.0.0.1
    ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
    ("::ffff:127.0.0.1", "loopback"),
])
def test_ipv4_embedded_in_ipv6_is_checked(address, problem):
    assert problem in address_problem(ipaddress.ip_address(address))


def test_6to4_of_a_public_address_is_public():
    assert address_problem(ipaddress.ip_address("2002:808:808::")) is None


def test_host_resolving_to_6to4_loopback_is_refused(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2002:7f00:1::", port, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(RefusedAddress, match="2002:7f00:1::"):
        AddressGuard().targets("sixtofour.example", 80)
