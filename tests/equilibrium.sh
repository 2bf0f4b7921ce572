#!/bin/sh
# An ensemble out of equilibrium is not presented as a result: in the
# broken phase (32x32, kappa 0.4) a random start freezes into domains of
# both signs and analyze says so; the ordered start with the exact global
# flip phi -> -phi equilibrates, and analyze has nothing to warn about.
. "$top_srcdir/tests/tap.sh"
w="$workdir"
broken="-lattice 32,32 -kappa 0.4 -lambda 0.022 -ntraj 400 -therm 100 -seed 3 -progress 1000"
check "broken phase from a random start" $LATDIFF hmc $broken -output "$w/random.h5"
check "analyze warns that tau_int is not small against the ensemble" sh -c "
  $LATDIFF analyze -input '$w/random.h5' -json '$w/random.json' > '$w/random.out' 2>&1 &&
  grep -q 'tau_int(absM) = .* is not small against 400 configurations' '$w/random.out'"
nwarn() { $PYTHON -c "import json, sys; print(len(json.load(open(sys.argv[1]))['ensembles'][0]['warnings']))" "$1"; }
check "  ... and the JSON carries them" test "$(nwarn "$w/random.json")" -ge 1
check "  ... the field froze into domains: |M| far below the ordered |phi| = 3.8" sh -c "
  $LATDIFF analyze -input '$w/random.h5' 2>/dev/null | awk '/^absM/ {split(\$2, a, \"(\"); exit !(a[1] < 1)}'"
check "broken phase from an ordered start with -flip 0.5" \
  $LATDIFF hmc $broken -start ordered -flip 0.5 -output "$w/ordered.h5"
check "analyze has no warning" sh -c "
  $LATDIFF analyze -input '$w/ordered.h5' -json '$w/ordered.json' 2>'$w/err' && test ! -s '$w/err'"
check "  ... and the JSON has none" test "$(nwarn "$w/ordered.json")" -eq 0
check "  ... |M| is the ordered field's" sh -c "
  $LATDIFF analyze -input '$w/ordered.h5' 2>/dev/null | awk '/^absM/ {split(\$2, a, \"(\"); exit !(a[1] > 3.5 && a[1] < 4)}'"
check "the shipped broken-phase input starts ordered and flips" sh -c "
  grep -q '^-start ordered' '$top_srcdir/input/phi4_2d_broken.opts' && grep -q '^-flip' '$top_srcdir/input/phi4_2d_broken.opts'"
check_fails "-flip outside [0, 1] is refused" "-flip: 1.5 is not a probability" $LATDIFF hmc $broken -flip 1.5 -output "$w/x.h5"
finish
