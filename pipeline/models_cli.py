"""``clearweb models fetch glotlid [--revision REV]``: download a language-id model into the Hub cache.

Runs only name the model (``language: {model: glotlid}``) and look it up in the cache, so the
download happens once, where there is a network, and is explicit. The file's path and sha256 are
printed: the sha256 is the one the language stage's lineage records for the model.
"""

from __future__ import annotations

import argparse

from clearweb.filters.langid import glotlid
from clearweb.pipeline.core.console import help_text


def cmd_models_fetch(args: argparse.Namespace) -> int:
    from clearweb.pipeline.core.hashing import hash_path

    path = glotlid.fetch(args.revision)
    print(f"{glotlid.NAME} ({glotlid.REPO_ID} {glotlid.FILENAME} at {args.revision}): {path} "
          f"sha256 {hash_path(path)}")
    return 0


def add_models_commands(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="language-id model commands")
    models_sub = models.add_subparsers(dest="models_command", metavar="COMMAND", required=True)
    fetch = models_sub.add_parser("fetch", help="download a language-id model into the Hugging Face cache",
                                  description=help_text(__doc__))
    fetch.add_argument("model", choices=[glotlid.NAME], help="glotlid: GlotLID v3, 1,800+ languages")
    fetch.add_argument("--revision", default=glotlid.DEFAULT_REVISION,
                       help="branch, tag or commit of the model repository (default: main); a run "
                            "uses it with language.model_revision")
    fetch.set_defaults(handler=cmd_models_fetch)
