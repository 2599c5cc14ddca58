"""The Parquet writer every stage uses for kept and removed documents.

It is datatrove's ParquetWriter with four changes that matter at scale:

- flat columns (metadata expanded), zstd, as the data contract says;
- column types from ``contract.COLUMN_TYPES``; keys outside the contract get the type pyarrow
  infers from the first batch (null becomes string), and a key that first appears after the
  schema was fixed raises an error naming it instead of being dropped silently;
- before a task writes, the file an earlier attempt of the same rank left is deleted, so a re-run
  never leaves stale rows beside new ones;
- when the task fails, the files it wrote are deleted. datatrove's writer closes its files on any
  exit, which on failure leaves a valid-looking Parquet file holding part of a shard; the task has
  no completion marker and will be re-run, but a reader globbing the folder would not know that.
"""

from __future__ import annotations

from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.pipeline.writers.parquet import ParquetWriter

from clearweb.pipeline.core.contract import COLUMN_TYPES


class SchemaMismatch(ValueError):
    pass


def schema_for(rows: list[dict[str, Any]]) -> pa.Schema:
    """Contract types for known columns, inferred types for the rest, in first-seen key order."""
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    extra = [key for key in keys if key not in COLUMN_TYPES]  # only these need inferring (not the text)
    inferred = pa.Table.from_pylist([{key: row.get(key) for key in extra} for row in rows]).schema if extra else None
    fields = []
    for key in keys:
        if key in COLUMN_TYPES:
            fields.append(pa.field(key, COLUMN_TYPES[key]))
        else:
            kind = inferred.field(key).type
            fields.append(pa.field(key, pa.string() if pa.types.is_null(kind) else kind))
    return pa.schema(fields)


class DocumentWriter(ParquetWriter):
    """Writes documents as zstd Parquet with flat, contract-typed columns."""

    name = "📒 Parquet (clearweb)"
    stats_key = "parquet_writer"
    documents_out_stat = "total"  # datatrove's writer counts what it wrote as "total"

    def __init__(self, output_folder: str, output_filename: str = "${rank}.parquet", batch_size: int = 1000):
        super().__init__(
            output_folder,
            output_filename=output_filename,
            compression="zstd",
            expand_metadata=True,
            batch_size=batch_size,
            max_file_size=-1,
        )
        self._schemas: dict[str, pa.Schema] = {}
        self._written: set[str] = set()
        self._handles: dict[str, IO] = {}

    def clear_rank(self, rank: int) -> None:
        """Delete this rank's file from an earlier attempt (it might not be rewritten this time)."""
        filename = self.output_filename.substitute({"rank": str(rank).zfill(5)})
        if self.output_folder.exists(filename):
            self.output_folder.rm(filename)

    def run(self, data, rank: int = 0, world_size: int = 1):
        self.clear_rank(rank)
        yield from super().run(data, rank, world_size)

    def _default_adapter(self, document) -> dict:
        data = super()._default_adapter(document)
        # datatrove's BaseFilter stores its drop reason as filter_reason; the contract calls it removed_by.
        if "filter_reason" in data:
            data["removed_by"] = data.pop("filter_reason")
        return data

    def _write(self, document: dict, file_handler: IO, filename: str) -> None:
        self._written.add(filename)
        self._handles[filename] = file_handler
        self._batches[filename].append(document)
        if len(self._batches[filename]) >= self.batch_size:
            self._write_batch(filename)

    def _write_batch(self, filename: str) -> None:
        rows = self._batches.pop(filename, None)
        if not rows:
            return
        if filename not in self._writers:
            schema = schema_for(rows)
            self._schemas[filename] = schema
            self._writers[filename] = pq.ParquetWriter(
                self._handles[filename], schema=schema, compression=self.compression,
                use_content_defined_chunking=self.use_content_defined_chunking,
                write_page_index=self.write_page_index,
            )
        schema = self._schemas[filename]
        for row in rows:
            extra = row.keys() - set(schema.names)
            if extra:
                raise SchemaMismatch(
                    f"{filename}: document {row.get('id')!r} has metadata key(s) {sorted(extra)} "
                    "absent from the file's first batch; declare them in clearweb.pipeline.core.contract"
                )
        self._writers[filename].write_batch(pa.RecordBatch.from_pylist(rows, schema=schema))

    def close(self) -> None:
        # Writers are created at a file's first full batch: flush files that never filled one.
        for filename in list(self._batches):
            self._write_batch(filename)
        super().close()

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        if exc_type is None:
            self.close()
            return
        # Failed task: do not leave complete-looking files behind.
        self._batches.clear()
        try:
            self.close()
        finally:
            for filename in self._written:
                if self.output_folder.exists(filename):
                    self.output_folder.rm(filename)
