#!/bin/sh
# Free field (lambda = 0): chi2, the propagator G(p) and <exp(-dH)> from HMC
# against the exact values, on lattices split over ranks.
. "$top_srcdir/tests/tap.sh"
F="$top_builddir/tests/test_freefield"
check "2d 16x8 kappa 0.2 (omelyan) on grid 2,1: generate" \
  mpi 2 $LATDIFF hmc -lattice 16,8 -kappa 0.2 -lambda 0 -ntraj 8000 -therm 200 -nmd 8 -seed 11 \
  -proc_grid 2,1 -output "$workdir/ff2.h5"
check "2d: chi2, G(p), <exp(-dH)> exact within 4 sigma" $F -input "$workdir/ff2.h5"
check "4d 4^3x8 kappa 0.1 (leapfrog) on grid 1,1,1,2: generate" \
  mpi 2 $LATDIFF hmc -lattice 8,4,4,4 -kappa 0.1 -lambda 0 -ntraj 4000 -therm 100 -integrator leapfrog -nmd 6 \
  -seed 12 -proc_grid 1,1,1,2 -output "$workdir/ff4.h5"
check "4d: chi2, G(p), <exp(-dH)> exact within 4 sigma" $F -input "$workdir/ff4.h5"
check "2d 4 replicas x 1 rank: generate" \
  mpi 4 $LATDIFF hmc -lattice 8,8 -kappa 0.15 -lambda 0 -ntraj 2000 -therm 100 -replicas 4 -seed 13 \
  -output "$workdir/ffr.h5"
check "replicas: chi2, G(p), <exp(-dH)> exact within 4 sigma" $F -input "$workdir/ffr.h5"
finish
