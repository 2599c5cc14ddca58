"""Near-duplicate removal within each language: datatrove's MinHash signature, bucket and cluster
steps, with our survivor lookup and filter, so every removed document names the one kept."""
