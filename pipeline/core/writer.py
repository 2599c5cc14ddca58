"""The Parquet writer every stage uses for kept and removed documents.

It is datatrove's ParquetWriter with these changes, which matter at scale:

- flat columns (metadata expanded), zstd, as the data contract says;
- column types from ``contract.COLUMN_TYPES``; keys outside the contract get the type pyarrow
  infers (a column with no value yet is stored as string);
- metadata that outgrows a file's schema does not fail the task (below);
- before a task writes, every file an earlier attempt of the same rank left is deleted, so a re-run
  never leaves stale rows beside new ones;
- when the task fails, or closing its files fails, the files it wrote are deleted. datatrove's
  writer closes its files on any exit, which on failure leaves a valid-looking Parquet file holding
  part of a shard (or, when closing failed, one without its footer); the task has no completion
  marker and will be re-run, but a reader globbing the folder would not know that.

Metadata that outgrows the schema. A Parquet file's schema is fixed by its first batch, yet a key
can first appear at row 1,001 (one only some documents have) and a column can need a wider type (an
integer column meets 2.5, a column without values meets its first). Failing the task loses its
whole shard, and skipping those documents can lose most of it, so the writer widens the schema and
continues in a new part of the rank: ``00000.parquet``, then ``00000_1.parquet``, ``00000_2.parquet``.
Parts only ever widen (a new column; a type holding the old values and the new: int64 to double,
no value yet to any), so a rank has at most one part per widening, and readers already glob every
``*.parquet``. A value that no widening holds (text in a contract float column, text in a column of
numbers) is a producer's bug, not a schema change: that document is skipped, counted as
``dropped_schema_mismatch`` (the report lists it with the removals; for a filter's removed-documents
writer, whose stats datatrove does not record, the log line is the record), and a one-line warning
names the document and the key. ``written`` counts the rows written, the documents this step passes on.
"""

from __future__ import annotations

import os
from collections import Counter
from contextlib import ExitStack
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.pipeline.writers.parquet import ParquetWriter
from datatrove.utils.logging import logger

from clearweb.pipeline.core.contract import COLUMN_TYPES
from clearweb.pipeline.core.stats import DROPPED_PREFIX

#: documents skipped because a metadata value fits no type of its column
SKIPPED = f"{DROPPED_PREFIX}schema_mismatch"
#: rows written to Parquet
WRITTEN = "written"

#: what pyarrow raises when values do not fit a type (shared with the partitioned writer)
CONVERSION_ERRORS = (pa.ArrowException, OverflowError)


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


def _inferred(values: list[Any]) -> pa.DataType | None:
    """The type pyarrow gives these values; None when no one type holds them all."""
    try:
        return pa.array(values).type
    except CONVERSION_ERRORS:
        return None


def _unified(old: pa.DataType, new: pa.DataType | None) -> pa.DataType | None:
    """The narrowest type holding values of both (int64 and double: double); None when none does."""
    if new is None:
        return None
    try:
        schema = pa.unify_schemas([pa.schema([("v", old)]), pa.schema([("v", new)])], promote_options="permissive")
    except CONVERSION_ERRORS:
        return None
    return schema.field("v").type


def _widened(old: pa.DataType, values: list[Any]) -> pa.DataType:
    """``old`` widened to hold as many of the values as a single type can, first come first served."""
    kind = _unified(old, _inferred(values))
    if kind is not None:
        return kind
    kind = old
    for value in values:
        wider = _unified(kind, _inferred([value]))
        if wider is not None:
            kind = wider
    return kind


def _converts(value: Any, kind: pa.DataType) -> bool:
    try:
        pa.array([value], type=kind)
    except CONVERSION_ERRORS:
        return False
    return True


def _column(values: list[Any], kind: pa.DataType) -> tuple[pa.Array, set[int]]:
    """The values as an array of ``kind``, and the indexes of those that do not convert (left null)."""
    try:
        return pa.array(values, type=kind), set()
    except CONVERSION_ERRORS:
        misfits = {i for i, value in enumerate(values) if not _converts(value, kind)}
        return pa.array([None if i in misfits else value for i, value in enumerate(values)], type=kind), misfits


def fit_rows(rows: list[dict[str, Any]], schema: pa.Schema | None,
             unset: frozenset[str]) -> tuple[pa.RecordBatch, dict[int, str], frozenset[str]]:
    """The rows as a batch whose schema is ``schema`` (None: no file yet) widened to hold them.

    ``unset`` names the columns of ``schema`` without a value so far (stored as string, any type may
    replace it). Returns the batch, the rows left out ``{index: key whose value fits no type}``, and
    the columns of the batch's schema still without a value.
    """
    names = dict.fromkeys(schema.names if schema is not None else [])
    for row in rows:
        names.update(dict.fromkeys(row))
    fields, arrays, skipped, still_unset = [], [], {}, set()
    for name in names:
        values = [row.get(name) for row in rows]
        kind = COLUMN_TYPES.get(name)
        if kind is None:
            known = schema is not None and name in schema.names and name not in unset
            kind = _widened(schema.field(name).type if known else pa.null(), values)
            if pa.types.is_null(kind):
                still_unset.add(name)
                kind = pa.string()
        array, misfits = _column(values, kind)
        for index in misfits:
            skipped.setdefault(index, name)
        fields.append(pa.field(name, kind))
        arrays.append(array)
    batch = pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))
    if skipped:
        batch = batch.filter(pa.array([index not in skipped for index in range(len(rows))]))
    return batch, skipped, frozenset(still_unset)


