#!/bin/sh
# The trained model as an exact Markov-chain proposal against HMC, side by
# side in one run: for 2-d phi^4 (lambda 0.022) at each L and kappa, an HMC
# training ensemble, a conv net trained on it (-base gaussian), then the
# independence chain (sample -proposal independence) and an HMC chain of
# the same length, each on NP ranks (one chain per rank). Printed per row:
# the acceptance, the integrated autocorrelation times of |M| and chi2 =
# V M^2 (Gamma method with Wolff's window, per chain, averaged), and the
# cost per independent configuration of each, (time per update) x 2 tau_int
# (the larger of the two), every rank running its own chain meanwhile.
# The conventional column is the best sampler near the critical point
# (bench/critical.sh): Fourier-accelerated HMC with the measured mass and
# Swendsen-Wang after every trajectory (CONV="-nmd 10 -tau 1" for plain
# HMC); the last column is the break-even N* = T_train / (cost_conv -
# cost_model) configurations past which the model's chain wins, or "never"
# where it is dearer per independent configuration.
#   sh bench/independence_vs_hmc.sh ["8:0.22 8:0.25 8:0.27"] [N] [STEPS]
# (defaults: those three points, N = 200 proposals per rank, 1000 training
# steps). The conv net's exact divergence costs 17 tangent passes per ODE
# right-hand side whatever L (nn_convnet_trace), so a proposal's cost grows
# as L^2 times the number of ODE steps.
set -eu
POINTS=${1:-"8:0.22 8:0.25 8:0.27"}
N=${2:-200}
STEPS=${3:-1000}
L=${LATDIFF:-$(dirname "$0")/../latdiff}
NP=${NP:-2}
CONV=${CONV:-"-mass fourier -tau 1.5708 -nmd 6 -target_acceptance 0.8 -cluster swendsen-wang"}
MPI="mpirun --allow-run-as-root --oversubscribe -n $NP -x OPENBLAS_NUM_THREADS=1"
export OPENBLAS_NUM_THREADS=1
W=${WORKDIR:-$(mktemp -d /tmp/indep.XXXXXX)}
mkdir -p "$W"
echo "work directory $W; $N updates per chain on $NP ranks, $STEPS training steps"
# the chain's own measure: "time per <update>: T s" (startup excluded)
per_update() { "$@" 2>&1 | awk '/^time per/ {print $4}'; }
echo
echo "conventional: hmc $CONV"
echo "  L  kappa | independence: acc   tau|M|  tau chi2  s/update  s/indep | conv: acc  tau|M|  tau chi2  s/update  s/indep | T_train  N*"
for p in $POINTS; do
  Lx=${p%%:*} k=${p#*:}
  th="-lattice $Lx,$Lx -kappa $k -lambda 0.022"
  d="$W/L$Lx-k$k"
  [ -e "$d-train.h5" ] || $MPI $L hmc $th -ntraj 2000 -therm 200 -seed 1 -replicas $NP -output "$d-train.h5" -quiet
  t0=$(date +%s.%N)
  [ -e "$d-model.h5" ] || $MPI $L train -input "$d-train.h5" -output "$d-model.h5" -net conv -hidden 8 -layers 2 \
    -base gaussian -target action -lr 1e-2 -batch 64 -steps "$STEPS" -quiet
  ttrain=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')
  ti=$(per_update $MPI $L sample -model "$d-model.h5" -proposal independence -ntraj "$N" -therm 5 -ts_rtol 1e-3 \
    -ts_atol 1e-3 -output "$d-indep.h5" -force)
  th_=$(per_update $MPI $L hmc $th $CONV -ntraj "$N" -therm 200 -seed 3 -replicas $NP -output "$d-hmc.h5" -force)
  ${PYTHON:-/usr/bin/python3} - "$d-indep.h5" "$d-hmc.h5" "$Lx" "$k" "$ti" "$th_" "$N" "$ttrain" <<'EOF'
import sys, h5py, numpy as np
fi, fh, Lx, k, ti, th, N = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
ttrain = float(sys.argv[8])
def tau(a, S=1.5):  # integrated autocorrelation time, Gamma method with Wolff's automatic window
    a = a - a.mean(); n = len(a); g0 = (a * a).mean()
    if g0 == 0: return 0.5
    t = 0.5
    for w in range(1, n // 2):
        t += (a[:-w] * a[w:]).mean() / g0
        tw = S / np.log((2 * t + 1) / (2 * t - 1)) if t > 0.5 else 1e-9
        if w >= tw * 1 or t <= 0.5: break
    return max(t, 0.5)
def row(path, wall):
    f = h5py.File(path, 'r'); M = f['magnetisation'][:]; R = int(f.attrs['replicas']); V = Lx * Lx
    M = M.reshape(R, -1)
    tm = np.mean([tau(np.abs(m)) for m in M]); tc = np.mean([tau(V * m * m) for m in M])
    acc = f['summary'].attrs['acceptance'] if 'summary' in f else float('nan')
    return acc, tm, tc, wall, wall * 2 * max(tm, tc)  # every rank runs its chain in that time
a = row(fi, ti); b = row(fh, th)
nstar = '%.3g' % (ttrain / (b[4] - a[4])) if b[4] > a[4] else 'never'
print('%3d %6s | %17.3f %7.2f %8.2f %9.4f %8.4f | %9.3f %7.2f %8.2f %9.5f %8.5f | %7.1f  %s' % ((Lx, k) + a + b + (ttrain, nstar)))
EOF
done
