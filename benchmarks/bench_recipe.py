"""Dedup + quality stages against datatrove's blocks wired by hand as FineWeb-2 does, same documents,
same run; and the peak memory of the clustering phase for many documents.

Throughput. Both sides read the same Parquet input (synthetic German-like text labelled
``deu``/``Latn``, score 0.99: one in ten documents a near-duplicate of an earlier one with a few words
changed, one in ten low quality) and run every phase in this process, in order, for rank 0 of a
world of 1 (the bucket phase: its 14 band tasks in turn, both sides; each step's ``run`` chained as datatrove's executor does, without its logging), over
files on disk; the rate is input documents / wall time of the whole sequence (also printed: per CPU
second of the process, which other load on a shared machine disturbs less). One untimed warm-up
of each side on 200 other documents loads spaCy's German tokenizer and the imports first. The
default of 4,000 documents (about 200 words each) keeps the run near four minutes on one core:
spaCy's tokenizer (the signature step and the three filters each split every text) makes both
sides about 120 documents/s/core.

- Ours: the phases ``DedupSettings().phases(ctx)`` and then ``QualitySettings().phases(ctx)`` build
  (called through a ``StageContext`` with tasks=1, partitioned by language, as after the language
  stage): LanguageSignature, MinhashDedupBuckets, CleanCluster, SurvivorLookup, DedupFilter +
  PartitionedWriter (removed documents to a DocumentWriter), then QualityFilter + PartitionedWriter.
- Baseline, as FineWeb-2's pipeline for one language: MinhashDedupSignature(language="deu_Latn") ->
  MinhashDedupBuckets -> MinhashDedupCluster(save_cluster_id, save_cluster_size) ->
  MinhashDedupFilter(load_cluster_ids, load_cluster_sizes) with the same MinhashConfig (5-grams, 14x8,
  64-bit xxhash, seed 1), then GopherRepetitionFilter, FineWebQualityFilter, GopherQualityFilter with
  deu_Latn's FineWeb-2 values, each removal going to an exclusion ParquetWriter, kept documents to a
  ParquetWriter. datatrove's signature step hashes ``str``, which the installed xxhash (4.x) refuses
  ("Strings must be encoded before hashing"), so the baseline's signature step is a two-line subclass
  that encodes the shingle as UTF-8 before the same xxhash64 (what our LanguageSignature does too).
Both readers are ParquetReader with ``add_file_path=False`` (as the stage reader sets it).
Rounds alternate the two sides; the result is the ratio of the medians (target >= 0.9).

Clustering memory. ``--cluster-docs`` documents (default 1M) in 10 signature tasks, 30% of them in
near-duplicate clusters (sizes 2-20, geometric): the bucket phase's ``.dups`` files (one per band,
every cluster matching in a band with probability 0.9, pairs chained as datatrove's bucket step
writes them) and the signature phase's ``ids/<task>.parquet`` (CommonCrawl-like record ids) are
generated with numpy (the signature and bucket phases are not run for them), then each clustering
step runs alone in a fresh interpreter that imports only what it needs, whose peak RSS (``VmHWM``)
is reported with its growth over the RSS after the imports, next to a child that only imports: datatrove's
MinhashDedupCluster (as FineWeb-2: cluster ids and sizes), our CleanCluster (cluster ids) and our
SurvivorLookup (its own phase, after CleanCluster).

    taskset -c 1 python benchmarks/bench_recipe.py [--docs 4000] [--rounds 3] [--cluster-docs 1000000]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from common import ratio, rounds_summary  # noqa: E402
from datatrove.pipeline.dedup.minhash import (  # noqa: E402
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter  # noqa: E402
from datatrove.pipeline.readers import ParquetReader  # noqa: E402
from datatrove.pipeline.writers import ParquetWriter  # noqa: E402
from datatrove.utils.hashing import create_hash_func  # noqa: E402
from datatrove.utils.logging import logger  # noqa: E402

from clearweb.filters.dedup.settings import DedupSettings  # noqa: E402
from clearweb.filters.dedup.signature import IDS_SCHEMA, ids_file  # noqa: E402
from clearweb.filters.langid.fineweb2 import fineweb2_configs  # noqa: E402
from clearweb.filters.quality.settings import QualitySettings  # noqa: E402
from clearweb.pipeline.core.stage import StageContext  # noqa: E402

LABEL = "deu_Latn"

# --- synthetic German-like documents -------------------------------------------------------------

NOUNS_M = ("Hund Baum Tisch Stuhl Markt Bericht Vertrag Plan Weg Garten Lehrer Nachbar Zug Fluss Berg Wagen "
           "Vorschlag Haushalt Bürgermeister Verein Verkehr Erfolg Versuch Termin Kunde Preis Wert Raum").split()
NOUNS_F = ("Stadt Frau Schule Straße Regierung Firma Woche Zeitung Arbeit Familie Kirche Brücke Bahn Küche "
           "Forschung Gemeinde Entscheidung Ausstellung Versammlung Mannschaft Wohnung Meinung Lösung").split()
NOUNS_N = ("Haus Kind Jahr Land Wasser Fenster Projekt Problem Ergebnis Gebäude Konzert Spiel Dorf Museum "
           "Unternehmen Gesetz Krankenhaus Rathaus Wetter Angebot Verfahren Ziel Buch").split()
ADJECTIVES = ("alt neu groß klein schnell langsam wichtig schön einfach schwierig lokal öffentlich jung "
              "modern günstig bekannt ruhig laut sicher frei stark hell dunkel warm kalt").split()
VERBS = ("sieht baut findet plant kauft besucht eröffnet verkauft beschreibt erklärt verlässt erreicht "
         "unterstützt kritisiert übernimmt verändert zeigt nutzt prüft lobt braucht erwartet").split()
PLACES = ("Berlin Hamburg München Köln Leipzig Dresden Bremen Kassel Mainz Freiburg Rostock Trier Ulm Jena "
          "Potsdam Bonn Augsburg Kiel Erfurt Passau").split()
ADVERBS = ("heute gestern morgen bald wieder nun trotzdem deshalb außerdem jedoch tatsächlich kaum "
           "vielleicht bereits immer oft selten").split()
DET = {"m": ("der", "den", "ein", "einen", "dieser", "jeder"), "f": ("die", "eine", "diese", "jede"),
       "n": ("das", "ein", "dieses", "jedes")}
PREPS = ("in", "bei", "aus", "nach", "von", "mit", "für", "über", "neben")


def _noun(rng: random.Random) -> str:
    gender = rng.choice("mfn")
    nouns = {"m": NOUNS_M, "f": NOUNS_F, "n": NOUNS_N}[gender]
    article = rng.choice(DET[gender])
    adjective = f"{rng.choice(ADJECTIVES)}e " if rng.random() < 0.4 else ""
    return f"{article} {adjective}{rng.choice(nouns)}"


TEMPLATES = (
    lambda r: f"{_noun(r).capitalize()} {r.choice(VERBS)} {r.choice(ADVERBS)} {_noun(r)} in {r.choice(PLACES)}.",
    lambda r: f"{r.choice(ADVERBS).capitalize()} {r.choice(VERBS)} {_noun(r)} {_noun(r)}, und {_noun(r)} "
              f"{r.choice(VERBS)} {_noun(r)}.",
    lambda r: f"In {r.choice(PLACES)} {r.choice(VERBS)} {_noun(r)} {r.choice(PREPS)} {_noun(r)} "
              f"{r.randint(2, 95)} Prozent mehr.",
    lambda r: f"Nach Angaben {r.choice(('der Polizei', 'des Vereins', 'der Stadt', 'des Ministeriums'))} "
              f"{r.choice(VERBS)} {_noun(r)} {r.choice(ADVERBS)} {_noun(r)}, weil {_noun(r)} "
              f"{r.choice(ADJECTIVES)} ist.",
    lambda r: f"Ob {_noun(r)} {_noun(r)} {r.choice(VERBS)}, ist {r.choice(ADVERBS)} nicht {r.choice(ADJECTIVES)}.",
)


def good_text(rng: random.Random) -> str:
    paragraphs = [" ".join(rng.choice(TEMPLATES)(rng) for _ in range(rng.randint(2, 5)))
                  for _ in range(rng.randint(3, 7))]
    return "\n".join(paragraphs)


def low_quality_text(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:  # too short
        return rng.choice(TEMPLATES)(rng)
    if kind == 1:  # the same lines over and over
        lines = [rng.choice(TEMPLATES)(rng) for _ in range(3)]
        return "\n".join(rng.choice(lines) for _ in range(rng.randint(12, 30)))
    if kind == 2:  # a menu: many short lines
        return "\n".join(rng.choice(NOUNS_F + NOUNS_M + NOUNS_N + PLACES) for _ in range(rng.randint(60, 120)))
    words = good_text(rng).split()  # symbols and numbers instead of words
    return " ".join(w if rng.random() < 0.5 else rng.choice(("#", "|", "123", "€€", "→", "***")) for w in words)


def near_copy(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(words))
        if rng.random() < 0.5:
            words[i] = rng.choice(ADJECTIVES)
        else:
            del words[i]
    return " ".join(words)


def make_input(n: int, folder: Path, seed: int = 0) -> dict[str, int]:
    """``n`` documents in ``folder/deu_Latn/00000.parquet`` (the language stage's layout and columns)."""
    rng = random.Random(seed)
    texts: list[str] = []
    originals: list[str] = []  # near-duplicates copy good documents
    kinds = {"near_duplicates": 0, "low_quality": 0}
    for _ in range(n):
        roll = rng.random()
        if roll < 0.1 and originals:
            texts.append(near_copy(rng.choice(originals), rng))
            kinds["near_duplicates"] += 1
        elif roll < 0.2:
            texts.append(low_quality_text(rng))
            kinds["low_quality"] += 1
        else:
            texts.append(good_text(rng))
            originals.append(texts[-1])
    table = pa.table({"text": texts, "id": [f"doc-{i:08d}" for i in range(n)], "language": ["deu"] * n,
                      "language_script": ["Latn"] * n, "language_score": [0.99] * n})
    (folder / LABEL).mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / LABEL / "00000.parquet")
    return kinds


