#!/bin/sh
# net_vs_torch.sh — training throughput and peak memory of `latdiff train
# -net NET -precision single` on 2 ranks against PyTorch doing identical work
# with 2 threads (bench/torch_nets.py: the same network, loss, optimiser and
# batch), measured side by side in one run, and the convolutions' GFLOP/s
# against the single-core SGEMM rate of the same OpenBLAS in the same run;
# then generation: `latdiff sample -sampler em -steps GEN` of 2 x BATCH
# samples (one batch per rank) against PyTorch's reverse loop on one batch.
# Run from the build directory:
#
#   sh bench/net_vs_torch.sh NET [L BATCH STEPS GEN]   NET: unet, tutorial, conv
#        (defaults: L 32, BATCH 64, STEPS 60, GEN 50; tutorial STEPS 6, GEN 10;
#        conv is 3 x 16)
#
# Needs python3-torch and python3-numpy (Debian) besides latdiff.
set -eu
NET=${1:-unet}
L=${2:-32} B=${3:-64}
case $NET in
tutorial) STEPS=${4:-6} GEN=${5:-10} ;;
*) STEPS=${4:-60} GEN=${5:-50} ;;
esac
here=$(dirname "$0")
LATDIFF=${LATDIFF:-./latdiff}
MPIRUN=${MPIRUN:-mpirun --allow-run-as-root --oversubscribe}
PY=${PYTHON:-${PYTHON:-/usr/bin/python3}}
work=$(mktemp -d "${TMPDIR:-/tmp}/latdiff-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1
sizes=""
[ "$NET" = conv ] && sizes="-hidden 16 -layers 3"

$LATDIFF hmc -lattice "$L,$L" -kappa 0.21 -lambda 0.022 -ntraj $((2 * B + 20)) -therm 20 -output "$work/d.h5" -quiet
# each rank's peak RSS from /usr/bin/time, summed: each rank's shell names
# its own file (mpirun does not expand %q{...} in a program's arguments:
# both ranks used to write one literal file, and the last one counted)
$MPIRUN -n 2 sh -c 'exec /usr/bin/time -f "maxrss_kib %M" -o "$0/rss.$OMPI_COMM_WORLD_RANK" "$@"' "$work" \
  $LATDIFF train -input "$work/d.h5" -output "$work/m.h5" -net "$NET" $sizes -batch "$B" \
  -steps "$STEPS" -precision single -base none -target dsm -augment false -lr 1e-3 -progress 1e9 > "$work/train.txt"
ours=$(awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "samples/s") r = $i} END {print r}' "$work/train.txt")
[ "$(ls "$work"/rss.* | wc -l)" -eq 2 ] || { echo "net_vs_torch.sh: expected one peak-memory file per rank" >&2; exit 1; }
ours_rss=$(cat "$work"/rss.* | awk '/maxrss_kib/ {s += $2} END {printf "%.0f", s / 1024}')
params=$(awk '/parameters;/ {for (i = 1; i < NF; i++) if ($(i + 1) == "parameters;") print $i}' "$work/train.txt")
conv_args=""
[ "$NET" = conv ] && conv_args="16 3"
# the OpenBLAS kernels latdiff ran (blas_kernels.h: on a CPU OpenBLAS does
# not know, latdiff picks them from the CPU's features); PyTorch and the
# SGEMM reference get the same, so that all three use one BLAS
kern=$(sed -n 's/.*OpenBLAS kernels \([A-Za-z0-9]*\).*/\1/p' "$work/train.txt" | head -n 1)
export OPENBLAS_CORETYPE="$kern"
$MPIRUN -n 2 $LATDIFF sample -model "$work/m.h5" -sampler em -steps "$GEN" -nsamples $((2 * B)) \
  -output "$work/g.h5" > "$work/gen.txt"
ours_gen=$(awk -v N=$((2 * B)) '/ samples, .* s; wrote/ {for (i = 1; i < NF; i++) if ($(i + 1) == "s;") t = $i} END {printf "%.2f", N / t}' "$work/gen.txt")
theirs=$(OMP_NUM_THREADS=2 $PY "$here/torch_nets.py" "$NET" "$L" "$B" "$STEPS" 2 "$GEN" $conv_args)
torch_gen=$(echo "$theirs" | awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "generated") r = $i} END {print r}')
torch_rate=$(echo "$theirs" | awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "samples/s,") r = $i} END {print r}')
torch_rss=$(echo "$theirs" | awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "MiB,") r = $i} END {print r}')
torch_params=$(echo "$theirs" | awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "parameters,") r = $i} END {print r}')
flop=$(echo "$theirs" | awk '{for (i = 1; i < NF; i++) if ($(i + 1) == "flop/sample") r = $i} END {print r}')
sgemm=$($PY -c "
import numpy as np, time
n = 1024
a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
a @ b
best = 0
for _ in range(5):
    t = time.perf_counter(); a @ b; best = max(best, 2 * n ** 3 / (time.perf_counter() - t))
print(best / 1e9)")
awk -v ours="$ours" -v theirs="$torch_rate" -v ors="$ours_rss" -v trs="$torch_rss" -v sg="$sgemm" -v flop="$flop" \
  -v net="$NET" -v L="$L" -v B="$B" -v np="$params" -v tp="$torch_params" -v kern="$kern" \
  -v og="$ours_gen" -v tg="$torch_gen" -v gen="$GEN" 'BEGIN {
  printf "-net %s on %dx%d, batch %d, float32; parameters: latdiff %d, PyTorch %d\n", net, L, L, B, np, tp
  printf "latdiff train, 2 ranks:  %8.1f samples/s  peak RSS %5d MiB  %6.2f GFLOP/s (%.2f of 2 x SGEMM)\n", ours, ors, ours * flop / 1e9, ours * flop / 1e9 / (2 * sg)
  printf "PyTorch, 2 threads:      %8.1f samples/s  peak RSS %5d MiB  %6.2f GFLOP/s\n", theirs, trs, theirs * flop / 1e9
  printf "ratio latdiff / PyTorch: throughput %.2f, memory %.2f; SGEMM (1 core, n = 1024, OpenBLAS %s kernels) %.1f GFLOP/s\n", ours / theirs, ors / trs, kern, sg
  printf "generation, %d em steps: latdiff %.2f samples/s, PyTorch %.2f, ratio %.2f\n", gen, og, tg, og / tg
}'