def _part_name(filename: str, part: int) -> str:
    """``00000.parquet`` for part 0, ``00000_<part>.parquet`` after it."""
    stem, extension = os.path.splitext(filename)
    return f"{stem}_{part}{extension}" if part else filename


class DocumentWriter(ParquetWriter):
    """Writes documents as zstd Parquet with flat, contract-typed columns (see the module docstring)."""

    name = "📒 Parquet (clearweb)"
    stats_key = "parquet_writer"
    documents_out_stat = WRITTEN

    def __init__(self, output_folder: str, output_filename: str = "${rank}.parquet", batch_size: int = 1000):
        super().__init__(
            output_folder,
            output_filename=output_filename,
            compression="zstd",
            expand_metadata=True,
            batch_size=batch_size,
            max_file_size=-1,
        )
        # Keyed by the file name datatrove gives (part 0's); each entry is about the rank's current part.
        self._schemas: dict[str, pa.Schema] = {}
        self._unset: dict[str, frozenset[str]] = {}
        self._parts: Counter[str] = Counter()
        self._written: set[str] = set()  # every part opened, to delete if the task fails

    def clear_rank(self, rank: int, subfolder: str = "") -> None:
        """Delete every part of this rank (in ``subfolder`` of the output folder) from an earlier
        attempt: it might not be rewritten this time."""
        filename = subfolder + self.output_filename.substitute({"rank": str(rank).zfill(5)})
        stem, extension = os.path.splitext(filename)
        for stale in [filename, *self.output_folder.glob(f"{stem}_*{extension}")]:
            if self.output_folder.exists(stale):
                self.output_folder.rm(stale)

    def update_doc_stats(self, document) -> None:
        if document.text is not None:  # a page whose extraction was skipped has no text to measure
            super().update_doc_stats(document)

    def run(self, data, rank: int = 0, world_size: int = 1):
        self.clear_rank(rank)
        yield from super().run(data, rank, world_size)

    def _default_adapter(self, document) -> dict:
        data = super()._default_adapter(document)
        if "text" not in data:  # datatrove leaves out empty fields; a page not extracted has text null
            data = {"text": document.text, **data}
        # datatrove's BaseFilter stores its drop reason as filter_reason; the contract calls it removed_by.
        if "filter_reason" in data:
            data["removed_by"] = data.pop("filter_reason")
        return data

    def _write(self, document: dict, file_handler: IO, filename: str) -> None:
        self._written.add(filename)  # datatrove has opened (created) it
        self._batches[filename].append(document)
        if len(self._batches[filename]) >= self.batch_size:
            self._write_batch(filename)

    def _write_batch(self, filename: str) -> None:
        rows = self._batches.pop(filename, None)
        if not rows:
            return
        part = _part_name(filename, self._parts[filename])
        batch, skipped, unset = fit_rows(rows, self._schemas.get(filename), self._unset.get(filename, frozenset()))
        for index, key in skipped.items():
            self.stat_update(SKIPPED)
            kind = batch.schema.field(key).type
            logger.warning(f"{self.output_folder.path}/{part}: skipped document {rows[index].get('id')!r}: "
                           f"its {key!r} is a {type(rows[index][key]).__name__}, the column holds {kind}")
        if filename in self._writers and not batch.num_rows:
            return
        if filename in self._writers and not batch.schema.equals(self._schemas[filename]):
            self._writers.pop(filename).close()
            self._parts[filename] += 1
            part = _part_name(filename, self._parts[filename])
        if filename not in self._writers:
            self._written.add(part)
            self._writers[filename] = pq.ParquetWriter(
                self._get_output_file_with_retry(part), schema=batch.schema, compression=self.compression,
                use_content_defined_chunking=self.use_content_defined_chunking,
                write_page_index=self.write_page_index,
            )
            self._schemas[filename] = batch.schema
        self._unset[filename] = unset
        if batch.num_rows:
            self._writers[filename].write_batch(batch)
            self.stat_update(WRITTEN, value=batch.num_rows)

    def close(self) -> None:
        """Flush the rows still buffered, then close every Parquet writer and file even when a step
        fails: a writer left open leaves a file without its footer (datatrove's close stops at the
        first error)."""
        try:
            for filename in list(self._batches):
                self._write_batch(filename)
        finally:
            with ExitStack() as stack:
                stack.callback(self.output_mg.close)  # runs last: the writers write their footers first
                for writer in self._writers.values():
                    stack.callback(writer.close)
                self._writers.clear()

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        """Close; when the task or the closing failed, delete every part this task opened."""
        failed = exc_type is not None
        if failed:
            self._batches.clear()  # a failed task's last rows are not worth writing
        try:
            self.close()
        except BaseException:
            failed = True
            raise
        finally:
            if failed:  # do not leave complete-looking (or footless) files behind
                for name in self._written:
                    if self.output_folder.exists(name):
                        self.output_folder.rm(name)
