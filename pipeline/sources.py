"""Turn the config's input specs into one ordered list of shards, and open a shard for reading.

The list is resolved in the process that launches the run, kept in the fetch stage's lineage at
its first start and handed to every task; task ``rank`` of ``world_size`` reads
``shards[rank::world_size]``. A resume reads the recorded list, so a resumed or re-submitted task
reads exactly the files it read before, and a list that changed since (a new, missing or replaced
shard) is refused before any job is submitted.

Shards may be local paths (globs too), http(s) URLs (downloaded through the cache by
``HttpFetcher``) or any fsspec path such as ``s3://`` or ``hf://`` (streamed through fsspec).
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO, ClassVar, Literal

import fsspec
from pydantic import Field, ValidationInfo, field_validator, model_validator

from clearweb.pipeline.core.errors import ConfigError, InputError, InputMissing
from clearweb.pipeline.core.settings import StrictModel, checks_files, is_remote
from clearweb.pipeline.download import HttpFetcher

_GLOB_CHARS = re.compile(r"[*?\[]")
_COMPRESSION_SUFFIXES = (".gz", ".zst", ".bz2", ".xz")
_FORMAT_SUFFIXES = {".warc": "warc", ".arc": "warc", ".jsonl": "jsonl", ".json": "jsonl",
                    ".ndjson": "jsonl", ".parquet": "parquet"}


class InputSpec(StrictModel):
    """One source of shards: a file, glob or URL, a paths file, or a Common Crawl crawl id."""

    # The mirror serving a crawl or paths file: shards are identified by their paths-file entry.
    execution_keys: ClassVar[frozenset[str]] = frozenset({"base_url"})

    path: str | None = None
    paths_file: str | None = None
    crawl: str | None = Field(None, pattern=r"^CC-MAIN-[A-Za-z0-9-]+$")
    base_url: str | None = None
    format: Literal["warc", "jsonl", "parquet"] | None = None
    html: bool | None = Field(None, description="text is HTML to extract; default: true for warc only")
    text_key: str = "text"
    id_key: str = "id"
    max_files: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_location(self) -> InputSpec:
        given = [name for name in ("path", "paths_file", "crawl") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of path, paths_file or crawl")
        if self.crawl and not self.base_url:
            self.base_url = "https://data.commoncrawl.org/"
        if self.crawl and self.format not in (None, "warc"):
            raise ValueError("a crawl id lists WARC files; format must be warc")
        return self

    @field_validator("path", "paths_file")
    @classmethod
    def _local_file_exists(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value or is_remote(value) or not checks_files(info):
            return value
        local = value.removeprefix("file://")
        if not _GLOB_CHARS.search(value):
            if not os.path.exists(local):
                raise ValueError("file not found")
        elif not glob.glob(local, recursive=True):
            raise ValueError("no file matches this pattern")
        return value


@dataclass(frozen=True)
class Shard:
    """One input file and how to read it. ``name`` identifies it in ``source_file`` and generated
    ids: the paths-file entry for Common Crawl-style inputs (``crawl-data/CC-MAIN-.../x.warc.gz``,
    the same whichever mirror or port served it, so outputs are reproducible), else the location."""

    location: str
    format: str
    html: bool
    text_key: str = "text"
    id_key: str = "id"
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.location)


def infer_format(location: str) -> str | None:
    name = location.rsplit("/", 1)[-1].lower()
    for suffix in _COMPRESSION_SUFFIXES:
        name = name.removesuffix(suffix)
    return _FORMAT_SUFFIXES.get(os.path.splitext(name)[1])


def is_http(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _expand_path(path: str) -> list[str]:
    if is_http(path):
        return [path]
    if is_remote(path):
        fs, _, paths = fsspec.get_fs_token_paths(path)
        return sorted(fs.unstrip_protocol(p) for p in paths)
    local = path.removeprefix("file://")
    if _GLOB_CHARS.search(local):
        return sorted(os.path.abspath(p) for p in glob.glob(local, recursive=True) if os.path.isfile(p))
    return [os.path.abspath(local)]


def _join(base_url: str | None, entry: str) -> str:
    if base_url is None or is_remote(entry) or os.path.isabs(entry):
        return entry
    return base_url.rstrip("/") + "/" + entry.lstrip("/")


def read_paths_file(location: str, fetcher: HttpFetcher) -> list[str]:
    """Lines of a (possibly gzipped) paths file such as Common Crawl's ``warc.paths.gz``."""
    try:
        with open_shard(location, fetcher) as raw:
            data = raw.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"{location}: cannot read paths file: {exc}") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def resolve_shards(specs: list[InputSpec], fetcher: HttpFetcher, source: str = "config",
                   listing: str = "warc.paths.gz") -> list[Shard]:
    """Expand every input spec into shards, in config order; a shard listed twice is an error.
    A crawl id lists ``crawl-data/<crawl>/<listing>`` (``robotstxt.paths.gz``: its robots.txt files)."""
    shards: list[Shard] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(specs):
        key = f"stages.fetch.inputs[{index}]"
        if spec.path:
            entries = [(location, location) for location in _expand_path(spec.path)]
        else:
            paths_file = spec.paths_file or f"{spec.base_url.rstrip('/')}/crawl-data/{spec.crawl}/{listing}"
            entries = [(_join(spec.base_url, line), line) for line in read_paths_file(paths_file, fetcher)]
        if spec.max_files:
            entries = entries[: spec.max_files]
        if not entries:
            raise ConfigError(source, key, "matches no file")
        for location, name in entries:
            fmt = spec.format or infer_format(location)
            if fmt is None:
                raise ConfigError(source, f"{key}.format", f"cannot infer the format of {location}; set format")
            if location in seen:
                raise ConfigError(source, key, f"{location} is also listed by inputs[{seen[location]}]")
            seen[location] = index
            html = spec.html if spec.html is not None else fmt == "warc"
            shards.append(Shard(location, fmt, html, spec.text_key, spec.id_key, name))
    return shards


def shard_record(shard: Shard) -> dict[str, Any]:
    """A shard as the fetch stage's lineage keeps it: where, how to read it, and (for local files)
    its size and modification time, so a shard replaced between runs is noticed."""
    record: dict[str, Any] = asdict(shard)
    if not is_remote(shard.location):
        stat = os.stat(shard.location.removeprefix("file://"))
        record |= {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return record


def shard_from_record(record: dict[str, Any]) -> Shard:
    return Shard(**{name: record[name] for name in ("location", "format", "html", "text_key", "id_key", "name")})


@contextmanager
def open_shard(location: str, fetcher: HttpFetcher) -> Iterator[BinaryIO]:
    """Open a shard as a raw binary stream (decompression is the reader's business)."""
    if is_http(location):
        path = fetcher.fetch(location)
        with open(path, "rb") as handle:
            yield handle
    elif is_remote(location):
        with fsspec.open(location, "rb") as handle:
            yield handle
    else:
        try:
            handle = open(location.removeprefix("file://"), "rb")
        except FileNotFoundError:
            raise InputMissing(f"{location}: file not found") from None
        with handle:
            yield handle


def decompressing(raw: BinaryIO, location: str) -> BinaryIO:
    """Wrap ``raw`` in the decompressor its name implies (for JSONL; WARC readers handle gzip)."""
    name = location.lower()
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw)
    if name.endswith(".zst"):
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw))
    if name.endswith(".bz2"):
        import bz2

        return bz2.BZ2File(raw)  # type: ignore[return-value]
    if name.endswith(".xz"):
        import lzma

        return lzma.LZMAFile(raw)  # type: ignore[return-value]
    return raw
