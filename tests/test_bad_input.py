"""Bad inputs from issue 13: each ends as documents plus counted, named skips, never as a crash,
a silently lost record or a document cut short. Inputs come from ``tests.fault_injection``."""

import gzip
import json
import tracemalloc

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatrove.executor import LocalPipelineExecutor

from clearweb.pipeline.core.errors import InputError
from clearweb.pipeline.download import HttpFetcher
from clearweb.pipeline.fetch import ShardReader
from clearweb.pipeline.sources import Shard
from tests.fault_injection import (
    append_garbage,
    cut_at_blank_line,
    damage_member,
    jsonl_with_long_line,
    pages,
    record_bytes,
    shift_content_length,
    utf8_with_bad_bytes,
    write_parts,
)
from tests.helpers import read_shards as read
from tests.helpers import write_warc

MB = 1 << 20


def peak_memory(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# 3. A UTF-8 page with a few bad bytes stays UTF-8.

def test_mostly_utf8_page_is_not_decoded_as_a_legacy_charset(tmp_path):
    path = write_warc(tmp_path / "u.warc.gz", [utf8_with_bad_bytes("utf-8"), utf8_with_bad_bytes(None),
                                               utf8_with_bad_bytes("iso-8859-1")])
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert len(docs) == 3
    for doc in docs:
        assert "Plähne für Bürger" in doc.text and "Straßenfest" in doc.text
        assert doc.text.count("\ufffd") == 2
    assert stats["decoded_mostly_utf8"] == 3


# 4. A wrong Content-Length is detected at the record boundary.

WRONG_LENGTHS = {
    "short": lambda record: shift_content_length(record, -7),  # cuts the text mid-word
    "long": lambda record: shift_content_length(record, 7),  # runs into the next record's header
    "swallowing": lambda record: shift_content_length(record, 2500),  # takes in the next record whole
    "short_to_a_blank_line": cut_at_blank_line,  # the bytes after it look like a record end
}


@pytest.mark.parametrize("members", [True, False])
@pytest.mark.parametrize("fault", WRONG_LENGTHS)
def test_wrong_content_length_is_counted_and_never_cuts_a_document(tmp_path, task_log, members, fault):
    originals = pages(5)
    originals[1]["body"] = originals[1]["body"].replace("<footer>", "\r\n\r\n<footer>")
    parts = record_bytes(tmp_path, originals)
    parts[1] = WRONG_LENGTHS[fault](parts[1])
    path = write_parts(tmp_path / ("l.warc.gz" if members else "l.warc"), parts, members)
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert [d.metadata["url"] for d in docs] == [originals[i]["url"] for i in (0, 2, 3, 4)]
    for doc in docs:
        assert doc.text == next(p["body"] for p in originals if p["url"] == doc.metadata["url"])
    assert stats["corrupt_record"] == 1 and "input_corrupt" not in stats
    assert any(f"{path}: record at byte " in line and "p/1" in line for line in task_log)
    with pytest.raises(InputError, match=rf"{path.name}: record at byte \d+ \(https://blog.example.co.uk/p/1\)"):
        read([Shard(str(path), "warc", True)], tmp_path, on_bad_input="fail")


# 5. Caps on line length and on the bytes scanned for the next record; memory stays bounded.

def test_overlong_jsonl_line_is_skipped_in_bounded_memory(tmp_path, task_log):
    path = jsonl_with_long_line(tmp_path / "long.jsonl", 50 * MB)
    (docs, stats), peak = peak_memory(lambda: read([Shard(str(path), "jsonl", False)], tmp_path,
                                                   max_line_bytes=MB))
    assert [d.id for d in docs] == ["a", "c"]
    assert stats["skipped_line_too_long"] == 1
    assert any(f"{path}: line 2: longer than" in line for line in task_log)
    assert peak < 8 * MB


@pytest.mark.parametrize("members", [True, False])
def test_garbage_after_a_record_keeps_the_record_in_bounded_memory(tmp_path, task_log, members):
    path = write_parts(tmp_path / ("g.warc.gz" if members else "g.warc"), record_bytes(tmp_path, pages(1)), members)
    append_garbage(path, 50 * MB)
    (docs, stats), peak = peak_memory(lambda: read([Shard(str(path), "warc", True)], tmp_path,
                                                   max_gap_bytes=MB))
    assert len(docs) == 1 and stats["input_corrupt"] == 1
    assert any(f"{path}: unreadable after record 0" in line for line in task_log)
    assert peak < 16 * MB


@pytest.mark.parametrize("members", [True, False])
def test_garbage_between_records_is_skipped_to_the_next_record(tmp_path, members):
    parts = record_bytes(tmp_path, pages(3))
    path = write_parts(tmp_path / ("b.warc.gz" if members else "b.warc"), parts[:2], members)
    append_garbage(path, 100_000)
    with open(path, "ab") as handle:
        handle.write(gzip.compress(parts[2]) if members else parts[2])
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path, max_gap_bytes=MB)
    assert len(docs) == 3 and stats["corrupt_record"] == 1


