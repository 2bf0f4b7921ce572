#!/bin/sh
# Embedded Ising cluster updates (hmc / langevin -cluster, cluster.h):
# alone, they keep every |phi| and sample the signs' exact law (all 2^V
# patterns enumerated, on 1 and 2 ranks, local extents down to 1);
# clusters merge across every rank face (one cluster wrapping 8 ranks;
# slices that cross every rank of the other directions); with HMC the
# chain reproduces exact results (the d = 1 transfer matrix, the free
# field); the same ensemble on any process grid (bit for bit but for the
# rounding of global sums, 1e-12) and across a restart (exactly).
. "$top_srcdir/tests/tap.sh"
T="$top_builddir/tests/test_cluster"
C="$top_builddir/tests/test_compare"
check "Swendsen-Wang alone on 3x3: |phi| kept, the signs' exact law (512 patterns)" $T -lattice 3,3 -n 200000
check "Wolff alone on 3x3: likewise" $T -lattice 3,3 -n 200000 -kind wolff
check "Swendsen-Wang on 2x4 split over 2 ranks (1,2): the exact law" mpi 2 $T -lattice 2,4 -proc_grid 1,2 -n 100000
check "Wolff on 2x4 over 2 ranks (2,1; boxes of 1x4): the exact law" mpi 2 $T -lattice 2,4 -proc_grid 2,1 -n 100000 \
  -kind wolff
check "one cluster wrapping 8 ranks (4^3 on 2,2,2) flips whole" mpi 8 $T -lattice 4,4,4 -proc_grid 2,2,2 -mode wrap
check "stripes: 8 slices, each across 4 ranks and wrapping, none joined (8x8 on 2,4)" mpi 8 $T -lattice 8,8 \
  -proc_grid 2,4 -mode stripes
check "  ... 3-d 8x8x4 on 1,4,2" mpi 8 $T -lattice 8,8,4 -proc_grid 1,4,2 -mode stripes
check "  ... Wolff on 1 rank" $T -lattice 6,4 -mode stripes -kind wolff
# exact results of the whole chain
H="-kappa 0.45 -lambda 0.022 -ntraj 20000 -therm 200 -seed 4 -quiet"
if $PYTHON -c "import numpy" 2>/dev/null; then
  check "d = 1, L = 16, kappa 0.45: HMC with Swendsen-Wang on 2 ranks" \
    mpi 2 $LATDIFF hmc -lattice 16 $H -cluster swendsen-wang -output "$workdir/d1.h5"
  check "  ... chi2, <phi^2> and the action density equal the transfer matrix's within 4 errors" sh -c "
    $LATDIFF analyze -input '$workdir/d1.h5' -json '$workdir/d1.json' >/dev/null &&
    $PYTHON '$top_srcdir/tests/transfer_matrix.py' '$workdir/d1.json' 16 0.45 0.022"
  check "d = 1: HMC with Wolff after every second trajectory" \
    $LATDIFF hmc -lattice 16 $H -cluster wolff -cluster_every 2 -output "$workdir/d1w.h5"
  check "  ... the transfer matrix's within 4 errors" sh -c "
    $LATDIFF analyze -input '$workdir/d1w.h5' -json '$workdir/d1w.json' >/dev/null &&
    $PYTHON '$top_srcdir/tests/transfer_matrix.py' '$workdir/d1w.json' 16 0.45 0.022"
else
  n=$((n + 1)); echo "ok $n # SKIP python3-numpy not installed"
fi
check "free field 16x8, kappa 0.2, with Swendsen-Wang on 2 ranks" mpi 2 $LATDIFF hmc -lattice 16,8 -kappa 0.2 -lambda 0 \
  -ntraj 4000 -therm 100 -nmd 8 -seed 11 -proc_grid 2,1 -cluster swendsen-wang -output "$workdir/ff.h5" -quiet
