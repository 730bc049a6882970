#!/usr/bin/env bash
# Produce the populations of the experiments beyond the reference sets (regnet_lab.experiments):
# data/sweeps/<budget>/<experiment>/<space>.jsonl, each with its manifest.json.
#
#   tools/experiment_sweeps.sh [EXPERIMENT ...]      (default: every experiment, in order)
#
# Every line is the package's resumable sweep command, printed by Experiment.command, so an
# interrupted run resumes where it stopped and a finished one is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
BUDGET=${BUDGET:-cpu}
WORKERS=${WORKERS:-2}
"$PY" - "$BUDGET" "$WORKERS" "$@" <<'PY' | while read -r cmd; do echo "+ $cmd"; eval "${cmd/python/$PY}"; done
import sys
import regnet_lab as rl
budget, workers, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for e in rl.experiments():
    if not names or e.name in names:
        for space in e.spaces:
            print(e.command(space, budget=budget, workers=workers))
PY
