"""Write documents partitioned by a key (the language label), with bounded open files and memory.

With 2,000 languages a writer that keeps one open Parquet file per language per task runs out of
file descriptors (``ulimit -n`` is often 1024). Parquet files cannot be reopened for appending, so
instead rows are buffered per partition and each flush writes one complete file
(``<partition>/<rank>_<part>.parquet``), opened and closed at once: at most one file is open at a
time. Before writing, the task deletes every file an earlier attempt of its rank wrote. A
partition is flushed when it reaches ``target_file_bytes``; when all buffers together
exceed ``max_buffer_bytes`` the largest is flushed. Small partitions therefore get one file per
task and large ones files of about ``target_file_bytes``. Files appear atomically; if the task
fails, the files it wrote are deleted, as DocumentWriter does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.logging import logger

from clearweb.pipeline.core.writer import CONVERSION_ERRORS, schema_for


class PartitionedWriter(PipelineStep):
    type = "💽 - WRITER"
    name = "🗂 Partitioned Parquet"
    stats_key = "partitioned_writer"
    documents_out_stat = "documents"

    def __init__(self, output_folder: str, partition_keys: tuple[str, ...] = ("language", "language_script"),
                 target_file_bytes: int = 256 << 20, max_buffer_bytes: int = 256 << 20):
        super().__init__()
        self.output_folder = output_folder
        self.partition_keys = partition_keys
        self.target_file_bytes = target_file_bytes
        self.max_buffer_bytes = max_buffer_bytes

    def tables(self, rows: list[dict]) -> list[pa.Table]:
        """The rows as one table, or, when their extra columns disagree in type (a key that is a
        number in one input record and text in another), one table per consistent group of rows:
        each becomes its own part, as the document writer rotates parts. A row that fits no schema
        on its own (a contract column holding a value of another type) is skipped, counted as
        ``dropped_schema_mismatch`` and named in the task log."""
        try:
            return [pa.Table.from_pylist(rows, schema=schema_for(rows))]
        except CONVERSION_ERRORS:
            pass
        groups: dict[tuple, list[dict]] = {}
        for row in rows:
            signature = tuple((key, type(value).__name__) for key, value in row.items() if value is not None)
            groups.setdefault(signature, []).append(row)
        tables = []
        for group in groups.values():
            try:
                tables.append(pa.Table.from_pylist(group, schema=schema_for(group)))
            except CONVERSION_ERRORS as exc:
                for row in group:
                    logger.warning(f"document {row.get('id')!r} skipped: its metadata fits no Parquet schema "
                                   f"({' '.join(str(exc).split())[:200]})")
                    self.stat_update("dropped_schema_mismatch")
        return tables

    def partition_of(self, document: Document) -> str:
        return "_".join(str(document.metadata.get(key)) for key in self.partition_keys)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        buffers: dict[str, list[dict]] = defaultdict(list)
        sizes: Counter[str] = Counter()
        buffered = 0
        parts: Counter[str] = Counter()
        written: list[Path] = []

        def write_part(partition: str, table: pa.Table) -> None:
            path = Path(self.output_folder) / partition / f"{rank:05d}_{parts[partition]:04d}.parquet"
            parts[partition] += 1
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial")
            pq.write_table(table, partial, compression="zstd")
            partial.replace(path)
            written.append(path)
            self.stat_update("files")

        def flush(partition: str) -> None:
            nonlocal buffered
            rows = buffers.pop(partition)
            buffered -= sizes.pop(partition)
            for table in self.tables(rows):
                write_part(partition, table)

        # An earlier attempt of this rank (killed, or run with another buffer size) may have written
        # other parts or other partitions: none of them may stay beside this attempt's files.
        for stale in Path(self.output_folder).glob(f"*/{rank:05d}_*.parquet*"):
            stale.unlink()
        try:
            for document in data:
                with self.track_time():
                    partition = self.partition_of(document)
                    row = {"text": document.text, "id": document.id, **document.metadata}
                    size = len(document.text) + 256
                    buffers[partition].append(row)
                    sizes[partition] += size
                    buffered += size
                    self.stat_update("documents")
                    self.stat_update("doc_len", value=len(document.text))
                    if sizes[partition] >= self.target_file_bytes:
                        flush(partition)
                    elif buffered > self.max_buffer_bytes:
                        flush(max(sizes, key=sizes.__getitem__))
                yield document
            for partition in sorted(buffers):
                flush(partition)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise

