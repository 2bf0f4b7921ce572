#!/bin/sh
# Fourier-accelerated HMC (hmc -mass fourier, hmc_tune.h): exact on the
# free field with the free mass and with the measured, fitted and frozen
# one (chi2, G(p) and <exp(-dH)> = 1 within 4 sigma, with Swendsen-Wang
# too) and with one measured on another run's ensemble; the same ensemble
# on 1, 2 and 4 ranks (1e-12), with a jittered trajectory length and an
# adapted step count; a restart after the spectrum was measured repeats the
# uninterrupted run exactly; the frozen propagator and step count are in
# the ensemble file; refusals.
. "$top_srcdir/tests/tap.sh"
C="$top_builddir/tests/test_compare"
F="$top_builddir/tests/test_freefield"
ff="-lattice 16,8 -kappa 0.2 -lambda 0 -ntraj 3000 -therm 100 -seed 11 -quiet"
# the free field's 1 / G = 2 kappa (phat^2 + (1 - 2 d kappa) / kappa): m2 = 1 at kappa 0.2 in d = 2
check "free field 16x8, -mass fourier -mass_propagator free (m2 = 1: the exact mass), tau = pi/2, 4 steps, 2 ranks" \
  mpi 2 $LATDIFF hmc $ff -mass fourier -mass_propagator free -mass_m2 1 -tau 1.5708 -nmd 4 -output "$workdir/free.h5"
check "  ... chi2, G(p), <exp(-dH)> exact within 4 sigma" $F -input "$workdir/free.h5"
check "free field, the measured mass (fitted, frozen at therm/2), Swendsen-Wang, 2 ranks" \
  mpi 2 $LATDIFF hmc $ff -mass fourier -tau 1.5708 -nmd 6 -cluster swendsen-wang -output "$workdir/meas.h5"
check "  ... chi2, G(p), <exp(-dH)> exact within 4 sigma" $F -input "$workdir/meas.h5"
check "free field, the propagator measured on another run's ensemble (-mass_propagator FILE), 2 ranks" \
  mpi 2 $LATDIFF hmc $ff -seed 12 -mass fourier -mass_propagator "$workdir/free.h5" -tau 1.5708 -nmd 4 \
  -output "$workdir/file.h5"
check "  ... chi2, G(p), <exp(-dH)> exact within 4 sigma" $F -input "$workdir/file.h5"
# the same chain on any slab decomposition
G="-lattice 16,16 -kappa 0.26 -lambda 0.022 -ntraj 30 -therm 40 -seed 6 -mass fourier -tau 1.5 -nmd 5 -tau_jitter 0.3 \
  -target_acceptance 0.9 -quiet"
check "kappa 0.26, measured mass, jittered length, adapted steps: 1 rank" $LATDIFF hmc $G -output "$workdir/g1.h5"
check "  ... 2 ranks (2,1)" mpi 2 $LATDIFF hmc $G -proc_grid 2,1 -output "$workdir/g2.h5"
check "  ... 4 ranks (4,1)" mpi 4 $LATDIFF hmc $G -proc_grid 4,1 -output "$workdir/g4.h5"
check "  ... the same configurations (1e-12)" sh -c "$C -a '$workdir/g1.h5' -b '$workdir/g2.h5' -tol 1e-12 &&
  $C -a '$workdir/g1.h5' -b '$workdir/g4.h5' -tol 1e-12"
if $PYTHON -c "import h5py" 2>/dev/null; then
  check "  ... the file holds the frozen propagator (256 positive values, the fit's terms) and step count" \
    $PYTHON - "$workdir/g1.h5" <<'EOF2'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r')
G, nmd = f['mass_propagator'][()], f['nmd_frozen'][()]
print('G(0) %.3g, G(pi) %.3g, fit terms %g, nmd %g' % (G[0], G[-1], f['mass_propagator'].attrs['fit_terms'], nmd[0]))
sys.exit(not (G.shape == (256,) and (G > 0).all() and G[0] > G[-1] and nmd[0] >= 1))
EOF2
fi
check "near kappa_c the fit of 1/G turns negative at p = 0 (64x64, kappa 0.27, seed 5): the measured G is kept" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF hmc -lattice 64,64 -kappa 0.27 -lambda 0.022 -therm 500 -ntraj 5 -seed 5 -mass fourier \
    -tau 1.5708 -nmd 6 -proc_grid 2,1 -output '$workdir/nofit.h5' -quiet &&
  h5dump -a mass_propagator/fit_terms '$workdir/nofit.h5' | grep -q '(0): 0$'"
