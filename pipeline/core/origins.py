"""Origins (scheme, host, port) of document URLs, and the step that collects them.

robots.txt applies per origin (RFC 9309 section 2.3), so the crawl list is the set of distinct
origins of the fetched documents. Collecting them is its own step so it runs as an array job
over the fetch output (or, with robots before extraction, over the shards' record headers); each
task writes its origins to one text file. Core, because the fetch stage collects them too.
"""

from __future__ import annotations

from pathlib import Path

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from clearweb.pipeline.core.provenance import origin_of
from clearweb.pipeline.core.task_files import write_task_file


class OriginCollector(PipelineStep):
    """Writes the distinct origins of this task's documents to ``{folder}/{rank:05d}.txt``."""

    type = "🤖 - ROBOTS"
    name = "🌐 Origins"
    stats_key = "robots_origins"

    def __init__(self, folder: str):
        super().__init__()
        self.folder = folder

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        origins: set[str] = set()
        for document in data:
            with self.track_time():
                origin = origin_of(document.metadata.get("url"))
                self.stat_update("documents")
                if origin is None:
                    self.stat_update("no_origin")
                else:
                    origins.add(origin)
        write_task_file(self.folder, rank, ".txt", "".join(f"{origin}\n" for origin in sorted(origins)))
        self.stat_update("origins", value=len(origins))
        yield from ()  # the last step of its pipeline: it passes no documents on


def read_origins(folder: str | Path) -> list[str]:
    """All distinct origins the collector tasks wrote, sorted."""
    origins: set[str] = set()
    for path in sorted(Path(folder).glob("*.txt")):
        origins.update(line for line in path.read_text().splitlines() if line)
    return sorted(origins)
