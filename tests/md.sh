#!/bin/sh
# Force against a finite difference of the action; reversibility; dH ~ eps^2.
. "$top_srcdir/tests/tap.sh"
T="$top_builddir/tests/test_md"
check "d=1 L=32, 1 rank"              mpi 1 $T -lattice 32
check "d=2 8x8, grid 2,2"             mpi 4 $T -lattice 8,8 -proc_grid 2,2
check "d=2 8x8 free field, 2 ranks"   mpi 2 $T -lattice 8,8 -lambda 0 -kappa 0.2
check "d=3 4x4x6, grid 1,1,2"         mpi 2 $T -lattice 4,4,6 -proc_grid 1,1,2
check "d=4 4x4x4x4, grid 2,1,2,1"     mpi 4 $T -lattice 4,4,4,4 -proc_grid 2,1,2,1
finish
