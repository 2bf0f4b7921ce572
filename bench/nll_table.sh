#!/bin/sh
# The likelihood table of Hirono, Tanaka and Fukushima (ICML 2024; the
# Hirono talk in ../shared/seeds): NLL of the probability-flow ODE and its
# first-order correction in h at two tolerances, for the Swiss roll and the
# 25-Gaussian grid with the "simple" (VP, beta = 20 t) and cosine
# (f = cos(pi t / 2)) schedules, t in [0.01, 1] (cosine: 0.999), prior
# N(0, I), as their code defines them. Two MLPs per row:
#   published  concat(x, t) -> 3 x 128 swish -> the score (-embed 0
#              -score_form plain), likelihood weighting g^2, constant Adam
#              1e-3 without warm-up, clipping or averaging, batch 512
#   latdiff    the trainer's defaults (3 x 64, sigma^2 weighting, warm-up,
#              clipping, cosine decay, moving average) with -target action
#              (the data's exact score mixed into the target)
# plus what the talk could not report: the data's exact -log p_0 and the
# model's gap to it. NLL on independent test points (mean +- standard
# error); the correction on fewer points, its numerical error estimated by
# the same solve at 10 times the tolerances. As the published code, a
# point whose path leaves [-5, 5]^2 is discarded (the count is printed).
#   sh bench/nll_table.sh [STEPS [NPTS [NCORR]]]     (defaults 20000 1000 200)
# ONLY=cosine (or swiss, grid-simple, ...) runs the rows whose data-schedule
# name contains it, NETS=published (or latdiff) only those networks; models
# already in WORKDIR are reused.
set -eu
STEPS=${1:-20000}
NPTS=${2:-1000}
NCORR=${3:-200}
L=${LATDIFF:-$(dirname "$0")/../latdiff}
NP=${NP:-2}
MPI="mpirun --allow-run-as-root --oversubscribe -n $NP -x OPENBLAS_NUM_THREADS=1"
export OPENBLAS_NUM_THREADS=1
W=${WORKDIR:-$(mktemp -d /tmp/nll_table.XXXXXX)}
echo "work directory $W; $STEPS training steps, NLL on $NPTS points, correction on $NCORR"
# the published data sets (notes/likelihood.md): make_swiss_roll(noise 0.5),
# columns 0 and 2, / 6.865; the grid 2 {-2..2}^2 with width 0.05, / 2.828
swiss="-theory swissroll -components 256 -scale 0.145666 -width 0.072833"
grid="-theory gauss25 -spacing 0.707214 -width 0.017680"
simple="-schedule vp -beta_min 0 -beta_max 20"
cosine="-schedule cosine -cosine_s 0"
row() { # data-name data-options schedule-name schedule-options tmax net-name train-options
  dn=$1 dopt=$2 sn=$3 sopt=$4 tmax=$5 nn=$6 topt=$7
  m="$W/$dn-$sn-$nn.h5"
  [ -e "$m" ] || $MPI $L train -input "$W/$dn-train.h5" -output "$m" $sopt -eps 0.01 -tmax "$tmax" -steps "$STEPS" $topt \
    -progress 60 -quiet
  common="-model $m -input $W/$dn-test.h5 -eps 0.01 -tmax $tmax -prior gaussian -discard_outside 5 -quiet -force"
  $MPI $L nll $common -nmax "$NPTS" -ts_rtol 1e-5 -ts_atol 1e-5 -output "$W/$dn-$sn-$nn-nll.h5" >/dev/null
  for tol in 1e-3 1e-5; do
    $MPI $L nll $common -nmax "$NCORR" -h_correction -ts_rtol $tol -ts_atol $tol \
      -output "$W/$dn-$sn-$nn-corr$tol.h5" >/dev/null
  done
  ${PYTHON:-/usr/bin/python3} - "$W/$dn-$sn-$nn" "$dn" "$sn" "$nn" <<'EOF'
import sys, h5py, numpy as np
base, dn, sn, nn = sys.argv[1:]
def me(a):
    return a.mean(), a.std(ddof=1) / np.sqrt(len(a))
f = h5py.File(base + '-nll.h5', 'r')
keep = f['discarded'][:] == 0
nll, ex = me(f['nll'][:][keep]), me(f['exact_nll'][:][keep])
gap = me(f['nll'][:][keep] - f['exact_nll'][:][keep])
cols = ['%-10s %-7s %-10s %6.3f +- %.3f  %6.3f +- %.3f  %6.3f +- %.3f [%d]' % (dn, sn, nn, *nll, *ex, *gap, (~keep).sum())]
for tol in ('1e-3', '1e-5'):
    c = h5py.File(base + '-corr%s.h5' % tol, 'r')
    k = c['discarded'][:] == 0
    cols.append('%7.3f +- %.3f (%.3f) [%d]' % (*me(c['correction'][:][k]), c['correction_error'][:][k].mean(), (~k).sum()))
print('  '.join(cols))
EOF
}
echo "generating the data (exact samplers; test points from another seed)"
$L sample $swiss -sampler exact -nsamples 3000 -seed 1 -output "$W/swiss-train.h5" -force -quiet
$L sample $swiss -sampler exact -nsamples "$NPTS" -seed 2 -output "$W/swiss-test.h5" -force -quiet
$L sample $grid -sampler exact -nsamples 3000 -seed 1 -output "$W/grid-train.h5" -force -quiet
$L sample $grid -sampler exact -nsamples "$NPTS" -seed 2 -output "$W/grid-test.h5" -force -quiet
published="-net mlp -embed 0 -score_form plain -hidden 128 -layers 3 -weighting likelihood -lr 1e-3 -lr_floor 1 -batch 512 \
  -warmup 0 -clip 0 -ema 0 -validation 0.05"
latdiff="-net mlp -target action -validation 0.05"
echo
echo "data       schedule net        NLL (model)      exact -log p_0   gap [discarded]  O(h) corr, tol 1e-3 (num. err) [discarded]  tol 1e-5"
for d in swiss grid; do
  eval dopt=\$$d
  for s in simple cosine; do
    case "$d-$s" in *"${ONLY:-}"*) ;; *) continue ;; esac
    eval sopt=\$$s
    tmax=1; [ $s = cosine ] && tmax=0.999
    for nn in ${NETS:-published latdiff}; do
      eval topt=\$$nn
      row $d "$dopt" $s "$sopt" $tmax $nn "$topt"
    done
  done
done