# 6. A record that does not fit the data contract is skipped, not the shard.

def test_records_off_contract_are_skipped_and_the_shard_kept(tmp_path, task_log):
    jsonl = tmp_path / "c.jsonl"
    lines = [{"text": "eins", "id": "1", "url": "https://a.example.de/1"},
             {"text": "zwei", "id": "2", "url": 12345},
             {"text": 3, "id": "3"},
             {"text": "vier", "id": 4.5},
             {"text": "fünf", "id": "5", "language_score": "high"},
             {"text": "sechs", "id": "6", "url": "https://a.example.de/6"}]
    jsonl.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    parquet = tmp_path / "c.parquet"
    pq.write_table(pa.table({"text": ["a", "b"], "id": ["p1", "p2"], "url": [1, 2]}), parquet)
    docs, stats = read([Shard(str(jsonl), "jsonl", False), Shard(str(parquet), "parquet", False)], tmp_path)
    assert [d.id for d in docs] == ["1", "6"]
    assert stats["invalid_record"] == 6
    assert any(f"{jsonl}: line 2: url" in line for line in task_log)
    assert any(f"{parquet}: record 1: url" in line for line in task_log)


def test_skip_warnings_are_capped_per_shard_and_reason(tmp_path, task_log):
    jsonl = tmp_path / "many.jsonl"
    jsonl.write_text("{broken\n" * 25 + '{"text": "ok", "id": "1"}\n')
    docs, stats = read([Shard(str(jsonl), "jsonl", False)], tmp_path)
    assert len(docs) == 1 and stats["invalid_record"] == 25
    lines = [line for line in task_log if str(jsonl) in line]
    assert len(lines) == 21 and lines[-1].strip() == f"{jsonl}: 5 more invalid_record not logged"


# 7. Parquet without the text column is a one-line error naming the file and the column.

def test_parquet_without_the_text_column(tmp_path, task_log):
    parquet = tmp_path / "n.parquet"
    pq.write_table(pa.table({"content": ["a", "b"], "id": ["1", "2"]}), parquet)
    good = write_warc(tmp_path / "ok.warc.gz", pages(1))
    docs, stats = read([Shard(str(parquet), "parquet", False), Shard(str(good), "warc", True)], tmp_path)
    assert len(docs) == 1 and stats["input_missing_column"] == 1 and "skipped_empty_text" not in stats
    assert [line.strip() for line in task_log if str(parquet) in line] == [
        f"{parquet}: no column 'text' (columns: content, id); set text_key (skipped; on_bad_input=skip)"]
    with pytest.raises(InputError, match=r"n\.parquet: no column 'text'"):
        read([Shard(str(parquet), "parquet", False)], tmp_path, on_bad_input="fail")


# 8. A damaged gzip member costs its own record only.

@pytest.mark.parametrize("damaged", [0, 2, 4])
def test_damaged_gzip_member_costs_only_its_record(tmp_path, task_log, damaged):
    originals = pages(5)
    members = [gzip.compress(part, mtime=0) for part in record_bytes(tmp_path, originals)]
    members[damaged] = damage_member(members[damaged])
    path = tmp_path / "m.warc.gz"
    path.write_bytes(b"".join(members))
    docs, stats = read([Shard(str(path), "warc", True)], tmp_path)
    assert [d.metadata["url"] for d in docs] == [p["url"] for i, p in enumerate(originals) if i != damaged]
    if damaged == 4:  # nothing follows the last member: the end of the file is unreadable
        assert stats["input_corrupt"] == 1 and "corrupt_record" not in stats
    else:
        assert stats["corrupt_record"] == 1 and "input_corrupt" not in stats
        assert any(f"{path}: gzip member at byte " in line for line in task_log)


# 12. Bad-input warnings reach the task's log file.

def test_bad_input_warnings_reach_the_task_log(tmp_path):
    jsonl = tmp_path / "w.jsonl"
    jsonl.write_text('{"text": "ok", "id": "1"}\n{broken\n')
    reader = ShardReader([Shard(str(jsonl), "jsonl", False), Shard(str(tmp_path / "gone.jsonl"), "jsonl", False)],
                         HttpFetcher(tmp_path / "cache"))
    LocalPipelineExecutor([reader], tasks=1, workers=1, logging_dir=str(tmp_path / "logs")).run()
    log = (tmp_path / "logs" / "logs" / "task_00000.log").read_text()
    assert f"{jsonl}: line 2: invalid JSON" in log
    assert f"{tmp_path / 'gone.jsonl'}: file not found" in log


def test_integer_ids_become_their_decimal_string(tmp_path):
    jsonl = tmp_path / "ints.jsonl"
    jsonl.write_text('{"id": 7, "text": "seven"}\n{"id": true, "text": "not an id"}\n')
    docs, stats = read([Shard(str(jsonl), "jsonl", False)], tmp_path)
    assert [doc.id for doc in docs] == ["7"] and stats["invalid_record"] == 1
