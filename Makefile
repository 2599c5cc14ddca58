# Two commands do all the set-up on a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
TORCH_VERSION ?= 2.13.0
# e.g. https://download.pytorch.org/whl/cpu: the CPU build where PyPI's Linux wheel would pull CUDA libraries
TORCH_INDEX_URL ?=
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/clearweb: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# The CPU build of torch first: an open range would pull the newest CUDA build (several GB).
	$(BIN)/python -m pip install -q "torch==$(TORCH_VERSION)" $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL))
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $@

demo: $(BIN)/clearweb
	$(BIN)/clearweb demo --out demo-out

# pytest exits 5 when it collects no test; that is not a failure of the code under test.
test: $(BIN)/clearweb
	$(BIN)/python -m pytest -q || [ $$? -eq 5 ]

lint: $(BIN)/clearweb
	$(BIN)/ruff check .

bench: $(BIN)/clearweb
	$(BIN)/python -m pip install -q -e ".[dev,bench,heliport]"
	$(BIN)/python benchmarks/bench_fetch.py
	$(BIN)/python benchmarks/bench_robots.py match
	$(BIN)/python benchmarks/bench_robots.py crawl
	$(BIN)/python benchmarks/bench_language.py
	$(BIN)/python benchmarks/bench_langid_accuracy.py
	$(BIN)/python benchmarks/bench_recipe.py
	$(BIN)/python benchmarks/bench_pii.py
	$(BIN)/python benchmarks/bench_toxicity.py
	$(BIN)/python benchmarks/bench_tokenizer.py tokenize
	$(BIN)/python benchmarks/bench_tokenizer.py train
	# GPU figures need a GPU (BENCHMARKS.md); on a CPU this checks the benchmark runs, at the tiny size.
	$(BIN)/python benchmarks/bench_train.py --config configs/train/tiny.yaml --batch 2 --seq 64 --steps 3 --warmup 1

clean:
	rm -rf demo-out runs .pytest_cache