# --- running phases ------------------------------------------------------------------------------

def run_phase(steps: list) -> None:
    """One task (rank 0 of 1) of a phase, the steps chained as datatrove's executor chains them."""
    data = None
    for step in steps:
        data = step(data, 0, 1)
    if data is not None:
        deque(data, maxlen=0)


def parquet_rows(folder: Path) -> int:
    return sum(pq.ParquetFile(p).metadata.num_rows for p in folder.rglob("*.parquet"))


def run_ours(input_dir: Path, run_dir: Path) -> tuple[float, float, dict[str, int]]:
    dedup = StageContext(run_dir, "dedup", tasks=1, workers=1, input_dir=input_dir, partitioned=True)
    quality = StageContext(run_dir, "quality", tasks=1, workers=1, input_dir=dedup.dirs.output, partitioned=True)
    started, cpu = time.perf_counter(), time.process_time()
    for ctx, settings in ((dedup, DedupSettings()), (quality, QualitySettings())):
        for phase in settings.phases(ctx):
            for rank in range(phase.tasks):  # the bucket phase has one task per band
                steps = phase.build()
                data = None
                for step in steps:
                    data = step(data, rank, phase.tasks)
                if data is not None:
                    deque(data, maxlen=0)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu_seconds, {"after_dedup": parquet_rows(dedup.dirs.output), "after_quality": parquet_rows(quality.dirs.output)}


