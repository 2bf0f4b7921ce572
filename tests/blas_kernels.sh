#!/bin/sh
# OpenBLAS's kernels: on a CPU with AVX2 and FMA latdiff never runs
# OpenBLAS's pre-AVX2 fallback (blas_kernels.h), a choice of the user's
# OPENBLAS_CORETYPE is kept, and starting again keeps every argument.
. "$top_srcdir/tests/tap.sh"
hmc="hmc -lattice 4,4 -ntraj 2 -therm 0 -force"
# kernels BANNER-FILE: the kernel name the banner reports
kernels() { sed -n 's/.*OpenBLAS kernels \([A-Za-z0-9]*\).*/\1/p' "$1" | head -n 1; }
modern() { # the kernels must not be a pre-AVX2 fallback when the CPU has AVX2 and FMA
  $LATDIFF $hmc -output "$workdir/h.h5" >"$workdir/banner" 2>&1 || return 1
  k=$(kernels "$workdir/banner")
  echo "kernels: $k"
  [ -n "$k" ] || return 1
  grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo || return 0
  case $k in Prescott | Core2 | Penryn | Dunnington | Nehalem | Atom | Barcelona | Sandybridge) return 1 ;; esac
}
check "on a CPU with AVX2 and FMA the kernels are not OpenBLAS's pre-AVX2 fallback" modern
kept() {
  OPENBLAS_CORETYPE=Prescott $LATDIFF $hmc -output "$workdir/h.h5" >"$workdir/banner" 2>&1 || return 1
  grep "OpenBLAS kernels" "$workdir/banner"
  [ "$(kernels "$workdir/banner")" = Prescott ] && ! grep -q "chosen by latdiff" "$workdir/banner"
}
check "OPENBLAS_CORETYPE=Prescott is the user's choice: kept" kept
args() { # a path with spaces and an option after it survive a new start, on 2 ranks
  mkdir -p "$workdir/a dir" && mpi 2 $LATDIFF $hmc -output "$workdir/a dir/h 1.h5" -seed 5 >"$workdir/banner" 2>&1 &&
    [ -s "$workdir/a dir/h 1.h5" ] && grep -q -- "-seed 5" "$workdir/banner"
}
check "arguments with spaces survive, on 2 ranks" args
finish
