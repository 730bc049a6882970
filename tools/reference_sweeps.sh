#!/usr/bin/env bash
# Produce the book's reference results: data/sweeps/<budget>/<space>.jsonl for every design space.
#
#   tools/reference_sweeps.sh [BUDGET] [TARGET_N] [STEP]      (defaults: cpu 100 20)
#
# Spaces are run round-robin in steps of STEP models (20, 40, ... TARGET_N), so that an interrupted
# run leaves every space with a similar number of finished models. Each call is the documented CLI
# (`python -m regnet_lab sweep ...`), which resumes a file where it stopped and records every run
# (command, wall time, machine, versions) in data/sweeps/<budget>/manifest.json.
# A smaller n samples a prefix of a larger n with the same seed, so growing n never changes models.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${1:-cpu}
TARGET=${2:-100}
STEP=${3:-20}
WORKERS=${WORKERS:-2}
PY=${PYTHON:-.venv/bin/python}
SPACES=$("$PY" -c "import regnet_lab as rl; print(*rl.design_space_names())")  # all seven, in order
for n in $(seq "$STEP" "$STEP" "$TARGET"); do
  for space in $SPACES; do
    "$PY" -m regnet_lab sweep --space "$space" --n "$n" --budget "$BUDGET" --dataset fashion-mnist \
      --seed 0 --out "data/sweeps/$BUDGET/$space.jsonl" --workers "$WORKERS" --no-progress
  done
done
