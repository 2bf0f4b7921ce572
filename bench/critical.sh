#!/bin/sh
# Near the critical point: the integrated autocorrelation time of |M|,
# M^2 and the action (Gamma method, in trajectories) and the cost per
# independent configuration of plain HMC, Fourier-accelerated HMC (-mass
# fourier, the measured and fitted propagator, tau = pi/2, -nmd adapted to
# 0.8 acceptance), each with and without Swendsen-Wang cluster updates,
# against L; the dynamic exponent z of each from a fit tau ~ L^z.
# phi^4 in 2-d at lambda 0.022, kappa KAPPA (default 0.27; kappa_c is
# about 0.2709).
#
#   sh bench/critical.sh [DIR] [KAPPA] [LATTICES] [NTRAJ]
#        (default: bench-critical 0.27 "16 32 64" 4000; about 30 minutes on 2 cores)
#
# Prints per L and method: tau_int(|M|), tau_int(M^2), tau_int(action)
# with errors, seconds per trajectory, force evaluations per trajectory,
# and the cost of one independent configuration 2 tau_int(|M|) x time;
# then z per method and the cheapest method at each L.
set -eu
dir=${1:-bench-critical}
kappa=${2:-0.27}
lattices=${3:-16 32 64}
ntraj=${4:-4000}
LATDIFF=${LATDIFF:-./latdiff}
PYTHON=${PYTHON:-/usr/bin/python3}
MPI="mpirun --oversubscribe --allow-run-as-root -n 2"
export OPENBLAS_NUM_THREADS=1
mkdir -p "$dir"
base="-kappa $kappa -lambda 0.022 -therm 500 -ntraj $ntraj -every 1 -seed 3 -integrator omelyan"
for L in $lattices; do
  for m in plain fourier plain+sw fourier+sw; do
    case $m in
      plain*) o="-nmd 10 -tau 1" ;;
      fourier*) o="-mass fourier -tau 1.5708 -nmd 6 -target_acceptance 0.8" ;;
    esac
    case $m in *sw) o="$o -cluster swendsen-wang" ;; esac
    out="$dir/$m-$L.h5"
    if [ ! -e "$out" ]; then
      $MPI $LATDIFF hmc -lattice $L,$L $base $o -proc_grid 2,1 -output "$out" >"$dir/$m-$L.log" 2>&1 ||
        { cat "$dir/$m-$L.log"; exit 1; }
    fi
    $LATDIFF analyze -input "$out" -json "$dir/$m-$L.json" -force >/dev/null 2>&1
  done
done
$PYTHON - "$dir" "$lattices" <<'EOF2'
import json, re, sys
import numpy as np
d, Ls = sys.argv[1], [int(x) for x in sys.argv[2].split()]
methods = ['plain', 'fourier', 'plain+sw', 'fourier+sw']
print('%-11s %5s %13s %13s %13s %10s %6s %12s' % ('method', 'L', 'tau(|M|)', 'tau(M^2)', 'tau(S)', 's/traj',
                                                 'forces', 's/indep'))
cost = {}
tau = {m: [] for m in methods}
for L in Ls:
    for m in methods:
        e = json.load(open('%s/%s-%d.json' % (d, m, L)))['ensembles'][0]['tau_int']
        log = open('%s/%s-%d.log' % (d, m, L)).read()
        sec = float(re.search(r'time per trajectory: ([0-9.e+-]+)', log).group(1))
        import h5py
        f = h5py.File('%s/%s-%d.h5' % (d, m, L), 'r')
        nmd = f['nmd_frozen'][0] if 'nmd_frozen' in f else f['generator'].attrs['nmd'] if 'generator' in f else 10
        forces = 2 * nmd + 1
        c = 2 * e['absM']['value'] * sec
        cost[(m, L)] = c
        tau[m].append(e['absM']['value'])
        print('%-11s %5d %6.2f(%5.2f) %6.2f(%5.2f) %6.2f(%5.2f) %10.3g %6d %12.3g' % (m, L, e['absM']['value'],
              e['absM']['error'], e['M2']['value'], e['M2']['error'], e['action']['value'], e['action']['error'],
              sec, forces, c))
if len(Ls) > 1:
    for m in methods:
        z = np.polyfit(np.log(Ls), np.log(tau[m]), 1)[0]
        print('z(|M|) %-11s %.2f' % (m, z))
for L in Ls:
    best = min(methods, key=lambda m: cost[(m, L)])
    print('L = %d: cheapest per independent configuration: %s (%.3g s)' % (L, best, cost[(best, L)]))
try:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt, matplotlib.ticker
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for m in methods:
        ax.loglog(Ls, tau[m], 'o-', label=m)
    ax.set_xlabel('L'); ax.set_ylabel('tau_int(|M|) [trajectories]'); ax.legend(); ax.set_xticks(Ls, [str(L) for L in Ls]); ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    fig.tight_layout(); fig.savefig('%s/tau.png' % d, dpi=90)
    print('plot: %s/tau.png' % d)
except ImportError:
    pass
EOF2
