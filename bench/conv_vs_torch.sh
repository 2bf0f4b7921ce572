#!/bin/sh
# conv_vs_torch.sh — training throughput and peak memory of `latdiff train
# -net conv` (float32) on 2 ranks against PyTorch doing identical work with 2
# threads (bench/conv_torch.py), measured side by side in one run, and the
# convolutions' GFLOP/s against the single-core SGEMM rate of the same
# OpenBLAS in the same run. Run from the build directory:
#
#   sh bench/conv_vs_torch.sh [C LAYERS L BATCH STEPS]   (default 16 3 32 64 60)
#
# Needs python3-torch and python3-numpy (Debian) besides latdiff.
set -eu
C=${1:-16} LAYERS=${2:-3} L=${3:-32} B=${4:-64} STEPS=${5:-60}
here=$(dirname "$0")
LATDIFF=${LATDIFF:-./latdiff}
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
PY=/usr/bin/python3
work=$(mktemp -d "${TMPDIR:-/tmp}/latdiff-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1

$LATDIFF hmc -lattice "$L,$L" -kappa 0.21 -lambda 0.022 -ntraj $((2 * B + 20)) -therm 20 -output "$work/d.h5" -quiet
# each rank's peak RSS from /usr/bin/time, summed
$MPIRUN -n 2 /usr/bin/time -f "maxrss_kib %M" -o "$work/rss.%q{OMPI_COMM_WORLD_RANK}" \
  $LATDIFF train -input "$work/d.h5" -output "$work/m.h5" -net conv -hidden "$C" -layers "$LAYERS" -batch "$B" \
  -steps "$STEPS" -precision single -progress 1e9 > "$work/train.txt"
ours=$(awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "samples/s") r = $i} END {print r}' "$work/train.txt")
ours_rss=$(cat "$work"/rss.* | awk '/maxrss_kib/ {s += $2} END {printf "%.0f", s / 1024}')
theirs=$(OMP_NUM_THREADS=2 $PY "$here/conv_torch.py" "$C" "$LAYERS" "$L" "$B" "$STEPS" 2)
torch_rate=$(echo "$theirs" | awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "samples/s,") r = $i} END {print r}')
torch_rss=$(echo "$theirs" | awk '{print $(NF - 1)}')
sgemm=$($PY -c "
import numpy as np, time
n = 1024
a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
a @ b
best = 0
for _ in range(5):
    t = time.perf_counter(); a @ b; best = max(best, 2 * n ** 3 / (time.perf_counter() - t))
print(best / 1e9)")
# FLOPs of one training sample: forward 2 V 9 (C + (LAYERS-1) C^2 + C), backward twice that
awk -v ours="$ours" -v theirs="$torch_rate" -v ors="$ours_rss" -v trs="$torch_rss" -v sg="$sgemm" \
  -v C="$C" -v NL="$LAYERS" -v L="$L" -v B="$B" 'BEGIN {
  flop = 3 * 2 * L * L * 9 * (C + (NL - 1) * C * C + C)
  printf "conv net %d x %d on %dx%d, batch %d, float32\n", NL, C, L, L, B
  printf "latdiff train, 2 ranks:  %8.1f samples/s  peak RSS %5d MiB  %6.2f GFLOP/s (%.2f of 2 x SGEMM)\n", ours, ors, ours * flop / 1e9, ours * flop / 1e9 / (2 * sg)
  printf "PyTorch, 2 threads:      %8.1f samples/s  peak RSS %5d MiB  %6.2f GFLOP/s\n", theirs, trs, theirs * flop / 1e9
  printf "ratio latdiff / PyTorch: throughput %.2f, memory %.2f; SGEMM (1 core, n = 1024) %.1f GFLOP/s\n", ours / theirs, ors / trs, sg
}'
