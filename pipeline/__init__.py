"""clearweb.pipeline: the spine of clearweb.

Config schema, the stage graph that turns a config into datatrove pipelines, the executors that run
them, the command-line interface, the fetch/extract stage and the embedded demo crawl. Filters, the
tokenizer and the model know nothing of this package; it knows them only through the stage graph.
"""
