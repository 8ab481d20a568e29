# nekb: `make run` starts the app (building what is missing), `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.nekb-installed
INDEX ?= index
CORPUS ?= corpus
PORT ?= 8501

.PHONY: setup run index test lint format bench fit browser-deps clean

setup: $(STAMP)

# torch first, pinned to the local CPU build, so nothing later pulls the CUDA build and nvidia-* packages.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	@if $(BIN)/pip list 2>/dev/null | grep -qi '^nvidia-'; then \
		echo "error: CUDA packages (nvidia-*) ended up in $(VENV); remove them" >&2; exit 1; fi
	touch $(STAMP)

# Incremental: a no-op when nothing changed. A file that fails to read is reported; the app still
# starts as long as an index exists.
index: setup
	$(BIN)/nekb build --corpus $(CORPUS) --index $(INDEX) || test -f $(INDEX)/CURRENT

run: index
	NEKB_INDEX=$(INDEX) NEKB_CORPUS=$(CORPUS) $(BIN)/streamlit run app.py \
		--server.address 127.0.0.1 --server.port $(PORT) --server.headless true

# Debian's chromium and a CJK font for the real-browser test (root on CI machines; skipped if present).
browser-deps:
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi wqy || \
		{ (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei) \
		>/dev/null || echo "warning: could not install chromium; the browser test will fail" >&2; }

test: setup browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -q

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python benchmarks/run.py

# Refit the sentence ranker (src/nekb/data/ranker.json) on the CMRC 2018 trial set and eval/questions.jsonl,
# printing cross-validated figures. Indexes and e5 vectors are cached in SCRATCH (first run ~10 min).
TRIAL ?= ../shared/eval/cmrc2018-trial
SCRATCH ?= ../scratch-ranker
fit: setup
	$(BIN)/python scripts/make_traditional.py $(TRIAL) $(SCRATCH)/trial-t
	$(BIN)/python scripts/fit_ranker.py --trial $(TRIAL) --traditional $(SCRATCH)/trial-t \
		--scratch $(SCRATCH) --out src/nekb/data/ranker.json

clean:
	rm -rf $(INDEX) .pytest_cache artifacts
