# tap.sh — sourced by the test drivers: runs cases, prints TAP.
# Each case is a command; it passes when it exits 0. Output of a failing
# case is shown as TAP comments.
set -u
n=0
nfail=0
workdir=$(mktemp -d "${TMPDIR:-/tmp}/latdiff-test.XXXXXX")
trap 'rm -rf "$workdir"' EXIT
export OPENBLAS_NUM_THREADS=1 OMPI_MCA_rmaps_base_oversubscribe=1
: "${TESTMPIRUN:=mpirun --oversubscribe --allow-run-as-root}"
: "${top_builddir:=.}"
: "${PYTHON:=python3}" # configure's choice (one with h5py and numpy) under make check
: "${top_srcdir:=.}"
LATDIFF="$top_builddir/latdiff"

# mpi NP CMD...: run CMD on NP ranks
mpi() { np=$1; shift; $TESTMPIRUN -n "$np" "$@"; }

# check DESCRIPTION CMD...: one TAP line
check() {
  desc=$1; shift
  n=$((n + 1))
  if "$@" >"$workdir/out" 2>&1; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    sed 's/^/# /' "$workdir/out" | tail -n 40
    nfail=$((nfail + 1))
  fi
}

# setup DESCRIPTION CMD...: a step that makes the data later cases assert
# on; one TAP line named as set-up (its failure fails the driver)
setup() {
  d=$1; shift
  check "set-up: $d" "$@"
}

# check_fails DESCRIPTION PATTERN CMD...: CMD must exit non-zero and print PATTERN
check_fails() {
  desc=$1; pattern=$2; shift 2
  n=$((n + 1))
  if "$@" >"$workdir/out" 2>&1; then
    echo "not ok $n - $desc (exited 0)"
    sed 's/^/# /' "$workdir/out" | tail -n 20
    nfail=$((nfail + 1))
  elif ! grep -q -- "$pattern" "$workdir/out"; then
    echo "not ok $n - $desc (message lacks '$pattern')"
    sed 's/^/# /' "$workdir/out" | tail -n 20
    nfail=$((nfail + 1))
  else
    echo "ok $n - $desc"
  fi
}

# skip DESCRIPTION REASON: one TAP line for a case this machine cannot run
skip() {
  n=$((n + 1))
  echo "ok $n # SKIP $1: $2"
}

finish() {
  echo "1..$n"
  [ "$nfail" -eq 0 ]
}
