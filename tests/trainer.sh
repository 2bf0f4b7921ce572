#!/bin/sh
# The training object (train.h) driven from C (tests/test_train.c), on 1
# and 2 ranks: restart bit for bit, refused restarts naming the setting,
# divergence caught. Needs neither the verb nor h5py.
. "$top_srcdir/tests/tap.sh"
T="$top_builddir/tests/test_train"
$LATDIFF hmc -lattice 8,8 -kappa 0.2 -lambda 0.02 -ntraj 60 -therm 20 -seed 2 -output "$workdir/d.h5" >"$workdir/setup.log" 2>&1 ||
  { cat "$workdir/setup.log"; exit 1; }
check "restart bit for bit, refused restarts, divergence (1 rank)" $T -input "$workdir/d.h5" -dir "$workdir"
check "the same on 2 ranks" mpi 2 $T -input "$workdir/d.h5" -dir "$workdir"
finish
