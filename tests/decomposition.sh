#!/bin/sh
# The same seed gives the same ensemble, to 1e-12, on 1, 2 and 4 ranks and
# on any process grid (interacting phi^4, both integrators).
. "$top_srcdir/tests/tap.sh"
C="$top_builddir/tests/test_compare"
run() { np=$1; out=$2; shift 2
  mpi "$np" $LATDIFF hmc -lattice 8,12 -kappa 0.25 -lambda 0.02 -ntraj 40 -therm 10 -every 2 -seed 5 \
    -output "$workdir/$out" "$@"; }
check "1 rank"                    run 1 r1.h5
check "2 ranks, grid 2,1"         run 2 r2a.h5 -proc_grid 2,1
check "2 ranks, grid 1,2"         run 2 r2b.h5 -proc_grid 1,2
check "4 ranks, grid 2,2"         run 4 r4.h5 -proc_grid 2,2
check "4 ranks, grid 4,1"         run 4 r4b.h5 -proc_grid 4,1
check "grid 2,1 equals 1 rank"    $C -a "$workdir/r1.h5" -b "$workdir/r2a.h5" -tol 1e-12
check "grid 1,2 equals 1 rank"    $C -a "$workdir/r1.h5" -b "$workdir/r2b.h5" -tol 1e-12
check "grid 2,2 equals 1 rank"    $C -a "$workdir/r1.h5" -b "$workdir/r4.h5" -tol 1e-12
check "grid 4,1 equals 1 rank"    $C -a "$workdir/r1.h5" -b "$workdir/r4b.h5" -tol 1e-12
runl() { np=$1; out=$2; shift 2
  mpi "$np" $LATDIFF hmc -lattice 4,4,6 -kappa 0.18 -lambda 0.1 -ntraj 20 -therm 5 -integrator leapfrog -seed 6 \
    -replicas 2 -output "$workdir/$out" "$@"; }
check "3d leapfrog, 2 replicas on 2 ranks" runl 2 l2.h5
check "3d leapfrog, 2 replicas on 4 ranks" runl 4 l4.h5 -proc_grid 1,1,2
check "replicas: 4 ranks equal 2 ranks"    $C -a "$workdir/l2.h5" -b "$workdir/l4.h5" -tol 1e-12
# the progress line is a collective sum: its timing is rank 0's decision,
# not each rank's own clock (which made ranks call different collectives)
check "frequent progress lines on 4 ranks with replicas" mpi 4 $LATDIFF hmc -lattice 8,8 -replicas 4 -ntraj 2000 \
  -therm 0 -progress 0.001 -output "$workdir/prog.h5"
finish
