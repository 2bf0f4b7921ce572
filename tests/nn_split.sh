#!/bin/sh
# The conv net on a split lattice equals the net held whole on one rank:
# forward, backward, tangents, trace, -odd; and the ghosts of a 3^d stencil.
. "$top_srcdir/tests/tap.sh"
T="$top_builddir/tests/test_nn_split"
what="forward, gradient (summed over the ranks), tangents, trace and -odd equal the net held whole"
check "d=2 8x12 grid 1,2: $what to 1e-12"            mpi 2 $T -lattice 8,12 -proc_grid 1,2
check "d=2 8x12 grid 2,1: $what to 1e-12"            mpi 2 $T -lattice 8,12 -proc_grid 2,1
check "d=2 8x12 grid 2,2: $what to 1e-12"            mpi 4 $T -lattice 8,12 -proc_grid 2,2
check "d=2 8x16 grid 2,4 (8 ranks): $what to 1e-12"  mpi 8 $T -lattice 8,16 -proc_grid 2,4
check "d=2 4x6 grid 2,2, local extents 2 and 3: $what to 1e-12" mpi 4 $T -lattice 4,6 -proc_grid 2,2
check "d=2 8x8 grid 2,2, 12 channels (the im2col path): $what to 1e-12" mpi 4 $T -lattice 8,8 -proc_grid 2,2 -channels 12
check "d=3 4x6x8 grid 2,2,2: $what to 1e-12"         mpi 8 $T -lattice 4,6,8 -proc_grid 2,2,2 -channels 8 -layers 1
check "d=4 4x4x4x6 grid 2,1,2,2: $what to 1e-12"     mpi 8 $T -lattice 4,4,4,6 -proc_grid 2,1,2,2 -channels 4 -layers 1
check "d=1 L=24 4 ranks: $what to 1e-12"             mpi 4 $T -lattice 24 -proc_grid 4
check "d=2 8x8 grid 2,2 in single precision: $what to 1e-5" mpi 4 $T -lattice 8,8 -proc_grid 2,2 -single
finish