# restart: -therm 3 measures trajectory 0 and freezes after it; a stop file ends the run there
R="-lattice 16,8 -kappa 0.25 -lambda 0.022 -ntraj 20 -therm 3 -seed 8 -mass fourier -target_acceptance 0.8 -quiet"
check "uninterrupted, 2 ranks" mpi 2 $LATDIFF hmc $R -output "$workdir/r0.h5"
check "stopped after trajectory 0 (the spectrum measured, the mass frozen)" sh -c "
  touch '$workdir/r1.h5.stop' && $TESTMPIRUN -n 2 $LATDIFF hmc $R -output '$workdir/r1.h5' && test -e '$workdir/r1.h5.ckpt'"
check "  ... restarted on 2 ranks: the uninterrupted ensemble exactly" sh -c "
  rm '$workdir/r1.h5.stop' && $TESTMPIRUN -n 2 $LATDIFF hmc $R -output '$workdir/r1.h5' -restart &&
  $C -a '$workdir/r0.h5' -b '$workdir/r1.h5' -tol 0"
check "stopped likewise, restarted on 1 rank: the same to 1e-12" sh -c "
  touch '$workdir/r2.h5.stop' && $TESTMPIRUN -n 2 $LATDIFF hmc $R -output '$workdir/r2.h5' && rm '$workdir/r2.h5.stop' &&
  $LATDIFF hmc $R -output '$workdir/r2.h5' -restart && $C -a '$workdir/r0.h5' -b '$workdir/r2.h5' -tol 1e-12"
B="-lattice 8,8 -kappa 0.2 -lambda 0.022 -ntraj 5 -output $workdir/bad.h5"
check_fails "-mass fourier on a grid that splits the second direction is refused" "give -proc_grid 2,1" \
  mpi 2 $LATDIFF hmc $B -mass fourier -proc_grid 1,2
check_fails "-mass fourier with no thermalisation to measure in is refused" "-therm 1 leaves none" \
  $LATDIFF hmc $B -mass fourier -therm 1
check_fails "-mass_m2 0 is refused" "-mass_m2: 0" $LATDIFF hmc $B -mass fourier -mass_propagator free -mass_m2 0
check_fails "-tau_jitter 1 is refused" "-tau_jitter: 1" $LATDIFF hmc $B -tau_jitter 1
check_fails "-target_acceptance 1.5 is refused" "-target_acceptance: 1.5" $LATDIFF hmc $B -target_acceptance 1.5
check_fails "-mass_propagator FILE of another lattice is refused" "on 16x8, but this chain is on 8x8" \
  $LATDIFF hmc $B -mass fourier -mass_propagator "$workdir/free.h5"
check_fails "-mass_propagator naming no file is refused" "nofile.h5" \
  $LATDIFF hmc $B -mass fourier -mass_propagator "$workdir/nofile.h5"
check_fails "-mass_propagator with the identity mass is refused, not ignored" "-mass_propagator: an option of -mass fourier" \
  $LATDIFF hmc $B -mass_propagator free
check_fails "-mass_m2 without -mass_propagator free is refused" "-mass_m2: an option of -mass_propagator free" \
  $LATDIFF hmc $B -mass fourier -therm 20 -mass_m2 0.5
check "no output from refused runs" test ! -e "$workdir/bad.h5"
# the propagator's file by content: a restart with another file under its name is another chain
check_fails "-restart with another ensemble under the -mass_propagator name is refused, naming it" "-mass_file_checksum" \
  sh -c "cp '$workdir/free.h5' '$workdir/prop.h5' && touch '$workdir/p.h5.stop' &&
  $TESTMPIRUN -n 2 $LATDIFF hmc $ff -ntraj 20 -mass fourier -mass_propagator '$workdir/prop.h5' -output '$workdir/p.h5' &&
  rm '$workdir/p.h5.stop' && cp '$workdir/meas.h5' '$workdir/prop.h5' &&
  $TESTMPIRUN -n 2 $LATDIFF hmc $ff -ntraj 20 -mass fourier -mass_propagator '$workdir/prop.h5' -output '$workdir/p.h5' -restart"
finish
