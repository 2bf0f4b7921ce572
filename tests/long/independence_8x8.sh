#!/bin/sh
# make check-long: the independence chain on interacting 8x8 phi^4 (kappa
# 0.25, lambda 0.05) against an independent HMC ensemble: <|M|>, chi2, the
# site variance and the action density within 4 combined errors
# (test_agree), for a conv net of 300 training steps and one of 3 (the
# Gaussian base, nearly), 4000 proposals per rank on 2 ranks against 16000
# HMC trajectories. About six minutes on two cores; tests/independence.sh
# runs the same at 4x4 in `make check`.
. "$top_srcdir/tests/tap.sh"
A="$top_builddir/tests/test_agree"
th="-lattice 8,8 -kappa 0.25 -lambda 0.05"
$LATDIFF hmc $th -ntraj 2000 -therm 100 -seed 1 -output "$workdir/train.h5" >/dev/null 2>&1
check "the HMC reference, 16000 trajectories" $LATDIFF hmc $th -ntraj 16000 -therm 100 -seed 2 -output "$workdir/hmc.h5"
for st in 300 3; do
  check "a conv net of $st training steps" $LATDIFF train -input "$workdir/train.h5" -output "$workdir/m$st.h5" -net conv \
    -hidden 4 -layers 1 -base gaussian -steps $st -batch 32
  check "  ... its chains, 4000 proposals on each of 2 ranks" mpi 2 $LATDIFF sample -model "$workdir/m$st.h5" \
    -proposal independence -ntraj 4000 -therm 2 -ts_rtol 1e-3 -ts_atol 1e-3 -output "$workdir/c$st.h5"
  check "  ... agree with HMC within 4 errors" $A -a "$workdir/hmc.h5" -b "$workdir/c$st.h5"
done
finish
