"""The shared base every layer may import: errors, hashing, task files, the data contract,
provenance helpers, the Parquet writers, settings types, the stage record and the stats contract.

It imports nothing else of clearweb, so ``filters/``, ``tokenizer/`` and ``model/`` depend on it and
never on orchestration code.
"""
