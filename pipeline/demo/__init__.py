"""The embedded demo: a small multilingual web crawl written by us, packed as Common Crawl-style WARC
shards and served by a loopback HTTP server, so the whole pipeline runs offline in minutes."""
