#!/bin/sh
# bench/sampler_steps.sh — discretisation error of the reverse samplers
# against the step count, with the exact two-peak score and exact prior:
# every deviation from the exact cumulants is the sampler's own error.
# Prints, per sampler and step count, kappa_2 and kappa_4 with their
# errors and their distance from 1.0625 and -2 in standard errors.
# Run from the build directory: sh bench/sampler_steps.sh [nsamples]
set -eu
K=${1:-100000}
MPIRUN=${MPIRUN:-mpirun --oversubscribe --allow-run-as-root}
L=${LATDIFF:-./latdiff}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf '%-8s %-7s %6s %24s %24s\n' sampler sched steps "kappa2 (exact 1.0625)" "kappa4 (exact -2)"
for spec in "em ve" "ode ve -ode_fixed" "h vp" "pc ve"; do
  set -- $spec
  for n in 25 50 100 200 400 800; do
    $MPIRUN -n 2 $L sample -theory twopeak -sampler "$1" -schedule "$2" -steps "$n" -nsamples "$K" ${3:-} \
      -output "$tmp/g.h5" -force -quiet
    $L analyze -input "$tmp/g.h5" -json "$tmp/g.json" -force -quiet >/dev/null 2>&1
    ${PYTHON:-/usr/bin/python3} - "$tmp/g.json" "$1" "$2" "$n" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))["ensembles"][0]["observables"]
k2, k4 = o["kappa2"], o["kappa4"]
z2 = (k2["value"] - 1.0625) / k2["error"]; z4 = (k4["value"] + 2) / k4["error"]
print(f"{sys.argv[2]:8s} {sys.argv[3]:7s} {sys.argv[4]:>6s} {k2['value']:9.5f}({k2['error']:.5f}) {z2:+6.1f}s "
      f"{k4['value']:9.4f}({k4['error']:.4f}) {z4:+6.1f}s")
PY
  done
done
