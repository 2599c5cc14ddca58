"""GlotLID v3 on demand: fetched once into the Hugging Face cache, then found there by name.

The default language-id model, fastText's lid.176, knows 176 languages. GlotLID v3
(``cis-lmu/glotlid``) knows more than 1,800 and answers in the ``xxx_Scrp`` labels FineWeb-2's
per-language thresholds are written for, but its 1.6 GB do not belong in the wheel.
``clearweb models fetch glotlid`` downloads it with huggingface_hub into the Hub cache (``HF_HOME``,
``HF_HUB_CACHE``: shared with every other Hub tool on the machine, and resumable), and
``language: {model: glotlid}`` in a run config resolves to the cached file without a request: a
run never downloads a model behind the user's back, and offline cluster nodes use what a login
node fetched. huggingface_hub reads ``HF_ENDPOINT`` and the cache location when it is imported, so
it is imported here only when a model is fetched or looked up.
"""

from __future__ import annotations

from pathlib import Path

from clearweb.pipeline.core.errors import ClearwebError, InputError, one_line

#: The name a run config uses for the model (``language: {model: glotlid}``).
NAME = "glotlid"
REPO_ID = "cis-lmu/glotlid"
#: GlotLID's current model; the repository also keeps older versions under their own names.
FILENAME = "model.bin"
DEFAULT_REVISION = "main"


class ModelNotCached(ClearwebError):
    """The model is not in the Hub cache: it must be fetched first (exit code 2, like a config error)."""

    exit_code = 2


def fetch_command(revision: str = DEFAULT_REVISION) -> str:
    return f"clearweb models fetch {NAME}" + (f" --revision {revision}" if revision != DEFAULT_REVISION else "")


def fetch(revision: str = DEFAULT_REVISION) -> Path:
    """Download (or find already downloaded) GlotLID's model file at ``revision``, a branch, tag or
    commit; returns its path in the Hub cache. A failed download raises one line (exit code 2)."""
    from huggingface_hub import constants, hf_hub_download

    try:
        return Path(hf_hub_download(REPO_ID, FILENAME, revision=revision))
    except OSError as exc:  # huggingface_hub's HTTP, offline and not-found errors are all OSErrors
        raise InputError(f"cannot fetch {FILENAME} of {REPO_ID} at revision {revision} from "
                         f"{constants.ENDPOINT}: {one_line(exc)}") from None


def cached_path(revision: str = DEFAULT_REVISION) -> Path:
    """The model file of ``revision`` in the Hub cache, found without a network request."""
    from huggingface_hub import constants, try_to_load_from_cache

    found = try_to_load_from_cache(REPO_ID, FILENAME, revision=revision)
    if not isinstance(found, str):  # None, or huggingface_hub's marker for a file known to be missing
        where = "" if revision == DEFAULT_REVISION else f" at revision {revision}"
        raise ModelNotCached(f"language-id model {NAME}{where} is not in the Hugging Face cache "
                             f"({constants.HF_HUB_CACHE}): run `{fetch_command(revision)}`")
    return Path(found)

