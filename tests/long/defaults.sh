#!/bin/sh
# make check-long: the defaults reproduce the physics. On 16x16 free-field
# HMC data (kappa 0.2, 8000 configurations five trajectories apart),
# `latdiff train -input DATA -output M` and `latdiff sample -model M -output
# G` with no other option give 10000 configurations whose propagator agrees
# with the exact one on every momentum shell (41) within 4 standard errors
# (for a perfect model any of 41 shells beyond 4 has probability 0.3%), and
# chi2 within 4 (tests/test_freefield). Measured: largest deviation 2.1
# errors. (The two-peak cumulants under the point defaults are in
# bench/twopeak_cumulants.sh: about seven minutes.)
. "$top_srcdir/tests/tap.sh"
w="$workdir"
setup "free-field HMC data, 16x16" mpi 2 $LATDIFF hmc -lattice 16,16 -kappa 0.2 -lambda 0 -ntraj 8000 -every 5 \
  -therm 200 -seed 11 -output "$w/ff.h5"
check "train with the defaults" mpi 2 $LATDIFF train -input "$w/ff.h5" -output "$w/m.h5"
check "sample with the defaults" mpi 2 $LATDIFF sample -model "$w/m.h5" -output "$w/g.h5"
check "  ... the generated propagator on every shell within 4 errors of the exact one" $PYTHON -c "
import sys, h5py, numpy as np
x = h5py.File('$w/g.h5', 'r')['configs'][:]; N, L = x.shape[0], x.shape[1:]; kappa = 0.2
P = np.abs(np.fft.fftn(x, axes=(1, 2)))**2 / np.prod(L)
ps = np.meshgrid(*[2 * np.pi * np.arange(l) / l for l in L], indexing='ij')
G = 1 / (2 * (1 - 2 * kappa * sum(np.cos(p) for p in ps)))
shell = np.round(sum(4 * np.sin(p / 2)**2 for p in ps), 10)
z = []
for k in np.unique(shell):
    per = P[:, shell == k].mean(axis=1)
    z.append((per.mean() - G[shell == k].mean()) / (per.std(ddof=1) / np.sqrt(N)))
print('%d shells, largest |deviation| %.2f errors' % (len(z), max(map(abs, z))))
sys.exit(0 if len(z) == 41 and max(map(abs, z)) < 4 else 1)"
check "  ... and chi2 and G(p) along the axes (test_freefield)" "$top_builddir/tests/test_freefield" -input "$w/g.h5"
finish
