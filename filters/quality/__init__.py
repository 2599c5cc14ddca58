"""The quality stage: FineWeb-2's quality filters (datatrove's Gopher repetition, FineWeb quality and
Gopher quality) with FineWeb-2's per-language thresholds, and its optional finishing steps."""
