#!/bin/sh
# latdiff nll: -log q through the probability-flow ODE, against closed forms.
# With the exact score and the exact prior, q is the diffused target itself,
# so -log q(x_0) = -log P_eps(x_0) per configuration to the solver's
# tolerance (the twopeak and gauss25 mixtures, VP and VE; the free field on
# 1 and 2 ranks, whose log-density is a Gaussian in momentum space). The
# Hutchinson estimate is unbiased: its mean difference to the exact one is
# within 4 standard errors of 0 (failing with probability < 1e-4 for a
# correct estimator). The O(h) correction vanishes for the exact score (to
# 1e-4 at rtol 1e-7, where it is 1e-5 or less); with a prior that is not
# the target's it does not vanish, and equals the h-derivative of -log q^h
# solved by brute force (tests/fokker_planck.py). A trained MLP: every column
# finite, and the same numbers on 1 and 2 ranks bit for bit (each
# configuration is its own solve).
. "$top_srcdir/tests/tap.sh"
PY=$PYTHON
if ! $PY -c "import h5py" 2>/dev/null; then
  n=$((n + 1)); echo "ok $n # SKIP python3-h5py not installed"; finish
fi
tight="-ts_rtol 1e-8 -ts_atol 1e-8"
# exact.py KIND FILE NLL.h5 BOUND: max |nll - (-log P_eps)| < BOUND
exact() {
  $PY - "$@" <<'EOF'
import sys, h5py, numpy as np
kind, data, out, bound = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
f = h5py.File(out, 'r'); d = h5py.File(data, 'r')
a = f.attrs
eps = a['eps']; sched = a['schedule'].decode() if isinstance(a['schedule'], bytes) else a['schedule']
if sched == 'vp':
    bmin, bmax = a['beta_min'], a['beta_max']
    fe = np.exp(-0.5 * (bmin * eps + 0.5 * (bmax - bmin) * eps ** 2)); xi = 1 - fe ** 2
else:
    s = a['sigma']; fe = 1.0; xi = (s ** (2 * eps) - 1) / (2 * np.log(s))
n = int(a['n']); x = d['configs'][:n].reshape(n, -1)
def logmix(x, means, s0):
    v = fe ** 2 * s0 ** 2 + xi
    e = -((x[:, None, :] - fe * means[None]) ** 2).sum(-1) / (2 * v)
    m = e.max(1)
    return m + np.log(np.exp(e - m[:, None]).mean(1)) - x.shape[1] / 2 * np.log(2 * np.pi * v)
if kind == 'twopeak':
    lp = logmix(x, np.array([[1.0], [-1.0]]), 0.25)
elif kind == 'gauss25':
    g = np.array([(i, j) for i in range(-2, 3) for j in range(-2, 3)], float) * d.attrs['spacing']
    lp = logmix(x, g, d.attrs['width'])
else:  # free field L x L, kappa
    L = d['configs'].shape[1]; kappa = d.attrs['kappa']
    p = 2 * np.pi * np.fft.fftfreq(L, 1 / L) / L
    G = 1 / (2 * (1 - 2 * kappa * (np.cos(p)[:, None] + np.cos(p)[None, :])))
    c = fe ** 2 * G + xi
    xt = np.fft.fft2(x.reshape(n, L, L))
    lp = -0.5 * (np.abs(xt) ** 2 / c).sum((1, 2)) / L ** 2 - 0.5 * np.log(2 * np.pi * c).sum()
err = np.abs(f['nll'][:] + lp).max()
print('max |nll + log P_eps| = %.3g (bound %g)' % (err, bound))
sys.exit(not err < bound)
EOF
}
$LATDIFF sample -theory twopeak -sampler exact -nsamples 100 -output "$workdir/tp.h5" >/dev/null
$LATDIFF sample -theory gauss25 -width 0.2 -sampler exact -nsamples 100 -output "$workdir/g.h5" >/dev/null
ff="-theory phi4 -lambda 0 -kappa 0.2 -lattice 8,8"
$LATDIFF sample $ff -sampler exact -nsamples 64 -output "$workdir/ff.h5" >/dev/null
check "twopeak, exact score, vp" $LATDIFF nll -theory twopeak -schedule vp -input "$workdir/tp.h5" \
  -output "$workdir/a.h5" $tight
