#!/bin/sh
# Reverse samplers with the exact score of the two-peak mixture reproduce
# kappa_2 = 1.0625, kappa_4 = -2, kappa_6 = 16, kappa_8 = -272 within errors
# (VE and VP with Euler-Maruyama at 5e5 samples; pc, ode (Heun and adaptive
# Dormand-Prince), h and cosine at 1e5), and
# the generated ensemble does not depend on the number of ranks. The lattice
# free field with its exact (FFTW-MPI) score reproduces the exact propagator
# on a lattice split over ranks; gauss25 and the Swiss roll reproduce their
# exact moments and narrow components.
. "$top_srcdir/tests/tap.sh"
F="$top_builddir/tests/test_freefield"
T="$top_builddir/tests/test_twopeak"
C="$top_builddir/tests/test_compare"
gen() { np=$1; out=$2; shift 2; mpi "$np" $LATDIFF sample -theory twopeak -output "$workdir/$out" "$@"; }
# (a later -theory overrides the first)
check "ve em 5e5 samples"       gen 2 ve.h5 -schedule ve -sampler em -steps 1000 -nsamples 500000 -seed 1
check "ve em: exact cumulants"  $T -input "$workdir/ve.h5"
check "vp em 5e5 samples"       gen 2 vp.h5 -schedule vp -sampler em -steps 1000 -nsamples 500000 -seed 2
check "vp em: exact cumulants"  $T -input "$workdir/vp.h5"
check "ve ode (Heun, fixed) 1e5" gen 2 ode.h5 -schedule ve -sampler ode -ode_fixed -steps 500 -nsamples 100000 -seed 3
check "ve ode Heun: maps the prior onto the target" $T -input "$workdir/ode.h5"
check "vp ode (Dormand-Prince, adaptive) 1e5" gen 2 ts.h5 -schedule vp -sampler ode -nsamples 100000 -seed 3
check "vp ode adaptive: maps the prior onto the target" $T -input "$workdir/ts.h5"
# the same ODE by two integrators: Heun at 4000 steps is within 5e-6 of
# Dormand-Prince at 1e-9 (measured); 5e-5 leaves a factor 10
check "ve ode adaptive, rtol = atol = 1e-9, 1000 samples on 2 ranks" \
  gen 2 ts9.h5 -sampler ode -ts_rtol 1e-9 -ts_atol 1e-9 -nsamples 1000 -seed 3
check "the same on 3 ranks" gen 3 ts9b.h5 -sampler ode -ts_rtol 1e-9 -ts_atol 1e-9 -nsamples 1000 -seed 3
check "adaptive ode: the same samples on 2 and 3 ranks, bit for bit" $C -a "$workdir/ts9.h5" -b "$workdir/ts9b.h5" -tol 0
check "ve ode Heun 4000 steps, 1000 samples" gen 1 heun.h5 -sampler ode -ode_fixed -steps 4000 -nsamples 1000 -seed 3
check "Dormand-Prince and Heun give the same map to 5e-5" $C -a "$workdir/ts9.h5" -b "$workdir/heun.h5" -tol 5e-5
check "vp h=0.5 1e5"            gen 2 h.h5 -schedule vp -sampler h -h 0.5 -steps 1000 -nsamples 100000 -seed 4
check "vp h=0.5: exact cumulants" $T -input "$workdir/h.h5"
check "ve pc 1e5"               gen 2 pc.h5 -schedule ve -sampler pc -snr 0.16 -steps 1000 -nsamples 100000 -seed 5
check "ve pc: exact cumulants"  $T -input "$workdir/pc.h5"
check "cosine em 1e5 (from tmax = 0.995)" gen 2 cos.h5 -schedule cosine -sampler em -steps 1000 -nsamples 100000 -seed 8
check "cosine em: exact cumulants" $T -input "$workdir/cos.h5"
check "em: 1000 samples on 1 rank"  gen 1 r1.h5 -schedule ve -sampler em -steps 100 -nsamples 1000 -seed 6
check "em: 1000 samples on 3 ranks" gen 3 r3.h5 -schedule ve -sampler em -steps 100 -nsamples 1000 -seed 6
check "em: the same samples, bit for bit" $C -a "$workdir/r1.h5" -b "$workdir/r3.h5" -tol 0
check "pc: 1000 samples on 1 rank"  gen 1 p1.h5 -schedule vp -sampler pc -steps 100 -nsamples 1000 -seed 7
check "pc: 1000 samples on 3 ranks" gen 3 p3.h5 -schedule vp -sampler pc -steps 100 -nsamples 1000 -seed 7
check "pc: the same samples to 1e-12 (one global sum per step)" $C -a "$workdir/p1.h5" -b "$workdir/p3.h5" -tol 1e-12
check "ve em, only 30 steps, 1e5" gen 2 coarse.h5 -schedule ve -sampler em -steps 30 -nsamples 100000 -seed 9
check_fails "30 steps: the discretisation bias of kappa4 is seen" "kappa4" $T -input "$workdir/coarse.h5"
check "ve em, 30 steps, Metropolis window t < 0.6, 1e5" \
  gen 2 mh.h5 -schedule ve -sampler em -steps 30 -metropolis_t 0.6 -nsamples 100000 -seed 9
