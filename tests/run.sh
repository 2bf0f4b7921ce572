#!/bin/sh
# latdiff run, the main job, on a small lattice: every output, the report
# with its three ensembles, spectrum and distances, a restart that keeps the
# finished steps, and options refused before any work.
. "$top_srcdir/tests/tap.sh"
w="$workdir"
cat > "$w/run.opts" <<OPTS
# a small version of input/phi4_2d_symmetric.opts
-lattice 8,8
-kappa 0.21
-lambda 0.022
-ntraj 300
-therm 50
-seed 3
-train_net conv
-train_base gaussian
-train_target action
-train_augment
-train_hidden 4
-train_layers 1
-train_steps 20
-train_batch 16
-gen_nsamples 40
-gen_steps 20
OPTS
check "run on 2 ranks: hmc twice, train, sample, analyze" mpi 2 $LATDIFF run -options_file "$w/run.opts" -dir "$w/job"
check "  ... writes every output" sh -c "
  for f in train.h5 test.h5 model.h5 gen.h5 report.json; do test -s '$w/job/'\$f || exit 1; done"
check "  ... the testing ensemble is independent (seed + 1) and as long as the training one" sh -c "
  h5dump -a seed '$w/job/train.h5' | grep -q '(0): 3\$' && h5dump -a seed '$w/job/test.h5' | grep -q '(0): 4\$' &&
  h5dump -d magnetisation -H '$w/job/test.h5' | grep -q '( 300 )'"
check "  ... the model is trained on the training ensemble, generation uses the model" sh -c "
  h5dump -a data '$w/job/model.h5' | grep -q 'job/train.h5' && h5dump -a model '$w/job/gen.h5' | grep -q 'job/model.h5'"
if /usr/bin/python3 -c 'import json' 2>/dev/null; then
  check "  ... report.json: training, testing, generated, spectra, distances of generated and of training from testing" \
    /usr/bin/python3 -c "
import json, math, sys
r = json.load(open('$w/job/report.json'))
e = r['ensembles']
assert [x['label'] for x in e] == ['Training (HMC)', 'Testing (HMC)', 'Generated (DM)'], e
assert [x['n'] for x in e] == [300, 300, 40]
assert all(len(x['spectrum']['k']) == len(x['spectrum']['P']) > 3 for x in e)
d = r['distance']
assert d['inputs'] == [2, 3]
t, g = e[1]['observables']['chi2'], e[2]['observables']['chi2']
assert math.isclose(d['observables']['chi2'], (g['value'] - t['value']) / math.hypot(t['error'], g['error']))
assert len(d['spectrum']) == len(e[0]['spectrum']['k'])
ds = r['distances']
assert [x['inputs'] for x in ds] == [[2, 3], [2, 1]] and ds[0] == d
tr = e[0]['observables']['chi2']
assert math.isclose(ds[1]['observables']['chi2'], (tr['value'] - t['value']) / math.hypot(t['error'], tr['error']))
"
fi
if /usr/bin/python3 -c 'import matplotlib, h5py' 2>/dev/null; then
  check "  ... latdiff-plot-run draws the spectrum with both pairs' distances and the histograms" sh -c "
    /usr/bin/python3 '$top_srcdir/src/plot/latdiff-plot-run' '$w/job' > '$w/plot.txt' &&
    test -s '$w/job/spectrum.png' && test -s '$w/job/histograms.png' && grep -q 'wrote' '$w/plot.txt'"
fi
check "analyze -compare with two pairs: a line per pair counting the rows within 2 errors" sh -c "
  $LATDIFF analyze -input '$w/job/train.h5,$w/job/test.h5,$w/job/gen.h5' -labels tr,te,ge -compare 2,3,2,1 > '$w/cmp.txt' &&
  grep -q '^ge against te: [0-9]* of [0-9]* rows within 2 combined errors' '$w/cmp.txt' &&
  grep -q '^tr against te: [0-9]* of [0-9]* rows within 2 combined errors' '$w/cmp.txt' &&
  grep -q '(3-2)/sigma  (1-2)/sigma' '$w/cmp.txt'"
check_fails "-compare with an odd count of inputs is refused" "-compare: pairs of inputs" \
  $LATDIFF analyze -input "$w/job/train.h5,$w/job/test.h5" -compare 1,2,1
check "the generation section passes -record_times: the reverse flow file is written" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF run -options_file '$w/run.opts' -dir '$w/rec' -gen_record_times 0.1,0.5 \
    -gen_record_output '$w/recflow.h5' >/dev/null && h5dump -a format '$w/recflow.h5' | grep -q latdiff-flow"
check "-restart after a finished run keeps every step" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF run -options_file '$w/run.opts' -dir '$w/job' -restart > '$w/restart.log' 2>&1 &&
  grep -q 'train.h5 is complete already' '$w/restart.log' && grep -q 'gen.h5 is complete; kept' '$w/restart.log'"
check_fails "a second run into the same directory is refused" "-restart continues it, -force starts over" \
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/job"
check_fails "a misspelt option of the last section stops the run before any work" "unknown option -stpes" \
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/typo" -analyze_stpes 3
check "  ... and leaves no directory" test ! -e "$w/typo"
check_fails "a section may not name the pipeline's files" "-gen_output: latdiff run names the files itself" \
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/typo" -gen_output x.h5
check_fails "-dir naming a file is refused" "Not a directory" $LATDIFF run -options_file "$w/run.opts" -dir "$w/run.opts"
check_fails "-dir is required" "-dir is required" $LATDIFF run -options_file "$w/run.opts"
check "latdiff hmc reads the same options file and leaves the run's sections alone" \
  $LATDIFF hmc -options_file "$w/run.opts" -ntraj 5 -therm 0 -output "$w/h.h5"
finish
