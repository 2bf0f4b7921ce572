#!/bin/sh
# The network on a split lattice (sample -model -proc_grid): weak and strong
# scaling of generation, the share of time in the ghost exchange, the
# reductions and the convolutions (PETSc's -log_view events), and the peak
# memory per rank, of generation and of training (train -proc_grid: the
# split lattice against whole samples data parallel).
#
#   sh bench/split.sh [DIR]          (default bench-split; about 6 minutes on 2 cores)
#
# The model: the main job's network (conv, 16 channels, -base gaussian),
# trained 200 steps on 32x32 (the weights do not change the cost), applied
# to larger lattices with -lattice. Generation runs Euler-Maruyama at 50
# fixed steps, so every run does the same work. Weak scaling: 64x64 per
# rank (64x64 on 1 rank, 128x64 on 2); strong: 256x256 on 1 and 2 ranks.
# Efficiency = t(1 rank) / t(2 ranks) (weak) and t(1) / (2 t(2)) (strong),
# t the wall time of the sampler per sample, both runs in this script.
set -eu
dir=${1:-bench-split}
LATDIFF=${LATDIFF:-./latdiff}
MPI="mpirun --oversubscribe --allow-run-as-root"
export OPENBLAS_NUM_THREADS=1
mkdir -p "$dir"
q() { "$@" >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }; }
[ -e "$dir/train32.h5" ] || q $LATDIFF hmc -lattice 32,32 -kappa 0.26 -lambda 0.022 -therm 200 -ntraj 600 -seed 7 \
  -output "$dir/train32.h5" -quiet
[ -e "$dir/model32.h5" ] || q $LATDIFF train -input "$dir/train32.h5" -output "$dir/model32.h5" -steps 200 -quiet

# run NP L0,L1 N: generation of N samples on NP ranks in slabs; prints
# seconds per sample, the events' shares and the largest RSS of a rank (kB)
run() {
  np=$1 lat=$2 n=$3
  $MPI -n "$np" /usr/bin/time -f "rss_kb %M" $LATDIFF sample -model "$dir/model32.h5" -lattice "$lat" -nsamples "$n" \
    -sampler em -steps 50 -seed 3 -proc_grid "$np$(echo "$lat" | sed 's/^[0-9]*//; s/[0-9][0-9]*/1/g')" -force \
    -output "$dir/gen.h5" -log_view >"$dir/run.log" 2>&1 || { cat "$dir/run.log"; exit 1; }
  awk -v n="$n" -v np="$np" -v lat="$lat" '
    / samples, / && /s; wrote/ { for (i = 2; i <= NF; i++) if ($i == "s;") t = $(i - 1) }
    $1 == "HaloExchange" { halo = $4 } $1 == "Reduction" { red = $4 } $1 == "ConvForward" { conv = $4 }
    $1 == "FFT" { fft = $4 } /^rss_kb/ { if ($2 > rss) rss = $2 }
    END { printf "%-8s %2d rank(s): %8.4f s/sample  ghosts %4.1f%%  reductions %4.1f%%  convolutions %4.1f%%  FFT %4.1f%%  peak RSS %6.0f MB/rank\n",
            lat, np, t / n, 100 * halo / t, 100 * red / t, 100 * conv / t, 100 * fft / t, rss / 1024
          print t / n > "/dev/stderr"; print rss > "'"$dir/rss"'" }' "$dir/run.log" 2>"$dir/t"
}
echo "weak scaling, 64x64 per rank:"
run 1 64,64 8; t1=$(cat "$dir/t")
run 2 128,64 8; t2=$(cat "$dir/t")
echo "  efficiency 1 -> 2 ranks: $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.2f", a / b }')"
echo "strong scaling, 256x256:"
run 1 256,256 2; s1=$(cat "$dir/t")
run 2 256,256 2; s2=$(cat "$dir/t")
echo "  efficiency 1 -> 2 ranks: $(awk -v a="$s1" -v b="$s2" 'BEGIN { printf "%.2f", a / (2 * b) }')"
echo "memory per rank against its local volume (the batch is 1 sample above 256^2 sites):"
run 1 256,256 1; m1=$(cat "$dir/rss")
run 1 512,512 1; m2=$(cat "$dir/rss")
run 2 512,512 1
awk -v a="$m1" -v b="$m2" 'BEGIN { s = (b - a) * 1024 / (512 * 512 - 256 * 256)
  printf "  %.0f bytes per local site; a 128 GB node of 128 ranks (%.0f MB each at 256^2 sites) holds about %.0f sites: %.0f^2\n",
    s, a / 1024, (128e9 - 128 * (a * 1024 - s * 65536)) / s, sqrt((128e9 - 128 * (a * 1024 - s * 65536)) / s) }'

# train NP B [GRID]: 20 steps on 256x256 data, batch B (the whole batch, over
# the groups), on NP ranks, split by GRID if given; prints seconds per step
# (the loss and gradient, the gradient allreduce and AdamW: -log_view's
# largest rank), the shares of ghosts and allreduce, and the largest RSS.
# Above 32^2 the network takes one sample per pass (its arena is the one
# of 32^2), so memory follows the local volume, not the batch.
train() {
  np=$1 b=$2 grid=${3:-}
  $MPI -n "$np" /usr/bin/time -f "rss_kb %M" $LATDIFF train -input "$dir/train256.h5" -output "$dir/m.h5" -force -steps 20 \
    -batch "$b" ${grid:+-proc_grid $grid} -log_view >"$dir/run.log" 2>&1 || { cat "$dir/run.log"; exit 1; }
  awk -v np="$np" -v b="$b" -v grid="${grid:-whole}" '
    $1 == "TrainLossGrad" || $1 == "AdamW" { t += $4 } $1 == "GradAllreduce" { t += $4; ar = $4 }
    $1 == "HaloExchange" { halo = $4 } /^rss_kb/ { if ($2 > rss) rss = $2 }
    END { printf "%2d rank(s), grid %-5s batch %2d: %7.3f s/step  ghosts %4.1f%%  allreduce %4.1f%%  peak RSS %6.0f MB/rank\n",
            np, grid, b, t / 20, 100 * halo / t, 100 * ar / t, rss / 1024
          print t / 20 > "/dev/stderr"; print rss > "'"$dir/rss"'" }' "$dir/run.log" 2>"$dir/t"
}
[ -e "$dir/train256.h5" ] || q $LATDIFF hmc -lattice 256,256 -kappa 0.26 -lambda 0.022 -therm 10 -ntraj 16 -seed 7 \
  -output "$dir/train256.h5" -quiet
echo "training on 256x256 (the same network), 20 steps:"
train 1 8; a1=$(cat "$dir/t"); r1=$(cat "$dir/rss")
train 2 8 2,1; a2=$(cat "$dir/t"); r2=$(cat "$dir/rss")
train 2 8; a3=$(cat "$dir/t")
echo "  efficiency 1 -> 2 ranks: split lattice $(awk -v a="$a1" -v b="$a2" 'BEGIN { printf "%.2f", a / (2 * b) }')," \
  "data parallel $(awk -v a="$a1" -v b="$a3" 'BEGIN { printf "%.2f", a / (2 * b) }')"
# every rank of a group holds the group's shard of the data whole (and
# the libraries' ~85 MB): at this size that, not the activations, sets
# the training's memory
awk -v a="$r1" -v b="$r2" 'BEGIN { printf "  training peak RSS per rank: whole %.0f MB, split over 2 ranks %.0f MB\n", a / 1024, b / 1024 }'
