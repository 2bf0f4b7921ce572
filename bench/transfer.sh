#!/bin/sh
# A model trained on 32x32 applied to larger lattices (sample -lattice),
# against HMC at each lattice, and the thermalisation a generated start
# saves (hmc -start FILE). phi^4 at lambda 0.022, kappa KAPPA (default
# 0.26: xi_2 about 4 on large lattices; the critical point is near 0.27).
#
#   sh bench/transfer.sh [DIR] [KAPPA] [LATTICES]     (default: bench-transfer 0.26 "64 128")
#
# Prints, per lattice L: the report's rows of generated against HMC
# (within 2 combined errors, the headline rows, xi2 of both), the exact
# chain's acceptance (the model as an independence proposal, 300
# proposals, 80 above 64x64), and the trajectories HMC needs from a random, an ordered and
# a generated start until the action density and |M| (running mean over
# 10 trajectories) are within 2 errors of the equilibrium values of the
# HMC ensemble. On 2 cores about 40 minutes for the default lattices.
set -eu
dir=${1:-bench-transfer}
kappa=${2:-0.26}
lattices=${3:-64 128}
LATDIFF=${LATDIFF:-./latdiff}
PYTHON=${PYTHON:-/usr/bin/python3}
MPI="mpirun --oversubscribe --allow-run-as-root -n 2"
export OPENBLAS_NUM_THREADS=1
th="-kappa $kappa -lambda 0.022 -integrator omelyan -nmd 10 -tau 1"
mkdir -p "$dir"
q() { "$@" -quiet >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }; }

[ -e "$dir/train32.h5" ] || q $MPI $LATDIFF hmc -lattice 32,32 $th -therm 500 -ntraj 4000 -every 5 -replicas 2 -seed 7 \
  -output "$dir/train32.h5"
[ -e "$dir/model32.h5" ] || q $MPI $LATDIFF train -input "$dir/train32.h5" -output "$dir/model32.h5" -lr 1e-2 \
  -steps 16000
echo "model: conv on the fitted Gaussian base, trained on 32x32 at kappa $kappa (applies to: $(h5dump -a applies_to "$dir/model32.h5" | awk -F'"' '/\(0\)/ {print $2}'))"
for L in 32 $lattices; do
  n=$((2048 * 32 * 32 / (L * L))); [ $n -lt 512 ] && n=512
  nhmc=$((5000 * 64 * 64 / (L * L))); [ $nhmc -lt 2500 ] && nhmc=2500; [ $nhmc -gt 5000 ] && nhmc=5000
  nchain=150; [ $L -gt 64 ] && nchain=40 # proposals per rank: the chain costs V per proposal
  [ -e "$dir/hmc$L.h5" ] || q $MPI $LATDIFF hmc -lattice $L,$L $th -therm 500 -ntraj $nhmc -every 10 -replicas 2 -seed 8 \
    -output "$dir/hmc$L.h5"
  [ -e "$dir/gen$L.h5" ] || q $MPI $LATDIFF sample -model "$dir/model32.h5" -lattice $L,$L -nsamples $n -seed 9 \
    -output "$dir/gen$L.h5"
  q $LATDIFF analyze -input "$dir/hmc$L.h5,$dir/gen$L.h5" -compare 1,2 -json "$dir/report$L.json" -force
  [ -e "$dir/chain$L.h5" ] || q $MPI $LATDIFF sample -model "$dir/model32.h5" -lattice $L,$L -proposal independence \
    -ntraj $nchain -therm 2 -ts_rtol 1e-3 -ts_atol 1e-3 -output "$dir/chain$L.h5"
  for start in random ordered "$dir/gen$L.h5"; do
    name=$(basename "$start" .h5)
    [ -e "$dir/therm$L-$name.h5" ] || q $LATDIFF hmc -lattice $L,$L $th -therm 0 -ntraj 400 -every 1 -seed 10 \
      -start "$start" -output "$dir/therm$L-$name.h5"
  done
  $PYTHON - "$dir" "$L" <<'EOF'
import h5py, json, sys
import numpy as np
d, L = sys.argv[1], int(sys.argv[2])
rep = json.load(open('%s/report%s.json' % (d, L)))
dist = rep['distance']
rows = list(dist['observables'].values()) + dist['spectrum']
rows = [x for x in rows if x is not None]
head = ['M', 'absM', 'chi2', 'UL', 'action_density'] + ['site_kappa%d' % k for k in range(2, 9)]
within = sum(abs(x) <= 2 for x in rows)
worst = max(head, key=lambda k: abs(dist['observables'][k]))
ens = rep['ensembles']
xi = [e['observables']['xi2'] for e in ens]
acc = h5py.File('%s/chain%s.h5' % (d, L), 'r')['summary'].attrs['acceptance']
print('L = %4d: %d of %d rows within 2 errors, worst headline row %s at %.2f; xi2 HMC %.3f(%.3f), generated %.3f(%.3f); '
      'exact chain acceptance %.3f' % (L, within, len(rows), worst, dist['observables'][worst], xi[0]['value'],
                                       xi[0]['error'], xi[1]['value'], xi[1]['error'], float(acc)))
eq = h5py.File('%s/hmc%s.h5' % (d, L), 'r')
V = L * L
ref = {'action': eq['action'][()] / V, 'absM': np.abs(eq['magnetisation'][()])}
out = []
for start in ['random', 'ordered', 'gen%d' % L]:
    f = h5py.File('%s/therm%d-%s.h5' % (d, L, start), 'r')
    series = {'action': f['action'][()] / V, 'absM': np.abs(f['magnetisation'][()])}
    need = 0
    for k in series:
        mu, err = ref[k].mean(), ref[k].std() / np.sqrt(10) # a running mean of 10 trajectories
        run = np.convolve(series[k], np.ones(10) / 10, mode='valid')
        ok = np.nonzero(np.abs(run - mu) <= 2 * err)[0]
        need = max(need, ok[0] if len(ok) else len(series[k]))
    out.append('%s %d' % ('generated' if start.startswith('gen') else start, need))
print('         thermalisation (trajectories to equilibrium): ' + ', '.join(out))
EOF
done
