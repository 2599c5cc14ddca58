"""robots.txt benchmarks: (a) filter matching, (b) crawling.

(a) ``match``: the RobotsFilter step with the 13 default agents over a realistic URL mix (2,000
origins whose robots.txt files range from empty to AI bans, path rules with wildcards, long files,
and aipref ``Content-Usage`` / ``Content-Signal`` preference lines), against a no-op filter over the
same documents in the same run. Target >= 50,000 docs/s/core.
(b) ``crawl``: RobotsCrawler (concurrency 64) against a loopback server in another process holding
2,000 hosts. Target >= 300 origins/s on a 2-core machine; peak memory is reported.

    python benchmarks/bench_robots.py match [--docs 200000]
    python benchmarks/bench_robots.py crawl [--hosts 2000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from common import docs_per_second
from datatrove.data import Document
from datatrove.pipeline.filters.base_filter import BaseFilter

from clearweb.filters.robots.crawler import CrawlSettings, RobotsCrawler, RobotsFetch
from clearweb.filters.robots.filter import RobotsFilter
from clearweb.filters.robots.snapshot import write_part
from clearweb.pipeline.demo.server import LoopbackServer, Response

SECTIONS = ("news", "blog", "articles", "private", "search", "shop", "tag", "wp-admin", "images", "en/docs")


def robots_body(rng: random.Random) -> str | None:
    kind = rng.random()
    if kind < 0.25:
        return None  # 404: no robots.txt
    if kind < 0.45:
        return "User-agent: *\nDisallow: /search\nDisallow: /wp-admin/\n"
    if kind < 0.65:
        return "".join(f"User-agent: {a}\n" for a in ("GPTBot", "CCBot", "ClaudeBot")) + "Disallow: /\n\nUser-agent: *\nAllow: /\n"
    if kind < 0.75:
        return ("User-agent: GPTBot\nDisallow: /articles/\nAllow: /articles/free\n\n"
                "User-agent: *\nDisallow: /*.pdf$\nDisallow: /private/\nDisallow: /*?sessionid=\n")
    if kind < 0.80:  # IETF aipref preference lines, by path
        return ("User-agent: *\nAllow: /\nDisallow: /wp-admin/\nContent-Usage: / train-ai=n\n"
                "Content-Usage: /blog/ train-ai=y, search=y\nContent-Usage: /news/ train-ai=n, search=y\n")
    if kind < 0.85:  # Cloudflare's managed robots.txt
        return "User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n"
    rules = "".join(f"Disallow: /{rng.choice(SECTIONS)}/{i}/*/page$\n" for i in range(60))
    return f"User-agent: *\n{rules}\nUser-agent: Google-Extended\nDisallow: /\n"


def documents(n: int, origins: list[str], rng: random.Random) -> list[Document]:
    docs = []
    for i in range(n):
        origin = rng.choice(origins)
        path = f"/{rng.choice(SECTIONS)}/{rng.randint(1, 99)}/{rng.randint(1, 9999)}-story.html"
        if rng.random() < 0.1:
            path += f"?sessionid={rng.randint(1, 1 << 30)}"
        docs.append(Document(text="", id=str(i), metadata={"url": origin + path, "domain": origin[7:]}))
    return docs


class NoOpFilter(BaseFilter):
    name = "no-op"

    def filter(self, doc: Document) -> bool:
        return True


def bench_match(n_docs: int, n_origins: int, rounds: int) -> None:
    rng = random.Random(1)
    origins = [f"http://site{i}.example" for i in range(n_origins)]
    rows = []
    for origin in origins:
        body = robots_body(rng)
        outcome, status = ("ok", 200) if body is not None else ("unavailable", 404)
        rows.append(RobotsFetch(origin, origin + "/robots.txt", None, "2026-11-22T00:00:00Z", status, body, None,
                                None, outcome))
    docs = documents(n_docs, origins, rng)
    with tempfile.TemporaryDirectory() as tmp:
        write_part(Path(tmp) / "00000.parquet", rows)
        ours, noop, dropped = [], [], 0
        for _ in range(rounds):
            step = RobotsFilter(tmp)
            ours.append(docs_per_second(step.run, docs))
            dropped = step.stats.stats["dropped"].total
            noop.append(docs_per_second(NoOpFilter().run, docs))
    print(f"robots filter, 13 agents: median {statistics.median(ours):,.0f} docs/s/core "
          f"(rounds {', '.join(f'{r:,.0f}' for r in ours)}); dropped {dropped} of {n_docs}")
    print(f"no-op filter:             median {statistics.median(noop):,.0f} docs/s/core")
    print(f"ratio robots/no-op = {statistics.median(ours) / statistics.median(noop):.3f}  (target: >= 50,000 docs/s/core)")


def _serve(port_queue, hosts: int, lifetime: float) -> None:
    rng = random.Random(2)
    server = LoopbackServer(max_requests=hosts * 4, max_lifetime_s=lifetime)
    for i in range(hosts):
        body = robots_body(rng)
        response = Response(body=body.encode()) if body is not None else Response(status=404)
        server.routes[(f"site{i}.example", "/robots.txt")] = [response]
    server.start()
    port_queue.put(server.port)
    time.sleep(lifetime)


def bench_crawl(hosts: int, concurrency: int) -> None:
    queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(queue, hosts, 300), daemon=True)
    server.start()
    port = queue.get(timeout=30)
    try:
        crawler = RobotsCrawler(CrawlSettings(concurrency=concurrency, resolve={"*": f"127.0.0.1:{port}"},
                                              retries=1, backoff_s=0.1))
        origins = [f"http://site{i}.example" for i in range(hosts)]
        started = time.perf_counter()
        outcomes: dict[str, int] = {}
        for result in crawler.fetch_all(origins):
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"crawl: {hosts} origins in {elapsed:.2f}s = {hosts / elapsed:,.0f} origins/s "
          f"(concurrency {concurrency}); outcomes {outcomes}; crawler peak RSS {peak_mib:.0f} MiB  (target: >= 300 origins/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    match = sub.add_parser("match")
    match.add_argument("--docs", type=int, default=200_000)
    match.add_argument("--origins", type=int, default=2000)
    match.add_argument("--rounds", type=int, default=3)
    crawl = sub.add_parser("crawl")
    crawl.add_argument("--hosts", type=int, default=2000)
    crawl.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    if args.what == "match":
        bench_match(args.docs, args.origins, args.rounds)
    else:
        bench_crawl(args.hosts, args.concurrency)


if __name__ == "__main__":
    main()
