#!/bin/sh
# A run stopped by a stop file, or killed at a random moment, and restarted
# from its checkpoint gives the same ensemble as an uninterrupted run.
. "$top_srcdir/tests/tap.sh"
C="$top_builddir/tests/test_compare"
opts="-lattice 8,8 -kappa 0.22 -lambda 0.02 -ntraj 60 -therm 10 -every 2 -seed 9 -checkpoint_every 7 -progress 1000"
setup "uninterrupted run" mpi 2 $LATDIFF hmc $opts -output "$workdir/full.h5"

# stop file present from the start: the run stops after one trajectory
touch "$workdir/s.h5.stop"
check "stop file ends the run cleanly" mpi 2 $LATDIFF hmc $opts -output "$workdir/s.h5"
check "no final file after a stop" test ! -e "$workdir/s.h5"
check_fails "a plain start over an interrupted run is refused" "-restart" \
  mpi 2 $LATDIFF hmc $opts -output "$workdir/s.h5"
rm -f "$workdir/s.h5.stop"
check "restart after the stop completes" mpi 2 $LATDIFF hmc $opts -output "$workdir/s.h5" -restart
check "stopped-and-restarted equals uninterrupted" $C -a "$workdir/full.h5" -b "$workdir/s.h5" -tol 0
check "the checkpoint is removed at the end" test ! -e "$workdir/s.h5.ckpt"

# killed with SIGKILL once a checkpoint exists, at whatever point it has reached
kill_run() {
  "$LATDIFF" hmc $opts -ntraj 3000 -output "$workdir/k.h5" >/dev/null 2>&1 &
  pid=$!
  i=0
  while [ ! -e "$workdir/k.h5.ckpt" ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i + 1)); done
  sleep 0.0$(( $(od -An -N1 -tu1 /dev/urandom) % 10 ))
  kill -KILL $pid 2>/dev/null
  wait $pid 2>/dev/null
  [ -e "$workdir/k.h5.ckpt" ] && [ ! -e "$workdir/k.h5" ]
}
check "killed run leaves a checkpoint and no final file" kill_run
check "restart after SIGKILL completes" $LATDIFF hmc $opts -ntraj 3000 -output "$workdir/k.h5" -restart
setup "uninterrupted 3000-configuration run" $LATDIFF hmc $opts -ntraj 3000 -output "$workdir/kfull.h5"
check "killed-and-restarted equals uninterrupted" $C -a "$workdir/kfull.h5" -b "$workdir/k.h5" -tol 0

# the global flip phi -> -phi and the ordered start restart exactly too
fopts="-lattice 8,8 -kappa 0.3 -lambda 0.02 -ntraj 40 -therm 5 -seed 4 -checkpoint_every 6 -start ordered -flip 0.5 -progress 1000"
setup "uninterrupted run with -flip" $LATDIFF hmc $fopts -output "$workdir/ffull.h5"
check "stopped run with -flip" sh -c "touch '$workdir/fs.h5.stop' && $LATDIFF hmc $fopts -output '$workdir/fs.h5' >/dev/null && rm '$workdir/fs.h5.stop'"
check "restarted run with -flip" $LATDIFF hmc $fopts -output "$workdir/fs.h5" -restart
check "  ... equals the uninterrupted one" $C -a "$workdir/ffull.h5" -b "$workdir/fs.h5" -tol 0
lopts="-lattice 8,8 -kappa 0.3 -lambda 0.02 -ntraj 40 -therm 5 -every 3 -seed 4 -checkpoint_every 7 -flip 0.5 -scheme mala -step 0.1 -progress 1000"
setup "langevin mala with -flip, uninterrupted" $LATDIFF langevin $lopts -output "$workdir/lfull.h5"
check "  ... stopped" sh -c "touch '$workdir/ls.h5.stop' && $LATDIFF langevin $lopts -output '$workdir/ls.h5' >/dev/null && rm '$workdir/ls.h5.stop'"
check "  ... restarted equals uninterrupted" sh -c "$LATDIFF langevin $lopts -output '$workdir/ls.h5' -restart >/dev/null &&
  $C -a '$workdir/lfull.h5' -b '$workdir/ls.h5' -tol 0"

touch "$workdir/m.h5.stop"
setup "a stopped run to restart with wrong options" mpi 1 $LATDIFF hmc $opts -output "$workdir/m.h5"
rm -f "$workdir/m.h5.stop"
check_fails "restart with another kappa is refused" "kappa" \
  mpi 1 $LATDIFF hmc $opts -kappa 0.23 -output "$workdir/m.h5" -restart
check_fails "restart on another lattice is refused" "lattice" \
  mpi 1 $LATDIFF hmc $opts -lattice 4,4 -output "$workdir/m.h5" -restart
finish
