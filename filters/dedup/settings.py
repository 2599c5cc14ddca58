"""The dedup stage's settings and its five phases (FineWeb-2's MinHash recipe, per language).

1. ``dedup_signatures`` (the stage's tasks): read the language stage's output, write MinHash
   signatures with the language label folded in (``signature.py``) and each task's ids.
2. ``dedup_buckets`` (``num_buckets`` x ``tasks_per_bucket`` tasks): datatrove's bucket step finds
   the pairs of documents sharing a bucket's signature. Its tasks split the hash range, not the
   languages: a big language is spread over all of them. More tasks per bucket help when one
   bucket's signatures take too long to merge; the signature phase's task count is the stage's
   ``tasks`` (each task reads whole files, so more tasks than the language stage's output files
   leaves some idle; the language stage's task count is a good choice).
3. ``dedup_clusters`` (1 task): datatrove's union-find over all pairs.
4. ``dedup_survivors`` (1 task): the id of the document each cluster keeps (``clusters.py``).
5. ``dedup`` (the stage's tasks, as phase 1): keep, annotate and remove (``filter.py``); the output
   stays partitioned by language when a language stage ran.

Each phase has its own completion markers, so a killed run resumes at the phase and tasks that had
not finished; the single-task phases clear their folder before writing, so a re-run after a kill
starts them from nothing. Defaults are FineWeb-2's: 5-gram shingles, 14 buckets of 8 hashes, 64-bit
xxhash.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from datatrove.pipeline.dedup.minhash import MinhashConfig, MinhashDedupBuckets
from datatrove.utils.hashing import HashConfig
from pydantic import Field

from clearweb.filters.dedup.clusters import CleanCluster, SurvivorLookup
from clearweb.filters.dedup.filter import DedupFilter
from clearweb.filters.dedup.signature import LanguageSignature
from clearweb.pipeline.core.partitioned_writer import PartitionedWriter
from clearweb.pipeline.core.stage import BuildsPhases, Phase, StageContext
from clearweb.pipeline.core.writer import DocumentWriter


class DedupSettings(BuildsPhases):
    """MinHash near-duplicate removal within each language label (FineWeb-2's defaults)."""

    n_grams: int = Field(5, ge=1, description="words per shingle")
    num_buckets: int = Field(14, ge=1, description="LSH bands: two documents are candidates when one band matches")
    hashes_per_bucket: int = Field(8, ge=1, description="hashes per band")
    precision: Literal[32, 64] = Field(64, description="bits per hash")
    hash_function: Literal["xxhash", "sha1"] = "xxhash"
    seed: int = Field(1, description="seed of the MinHash permutations")
    tasks_per_bucket: int = Field(1, ge=1, description="bucket phase tasks per band (they split its hash range)")

    execution_keys: ClassVar[frozenset[str]] = frozenset({"tasks", "workers", "tasks_per_bucket"})

    def minhash(self) -> MinhashConfig:
        return MinhashConfig(n_grams=self.n_grams, num_buckets=self.num_buckets,
                             hashes_per_bucket=self.hashes_per_bucket, seed=self.seed,
                             hash_config=HashConfig(precision=self.precision, hash_fc=self.hash_function))

    def phases(self, ctx: StageContext) -> list[Phase]:
        work = ctx.dirs.root / "minhash"
        signatures, ids, buckets = work / "signatures", work / "ids", work / "buckets"
        clusters, survivors = work / "clusters", work / "survivors"
        config = self.minhash()

        def filter_phase():
            output = PartitionedWriter(str(ctx.dirs.output)) if ctx.partitioned else DocumentWriter(str(ctx.dirs.output))
            return [ctx.reader(),
                    DedupFilter(str(survivors), str(ids), exclusion_writer=DocumentWriter(str(ctx.dirs.removed))),
                    output]

        return [
            ctx.phase(lambda: [ctx.reader(), LanguageSignature(str(signatures), str(ids), config)],
                      name="dedup_signatures", logs=signatures / "logs"),
            ctx.phase(lambda: [MinhashDedupBuckets(str(signatures), str(buckets), config=config)],
                      name="dedup_buckets", logs=buckets / "logs", tasks=self.num_buckets * self.tasks_per_bucket),
            ctx.phase(lambda: [CleanCluster(str(buckets), str(clusters), config=config, save_cluster_id=True)],
                      name="dedup_clusters", logs=work / "cluster_logs", tasks=1),
            ctx.phase(lambda: [SurvivorLookup(str(clusters), str(ids), str(survivors),
                                              str(ctx.dirs.logs / "clusters"), ctx.tasks)],
                      name="dedup_survivors", logs=work / "survivor_logs", tasks=1),
            ctx.phase(filter_phase),
        ]
