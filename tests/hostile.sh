#!/bin/sh
# Hostile input: words that are not options, lists of any length, options
# files that include themselves, enum typos, sizes that overflow or do not
# fit, degenerate lattices, diverging runs. Each ends with one line naming
# what is wrong, a non-zero exit, and no output; nothing crashes.
. "$top_srcdir/tests/tap.sh"
w="$workdir"
out="$w/out.h5"
ok="-lattice 8,8 -ntraj 4 -therm 1 -progress 1000"

# bad NAME PATTERN CMD...: fails, says PATTERN in one line, no output, no crash
bad() {
  desc=$1; pattern=$2; shift 2
  check_fails "$desc" "$pattern" "$@"
  cp "$workdir/out" "$w/last.out"
  check "$desc: no output, no crash" sh -c "test ! -e '$out' && test ! -e '$out.partial' &&
    ! grep -q -E 'PETSC ERROR|Segmentation|internal error|signal' '$w/last.out'"
}

# --- every word is an option or its value; lists of any length -----------------
bad "a word without its dash" "'ntraj' is not an option" $LATDIFF hmc -lattice 8,8 ntraj 7 -output "$out"
bad "two values after an option" "'8' is not an option" $LATDIFF hmc -lattice 8,8 -ntraj 7 8 -output "$out"
bad "a stray word on 2 ranks, said once" "'ntraj' is not an option" mpi 2 $LATDIFF hmc -lattice 8,8 ntraj 7 -output "$out"
check "  ... once" sh -c "test \$(grep -c 'latdiff: error' '$w/last.out') -eq 1"
setup "a good ensemble" $LATDIFF hmc $ok -output "$w/good.h5"
files=$(for i in $(seq 1 33); do printf '%s,' "$w/good.h5"; done)
check "analyze -input keeps all of 33 files" sh -c "
  $LATDIFF analyze -input '${files%,}' -json '$w/33.json' >/dev/null && test \$(grep -o '\"file\"' '$w/33.json' | wc -l) -eq 33"
times=$(seq 0 69 | awk '{printf "%.4f\n", $1 / 69}' | paste -sd, -)
check "forward -times keeps all of 70 values" sh -c "
  $LATDIFF forward -input '$w/good.h5' -times '$times' -output '$w/flow70.h5' > '$w/f70.log' &&
  test \$(awk '/^cumulants of M/ {on = 1; next} on && /^ *[0-9]/ {c++} /^largest/ {on = 0} END {print c}' '$w/f70.log') -eq 70"
bad "a list option with five extents" "at most 4" $LATDIFF hmc -lattice 4,4,4,4,4 -output "$out"

# --- options files --------------------------------------------------------------
printf -- '-options_file %s\n' "$w/self.opts" > "$w/self.opts"
bad "an options file that includes itself" "self.opts includes itself" $LATDIFF hmc $ok -options_file "$w/self.opts" -output "$out"
printf -- '-options_file %s\n' "$w/b.opts" > "$w/a.opts"
printf -- '-ntraj 4\n-options_file %s\n' "$w/a.opts" > "$w/b.opts"
bad "two options files that include each other" "includes itself" $LATDIFF hmc $ok -options_file "$w/a.opts" -output "$out"
printf -- '# comment\n-lattice 8,8\nntraj 4\n' > "$w/bad.opts"
bad "a bad line names the file and line" "bad.opts:3: 'ntraj' is not an option" \
  $LATDIFF hmc -options_file "$w/bad.opts" -output "$out"
bad "  ... on 2 ranks" "bad.opts:3:" mpi 2 $LATDIFF hmc -options_file "$w/bad.opts" -output "$out"
check "  ... once" sh -c "test \$(grep -c 'latdiff: error' '$w/last.out') -eq 1 && ! grep -q MPI_ABORT '$w/last.out'"

# --- messages for the user's mistakes -------------------------------------------
bad "an enum typo lists the choices" "-integrator: 'leepfrog' is not one of leapfrog or omelyan" \
  $LATDIFF hmc $ok -integrator leepfrog -output "$out"
bad "a schedule typo" "-schedule: 'vee' is not one of ve, vp or cosine" \
  $LATDIFF sample -theory twopeak -schedule vee -output "$out"
bad "a theory typo lists the score types" "-theory: 'twopeek' is not one of twopeak, phi4, gauss25 or swissroll" \
  $LATDIFF sample -theory twopeek -output "$out"
bad "an option of another theory" "unknown option -lattice" $LATDIFF sample -theory twopeak -lattice 8,8 -output "$out"
check "the ode sampler takes PETSc's -ts_* options" sh -c "
  $LATDIFF sample -theory twopeak -sampler ode -nsamples 50 -ts_adapt_type basic -ts_max_snes_failures 2 -output '$w/ts.h5' |
  grep -q 'accepted steps per solve'"
