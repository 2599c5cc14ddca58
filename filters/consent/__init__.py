"""Consent beyond robots.txt rules: every machine-readable AI-training signal of a document, with its
source. IETF aipref ``Content-Usage`` (HTTP header; the robots.txt rule is read by the robots stage),
Cloudflare's ``Content-Signal``, W3C TDMRep (tdmrep.json, HTTP header, HTML meta, in that order of
precedence), ``noai`` robots directives, and the Creative Commons license."""