class EncodedSignature(MinhashDedupSignature):
    """datatrove's signature step, its shingles encoded as UTF-8 before xxhash (xxhash 4 refuses str)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hash_bytes = create_hash_func(self.config.hash_config, bytes)
        self._hash_func = lambda shingle: hash_bytes(shingle.encode())


def reader(folder: Path) -> ParquetReader:
    step = ParquetReader(str(folder), glob_pattern="**/*.parquet")
    step.add_file_path = False
    return step


def run_datatrove(input_dir: Path, work: Path) -> tuple[float, float, dict[str, int]]:
    config = DedupSettings().minhash()  # the same MinhashConfig
    values = fineweb2_configs()[LABEL]
    sigs, buckets, remove_ids = work / "signatures", work / "buckets", work / "remove_ids"
    deduped, final, removed = work / "deduped", work / "output", work / "removed"
    started, cpu = time.perf_counter(), time.process_time()
    run_phase([reader(input_dir), EncodedSignature(str(sigs), config=config, language=LABEL)])
    for bucket in range(config.num_buckets):
        step = MinhashDedupBuckets(str(sigs), str(buckets), config=config)
        deque(step(None, bucket, config.num_buckets) or (), maxlen=0)
    run_phase([MinhashDedupCluster(str(buckets), str(remove_ids), config=config, save_cluster_id=True,
                                   save_cluster_size=True)])
    run_phase([reader(input_dir),
               MinhashDedupFilter(str(remove_ids), exclusion_writer=ParquetWriter(str(removed / "dedup")),
                                  load_cluster_ids=True, load_cluster_sizes=True),
               ParquetWriter(str(deduped))])
    run_phase([
        reader(deduped),
        GopherRepetitionFilter(
            dup_line_frac=values["dup_line_frac"], dup_para_frac=0, dup_line_char_frac=0, dup_para_char_frac=0,
            top_n_grams=[tuple(p) for p in values["top_n_grams"]], dup_n_grams=[tuple(p) for p in values["dup_n_grams"]],
            language=LABEL, exclusion_writer=ParquetWriter(str(removed / "gopher_rep"))),
        FineWebQualityFilter(
            line_punct_thr=values["line_punct_thr"], short_line_thr=999, new_line_ratio=values["new_line_ratio"],
            char_duplicates_ratio=0.1, language=LABEL, exclusion_writer=ParquetWriter(str(removed / "fineweb_qual"))),
        GopherQualityFilter(
            min_avg_word_length=values["min_avg_word_length"], max_avg_word_length=values["max_avg_word_length"],
            max_non_alpha_words_ratio=values["max_non_alpha_words_ratio"], stop_words=values["stopwords"],
            min_stop_words=2, language=LABEL, exclusion_writer=ParquetWriter(str(removed / "gopher_qual"))),
        ParquetWriter(str(final)),
    ])
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu_seconds, {"after_dedup": parquet_rows(deduped), "after_quality": parquet_rows(final)}


# --- clustering memory ---------------------------------------------------------------------------

CLUSTER_TASKS = 10


def make_cluster_input(n: int, work: Path, seed: int = 0, clustered: float = 0.3) -> dict[str, int]:
    """The bucket phase's ``.dups`` files and the signature phase's ids for ``n`` documents."""
    rng = np.random.default_rng(seed)
    per_task = -(-n // CLUSTER_TASKS)
    members = rng.permutation(n)[: int(n * clustered)]
    sizes = []
    total = 0
    while total < len(members):
        size = min(int(rng.geometric(0.35)) + 1, 20, len(members) - total)
        if size < 2:
            break
        sizes.append(size)
        total += size
    members = members[:total]
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    cluster_of = np.repeat(np.arange(len(sizes)), sizes)
    buckets = work / "buckets"
    buckets.mkdir(parents=True)
    num_buckets = DedupSettings().num_buckets
    order = np.lexsort((members, cluster_of))
    sorted_members, sorted_clusters = members[order], cluster_of[order]
    previous = np.roll(sorted_members, 1)
    is_first = np.zeros(total, dtype=bool)
    is_first[starts] = True
    pairs_total = 0
    for bucket in range(num_buckets):
        matching = rng.random(len(sizes)) < 0.9
        # chain each matching cluster's members in (task, doc) order: (m0, m1), (m1, m2), ... as the
        # bucket step pairs each document with the one before it in a run of equal signatures
        keep = ~is_first & matching[sorted_clusters]
        a, b = previous[keep], sorted_members[keep]
        rows = np.empty((len(a), 4), dtype="<u4")
        rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3] = a // per_task, a % per_task, b // per_task, b % per_task
        (buckets / f"{bucket:05d}_00.dups").write_bytes(rows.tobytes())
        pairs_total += len(a)
    ids_dir = work / "ids"
    raw = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64)
    for task in range(CLUSTER_TASKS):
        lo, hi = task * per_task, min(n, (task + 1) * per_task)
        if lo >= hi:
            break
        ids = [f"<urn:uuid:{x:016x}-{y:016x}>" for x, y in raw[lo:hi].tolist()]
        path = ids_file(ids_dir, task)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"id": ids, "label": [LABEL] * len(ids)}, schema=IDS_SCHEMA), path)
    return {"clustered_docs": total, "clusters": len(sizes), "pairs": pairs_total}


#: a clustering step alone in a fresh interpreter that imports only what the step needs; prints the
#: process's peak RSS (VmHWM) and its RSS before the step ran (after the imports)
CHILD = """
import json, sys, time
from pathlib import Path
from datatrove.utils.logging import logger
from datatrove.pipeline.dedup.minhash import MinhashDedupCluster
from clearweb.filters.dedup.clusters import CleanCluster, SurvivorLookup
from clearweb.filters.dedup.settings import DedupSettings

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024