check "  ... -log q = -log P_eps per configuration (1e-6)" exact twopeak "$workdir/tp.h5" "$workdir/a.h5" 1e-6
check "gauss25, exact score, ve, on 2 ranks" mpi 2 $LATDIFF nll -theory gauss25 -width 0.2 -schedule ve \
  -input "$workdir/g.h5" -output "$workdir/b.h5" $tight
check "  ... -log q = -log P_eps per configuration (1e-6)" exact gauss25 "$workdir/g.h5" "$workdir/b.h5" 1e-6
# -discard_outside: VE paths end with spread ~10, so R = 12 drops some;
# the others keep their exact values and make the means; R below every
# start drops all: an error, no output
check "twopeak, ve, -discard_outside 12 on 2 ranks, and without" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF nll -theory twopeak -schedule ve -input '$workdir/tp.h5' -discard_outside 12 \
    -output '$workdir/dc.h5' $tight >/dev/null &&
  $LATDIFF nll -theory twopeak -schedule ve -input '$workdir/tp.h5' -output '$workdir/dc0.h5' $tight >/dev/null"
check "  ... some but not all discarded: NaN in the file, the means over the others, which are unchanged bit for bit" $PY -c "
import h5py, numpy as np
f = h5py.File('$workdir/dc.h5', 'r'); d = f['discarded'][:] == 1; v = f['nll'][:]
w = h5py.File('$workdir/dc0.h5', 'r')['nll'][:]
print(d.sum(), 'discarded of', len(d))
assert 0 < d.sum() < len(d) and f.attrs['discarded'] == d.sum()
assert np.isnan(v[d]).all() and (v[~d] == w[~d]).all() and (np.abs(w[d]) < 1e3).all()
assert abs(f.attrs['nll_mean'] - v[~d].mean()) < 1e-12
"
check "free field 8x8, exact divergence (closed form), vp, 1 rank" $LATDIFF nll $ff -schedule vp \
  -input "$workdir/ff.h5" -output "$workdir/c1.h5" $tight
check "  ... -log q = -log P_eps per configuration (1e-5 of ~70 nats)" exact ff "$workdir/ff.h5" "$workdir/c1.h5" 1e-5
check "  ... at eps 1e-6: the log importance weights -S - log q are log Z, the same for every configuration (1e-4)" sh -c "
  $LATDIFF nll $ff -schedule vp -eps 1e-6 -input '$workdir/ff.h5' -output '$workdir/w.h5' $tight >/dev/null &&
  $PY -c \"import sys, h5py; w = h5py.File(sys.argv[1], 'r')['log_weight'][:]; print('spread %.3g' % w.std()); sys.exit(not w.std() < 1e-4)\" '$workdir/w.h5'"
check "free field on 2 ranks (each configuration one distributed solve)" mpi 2 $LATDIFF nll $ff -schedule vp \
  -input "$workdir/ff.h5" -output "$workdir/c2.h5" $tight
check "  ... the same closed form" exact ff "$workdir/ff.h5" "$workdir/c2.h5" 1e-5
check "free field, hutchinson with 4 probes on 2 ranks" mpi 2 $LATDIFF nll $ff -schedule vp -divergence hutchinson \
  -probes 4 -input "$workdir/ff.h5" -output "$workdir/h.h5"
