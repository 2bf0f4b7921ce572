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
if $PYTHON -c 'import json' 2>/dev/null; then
  check "  ... report.json: training, testing, generated, spectra, distances of generated and of training from testing" \
    $PYTHON -c "
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
if $PYTHON -c 'import matplotlib, h5py' 2>/dev/null; then
  check "  ... latdiff-plot-run draws the spectrum with both pairs' distances and the histograms" sh -c "
    $PYTHON '$top_srcdir/src/plot/latdiff-plot-run' '$w/job' > '$w/plot.txt' &&
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
# --- one run's directory, stop and signals ---------------------------------------
check_fails "-gen_record_output naming the generated ensemble is refused before any work" "the same file as -output" \
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/rg" -gen_record_times 0.5 -gen_record_output "$w/rg/gen.h5"
check "  ... no ensemble was made" test ! -e "$w/rg/train.h5"
check_fails "-dir with a comma is refused before any work" "a directory name with a comma" \
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/a,b"
check "  ... and nothing was made" test ! -e "$w/a,b/train.h5"
mkdir -p "$w/foreign" && echo '{"mine": 1}' > "$w/foreign/report.json"
check_fails "a fresh run into a directory holding a foreign report.json is refused" "report.json of an earlier run" \
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/foreign"
check "  ... which is intact" grep -q mine "$w/foreign/report.json"
# the stop file of the first step: it stops with its checkpoint, and run stops too (exit 0), not
# starting the next step on a file that is not there
mkdir -p "$w/st" && touch "$w/st/train.h5.stop"
check "a step stopped by its stop file stops the run: exit 0, a message" sh -c "
  $LATDIFF run -options_file '$w/run.opts' -dir '$w/st' > '$w/st.log' 2>&1; rc=\$?; cat '$w/st.log';
  [ \$rc -eq 0 ] && grep -q 'run stopped' '$w/st.log' && test ! -e '$w/st/test.h5' && test ! -e '$w/st/model.h5'"
rm -f "$w/st/train.h5.stop"
check "  ... -restart completes it" sh -c "$LATDIFF run -options_file '$w/run.opts' -dir '$w/st' -restart >/dev/null &&
  test -s '$w/st/report.json'"
sigterm_run() { # SIGTERM during the first step: its checkpoint, run stops, exit 0
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/sg" -ntraj 200000 -checkpoint_every 100 > "$w/sg.log" 2>&1 &
  pid=$!
  i=0
  while [ ! -e "$w/sg/train.h5.partial" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
  kill -TERM $pid
  wait $pid
  rc=$?
  cat "$w/sg.log"
  [ $rc -eq 0 ] && grep -q "run stopped" "$w/sg.log" && test -e "$w/sg/train.h5.ckpt" && test ! -e "$w/sg/test.h5"
}
check "SIGTERM during a step stops the run with the step's checkpoint, exit 0" sigterm_run
busy_dir() { # a second run, even with -force, is refused while one works in the directory
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/bz" -ntraj 200000 -checkpoint_every 100 > "$w/bz.log" 2>&1 &
  pid=$!
  i=0
  while [ ! -e "$w/bz/train.h5.partial" ] && [ $i -lt 3000 ]; do sleep 0.01; i=$((i + 1)); done
  $LATDIFF run -options_file "$w/run.opts" -dir "$w/bz" -force > "$w/bz2.log" 2>&1
  rc=$?
  kill -TERM $pid; wait $pid
  cat "$w/bz2.log"
  [ $rc -ne 0 ] && grep -q "latdiff-run" "$w/bz2.log" && test -e "$w/bz/train.h5.ckpt"
}
check "a second run into a directory another run is working in is refused, -force or not" busy_dir
grep -v '^-gen_' "$w/run.opts" > "$w/ind.opts"
check "-gen_proposal independence: the generation section runs the exact chain (run sets -ntraj, not -nsamples)" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF run -options_file '$w/ind.opts' -dir '$w/ind' -gen_proposal independence -gen_ntraj 20 \
    -gen_therm 2 -gen_ts_rtol 1e-3 -gen_ts_atol 1e-3 >/dev/null && h5dump -a generator '$w/ind/gen.h5' | grep -q independence"
# the sections' own process grids: the network split over both ranks (one
# group) trains and generates what two groups of whole samples do, to
# single precision's rounding (2^-24 relative, 20 Adam steps: measured 6e-9)
check "-train_proc_grid 2,1 -gen_proc_grid 2,1: the network on the split lattice in run" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF run -options_file '$w/run.opts' -dir '$w/split' -train_proc_grid 2,1 -gen_proc_grid 2,1 \
    >/dev/null && test -s '$w/split/report.json' && h5dump -a options '$w/split/model.h5' | grep -q 'proc_grid 2,1'"
check "  ... trains the parameters of the whole-sample run to float rounding (1e-6)" \
  "$top_builddir/tests/test_params" -a "$w/job/model.h5" -b "$w/split/model.h5" -tol 1e-6
check "latdiff hmc reads the same options file and leaves the run's sections alone" \
  $LATDIFF hmc -options_file "$w/run.opts" -ntraj 5 -therm 0 -output "$w/h.h5"
finish
