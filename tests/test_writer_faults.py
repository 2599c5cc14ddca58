"""DocumentWriter under faults: metadata that outgrows the file's schema, errors while closing, re-runs."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatrove.data import Document
from datatrove.utils.logging import logger

from clearweb.pipeline.core.writer import SKIPPED, WRITTEN, DocumentWriter


@pytest.fixture
def warnings():
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(message.record["message"]), level="WARNING")
    yield lines
    logger.remove(sink)


def write_all(writer: DocumentWriter, metadatas: list[dict], rank: int = 0) -> None:
    with writer:
        for i, metadata in enumerate(metadatas, 1):
            writer.write(Document(text=f"t{i}", id=str(i), metadata=metadata), rank=rank)


def parts(folder: Path) -> dict[str, pa.Table]:
    return {path.name: pq.read_table(path) for path in sorted(folder.glob("*.parquet"))}


def test_a_key_first_seen_after_the_first_batch_goes_to_a_new_part(tmp_path):
    writer = DocumentWriter(str(tmp_path))  # the default batch of 1,000 rows fixes the first file's schema
    write_all(writer, [{"url": "u"}] * 1000 + [{"url": "u", "dump": "CC-MAIN-2024-51"}] * 5)
    files = parts(tmp_path)
    assert list(files) == ["00000.parquet", "00000_1.parquet"]
    assert files["00000.parquet"].num_rows == 1000 and "dump" not in files["00000.parquet"].column_names
    assert files["00000_1.parquet"].column("dump").to_pylist() == ["CC-MAIN-2024-51"] * 5
    assert files["00000_1.parquet"].column_names == ["text", "id", "url", "dump"]
    assert writer.stats[WRITTEN].total == 1005 and SKIPPED not in writer.stats.stats


def test_an_extra_column_widens_its_type_in_a_new_part(tmp_path):
    writer = DocumentWriter(str(tmp_path), batch_size=2)
    # all-null (stored as string), then integers, then a float: each widening starts a part
    write_all(writer, [{"x": None}, {"x": None}, {"x": 1}, {"x": 2}, {"x": 2.5}, {"x": 3}, {"x": 4}])
    files = parts(tmp_path)
    assert {name: (str(table.schema.field("x").type), table.column("id").to_pylist())
            for name, table in files.items()} == {"00000.parquet": ("string", ["1", "2"]),
                                                  "00000_1.parquet": ("int64", ["3", "4"]),
                                                  "00000_2.parquet": ("double", ["5", "6", "7"])}
    assert files["00000_2.parquet"].column("x").to_pylist() == [2.5, 3.0, 4.0]


def test_values_no_type_can_hold_are_skipped_counted_and_named(tmp_path, warnings):
    writer = DocumentWriter(str(tmp_path), batch_size=2)
    write_all(writer, [{"x": 1}, {"x": 2},
                       {"x": "seven"},                   # text where the column holds numbers
                       {"x": 4, "language_score": "high"},  # the contract says float64
                       {"x": 5, "language_score": 0.9}])
    files = parts(tmp_path)
    assert list(files) == ["00000.parquet", "00000_1.parquet"]  # language_score is a new column
    assert files["00000.parquet"].column("id").to_pylist() == ["1", "2"]
    assert files["00000_1.parquet"].column("id").to_pylist() == ["5"]
    assert (writer.stats[SKIPPED].total, writer.stats[WRITTEN].total) == (2, 3)
    skipped = [line for line in warnings if "skipped" in line]
    assert len(skipped) == 2 and all("\n" not in line for line in skipped)
    assert "document '3'" in skipped[0] and "'x'" in skipped[0]
    assert "document '4'" in skipped[1] and "'language_score'" in skipped[1]


@pytest.mark.parametrize(("method", "failing_call"), [("write_batch", 2), ("close", 1)])
def test_an_error_while_closing_leaves_no_file(tmp_path, monkeypatch, method, failing_call):
    original = getattr(pq.ParquetWriter, method)
    calls = []

    def faulty(self, *args, **kwargs):
        calls.append(method)
        if len(calls) != failing_call:
            return original(self, *args, **kwargs)
        if method == "close":
            original(self)  # the footer is written, then flushing it fails
        raise OSError("No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, method, faulty)
    writer = DocumentWriter(str(tmp_path), batch_size=2)
    with pytest.raises(OSError, match="No space left"):
        write_all(writer, [{"url": "u"}] * 3)  # the third row is written while closing
    assert list(tmp_path.iterdir()) == []


def test_a_failed_task_removes_every_part(tmp_path):
    writer = DocumentWriter(str(tmp_path), batch_size=2)
    with pytest.raises(RuntimeError, match="task died"):
        with writer:
            for i, metadata in enumerate([{"url": "u"}, {"url": "u"}, {"new": 1}, {"new": 2}]):
                writer.write(Document(text="t", id=str(i), metadata=metadata), rank=0)
            assert sorted(path.name for path in tmp_path.iterdir()) == ["00000.parquet", "00000_1.parquet"]
            raise RuntimeError("task died")
    assert list(tmp_path.iterdir()) == []


def test_a_rerun_deletes_every_part_of_its_rank_only(tmp_path):
    for name in ("00000.parquet", "00000_1.parquet", "00000_2.parquet", "00001.parquet", "00001_1.parquet"):
        (tmp_path / name).write_bytes(b"stale")
    writer = DocumentWriter(str(tmp_path))
    list(writer.run(iter([Document(text="t", id="1", metadata={"url": "u"})]), rank=0))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["00000.parquet", "00001.parquet", "00001_1.parquet"]
    assert pq.read_table(tmp_path / "00000.parquet").column("id").to_pylist() == ["1"]


def test_partitioned_writer_splits_rows_whose_extra_columns_disagree(tmp_path):
    from clearweb.pipeline.core.partitioned_writer import PartitionedWriter

    docs = [Document(text=f"t{i}", id=str(i), metadata={"language": "deu", "language_script": "Latn",
                                                           "source_rank": i if i % 2 else f"r{i}"}) for i in range(6)]
    docs.append(Document(text="bad", id="bad", metadata={"language": "deu", "language_script": "Latn",
                                                          "language_score": "high"}))
    writer = PartitionedWriter(str(tmp_path / "out"))
    assert len(list(writer.run(iter(docs), rank=0))) == 7
    files = sorted((tmp_path / "out" / "deu_Latn").glob("*.parquet"))
    ids = sorted(i for f in files for i in pq.read_table(f).column("id").to_pylist())
    assert len(files) == 2 and ids == [str(i) for i in range(6)]
    assert writer.stats["dropped_schema_mismatch"].total == 1
