#!/bin/sh
# Readers trust nothing: every dataset against /configs, the completeness
# mark, non-finite values, attributes as h5py writes them, and checkpoints.
. "$top_srcdir/tests/tap.sh"
E="$PYTHON $top_srcdir/tests/h5edit.py"
w="$workdir"
ok="-lattice 8,8 -ntraj 6 -therm 1 -progress 1000"
if ! $PYTHON -c 'import h5py' 2>/dev/null; then
  echo "ok 1 # SKIP python3-h5py is not installed"
  n=1
  finish
  exit $?
fi
setup "a good ensemble" $LATDIFF hmc $ok -output "$w/good.h5"

# bad NAME PATTERN KIND: the damaged copy is refused by analyze (1 and 2 ranks) and forward
bad() {
  desc=$1; pattern=$2; kind=$3
  $E "$w/good.h5" "$kind" "$w/$kind.h5" || { echo "not ok - h5edit $kind"; return; }
  check_fails "analyze: $desc" "$pattern" $LATDIFF analyze -input "$w/$kind.h5"
  check_fails "analyze on 2 ranks: $desc" "$pattern" mpi 2 $LATDIFF analyze -input "$w/$kind.h5" -json "$w/r.json"
  check_fails "forward: $desc" "$pattern" $LATDIFF forward -input "$w/$kind.h5" -output "$w/flow.h5"
  check "$desc: no output" sh -c "test ! -e '$w/flow.h5' && test ! -e '$w/flow.h5.partial' && test ! -e '$w/r.json'"
}
bad "/action shorter than /configs" "/action has extent 5 in dimension 0, but /configs and the attributes say 6" short
bad "/magnetisation longer than /configs" "/magnetisation has extent 106" long
bad "a NaN in a configuration" "configuration 2 holds a non-finite value" nan
bad "a value whose powers overflow" "configuration 1 holds a non-finite value" huge
bad "a /magnetisation that is not the mean of /configs" "is not the mean of configuration 0" mag
bad "a theory latdiff does not know" "theory 'xyz' is not one this latdiff knows" theory
check_fails "train: a /magnetisation that is not the mean of /configs (the base's vacua came from it)" \
  "is not the mean of configuration" $LATDIFF train -input "$w/mag.h5" -output "$w/m.h5" -net conv -base gaussian -steps 1 -batch 2 -validation 0.5
bad "an attribute of the wrong type" "attribute 'kappa' is not a number" wrongtype
bad "a negative configuration count" "configs_per_replica -5 make no sense" negconfigs
bad "a configuration count that overflows" "make no sense" bigconfigs

$E "$w/good.h5" h5py "$w/h5py.h5"
check "attributes written by h5py (variable-length strings, int32, float32) are read" \
  sh -c "$LATDIFF analyze -input '$w/h5py.h5' | grep -q '^chi2 '"

# an unfinished file is not data
touch "$w/s.h5.stop"
check "a stopped run" $LATDIFF hmc $ok -checkpoint_every 1 -output "$w/s.h5"
check_fails "analyze refuses its partial file" "incomplete: the run writing it has not finished" \
  $LATDIFF analyze -input "$w/s.h5.partial"
check_fails "forward refuses it" "incomplete" $LATDIFF forward -input "$w/s.h5.partial" -output "$w/flow.h5"
head -c $(($(wc -c < "$w/good.h5") - 200)) "$w/good.h5" > "$w/trunc.h5"
check_fails "a file cut short is refused" "truncated" $LATDIFF analyze -input "$w/trunc.h5"

# checkpoints are checked, not trusted
rm -f "$w/s.h5.stop"
$E "$w/s.h5.ckpt" ckpt_next "$w/bad.ckpt"
check_fails "a checkpoint with next_traj -1 is refused" "next_traj -1" sh -c "
  cp '$w/s.h5.ckpt' '$w/s.keep' && mv '$w/bad.ckpt' '$w/s.h5.ckpt' && $LATDIFF hmc $ok -checkpoint_every 1 -output '$w/s.h5' -restart"
$E "$w/s.keep" ckpt_nstored "$w/s.h5.ckpt"
check_fails "a checkpoint whose stored count does not fit its position is refused" "does not fit -therm 1 -every 1" \
  $LATDIFF hmc $ok -checkpoint_every 1 -output "$w/s.h5" -restart
check "with its own checkpoint the run completes" sh -c "
  cp '$w/s.keep' '$w/s.h5.ckpt' && $LATDIFF hmc $ok -checkpoint_every 1 -output '$w/s.h5' -restart >/dev/null &&
  $LATDIFF analyze -input '$w/s.h5' >/dev/null"
finish
