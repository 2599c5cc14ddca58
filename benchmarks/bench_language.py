"""Language stage throughput against datatrove's LanguageFilter(backend="ft176"), same docs, same run.

Ours: LanguageLabeler with the default identifier (lid.176 with our script detection and label
mapping, CLD2 and langid.py voting when lid.176 is unsure; top_langs) followed by the
PartitionedWriter writing language-partitioned Parquet. Baseline: datatrove's LanguageFilter with the
same lid.176 model, pre-placed in its asset cache (a temporary HF_HOME) so nothing is downloaded.
Documents are built from the demo corpus (20 languages, 9 scripts), 4-10 sentences each.

    python benchmarks/bench_language.py [--docs 20000] [--rounds 3]

datatrove's LanguageFilter refuses to run without the ``fasttext-numpy2-wheel`` distribution, while
clearweb depends on fasttext-predict only (one build, issue 23): install datatrove's build apart and
put it first on the path, both sides then use it:

    pip install --no-deps --target /tmp/ftnp fasttext-numpy2-wheel==0.9.2
    cd benchmarks && PYTHONPATH=/tmp/ftnp python bench_language.py
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

HF_HOME = tempfile.mkdtemp(prefix="bench-hf-")
os.environ["HF_HOME"] = HF_HOME  # before datatrove/huggingface_hub read it

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import docs_per_second, ratio, rounds_summary  # noqa: E402
from datatrove.data import Document  # noqa: E402
from datatrove.io import cached_assets_path, strip_protocol  # noqa: E402
from datatrove.pipeline.filters import LanguageFilter  # noqa: E402
from datatrove.utils.lid import FT176LID  # noqa: E402

from clearweb.filters.langid.filter import LanguageLabeler  # noqa: E402
from clearweb.filters.langid.identifier import default_model_path  # noqa: E402
from clearweb.filters.langid.stage import LanguageSettings  # noqa: E402
from clearweb.pipeline.core.partitioned_writer import PartitionedWriter  # noqa: E402
from clearweb.pipeline.demo.corpus import LANGUAGES  # noqa: E402


def place_datatrove_model() -> None:
    """Put lid.176.ftz where datatrove's FT176LID looks for its download, marked complete."""
    folder = cached_assets_path(library_name="datatrove", namespace="lid", subfolder=FT176LID.MODEL_SUBFOLDER)
    target = Path(folder) / strip_protocol(FT176LID.MODEL_URL).replace("/", "_")  # as datatrove names it
    shutil.copyfile(default_model_path(), target)
    Path(f"{target}.completed").touch()


def make_documents(n: int) -> list[Document]:
    rng = random.Random(0)
    banks = list(LANGUAGES.values())
    docs = []
    for i in range(n):
        bank = rng.choice(banks)
        sentences = [s for topic in bank.topics for s in topic.sentences]
        docs.append(Document(text=" ".join(rng.choices(sentences, k=rng.randint(4, 10))), id=str(i), metadata={}))
    return docs


def copies(docs: list[Document]) -> list[Document]:
    return [Document(text=d.text, id=d.id, metadata={}) for d in docs]


def run_ours(docs: list[Document], out: str) -> float:
    labeler = LanguageLabeler(LanguageSettings().identifier(), threshold=0.65)
    writer = PartitionedWriter(out)
    labeler.identifier.load()  # load the models outside the timed part, as for the baseline
    return docs_per_second(lambda data: writer.run(labeler.run(data)), docs)


def run_datatrove(docs: list[Document]) -> float:
    step = LanguageFilter(backend="ft176", language_threshold=0.65, languages=None)
    step.model.predict(Document(text="warm up", id="warm-up"))  # load the model outside the timed part
    return docs_per_second(step.run, docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    place_datatrove_model()
    docs = make_documents(args.docs)
    ours, theirs = [], []
    try:
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory() as out:
                ours.append(run_ours(copies(docs), out))
            theirs.append(run_datatrove(copies(docs)))
    finally:
        shutil.rmtree(HF_HOME, ignore_errors=True)
    print(f"clearweb language stage (+script detection, +partitioned writing): {rounds_summary(ours)}")
    print(f"datatrove LanguageFilter(ft176): {rounds_summary(theirs)}")
    print(f"ratio = {ratio(ours, theirs):.3f}  (target >= 0.9)")


if __name__ == "__main__":
    main()
