#!/bin/sh
# scaling.sh — weak and strong scaling of `latdiff hmc`, as a table.
#
#   LAUNCH="srun --mpi=pmix" sh jobscripts/scaling.sh weak "1 2 4 8" > weak.txt
#   LAUNCH="mpirun"          sh jobscripts/scaling.sh strong "1 2 4" > strong.txt
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