check "  ... unbiased: mean difference to the exact within 4 standard errors; the probes' variance is positive" $PY -c "
import sys, h5py, numpy as np
h = h5py.File(sys.argv[1], 'r'); e = h5py.File(sys.argv[2], 'r')
d = h['nll'][:] - e['nll'][:]
z = d.mean() / (d.std(ddof=1) / np.sqrt(len(d)))
print('mean difference %.4g, %.2f standard errors; probe variance %.3g' % (d.mean(), z, h['probe_variance'][:].mean()))
sys.exit(not (abs(z) < 4 and h['probe_variance'][:].mean() > 0))" "$workdir/h.h5" "$workdir/c1.h5"
corr_small() { $PY -c "
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], 'r'); c = np.abs(f['correction'][:]).max()
print('max |correction| %.3g, mean error estimate %.3g' % (c, f['correction_error'][:].mean()))
sys.exit(not c < 1e-4)" "$1"; }
check "O(h) correction of the exact twopeak score (1-d), ve" $LATDIFF nll -theory twopeak -schedule ve -h_correction \
  -nmax 20 -input "$workdir/tp.h5" -output "$workdir/d.h5" -ts_rtol 1e-7 -ts_atol 1e-7
check "  ... vanishes (1e-4)" corr_small "$workdir/d.h5"
check "O(h) correction of the exact gauss25 score (2-d), vp" $LATDIFF nll -theory gauss25 -width 0.2 -schedule vp \
  -h_correction -nmax 20 -input "$workdir/g.h5" -output "$workdir/e.h5" -ts_rtol 1e-7 -ts_atol 1e-7
check "  ... vanishes (1e-4)" corr_small "$workdir/e.h5"
check "O(h) correction with a prior that is not the target's (twopeak, vp, tmax 0.5, -prior gaussian)" \
  $LATDIFF nll -theory twopeak -schedule vp -tmax 0.5 -prior gaussian -h_correction -nmax 8 -input "$workdir/tp.h5" \
  -output "$workdir/fp.h5" -ts_rtol 1e-8 -ts_atol 1e-8
check "  ... equals d/dh (-log q^h) from the Fokker-Planck equation of the h-process on a grid (1e-3 of ~1e-2)" \
  $PY "$top_srcdir/tests/fokker_planck.py" "$workdir/fp.h5" "$workdir/tp.h5" 1e-3
check "a trained MLP (gauss25, cosine with s = 0): nll with -h_correction on 1 and 2 ranks" sh -c "
  $LATDIFF train -input '$workdir/g.h5' -output '$workdir/m.h5' -schedule cosine -cosine_s 0 -steps 100 -batch 64 \
    -hidden 16 >/dev/null &&
  $LATDIFF nll -model '$workdir/m.h5' -input '$workdir/g.h5' -nmax 10 -tmax 0.999 -h_correction -output '$workdir/m1.h5' \
    -ts_rtol 1e-4 -ts_atol 1e-4 >/dev/null &&
  $TESTMPIRUN -n 2 $LATDIFF nll -model '$workdir/m.h5' -input '$workdir/g.h5' -nmax 10 -tmax 0.999 -h_correction \
    -output '$workdir/m2.h5' -ts_rtol 1e-4 -ts_atol 1e-4 >/dev/null"
check "  ... every column finite, the exact -log p_0 of the data beside it, 1 and 2 ranks bit for bit" $PY -c "
import sys, h5py, numpy as np
a = h5py.File(sys.argv[1], 'r'); b = h5py.File(sys.argv[2], 'r')
for k in ('nll', 'correction', 'correction_error', 'exact_nll', 'log_prior'):
    assert np.isfinite(a[k][:]).all() and len(a[k]) == 10, k
    assert (a[k][:] == b[k][:]).all(), k
assert a.attrs['cosine_s'] == 0 and a.attrs['schedule'] in (b'cosine', 'cosine')" "$workdir/m1.h5" "$workdir/m2.h5"
bad() {
  desc=$1; pattern=$2; shift 2
  check_fails "$desc" "$pattern" "$@"
  check "$desc: no output" test ! -e "$workdir/bad.h5"
}
bad "a model for another theory than the data" "score is of" $LATDIFF nll -model "$workdir/m.h5" \
  -input "$workdir/tp.h5" -output "$workdir/bad.h5"
