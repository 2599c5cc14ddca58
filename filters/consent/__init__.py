"""License and text-and-data-mining opt-outs: Creative Commons detection, TDMRep reservations
(HTML, HTTP headers and the origin's /.well-known/tdmrep.json) and noai directives."""