logger.remove()
which, work, tasks = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
config = DedupSettings().minhash()
steps = {
    "imports": lambda: None,
    "datatrove": lambda: MinhashDedupCluster(str(work / "buckets"), str(work / "dt_clusters"), config=config,
                                             save_cluster_id=True, save_cluster_size=True).run(),
    "ours-cluster": lambda: CleanCluster(str(work / "buckets"), str(work / "clusters"), config=config,
                                         save_cluster_id=True).run(),
    "ours-survivors": lambda: SurvivorLookup(str(work / "clusters"), str(work / "ids"), str(work / "survivors"),
                                             str(work / "counts"), tasks).run(),
}
before = status("VmRSS")
started = time.perf_counter()
steps[which]()
print(json.dumps({"peak_mib": status("VmHWM"), "before_mib": before, "seconds": time.perf_counter() - started}))
"""


def measure_child(which: str, work: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, which, str(work), str(CLUSTER_TASKS)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def clustering_memory(n: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    try:
        started = time.perf_counter()
        made = make_cluster_input(n, work)
        print(f"clustering input: {n:,} documents in {CLUSTER_TASKS} signature tasks, {made['clustered_docs']:,} "
              f"in {made['clusters']:,} clusters, {made['pairs']:,} pairs in {DedupSettings().num_buckets} "
              f".dups files (generated in {time.perf_counter() - started:.0f} s)")
        imports = measure_child("imports", work)
        print(f"- child process that only imports the steps: peak RSS {imports['peak_mib']:,.0f} MiB")
        for which, title in (("datatrove", "datatrove MinhashDedupCluster (cluster ids + sizes, as FineWeb-2)"),
                             ("ours-cluster", "clearweb CleanCluster (cluster ids; phase dedup_clusters)"),
                             ("ours-survivors", "clearweb SurvivorLookup (phase dedup_survivors)")):
            result = measure_child(which, work)
            print(f"- {title}: peak RSS {result['peak_mib']:,.0f} MiB (+{result['peak_mib'] - result['before_mib']:,.0f} "
                  f"MiB over the process after imports), {result['seconds']:.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- main ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4_000, help="documents for the throughput rounds")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cluster-docs", type=int, default=1_000_000, help="documents for the clustering "
                        "memory measurement (0: skip it)")
    args = parser.parse_args()
    logger.remove()  # datatrove's per-step INFO lines (a few per phase, both sides)

    if args.docs and args.rounds:
        root = Path(tempfile.mkdtemp(prefix="bench-recipe-"))
        try:
            kinds = make_input(args.docs, root / "input")
            # warm-up, untimed: imports, spaCy's German tokenizer, FineWeb-2's settings, for both sides
            make_input(200, root / "warm-up", seed=1)
            for name, run in (("ours", run_ours), ("datatrove", run_datatrove)):
                run(root / "warm-up", root / f"warm-up-{name}")
            rates = {"ours": [], "datatrove": []}
            cpu_rates = {"ours": [], "datatrove": []}
            counts = {}
            for i in range(args.rounds):
                sides = [("ours", run_ours), ("datatrove", run_datatrove)]
                for name, run in sides if i % 2 == 0 else sides[::-1]:
                    work = root / f"{name}-{i}"
                    seconds, cpu_seconds, counts[name] = run(root / "input", work)
                    rates[name].append(args.docs / seconds)
                    cpu_rates[name].append(args.docs / cpu_seconds)
                    shutil.rmtree(work, ignore_errors=True)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print(f"documents: {args.docs:,} synthetic deu_Latn ({kinds['near_duplicates']:,} near-duplicates, "
              f"{kinds['low_quality']:,} low quality), {args.rounds} rounds, alternating")
        print(f"kept after dedup / after quality: clearweb {counts['ours']['after_dedup']:,} / "
              f"{counts['ours']['after_quality']:,}; datatrove {counts['datatrove']['after_dedup']:,} / "
              f"{counts['datatrove']['after_quality']:,}")
        ours, theirs = rates["ours"], rates["datatrove"]
        print(f"clearweb dedup (5 phases) + quality stages: {rounds_summary(ours)}")
        print(f"datatrove MinHash (4 phases) + FineWeb-2 quality filters (deu_Latn): {rounds_summary(theirs)}")
        per_round = ", ".join(f"{o / t:.3f}" for o, t in zip(ours, theirs, strict=True))
        print(f"ratio = {ratio(ours, theirs):.3f}  (target >= 0.9; per-round ratios {per_round})")
        ours, theirs = cpu_rates["ours"], cpu_rates["datatrove"]
        per_round = ", ".join(f"{o / t:.3f}" for o, t in zip(ours, theirs, strict=True))
        print(f"per CPU second of this process (less sensitive to other load on the machine): clearweb "
              f"{rounds_summary(ours)}; datatrove {rounds_summary(theirs)}; ratio = {ratio(ours, theirs):.3f} "
              f"(per-round ratios {per_round})")
    if args.cluster_docs:
        clustering_memory(args.cluster_docs)


if __name__ == "__main__":
    main()
