#!/usr/bin/env bash
# Reference sweeps of all seven design spaces at once, for a machine with many cores or a GPU:
#
#   tools/reference_sweeps_parallel.sh [BUDGET] [TARGET_N] [SECONDS]     (defaults: gpu 500 0)
#
# One documented CLI sweep per space runs concurrently (WORKERS worker processes each, default 2,
# one torch thread each); on a GPU all of them share the device, which small models leave mostly
# idle when trained one at a time. With SECONDS > 0 every sweep is stopped after that long with
# SIGINT (what Ctrl-C does): finished models are kept, the manifest records the partial run, and
# the same command later continues where each space stopped. Spaces then end with similar n.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET=${1:-gpu}
TARGET=${2:-500}
SECONDS_LIMIT=${3:-0}
WORKERS=${WORKERS:-2}
PY=${PYTHON:-.venv/bin/python}
SPACES=$("$PY" -c "import regnet_lab as rl; print(*rl.design_space_names())")  # all seven, in order
mkdir -p "data/sweeps/$BUDGET"
pids=()
for space in $SPACES; do
  cmd=("$PY" -m regnet_lab sweep --space "$space" --n "$TARGET" --budget "$BUDGET"
       --dataset fashion-mnist --seed 0 --out "data/sweeps/$BUDGET/$space.jsonl"
       --workers "$WORKERS" --threads 1 --no-progress)
  if [ "$SECONDS_LIMIT" -gt 0 ]; then
    timeout --signal=INT --kill-after=60 "$SECONDS_LIMIT" "${cmd[@]}" &
  else
    "${cmd[@]}" &
  fi
  pids+=($!)
done
status=0
for pid in "${pids[@]}"; do
  wait "$pid" || { rc=$?; [ "$rc" -eq 124 ] || [ "$rc" -eq 130 ] || status=$rc; }
done
exit "$status"
