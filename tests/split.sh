#!/bin/sh
# sample -model on a split lattice (-proc_grid): each rank holds its slab
# of every sample of its group (size / prod(P) groups share -nsamples);
# the conv net exchanges ghosts, its base runs on FFTW-MPI's slabs. The same seed gives the same configurations on any
# grid: the fixed-step samplers (Euler-Maruyama, Heun) to 1e-12; the
# default adaptive ODE (each sample solved alone, its step control on the
# sample's global norm) to 1e-7: its step sizes follow an error norm
# that the ranks sum in another order, and 30 adaptive steps from t = 1
# to 1e-3 carry that rounding to up to 4e-8 (measured on 8x8, 1e-10 to
# 1e-8 sample by sample); a float network to float rounding. What cannot
# run split is refused.
# (The network itself on every grid shape: tests/nn_split.sh.)
. "$top_srcdir/tests/tap.sh"
C="$top_builddir/tests/test_compare"
gen() { np=$1; out=$2; shift 2; mpi "$np" $LATDIFF sample -output "$workdir/$out" -seed 5 "$@"; }
same() { $C -a "$workdir/$1" -b "$workdir/$2" -tol "$3"; }
setup "8x8 phi^4 training data" $LATDIFF hmc -lattice 8,8 -kappa 0.22 -lambda 0.022 -ntraj 600 -therm 100 -seed 3 \
  -output "$workdir/d8.h5"
setup "a conv net in double, 60 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/conv.h5" -steps 60 \
  -precision double -hidden 8 -layers 2
M="-model $workdir/conv.h5 -nsamples 6"
check "whole samples on 1 rank (the default sampler: adaptive ODE, -denoise_draw)" gen 1 w.h5 $M
check "  ... split over 2 ranks, -proc_grid 2,1" gen 2 s2.h5 $M -proc_grid 2,1
check "  ... split over 8 ranks, one row each, -proc_grid 8,1" gen 8 s8.h5 $M -proc_grid 8,1
check "adaptive ODE: the same configurations whole and split over 2 ranks (1e-7)" same w.h5 s2.h5 1e-7
check "adaptive ODE: the same configurations whole and split over 8 ranks (1e-7)" same w.h5 s8.h5 1e-7
check "Euler-Maruyama, 100 steps, whole" gen 1 em1.h5 $M -sampler em -steps 100
check "  ... split over 4 ranks" gen 4 em4.h5 $M -sampler em -steps 100 -proc_grid 4,1
check "Euler-Maruyama: the same configurations (1e-12)" same em1.h5 em4.h5 1e-12
check "Heun (-ode_fixed), 50 steps, whole" gen 1 h1.h5 $M -sampler ode -ode_fixed -steps 50
check "  ... split over 2 ranks" gen 2 h2.h5 $M -sampler ode -ode_fixed -steps 50 -proc_grid 2,1
check "Heun: the same configurations (1e-12)" same h1.h5 h2.h5 1e-12
check "transferred to 16x16 (-lattice), whole (Euler-Maruyama)" gen 1 t1.h5 $M -lattice 16,16 -sampler em -steps 100
check "  ... split over 4 ranks" gen 4 t4.h5 $M -lattice 16,16 -proc_grid 4,1 -sampler em -steps 100
check "transferred: the same configurations (1e-12)" same t1.h5 t4.h5 1e-12
setup "a conv net in single precision, 60 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/convf.h5" \
  -steps 60 -hidden 8 -layers 2
F="-model $workdir/convf.h5 -nsamples 6 -sampler em -steps 100"
check "single precision: whole" gen 1 f1.h5 $F
check "  ... split over 2 ranks" gen 2 f2.h5 $F -proc_grid 2,1
check "single precision: the same configurations to float rounding (1e-5)" same f1.h5 f2.h5 1e-5
check_fails "a grid that splits another direction is refused, naming the slabs" "give -proc_grid 2,1" \
  gen 2 bad.h5 $M -proc_grid 1,2
check "groups: 4 ranks as 2 groups of 2 (-proc_grid 2,1), 8 samples, Euler-Maruyama" \
  gen 4 g4.h5 -model "$workdir/conv.h5" -nsamples 8 -sampler em -steps 100 -proc_grid 2,1
check "  ... 2 groups of 1 (-proc_grid 1,1)" gen 2 g2.h5 -model "$workdir/conv.h5" -nsamples 8 -sampler em -steps 100 \
  -proc_grid 1,1
check "  ... whole on 1 rank" gen 1 g1.h5 -model "$workdir/conv.h5" -nsamples 8 -sampler em -steps 100
check "groups: the same configurations (1e-12)" sh -c "$C -a '$workdir/g1.h5' -b '$workdir/g4.h5' -tol 1e-12 && \
  $C -a '$workdir/g1.h5' -b '$workdir/g2.h5' -tol 1e-12"
check "groups: 8 ranks as 2 groups of 4, the adaptive ODE" gen 8 ga.h5 $M -proc_grid 4,1
check "  ... the same configurations as whole (1e-7)" same w.h5 ga.h5 1e-7
check_fails "-nsamples not a multiple of the groups is refused" "not a multiple of the 2 groups" \
  gen 4 bad.h5 -model "$workdir/conv.h5" -nsamples 5 -proc_grid 2,1
check_fails "a grid whose ranks do not divide the run's is refused" "does not divide the 4 ranks" \
  gen 4 bad.h5 $M -proc_grid 3,1
check_fails "recording (-record_times) with groups is refused" "not implemented yet" \
  gen 4 bad.h5 $M -proc_grid 2,1 -record_times 0.5 -record_output "$workdir/badrec.h5"
check_fails "a grid of the wrong dimension is refused" "1 entries for the 2-d lattice 8x8" gen 2 bad.h5 $M -proc_grid 2
check_fails "extents the grid does not divide are refused" "-proc_grid" gen 3 bad.h5 $M -proc_grid 3,1
check_fails "  ... naming the extent" "do not divide the extent 8" gen 3 bad.h5 $M -proc_grid 3,1
check_fails "-proposal independence with -proc_grid is refused" "one chain per rank on whole fields" \
  gen 2 bad.h5 $M -proc_grid 2,1 -proposal independence
setup "a periodic unet, 2 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/unet.h5" -steps 2 -net unet \
  -channels 4,8
check_fails "a unet on a split lattice is refused (not implemented yet)" "does not run on a split lattice" \
  gen 2 bad.h5 -model "$workdir/unet.h5" -nsamples 2 -proc_grid 2,1
check "no output file from any refused run" sh -c "test ! -e '$workdir/bad.h5' && test ! -e '$workdir/badrec.h5'"
finish
