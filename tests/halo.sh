#!/bin/sh
# Halo exchange: coordinate-encoded fields, d = 1..4, several grids, 1 to 8 ranks.
. "$top_srcdir/tests/tap.sh"
T="$top_builddir/tests/test_halo"
check "d=1 L=16, 1 rank"                  mpi 1 $T -lattice 16
check "d=1 L=16, 4 ranks"                 mpi 4 $T -lattice 16
check "d=2 8x12, 1 rank"                  mpi 1 $T -lattice 8,12
check "d=2 8x12, grid 2,1"                mpi 2 $T -lattice 8,12 -proc_grid 2,1
check "d=2 8x12, grid 1,2"                mpi 2 $T -lattice 8,12 -proc_grid 1,2
check "d=2 8x12, grid 2,2"                mpi 4 $T -lattice 8,12 -proc_grid 2,2
check "d=2 8x12, grid 4,2 (8 ranks)"      mpi 8 $T -lattice 8,12 -proc_grid 4,2
check "d=2 2x3 extents below 3, 2 ranks"  mpi 2 $T -lattice 2,3 -proc_grid 2,1
check "d=3 4x6x8, grid 2,2,2"             mpi 8 $T -lattice 4,6,8 -proc_grid 2,2,2
check "d=3 4x6x8, automatic grid 4 ranks" mpi 4 $T -lattice 4,6,8
check "d=4 4x4x4x6, grid 1,2,2,1"         mpi 4 $T -lattice 4,4,4,6 -proc_grid 1,2,2,1
check "d=4 4x4x4x6, grid 2,1,1,2"         mpi 4 $T -lattice 4,4,4,6 -proc_grid 2,1,1,2
check "d=4 4x4x4x4, grid 2,2,2,1"         mpi 8 $T -lattice 4,4,4,4 -proc_grid 2,2,2,1
check "d=2 replicas 2 x grid 2,1"         mpi 4 $T -lattice 8,8 -replicas 2 -proc_grid 2,1
finish
