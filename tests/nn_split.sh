#!/bin/sh
# The conv net and the U-Net on a split lattice equal the net held whole on
# one rank: forward, backward, tangents, trace (conv), -odd; and the ghosts
# of a 3^d stencil.
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
u="forward, gradient (summed over the ranks), tangents and -odd of the unet equal the net held whole"
check "unet d=2 16x16 grid 1,2 (3 levels, GroupNorm and m over the ranks): $u to 1e-12" mpi 2 $T -net unet -lattice 16,16 -proc_grid 1,2
check "unet d=2 16x16 grid 2,1: $u to 1e-12"          mpi 2 $T -net unet -lattice 16,16 -proc_grid 2,1
check "unet d=2 16x16 grid 2,2: $u to 1e-12"          mpi 4 $T -net unet -lattice 16,16 -proc_grid 2,2
check "unet d=2 8x16 grid 2,4 (8 ranks; 4x4 boxes, 1x1 at the coarsest level): $u to 1e-12" mpi 8 $T -net unet -lattice 8,16 -proc_grid 2,4
check "unet d=2 16x16 grid 2,2, 12 channels (the im2col path): $u to 1e-12" mpi 4 $T -net unet -lattice 16,16 -proc_grid 2,2 -channels 12
check "unet d=3 8x8x8 grid 2,2,2: $u to 1e-12"        mpi 8 $T -net unet -lattice 8,8,8 -proc_grid 2,2,2 -channels 8 -levels 2
check "unet d=4 4x4x4x8 grid 2,1,1,2: $u to 1e-12"    mpi 4 $T -net unet -lattice 4,4,4,8 -proc_grid 2,1,1,2 -channels 4 -levels 2
check "unet d=2 16x16 grid 2,2 in single precision: $u to 1e-5" mpi 4 $T -net unet -lattice 16,16 -proc_grid 2,2 -single
check "unet on 8x12 over 1,2 (boxes 8x6): 3 levels refused, naming the extent 3 and level 1" \
  mpi 2 $T -net unet -lattice 8,12 -proc_grid 1,2 -levels 3 -refuse "extent 3 in direction 1 at level 1"
finish
