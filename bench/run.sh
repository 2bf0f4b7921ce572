#!/bin/sh
# bench/run.sh — HMC throughput next to the memory-bandwidth bound, and the
# weak-scaling efficiency 1 -> 2 ranks, all measured in this one run.
# Run from the build directory: make bench   (or sh bench/run.sh)
set -eu
B=${B:-./bench/bench_hmc}
MPIRUN=${MPIRUN:-mpirun --oversubscribe --allow-run-as-root}
export OPENBLAS_NUM_THREADS=1
echo "== throughput vs bandwidth bound (1 rank) =="
$MPIRUN -n 1 $B -lattice 32,32 -nmd 2000
$MPIRUN -n 1 $B -lattice 2048,2048 -nmd 20
$MPIRUN -n 1 $B -lattice 48,48,48,48 -nmd 20
echo "== weak scaling, in-cache local volume 64x64 per rank =="
one=$($MPIRUN -n 1 $B -lattice 64,64 -nmd 2000 -repeat 9)
two=$($MPIRUN -n 2 $B -lattice 128,64 -nmd 2000 -repeat 9)
echo "$one"; echo "$two"
u1=$(echo "$one" | sed 's/.*sites  \([0-9.e+-]*\) site-updates.*/\1/')
u2=$(echo "$two" | sed 's/.*sites  \([0-9.e+-]*\) site-updates.*/\1/')
awk -v a="$u1" -v b="$u2" 'BEGIN { printf "weak-scaling efficiency 1 -> 2 ranks: %.2f\n", b / (2 * a) }'