check "Metropolis window: exact cumulants again" $T -input "$workdir/mh.h5"
check "the acceptance rate is recorded" sh -c "h5dump -a /summary/metropolis_acceptance '$workdir/mh.h5' | grep -q '0\.'"
check "Metropolis window on 1 rank"  gen 1 m1.h5 -sampler h -h 0.7 -steps 50 -metropolis_t 0.5 -nsamples 1000 -seed 10
check "Metropolis window on 3 ranks" gen 3 m3.h5 -sampler h -h 0.7 -steps 50 -metropolis_t 0.5 -nsamples 1000 -seed 10
check "Metropolis window: the same samples, bit for bit" $C -a "$workdir/m1.h5" -b "$workdir/m3.h5" -tol 0
check_fails "a Metropolis window needs a stochastic sampler" "-metropolis_t" \
  $LATDIFF sample -theory twopeak -sampler ode -metropolis_t 0.5 -output "$workdir/x.h5"
P="$top_builddir/tests/test_points"
for th in gauss25 swissroll; do
  check "$th: ode adaptive, eps 1e-5, 20000 points" gen 2 $th.h5 -theory $th -sampler ode -eps 1e-5 -nsamples 20000 -seed 16
  check "$th: exact mean, covariance and weight near the centres" $P -input "$workdir/$th.h5"
done
check "gauss25: em 1000 steps, eps 1e-5, 20000 points" \
  gen 2 g25em.h5 -theory gauss25 -sampler em -eps 1e-5 -nsamples 20000 -seed 16
check_fails "gauss25 em at 1000 steps: too few points near the narrow centres is seen" "fraction" \
  $P -input "$workdir/g25em.h5"
ff() { np=$1; out=$2; shift 2
  mpi "$np" $LATDIFF sample -theory phi4 -lambda 0 -output "$workdir/$out" "$@"; }
check "free field 16x8 on 2 ranks, ve em 200 steps, 4000 fields" \
  ff 2 ffem.h5 -lattice 16,8 -kappa 0.2 -sampler em -steps 200 -nsamples 4000 -seed 11
check "free field em: chi2 and G(p) exact within 4 sigma" $F -input "$workdir/ffem.h5"
check "free field 4^4 on 2 ranks, vp pc 100 steps, 2000 fields" \
  ff 2 ffpc.h5 -lattice 4,4,4,4 -kappa 0.1 -schedule vp -sampler pc -steps 100 -nsamples 2000 -seed 12
check "free field pc 4d: chi2 and G(p) exact within 4 sigma" $F -input "$workdir/ffpc.h5"
check "free field 16x8 on 2 ranks, ve ode adaptive, 4000 fields" \
  ff 2 ffts.h5 -lattice 16,8 -kappa 0.2 -sampler ode -nsamples 4000 -seed 15