check "  ... chi2, G(p), <exp(-dH)> exact within 4 sigma" $top_builddir/tests/test_freefield -input "$workdir/ff.h5"
# the same ensemble on any grid
G="-lattice 16,16 -kappa 0.27 -lambda 0.022 -ntraj 40 -therm 10 -seed 6 -quiet"
check "kappa 0.27 (near critical), Swendsen-Wang: 1 rank" $LATDIFF hmc $G -cluster swendsen-wang -output "$workdir/g1.h5"
check "  ... 4 ranks (2,2)" mpi 4 $LATDIFF hmc $G -cluster swendsen-wang -proc_grid 2,2 -output "$workdir/g4.h5"
check "  ... 8 ranks (2,4)" mpi 8 $LATDIFF hmc $G -cluster swendsen-wang -proc_grid 2,4 -output "$workdir/g8.h5"
check "  ... the same configurations (1e-12)" sh -c "$C -a '$workdir/g1.h5' -b '$workdir/g4.h5' -tol 1e-12 &&
  $C -a '$workdir/g1.h5' -b '$workdir/g8.h5' -tol 1e-12"
check "Wolff on 1 and on 4 ranks (4,1): the same configurations (1e-12)" sh -c "
  $LATDIFF hmc $G -cluster wolff -output '$workdir/w1.h5' && $TESTMPIRUN -n 4 $LATDIFF hmc $G -cluster wolff \
  -proc_grid 4,1 -output '$workdir/w4.h5' && $C -a '$workdir/w1.h5' -b '$workdir/w4.h5' -tol 1e-12"
check "langevin -cluster on 1 and 2 ranks: the same configurations (1e-12)" sh -c "
  $LATDIFF langevin $G -cluster swendsen-wang -output '$workdir/l1.h5' && $TESTMPIRUN -n 2 $LATDIFF langevin $G \
  -cluster swendsen-wang -output '$workdir/l2.h5' && $C -a '$workdir/l1.h5' -b '$workdir/l2.h5' -tol 1e-12"
# restart: stopped after its first trajectory, continued
check "stopped after one trajectory with -cluster, restarted on 2 ranks: the uninterrupted ensemble exactly" sh -c "
  touch '$workdir/r.h5.stop' && $LATDIFF hmc $G -cluster swendsen-wang -checkpoint_every 7 -output '$workdir/r.h5' &&
  rm '$workdir/r.h5.stop' && $TESTMPIRUN -n 2 $LATDIFF hmc $G -cluster swendsen-wang -checkpoint_every 7 -output '$workdir/r.h5' -restart &&
  $C -a '$workdir/g1.h5' -b '$workdir/r.h5' -tol 1e-12"
check_fails "-restart with another -cluster is refused" "cluster" sh -c "
  touch '$workdir/x.h5.stop' && $LATDIFF hmc $G -cluster swendsen-wang -output '$workdir/x.h5' && rm '$workdir/x.h5.stop' &&
  $LATDIFF hmc $G -cluster wolff -output '$workdir/x.h5' -restart"
check_fails "-cluster with kappa < 0 is refused" "-cluster: kappa -0.1 < 0" \
  $LATDIFF hmc -lattice 8,8 -kappa -0.1 -lambda 0.022 -cluster wolff -output "$workdir/bad.h5"
check_fails "an unknown -cluster is refused" "-cluster" \
  $LATDIFF hmc -lattice 8,8 -kappa 0.2 -lambda 0.022 -cluster metropolis -output "$workdir/bad.h5"
check_fails "-cluster_every 0 is refused" "-cluster_every" \
  $LATDIFF hmc -lattice 8,8 -kappa 0.2 -lambda 0.022 -cluster wolff -cluster_every 0 -output "$workdir/bad.h5"
check_fails "-cluster_every without -cluster is refused, not ignored" "-cluster_every: an option of -cluster" \
  $LATDIFF hmc -lattice 8,8 -kappa 0.2 -lambda 0.022 -cluster_every 2 -output "$workdir/bad.h5"
check "no output from refused runs" test ! -e "$workdir/bad.h5"
finish
