#!/bin/sh
# make check-long: a model trained on 32x32 samples 128x128
# (input/phi4_2d_large.opts: kappa 0.26, lambda 0.022, xi_2 about 4).
# Asserted, generated against the HMC testing ensemble at 128x128, each
# within 3 combined errors: |M|, chi2 and the action density, the
# long-distance and bulk observables a transfer to a larger volume is
# about (xi2 is printed: at L = 32 xi its estimator is noise). The whole report is printed. Not asserted, and measured as
# missed (bench/transfer.sh, docs/validation.md): issue 20's target of 90%
# of rows within 2 errors and every headline row within 3. The site
# cumulants kappa_4..kappa_8 (the one-site distribution's shape) of this
# model miss HMC by 3 to 4 errors on its own 32x32 training lattice
# already; the transfer carries that miss over unchanged, and at 128x128
# HMC's errors on them are smaller.
. "$top_srcdir/tests/tap.sh"
w="$workdir"
check "latdiff run on input/phi4_2d_large.opts (train 32x32, generate 128x128), 2 ranks" \
  mpi 2 $LATDIFF run -options_file "$top_srcdir/input/phi4_2d_large.opts" -dir "$w/large"
# the whole report's distances as a TAP comment, passed or not
$PYTHON -c "
import json
d = json.load(open('$w/large/report.json'))['distance']
o = d['observables']
rows = [x for x in list(o.values()) + d['spectrum'] if x is not None]
print('# %d of %d rows within 2 errors; ' % (sum(abs(x) <= 2 for x in rows), len(rows)) +
      ', '.join('%s %.2f' % (k, v) for k, v in o.items() if v is not None))" 2>&1 | sed '2,$s/^/# /'
check "  ... generated against testing at 128x128: |M|, chi2 and the action density within 3 errors" $PYTHON -c "
import json, sys
d = json.load(open('$w/large/report.json'))['distance']
o = d['observables']
rows = [x for x in list(o.values()) + d['spectrum'] if x is not None]
print('%d of %d rows within 2 errors; ' % (sum(abs(x) <= 2 for x in rows), len(rows)) +
      ', '.join('%s %.2f' % (k, v) for k, v in o.items() if v is not None))
sys.exit(0 if all(o[k] is not None and abs(o[k]) < 3 for k in ('absM', 'chi2', 'action_density')) else 1)"
finish
