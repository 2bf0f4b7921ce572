#!/bin/sh
# Section 4 of issue 20: a conv model of 4-d phi^4 trained on 8^4
# (symmetric phase) samples 16^4 with each sample split over 2 ranks
# (-proc_grid 2,1,1,1), against HMC at 16^4: the report's rows (within 2
# combined errors, the worst headline row) and xi2 of both, at 8^4 (the
# training lattice) and 16^4. lambda 0.022, kappa KAPPA (default 0.12:
# the free field's kappa_c is 1/8, so the symmetric phase with a
# correlation length of about 2).
#
#   sh bench/transfer_4d.sh [DIR] [KAPPA] [STEPS] [NGEN]
#        (default: bench-transfer-4d 0.12 3000 128; about an hour on 2 cores)
set -eu
dir=${1:-bench-transfer-4d}
kappa=${2:-0.12}
steps=${3:-3000}
ngen=${4:-128}
LATDIFF=${LATDIFF:-./latdiff}
PYTHON=${PYTHON:-/usr/bin/python3}
MPI="mpirun --oversubscribe --allow-run-as-root -n 2"
export OPENBLAS_NUM_THREADS=1
th="-kappa $kappa -lambda 0.022 -integrator omelyan -nmd 8 -tau 1"
mkdir -p "$dir"
q() { s=$(date +%s); "$@" -quiet >"$dir/log" 2>&1 || { cat "$dir/log"; exit 1; }; echo "  $(($(date +%s) - s)) s: $*" >>"$dir/times"; }

[ -e "$dir/hmc8.h5" ] || q $MPI $LATDIFF hmc -lattice 8,8,8,8 $th -therm 300 -ntraj 3000 -every 3 -replicas 2 -seed 7 \
  -output "$dir/hmc8.h5"
[ -e "$dir/model8.h5" ] || q $MPI $LATDIFF train -input "$dir/hmc8.h5" -output "$dir/model8.h5" -steps "$steps" \
  -batch 32
[ -e "$dir/gen8.h5" ] || q $MPI $LATDIFF sample -model "$dir/model8.h5" -nsamples $((4 * ngen)) -seed 9 \
  -output "$dir/gen8.h5"
[ -e "$dir/hmc16.h5" ] || q $MPI $LATDIFF hmc -lattice 16,16,16,16 $th -therm 300 -ntraj 1500 -every 5 -replicas 2 \
  -seed 8 -output "$dir/hmc16.h5"
[ -e "$dir/gen16.h5" ] || q $MPI $LATDIFF sample -model "$dir/model8.h5" -lattice 16,16,16,16 -proc_grid 2,1,1,1 \
  -nsamples "$ngen" -seed 9 -output "$dir/gen16.h5"
for L in 8 16; do
  q $LATDIFF analyze -input "$dir/hmc$L.h5,$dir/gen$L.h5" -compare 1,2 -json "$dir/report$L.json" -force
  $PYTHON - "$dir" "$L" <<'EOF2'
import json, sys
d, L = sys.argv[1], int(sys.argv[2])
rep = json.load(open('%s/report%s.json' % (d, L)))
dist = rep['distance']
rows = [x for x in list(dist['observables'].values()) + dist['spectrum'] if x is not None]
head = ['M', 'absM', 'chi2', 'UL', 'action_density'] + ['site_kappa%d' % k for k in range(2, 9)]
worst = max(head, key=lambda k: abs(dist['observables'][k]))
xi = [e['observables']['xi2'] for e in rep['ensembles']]
print('L = %2d^4: %d of %d rows within 2 errors (%d within 3), worst headline row %s at %.2f; '
      'xi2 HMC %.3f(%.3f), generated %.3f(%.3f)' % (L, sum(abs(x) <= 2 for x in rows), len(rows),
      sum(abs(x) <= 3 for x in rows), worst, dist['observables'][worst], xi[0]['value'], xi[0]['error'],
      xi[1]['value'], xi[1]['error']))
EOF2
done
echo "times:"; cat "$dir/times"