bad "a -ts_* typo is refused before the work" "unknown option -ts_adapt_typo" \
  $LATDIFF sample -theory twopeak -sampler ode -nsamples 50 -ts_adapt_typo basic -output "$out"
if [ -z "${LATDIFF_SANITIZE:-}" ]; then # AddressSanitizer reserves more address space than the limit
  bad "out of memory says so" "out of memory" sh -c "ulimit -v 2000000; $LATDIFF hmc -lattice 16384,16384 -ntraj 2 -output '$out'"
fi
bad "a lattice whose site count overflows" "more than 2^40 sites" \
  $LATDIFF hmc -lattice 65536,65536,65536,65536 -output "$out"
bad "sample: a lattice whose site count overflows" "more than 2^40 sites" \
  $LATDIFF sample -theory phi4 -lambda 0 -lattice 65536,65536,65536,65536 -output "$out"

# --- degenerate lattices --------------------------------------------------------
check "hmc -lattice 1 runs" $LATDIFF hmc -lattice 1 -ntraj 4 -therm 1 -output "$w/one.h5"
check "hmc -lattice 1 on 2 ranks runs as 2 replicas" mpi 2 $LATDIFF hmc -lattice 1 -replicas 2 -ntraj 4 -therm 1 -output "$w/one2.h5"
check "forward on a 1-site ensemble" $LATDIFF forward -input "$w/one.h5" -times 0,0.5 -output "$w/oneflow.h5"
check "sample -theory phi4 -lattice 1" $LATDIFF sample -theory phi4 -lambda 0 -lattice 1 -nsamples 16 -output "$w/ones.h5"

# --- divergence is an error, not a result ---------------------------------------
bad "langevin with a step too large" "the chain diverged: after step" \
  $LATDIFF langevin -lattice 8,8 -step 2 -ntraj 10 -therm 10 -output "$out"
bad "sample -sigma 1e200" "-sigma: 1e+200 is too large" $LATDIFF sample -theory twopeak -sigma 1e200 -output "$out"
bad "sample -schedule cosine -tmax 1" "diverges at t = 1" $LATDIFF sample -theory twopeak -schedule cosine -tmax 1 -output "$out"
bad "sample -schedule vp -beta_max 1e6" "is unstable" $LATDIFF sample -theory twopeak -schedule vp -beta_max 1e6 -output "$out"
bad "sample on 2 ranks -schedule vp -beta_max 1e6" "is unstable" \
  mpi 2 $LATDIFF sample -theory twopeak -schedule vp -beta_max 1e6 -output "$out"
bad "a reverse process that overflows" "the reverse process diverged: sample" \
  $LATDIFF sample -theory twopeak -sampler pc -snr 1e200 -nsamples 100 -output "$out"
check_fails "a lattice that cannot fit in memory is refused at once, saying what it needs" "the chain needs about" \
  $LATDIFF hmc -lattice 4096,4096,64 -ntraj 1 -output "$w/huge.h5"
check "  ... no output" test ! -e "$w/huge.h5"
check "output piped into a reader that closes it (| head) ends quietly, exit 0, the output still written" sh -c "
  $LATDIFF hmc -lattice 8,8 -ntraj 200 -therm 0 -progress 0 -output '$w/pipe.h5' 2> '$w/pipe.err' | head -c 1 >/dev/null;
  test -s '$w/pipe.h5' && ! grep -q 'PETSC ERROR\|MPI_ABORT\|Caught signal' '$w/pipe.err'"
early_term() { # SIGTERM within the first moments, before the chain has started: a clean stop, exit 0
  $LATDIFF hmc -lattice 8,8 -ntraj 100000 -therm 0 -output "$w/early.h5" > "$w/early.log" 2>&1 &
  pid=$!
  # the handler is installed at main's first instruction; before it the
  # dynamic loader still runs (PETSc's libraries: tens of ms, more under
  # load), where no program can catch a signal. Wait, bounded, until the
  # kernel lists SIGTERM (bit 15) as caught.
  i=0
  caught() { m=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/$pid/status 2>/dev/null); [ -n "$m" ] && [ $((0x${m#????????} & 16384)) -ne 0 ]; }
  while [ $i -lt 200 ] && ! caught; do sleep 0.01; i=$((i + 1)); done
  kill -TERM $pid
  wait $pid
  rc=$?
  cat "$w/early.log"
  [ $rc -eq 0 ] && grep -q "signal received" "$w/early.log" && test ! -e "$w/early.h5"
}
check "SIGTERM in the first moments: a clean stop with a message, exit 0" early_term
finish
