"""What the report says about the fetch stage: every record the shards held and where it went.

The funnel counts documents; a crawl's losses happen before there is one (request and metadata
records, redirects and errors, non-HTML payloads, corrupt records, pages without main text). This
section turns the reader's and the extractor's counters into one account: records read, then each
reason a record did not become a document, then documents extracted; pages whose extraction was
skipped because a later stage removes them (``SkipExtraction``) are documents out, without text.
"""

from __future__ import annotations

from clearweb.pipeline.core.stage import StageView
from clearweb.pipeline.extract import SKIPPED_PREFIX, HtmlExtractor, SkipExtraction
from clearweb.pipeline.fetch import ShardReader

#: reader counters that are not records (the rest, besides documents, are skip reasons)
_NOT_RECORDS = {"shards", "documents"}
#: extractor counters that are not documents lost
_NOT_LOST = {"total", "forwarded", "doc_len", "dropped"}


def fetch_report(view: StageView) -> dict:
    reader = {key: int(value) for key, value in view.stats(ShardReader.stats_key).items()}
    extractor = {key: int(value) for key, value in view.stats(HtmlExtractor.stats_key).items()}
    skipped = {key: value for key, value in sorted(reader.items())
               if key not in _NOT_RECORDS and not key.startswith("decoded_")}
    not_extracted = {key: value for key, value in sorted(extractor.items()) if key not in _NOT_LOST}
    documents = reader.get("documents", 0)
    skipped_for = {key.removeprefix(SKIPPED_PREFIX): int(value)
                   for key, value in sorted(view.stats(SkipExtraction.stats_key).items())
                   if key.startswith(SKIPPED_PREFIX)}
    return {"extraction_skipped": skipped_for, "shards": reader.get("shards", 0), "records": documents + sum(skipped.values()),
            "skipped": skipped, "documents_read": documents, "not_extracted": not_extracted,
            "documents": documents - sum(not_extracted.values()),
            "decoded": {key.removeprefix("decoded_"): value for key, value in reader.items()
                        if key.startswith("decoded_")}}