check "free field adaptive ode: chi2 and G(p) exact within 4 sigma" $F -input "$workdir/ffts.h5"
# the final step at eps = 0.05 (Xi = 0.06, a fifth of the highest mode's G):
# x_eps is exact, so drawing x_0 from its posterior (Gaussian here) is exact,
# while Tweedie's mean alone lowers each mode to G^2 / (G + Xi)
check "free field, ode to eps = 0.05 with -denoise_draw, 4000 fields" \
  ff 2 ffdraw.h5 -lattice 16,8 -kappa 0.2 -sampler ode -eps 0.05 -denoise_draw -nsamples 4000 -seed 15
check "-denoise_draw: chi2 and G(p) exact within 4 sigma" $F -input "$workdir/ffdraw.h5"
check "the same with -denoise (the mean only)" \
  ff 2 ffmean.h5 -lattice 16,8 -kappa 0.2 -sampler ode -eps 0.05 -denoise -nsamples 4000 -seed 15
check_fails "-denoise alone: the ultraviolet modes' deficit of Xi G / (G + Xi) is seen" "G(p) at momentum 7" \
  $F -input "$workdir/ffmean.h5"
check "-denoise_draw on 1 rank"  ff 1 ffd1.h5 -lattice 8,4 -steps 20 -eps 0.05 -denoise_draw -nsamples 50 -batch 16 -seed 13
check "-denoise_draw on 4 ranks" ff 4 ffd3.h5 -lattice 8,4 -steps 20 -eps 0.05 -denoise_draw -nsamples 50 -batch 7 -seed 13
check "-denoise_draw: the same fields to 1e-12" $C -a "$workdir/ffd1.h5" -b "$workdir/ffd3.h5" -tol 1e-12
check_fails "-denoise_draw needs a Gaussian posterior: refused for the two-peak target" "-denoise_draw" \
  $LATDIFF sample -theory twopeak -denoise_draw -output "$workdir/nodraw.h5"
check "  ... and no output" test ! -e "$workdir/nodraw.h5"
check "free field 8x4 on 1 rank, batch 16"   ff 1 ffr1.h5 -lattice 8,4 -steps 50 -nsamples 100 -batch 16 -seed 13
check "free field 8x4 on 4 ranks, batch 7"   ff 4 ffr4.h5 -lattice 8,4 -steps 50 -nsamples 100 -batch 7 -seed 13
check "free field: the same fields to 1e-12" $C -a "$workdir/ffr1.h5" -b "$workdir/ffr4.h5" -tol 1e-12
check "free field with a Metropolis window on 1 rank" \
  ff 1 ffm1.h5 -lattice 8,4 -steps 50 -metropolis_t 0.3 -nsamples 100 -batch 16 -seed 14
check "free field with a Metropolis window on 4 ranks" \
  ff 4 ffm4.h5 -lattice 8,4 -steps 50 -metropolis_t 0.3 -nsamples 100 -batch 7 -seed 14
check "free field Metropolis: the same fields to 1e-12" $C -a "$workdir/ffm1.h5" -b "$workdir/ffm4.h5" -tol 1e-12
check_fails "interacting phi4 has no exact score" "-lambda" \
  $LATDIFF sample -theory phi4 -lattice 8,8 -lambda 0.02 -output "$workdir/x.h5"
check_fails "a first extent not divisible by the ranks is refused" "multiple" \
  mpi 3 $LATDIFF sample -theory phi4 -lattice 8,8 -lambda 0 -output "$workdir/x.h5"
check_fails "a learned score is refused for now" "-score" $LATDIFF sample -theory twopeak -score net -output "$workdir/x.h5"
check_fails "h outside [0, 1] is refused" "-h" $LATDIFF sample -theory twopeak -sampler h -h 2 -output "$workdir/x.h5"
check "no output after refusals" test ! -e "$workdir/x.h5"
finish
