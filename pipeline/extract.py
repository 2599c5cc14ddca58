"""HTML main-text extraction with trafilatura, plus the compliance signals of the page.

Each page is parsed once with lxml: the signals (robots/TDM meta tags, license links) are read
from the tree, then trafilatura extracts the main text from the same tree, precision-oriented as
FineWeb configures it. Extraction runs in datatrove's ExtractorSandbox, a child process with a
per-document timeout, so one pathological page cannot stall a task. The child must not outlive its
task: the sandbox closes it when the step's generator is closed (the runner collects a failed
task's generators at once), and on Linux the kernel kills it when the task's process dies (killed,
or a pool worker terminated after another task failed), where it would otherwise wait forever on a
pipe whose other end it holds itself.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
from functools import partial
from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.extractors.base import ExtractorSandbox
from datatrove.pipeline.filters.base_filter import BaseFilter, get_filter_result
from datatrove.utils.typeshelper import StatHints

from clearweb.pipeline.core.contract import EXTRACTED, NOT_EXTRACTED
from clearweb.pipeline.core.writer import DocumentWriter
from clearweb.pipeline.fetch import HTML_FLAG
from clearweb.pipeline.signals import empty_signals, html_signals, merge_signals

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent() -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux; elsewhere a no-op).

    SIGKILL, because the child may be stuck in lxml's C code, where no Python-level watcher would
    run. The kernel's "parent" is the thread that started the child: the task's, which drives the
    step's generator to its end. If the parent died before the request took effect, exit now."""
    if not sys.platform.startswith("linux"):
        return
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)


class ParentBoundSandbox(ExtractorSandbox):
    """datatrove's ExtractorSandbox whose child process dies with the process that started it."""

    def _worker(self, conn, extract_fn):
        die_with_parent()
        super()._worker(conn, extract_fn)


def extract_page(html: str, url: str | None, favour_precision: bool = True,
                 deduplicate: bool = False) -> tuple[str | None, dict[str, Any], bool]:
    """Main text and HTML signals of one page, and whether trafilatura's duplicate check dropped
    it; (None, empty signals, False) when it does not parse.

    trafilatura's ``deduplicate`` remembers paragraphs for the life of the process, so what it
    drops depends on which pages shared the task: off by default (near-duplicates are the dedup
    stage's job). When on, a page it drops is extracted once more without the check, so that the
    drop is told apart from a page without main text.
    """
    import trafilatura
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return None, empty_signals(), False
    signals = html_signals(tree, url)
    options = {"favor_precision": favour_precision, "include_comments": False}
    text = trafilatura.extract(tree, deduplicate=deduplicate, **options)
    duplicate = bool(deduplicate and not text and trafilatura.extract(load_html(html), deduplicate=False, **options))
    return text, signals, duplicate


class HtmlExtractor(PipelineStep):
    """Replaces HTML documents' text by their main text and records their signals; other
    documents pass through untouched."""

    type = "🛢 - EXTRAC"
    name = "⛏ Trafilatura + signals"
    stats_key = "html_extractor"

    def __init__(self, favour_precision: bool = True, deduplicate: bool = False, timeout_s: float = 5.0):
        super().__init__()
        self.favour_precision = favour_precision
        self.deduplicate = deduplicate
        self.timeout_s = timeout_s

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        extract = partial(extract_page, favour_precision=self.favour_precision, deduplicate=self.deduplicate)
        with ParentBoundSandbox(timeout=self.timeout_s, warmup_text=("<html></html>", None)) as sandbox:
            for document in data:
                if not document.metadata.pop(HTML_FLAG, False):
                    yield document
                    continue
                self.stat_update(StatHints.total)
                url = document.metadata.get("url")
                with self.track_time():
                    try:
                        text, signals, duplicate = sandbox.process_document((document.text, url), extract)
                    except TimeoutError:
                        self.stat_update("timeout")
                        log.warning("extraction timed out after %ss: %s", self.timeout_s, url)
                        continue
                    except EOFError:
                        self.stat_update("broken_process")
                        log.warning("extraction process died (out of memory?): %s", url)
                        continue
                    except Exception as exc:  # trafilatura/lxml raise many types on broken pages
                        self.stat_update("extraction_error")
                        log.warning("extraction failed for %s: %s", url, " ".join(str(exc).split())[:200])
                        continue
                if not text:
                    self.stat_update("extract_duplicate" if duplicate else "no_main_text")
                    continue
                document.text = text
                document.metadata["signals"] = merge_signals(document.metadata.get("signals") or empty_signals(),
                                                             signals)
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(document)
                yield document


#: stats of ``SkipExtraction``: pages it kept from extraction, per the stage whose filter decided
SKIPPED_PREFIX = "not_extracted_"


class SkipExtraction(PipelineStep):
    """Asks a later stage's filter about each HTML page before extraction: a page it will remove
    is not extracted. Such a page goes on with ``text`` None and ``extracted: False`` (the writer
    puts it in ``output/not_extracted/``), and the later stage removes it and records why, as it
    would have after extraction. Extraction costs about a hundred times what a decision from the
    URL costs (the robots.txt opt-outs), so every page the filter removes is that much saved.

    The filter judges a copy: what it records in a document (its evidence, consent statements)
    is the later stage's to record, once. Non-HTML documents pass untouched (nothing to save)."""

    type = "🛢 - EXTRAC"
    name = "⏭ Skip extraction"
    stats_key = "skip_extraction"

    def __init__(self, decider: BaseFilter, stage: str):
        super().__init__()
        self.decider = decider
        self.stage = stage

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for document in data:
            if document.metadata.get(HTML_FLAG):
                with self.track_time():
                    probe = Document(text="", id=document.id, metadata=dict(document.metadata))
                    kept, _ = get_filter_result(self.decider.filter(probe))
                if not kept:
                    self.stat_update(f"{SKIPPED_PREFIX}{self.stage}")
                    document.text = None
                    del document.metadata[HTML_FLAG]
                    document.metadata[EXTRACTED] = False
            yield document


class PageWriter(DocumentWriter):
    """The fetch stage's writer: pages whose extraction was skipped go to ``not_extracted/`` inside
    the output folder (``not_extracted/00000.parquet``), the rest where every stage writes. Both
    count as the stage's output (the later stage reads both, its reader globbing the folder); the
    extracted documents' files keep the columns they would have without the skipped pages."""

    def _get_output_filename(self, document: Document, rank: int | str = 0, **kwargs) -> str:
        filename = super()._get_output_filename(document, rank, **kwargs)
        return f"{NOT_EXTRACTED}/{filename}" if document.text is None else filename

    def clear_rank(self, rank: int) -> None:
        super().clear_rank(rank)
        super().clear_rank(rank, f"{NOT_EXTRACTED}/")
