"""clearweb.pipeline: the spine of clearweb.

Config schema, the stage graph that turns a config into datatrove pipelines, the executors that run
them, the command-line interface, the fetch/extract stage and the embedded demo crawl. Filters, the
tokenizer and the model know nothing of this package; it knows them only through the stage graph.

The fetch and output steps are importable from here (``from clearweb.pipeline import
HtmlExtractor``), each imported when first named.
"""

from clearweb.pipeline.core.exports import lazy_exports

__all__, __getattr__ = lazy_exports(__name__, {
    "DocumentWriter": "clearweb.pipeline.core.writer",
    "HtmlExtractor": "clearweb.pipeline.extract",
    "PartitionedWriter": "clearweb.pipeline.core.partitioned_writer",
    "ShardReader": "clearweb.pipeline.fetch",
})
