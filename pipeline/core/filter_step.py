"""The base of every clearweb filter: datatrove's BaseFilter whose removed-documents file starts clean.

A task killed mid-way and re-run (perhaps with a different batch or buffer size) must not leave the
earlier attempt's removed documents beside the new ones: before filtering, the task deletes the
file its exclusion writer keeps for this rank. (The writers of kept documents do the same.)
"""

from __future__ import annotations

from datatrove.pipeline.filters.base_filter import BaseFilter

from clearweb.pipeline.core.writer import DocumentWriter


class FilterStep(BaseFilter):
    def run(self, data, rank: int = 0, world_size: int = 1):
        if isinstance(self.exclusion_writer, DocumentWriter):
            self.exclusion_writer.clear_rank(rank)
        yield from super().run(data, rank, world_size)
