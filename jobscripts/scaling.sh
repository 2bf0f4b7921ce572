#!/bin/sh
# scaling.sh — weak and strong scaling of `latdiff hmc`, `train` or
# `sample`, as a table.
#
#   LAUNCH="srun --mpi=pmix" sh jobscripts/scaling.sh weak "1 2 4 8" > weak.txt
#   LAUNCH="mpirun"          sh jobscripts/scaling.sh strong "1 2 4" > strong.txt
#   VERB=train  LAUNCH=mpirun sh jobscripts/scaling.sh weak "1 2"
#   VERB=sample LAUNCH=mpirun sh jobscripts/scaling.sh strong "1 2"
#   VERB=split  LAUNCH=mpirun sh jobscripts/scaling.sh weak "1 2 4"
#
# VERB=split: generation with all ranks on one sample (the network on a
# split lattice, -proc_grid n,1): weak keeps LOCAL rows of LOCAL sites per
# rank (the lattice LOCAL n x LOCAL), strong GLOBAL^2; columns: seconds
# per sample (50 Euler-Maruyama steps), efficiency, and the shares of the
# ghost exchange, the reductions (m, the ODE norms), the convolutions and
# the base's FFT.
#
# VERB=train|sample (data parallel; the conv net on a 32x32 phi^4 ensemble
# the script makes first): weak keeps PER_RANK samples per rank (default 64:
# the global batch, or the generated samples, grow with the ranks), strong
# keeps PER_RANK x (the first rank count) in total. Columns: ranks, global
# batch or samples, samples per second, efficiency (weak: rate_N / (N
# rate_1); strong: the same, at a fixed total).
#
# weak:   each rank keeps a LOCAL^2 block (default 256); the lattice grows.
# strong: the lattice is GLOBAL^2 (default 512) on every rank count.
# Columns: ranks, lattice, local volume, seconds per trajectory, efficiency
# (weak: t1/tN; strong: t1/(N tN)), and the share of the time in each PETSc
# log event (halo exchange, force, field update, reductions, file I/O).
# Set LATDIFF to the binary (default: latdiff on PATH or ./latdiff).
set -eu
mode=${1:?weak or strong}
ranks=${2:-"1 2"}
LAUNCH=${LAUNCH:-mpirun}
LATDIFF=${LATDIFF:-$(command -v latdiff || echo ./latdiff)}
LOCAL=${LOCAL:-256}
GLOBAL=${GLOBAL:-512}
NTRAJ=${NTRAJ:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/latdiff-scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT
export OPENBLAS_NUM_THREADS=1
VERB=${VERB:-hmc}
PER_RANK=${PER_RANK:-64}

# split: every rank on one sample (sample -model -lattice -proc_grid n,1), the
# conv net trained briefly on 32x32 and applied to the larger lattice
if [ "$VERB" = split ]; then
  $LAUNCH -n 1 "$LATDIFF" hmc -lattice 32,32 -kappa 0.26 -lambda 0.022 -ntraj 300 -therm 100 \
    -output "$work/data.h5" -quiet > /dev/null
  $LAUNCH -n 1 "$LATDIFF" train -input "$work/data.h5" -output "$work/model.h5" -steps 20 -quiet > /dev/null 2>&1
  printf '%6s %12s %12s %14s %10s %8s %8s %8s %8s\n' ranks lattice local_volume s_per_sample efficiency halo reduce \
    conv fft
  t1=
  for n in $ranks; do
    if [ "$mode" = weak ]; then Lx=$((LOCAL * n)) Ly=$LOCAL; else Lx=$GLOBAL Ly=$GLOBAL; fi
    $LAUNCH -n "$n" "$LATDIFF" sample -model "$work/model.h5" -lattice "$Lx,$Ly" -proc_grid "$n,1" -nsamples 8 \
      -sampler em -steps 50 -output "$work/g$n.h5" -force -log_view ascii:"$work/log$n.txt" > "$work/out$n.txt"
    tot=$(awk '/ samples, .* s; wrote/ {for (i = 1; i < NF; i++) if ($(i + 1) == "s;") t = $i} END {print t}' \
      "$work/out$n.txt")
    t=$(awk -v a="$tot" 'BEGIN { print a / 8 }')
    [ -n "$t1" ] || t1=$t
    eff=$(awk -v a="$t1" -v b="$t" -v n="$n" -v m="$mode" 'BEGIN { printf "%.3f", m == "weak" ? a / b : a / (n * b) }')
    shares=$(awk -v tot="$tot" '
      $1 == "HaloExchange" {h = $4} $1 == "Reduction" {r = $4} $1 == "ConvForward" {c = $4} $1 == "FFT" {f = $4}
      END { printf "%8.3f %8.3f %8.3f %8.3f", h / tot, r / tot, c / tot, f / tot }' "$work/log$n.txt")
    printf '%6d %12s %12d %14.6e %10s %s\n' "$n" "${Lx}x${Ly}" $((Lx * Ly / n)) "$t" "$eff" "$shares"
  done
  exit 0
fi

# train and sample: samples per second against ranks
if [ "$VERB" != hmc ]; then
  first=${ranks%% *}
  $LAUNCH -n "$first" "$LATDIFF" hmc -lattice 32,32 -kappa 0.21 -lambda 0.022 -nmd 10 -ntraj 1100 -therm 100 \
    -output "$work/data.h5" -quiet > /dev/null
  $LAUNCH -n "$first" "$LATDIFF" train -input "$work/data.h5" -output "$work/model.h5" -net conv -steps 2 -batch 16 \
    -quiet > /dev/null
  printf '%6s %14s %14s %10s\n' ranks samples samples_per_s efficiency
  r1=
  for n in $ranks; do
    if [ "$mode" = weak ]; then total=$((PER_RANK * n)); else total=$((PER_RANK * first)); fi
    if [ "$VERB" = train ]; then
      $LAUNCH -n "$n" "$LATDIFF" train -input "$work/data.h5" -output "$work/m$n.h5" -net conv -steps 20 \
        -batch "$total" -progress 1e9 -force > "$work/out$n.txt"
      rate=$(awk '/ samples\/s / {for (i = 1; i < NF; i++) if ($(i + 1) == "samples/s") r = $i} END {print r}' "$work/out$n.txt")
    else
      $LAUNCH -n "$n" "$LATDIFF" sample -model "$work/model.h5" -sampler em -steps 20 -nsamples "$total" \
        -output "$work/g$n.h5" -force > "$work/out$n.txt"
      rate=$(awk -v N="$total" '/ samples, .* s; wrote/ {for (i = 1; i < NF; i++) if ($(i + 1) == "s;") t = $i} END {printf "%.1f", N / t}' "$work/out$n.txt")
    fi
    [ -n "$r1" ] || r1=$rate
    eff=$(awk -v a="$r1" -v b="$rate" -v n="$n" -v f="$first" 'BEGIN { printf "%.3f", b / (a * n / f) }')
    printf '%6d %14d %14s %10s\n' "$n" "$total" "$rate" "$eff"
  done
  exit 0
fi

# grid for n ranks in 2d: n = px * py with px >= py, both powers of the factorisation
grid() { n=$1; py=1; i=1; while [ $((i * i)) -le "$n" ]; do [ $((n % i)) -eq 0 ] && py=$i; i=$((i + 1)); done; echo "$((n / py)) $py"; }

printf '%6s %12s %12s %14s %10s %8s %8s %8s %8s %8s\n' ranks lattice local_volume s_per_traj efficiency \
  halo force update reduce io
t1=
for n in $ranks; do
  set -- $(grid "$n")
  px=$1 py=$2
  if [ "$mode" = weak ]; then Lx=$((LOCAL * px)) Ly=$((LOCAL * py)); else Lx=$GLOBAL Ly=$GLOBAL; fi
  $LAUNCH -n "$n" "$LATDIFF" hmc -lattice "$Lx,$Ly" -proc_grid "$px,$py" -kappa 0.21 -lambda 0.022 \
    -ntraj 1 -therm 0 -every "$NTRAJ" -nmd 10 -progress 1000 -output "$work/s$n.h5" -force \
    -log_view ascii:"$work/log$n.txt" > "$work/out$n.txt"
  t=$(awk '/^time per trajectory/ {print $4}' "$work/out$n.txt")
  [ -n "$t1" ] || t1=$t
  eff=$(awk -v a="$t1" -v b="$t" -v n="$n" -v m="$mode" 'BEGIN { printf "%.3f", m == "weak" ? a / b : a / (n * b) }')
  total=$(awk '/^time per trajectory/ {print $9}' "$work/out$n.txt")
  shares=$(awk -v tot="$total" '
    $1 == "HaloExchange" {h = $4} $1 == "Force" {f = $4} $1 == "FieldUpdate" {u = $4}
    $1 == "Reduction" {r = $4} $1 == "FileIO" {io = $4}
    END { printf "%8.3f %8.3f %8.3f %8.3f %8.3f", h / tot, f / tot, u / tot, r / tot, io / tot }' "$work/log$n.txt")
  printf '%6d %12s %12d %14.6e %10s %s\n' "$n" "${Lx}x${Ly}" $((Lx * Ly / n)) "$t" "$eff" "$shares"
done
