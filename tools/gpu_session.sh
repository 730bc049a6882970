#!/usr/bin/env bash
# One lent GPU session (device tool): check, then the gpu reference sweeps for SWEEP_SECONDS.
# Writes $OUT/gpu_sweeps.tar.gz (data/sweeps/gpu) and $OUT/session.log.
set -uo pipefail
export PYTHONUNBUFFERED=1 PYTHON=python3 OMP_NUM_THREADS=1
LOG=$OUT/session.log
exec > >(tee "$LOG") 2>&1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
python3 -c "import torch, torchvision, sys; print(sys.version.split()[0], torch.__version__, torchvision.__version__)"
lscpu | grep "Model name"
# MPS lets the small models of 14 worker processes run on the GPU at once; fall back without it.
export CUDA_MPS_PIPE_DIRECTORY=/tmp/mps CUDA_MPS_LOG_DIRECTORY=/tmp/mpslog
mkdir -p /tmp/mps /tmp/mpslog
check() {  # two tiny models through the CLI with two workers: must finish on the GPU
  rm -f /tmp/check.jsonl
  timeout 150 python3 -m regnet_lab sweep --space RegNetX --n 2 --budget ci --dataset fashion-mnist \
    --seed 0 --out /tmp/check.jsonl --workers 2 --threads 1 --no-progress &&
  python3 -c "
import json; rs=[json.loads(l) for l in open('/tmp/check.jsonl')]
print('check:', [(r['status'], r['error'], r['device'], r['seconds']) for r in rs])
assert len(rs) == 2 and all(r['status'] == 'ok' and r['device'].startswith('cuda') for r in rs)"
}
if [ "${USE_MPS:-1}" = 1 ] && nvidia-cuda-mps-control -d && check; then
  echo "MPS on"
else
  echo quit | nvidia-cuda-mps-control 2>/dev/null; sleep 2
  unset CUDA_MPS_PIPE_DIRECTORY CUDA_MPS_LOG_DIRECTORY
  check || { echo "check failed without MPS too"; exit 1; }
  echo "MPS off"
fi
date; WORKERS=${WORKERS:-2} tools/reference_sweeps_parallel.sh gpu 500 "${SWEEP_SECONDS:-450}" 2>&1 \
  | grep -v "^  \|^Traceback\|^KeyboardInterrupt\|^Process \|^$" ; date
wc -l data/sweeps/gpu/*.jsonl
tar czf "$OUT/gpu_sweeps.tar.gz" data/sweeps/gpu
