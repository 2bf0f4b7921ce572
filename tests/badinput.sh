#!/bin/sh
# Bad input: a message naming the problem, a non-zero exit, and no output file.
. "$top_srcdir/tests/tap.sh"
out="$workdir/out.h5"
ok="-lattice 8,8 -ntraj 4 -therm 1 -progress 1000"

# bad NAME PATTERN CMD...: fails, says PATTERN, leaves neither out.h5 nor its partial file
bad() {
  desc=$1; pattern=$2; shift 2
  check_fails "$desc" "$pattern" "$@"
  check "$desc: no output file" sh -c "test ! -e '$out' && test ! -e '$out.partial' && test ! -e '$workdir/r.json'"
}

# every verb's -help exits 0 and lists the verb's own options
for vo in hmc:-ntraj langevin:-ntraj forward:-times train:-channels sample:-record_times analyze:-compare nll:-probes run:-dir; do
  check "latdiff ${vo%%:*} -help lists ${vo#*:}" sh -c "$LATDIFF ${vo%%:*} -help 2>&1 | grep -q -- '^  ${vo#*:} '"
done

bad "zero extent"              "extent 1 is 0"          $LATDIFF hmc -lattice 8,0 -output "$out"
bad "negative extent"          "extent 0 is -4"         $LATDIFF hmc -lattice -4,8 -output "$out"
bad "five extents (d > 4)"     "at most 4"              $LATDIFF hmc -lattice 4,4,4,4,4 -output "$out"
bad "-proc_grid entries != d"  "3 entries given for a 2-dimensional" \
                                                        mpi 2 $LATDIFF hmc $ok -proc_grid 2,1,1 -output "$out"
bad "non-dividing process grid" "do not divide"         mpi 2 $LATDIFF hmc -lattice 7,8 -proc_grid 2,1 -output "$out"
bad "grid of the wrong size"   "the grid has 4 ranks"   mpi 2 $LATDIFF hmc $ok -proc_grid 2,2 -output "$out"
bad "no grid divides"          "no process grid"        mpi 2 $LATDIFF hmc -lattice 7,9 -output "$out"
bad "replicas do not divide ranks" "-replicas"          mpi 2 $LATDIFF hmc $ok -replicas 3 -output "$out"
bad "unknown option"           "unknown option -ntrajs" $LATDIFF hmc $ok -ntrajs 5 -output "$out"
bad "non-numeric integer"      "-ntraj: 'ten' is not an integer" $LATDIFF hmc -lattice 8,8 -ntraj ten -output "$out"
bad "non-numeric real"         "-kappa: '0.2x' is not a finite number" $LATDIFF hmc $ok -kappa 0.2x -output "$out"
bad "non-numeric extent"       "-lattice: '8,a' is not" $LATDIFF hmc -lattice 8,a -output "$out"
bad "negative lambda"          "unbounded below"        $LATDIFF hmc $ok -lambda -0.1 -output "$out"
bad "free field kappa >= 1/2d" "need |kappa| < 1/(2d)"  $LATDIFF hmc $ok -lambda 0 -kappa 0.25 -output "$out"
bad "zero -ntraj"              "-ntraj: 0 is out of range" $LATDIFF hmc -lattice 8,8 -ntraj 0 -output "$out"
bad "zero -nmd"                "-nmd: 0 is out of range" $LATDIFF hmc $ok -nmd 0 -output "$out"
bad "missing -lattice"         "-lattice is required"   $LATDIFF hmc -output "$out"
bad "missing -output"          "-output is required"    $LATDIFF hmc $ok
bad "unknown verb"             "unknown verb"           $LATDIFF hmcc $ok -output "$out"
bad "missing options file"     "options_file"           $LATDIFF hmc -options_file "$workdir/none.opts" -output "$out"
bad "missing input file"       "none.h5: no such file"  $LATDIFF analyze -input "$workdir/none.h5" -json "$workdir/r.json"

setup "a good ensemble" $LATDIFF hmc $ok -output "$workdir/good.h5"
head -c 4000 "$workdir/good.h5" > "$workdir/trunc.h5"
bad "truncated HDF5 file"      "truncated"              $LATDIFF analyze -input "$workdir/trunc.h5" -json "$workdir/r.json"
printf 'not hdf5\n' > "$workdir/text.h5"
bad "not an HDF5 file"         "not a readable HDF5"    $LATDIFF analyze -input "$workdir/text.h5" -json "$workdir/r.json"
bad "a checkpoint is not an ensemble" "no /configs"     sh -c "touch '$workdir/c.h5.stop';
  $LATDIFF hmc $ok -checkpoint_every 1 -output '$workdir/c.h5' >/dev/null;
  $LATDIFF analyze -input '$workdir/c.h5.ckpt' -json '$workdir/r.json'"
bad "restart on another lattice" "holds a 8x8 lattice, but -lattice asks for 4x4" \
  $LATDIFF hmc -lattice 4,4 -ntraj 4 -therm 1 -checkpoint_every 1 -output "$workdir/c.h5" -restart
bad "restart with another theory coupling" "has lambda" \
  $LATDIFF hmc $ok -lambda 0.5 -checkpoint_every 1 -output "$workdir/c.h5" -restart
check_fails "existing output is not overwritten" "exists" $LATDIFF hmc $ok -output "$workdir/good.h5"
check "the existing output is intact" $LATDIFF analyze -input "$workdir/good.h5"
check "-force overwrites" $LATDIFF hmc $ok -output "$workdir/good.h5" -force
finish