bad "a lattice of another size" "another lattice size" $LATDIFF nll -theory phi4 -lambda 0 -lattice 4,4 \
  -input "$workdir/ff.h5" -output "$workdir/bad.h5"
$LATDIFF sample -theory phi4 -lambda 0 -kappa 0.2 -lattice 4,16 -sampler exact -nsamples 4 -output "$workdir/ff416.h5" \
  >/dev/null 2>&1 # set-up: as many values as 8x8
bad "8x8 data for a 16x4 lattice (the same number of values)" "configurations on a 8x8 lattice, but the score's lattice is 16x4" \
  $LATDIFF nll -theory phi4 -lambda 0 -kappa 0.2 -lattice 16,4 -input "$workdir/ff.h5" -output "$workdir/bad.h5"
bad "4x16 data for the free field on 8x8" "configurations on a 4x16 lattice" \
  $LATDIFF nll $ff -input "$workdir/ff416.h5" -output "$workdir/bad.h5"
bad "-h_correction on a lattice" "at most 8 values" $LATDIFF nll $ff -h_correction -input "$workdir/ff.h5" \
  -output "$workdir/bad.h5"
bad "-discard_outside below every configuration" "every one of the 100 configurations left it" $LATDIFF nll \
  -theory twopeak -discard_outside 0.01 -input "$workdir/tp.h5" -output "$workdir/bad.h5"
bad "-discard_outside negative" "-discard_outside -1" $LATDIFF nll -theory twopeak -discard_outside -1 \
  -input "$workdir/tp.h5" -output "$workdir/bad.h5"
$PY "$top_srcdir/tests/h5edit.py" "$workdir/ff.h5" big "$workdir/ffbig.h5"
bad "a configuration with a value 1e30: its ODE fails, named (not PETSc's internal error)" "latdiff: error: the probability-flow ODE of sample 1 did not converge" \
  mpi 2 $LATDIFF nll $ff -input "$workdir/ffbig.h5" -nmax 3 -output "$workdir/bad.h5"
$PY "$top_srcdir/tests/h5edit.py" "$workdir/ff.h5" huge "$workdir/ffhuge.h5"
bad "a configuration with a value 1e200 is refused by the reader, on 2 ranks" "configuration 1 holds a non-finite value (or one so large" \
  mpi 2 $LATDIFF nll $ff -input "$workdir/ffhuge.h5" -nmax 3 -output "$workdir/bad.h5"
$PY "$top_srcdir/tests/h5edit.py" "$workdir/ff.h5" nan "$workdir/ffnan.h5"
bad "a NaN in the data is named as such (not blamed on the model)" "configuration 2 holds a non-finite value" \
  $LATDIFF nll $ff -input "$workdir/ffnan.h5" -nmax 3 -output "$workdir/bad.h5"
bad "  ... also with -discard_outside (was PETSc's internal error)" "configuration 2 holds a non-finite value" \
  $LATDIFF nll $ff -input "$workdir/ffnan.h5" -nmax 3 -discard_outside 5 -output "$workdir/bad.h5"
bad "-probes 0" "-probes" $LATDIFF nll $ff -divergence hutchinson -probes 0 -input "$workdir/ff.h5" -output "$workdir/bad.h5"
bad "a schedule the model was not trained with" "trained with" $LATDIFF nll -model "$workdir/m.h5" -schedule vp \
  -input "$workdir/g.h5" -output "$workdir/bad.h5"
bad "no -input" "-input is required" $LATDIFF nll $ff -output "$workdir/bad.h5"
bad "a missing input file" "nothere.h5" $LATDIFF nll $ff -input "$workdir/nothere.h5" -output "$workdir/bad.h5"
bad "-eps beyond -tmax" "need 0 < eps < tmax" $LATDIFF nll $ff -eps 2 -input "$workdir/ff.h5" -output "$workdir/bad.h5"
check_fails "an existing output without -force" "exists" $LATDIFF nll $ff -input "$workdir/ff.h5" -output "$workdir/c1.h5"
finish
