#!/bin/sh
# sample -proposal independence: a Markov chain whose proposals are the
# model's probability-flow samples with their exact log q, accepted against
# e^-S. With the exact free-field score every proposal is the target
# itself: acceptance 1 to the tolerance, and chi2 and G(p) exact within 4
# errors (test_freefield). With trained networks on interacting 4x4 phi^4
# the chain agrees with an independent HMC ensemble within 4 errors
# (test_agree), for a model of 300 training steps and for one of 3 (the
# Gaussian base alone, nearly): a poorer model only lowers the acceptance.
# A stopped and restarted chain equals the uninterrupted one bit for bit
# (the state's log q and action are in the checkpoint), also with -flip
# and -hmc_every (log q then from the forward ODE, as nll); mixed with
# Fourier-accelerated HMC (-mass fourier: the model's propagator) and
# Swendsen-Wang, the chain still agrees.
. "$top_srcdir/tests/tap.sh"
F="$top_builddir/tests/test_freefield"
A="$top_builddir/tests/test_agree"
C="$top_builddir/tests/test_compare"
ff="-theory phi4 -lambda 0 -kappa 0.2 -lattice 8,8 -schedule vp -proposal independence"
check "free field, exact score: a chain per rank on 2 ranks" mpi 2 $LATDIFF sample $ff -ntraj 1000 -therm 2 \
  -ts_rtol 1e-4 -ts_atol 1e-4 -output "$workdir/ff.h5"
check "  ... chi2 and G(p) exact within 4 errors, <exp(-dH)> = 1" $F -input "$workdir/ff.h5"
check "  ... acceptance above 0.99 (rejections only from the tolerance)" sh -c "a=\$(h5dump -a summary/acceptance '$workdir/ff.h5' | awk '/\\(0\\)/ {print \$2}'); echo \$a; awk -v a=\$a 'BEGIN {exit !(a > 0.99)}'"
th="-lattice 4,4 -kappa 0.28 -lambda 0.1"
$LATDIFF hmc $th -ntraj 2000 -therm 100 -seed 1 -output "$workdir/train.h5" >/dev/null 2>&1
$LATDIFF hmc $th -ntraj 4000 -therm 100 -seed 2 -output "$workdir/hmc.h5" >/dev/null 2>&1
for st in 300 3; do
  check "interacting 4x4: a conv net of $st training steps (-base gaussian)" $LATDIFF train -input "$workdir/train.h5" \
    -output "$workdir/m$st.h5" -net conv -hidden 4 -layers 1 -base gaussian -steps $st -batch 32
  check "  ... its chain on 2 ranks" mpi 2 $LATDIFF sample -model "$workdir/m$st.h5" -proposal independence -ntraj 1000 \
    -therm 2 -ts_rtol 1e-3 -ts_atol 1e-3 -output "$workdir/c$st.h5"
  check "  ... agrees with HMC within 4 errors" $A -a "$workdir/hmc.h5" -b "$workdir/c$st.h5"
done
check "the 3-step model mixed with HMC Fourier accelerated by its base propagator and Swendsen-Wang, 2 ranks" \
  mpi 2 $LATDIFF sample -model "$workdir/m3.h5" -proposal independence -ntraj 600 -therm 2 -ts_rtol 1e-3 -ts_atol 1e-3 \
  -hmc_every 1 -mass fourier -tau 1.5 -nmd 6 -cluster swendsen-wang -output "$workdir/cmix.h5"
check "  ... agrees with HMC within 4 errors" $A -a "$workdir/hmc.h5" -b "$workdir/cmix.h5"
# (at -ts_rtol 1e-6: after an HMC move the state's log q comes from the
# forward ODE, whose error shows in <exp(-dH)>: 1.0022(1) at 1e-4)
check "free field, exact score, with Fourier-accelerated HMC by the exact propagator after every proposal" \
  $LATDIFF sample $ff -ntraj 600 -therm 2 -ts_rtol 1e-6 -ts_atol 1e-6 -hmc_every 1 -mass fourier -tau 1.5 -nmd 4 \
  -output "$workdir/ffmix.h5"
check "  ... chi2 and G(p) exact within 4 errors, <exp(-dH)> = 1" $F -input "$workdir/ffmix.h5"
check_fails "-mass fourier without -hmc_every is refused, not ignored" "-mass fourier: an option of the HMC trajectories" \
  $LATDIFF sample $ff -ntraj 5 -mass fourier -output "$workdir/bad.h5"
check "the poorer model's acceptance is lower (3 steps against 300)" sh -c "
  a=\$(h5dump -a summary/acceptance '$workdir/c300.h5' | awk '/\\(0\\)/ {print \$2}');
  b=\$(h5dump -a summary/acceptance '$workdir/c3.h5' | awk '/\\(0\\)/ {print \$2}'); echo \$a \$b;
  awk -v a=\$a -v b=\$b 'BEGIN {exit !(a > b + 0.02 && b > 0.2)}'"
opts="-model $workdir/m3.h5 -proposal independence -ntraj 30 -therm 3 -checkpoint_every 7 -flip 0.3 -hmc_every 4 -progress 1000"
setup "uninterrupted chain with -flip and -hmc_every" $LATDIFF sample $opts -output "$workdir/full.h5"
check "stopped after one proposal by the stop file" sh -c "touch '$workdir/s.h5.stop' &&
  $LATDIFF sample $opts -output '$workdir/s.h5' >/dev/null && rm '$workdir/s.h5.stop' && test ! -e '$workdir/s.h5'"
check "  ... restarted, it completes" $LATDIFF sample $opts -output "$workdir/s.h5" -restart
check "  ... and equals the uninterrupted chain bit for bit" $C -a "$workdir/full.h5" -b "$workdir/s.h5" -tol 0
check_fails "-start is refused: the chain starts from a proposal" "-start: the independence chain starts from a proposal" \
  $LATDIFF sample $opts -start cold -output "$workdir/bad.h5"
check "stopped again, for the restarts below" sh -c "touch '$workdir/s2.h5.stop' &&
  $LATDIFF sample $opts -output '$workdir/s2.h5' >/dev/null && rm '$workdir/s2.h5.stop' && test -e '$workdir/s2.h5.ckpt'"
check_fails "  ... a restart with another model is refused" "model_checksum" \
  $LATDIFF sample $(echo "$opts" | sed "s|m3.h5|m300.h5|") -output "$workdir/s2.h5" -restart
cp "$workdir/m3.h5" "$workdir/m3keep.h5" && cp "$workdir/m300.h5" "$workdir/m3.h5"
check_fails "  ... and with a model retrained under the same name" "model_checksum" \
  $LATDIFF sample $opts -output "$workdir/s2.h5" -restart
cp "$workdir/m3keep.h5" "$workdir/m3.h5"
check_fails "  ... and with another -ts_atol" "ts_atol" $LATDIFF sample $opts -ts_atol 1e-4 -output "$workdir/s2.h5" -restart
check "  ... with the same settings it completes" $LATDIFF sample $opts -output "$workdir/s2.h5" -restart
check_fails "a model of points is refused" "lattice phi^4" sh -c "
  $LATDIFF sample -theory twopeak -sampler exact -nsamples 100 -output '$workdir/tp.h5' >/dev/null &&
  $LATDIFF train -input '$workdir/tp.h5' -output '$workdir/mt.h5' -steps 10 -batch 16 >/dev/null &&
  $LATDIFF sample -model '$workdir/mt.h5' -proposal independence -output '$workdir/bad.h5'"
check_fails "-lattice the model does not apply to (another dimension)" "does not apply to it" $LATDIFF sample \
  -model "$workdir/m3.h5" -proposal independence -lattice 8,8,8 -output "$workdir/bad.h5"
check_fails "-replicas other than the rank count" "one chain per rank" $LATDIFF sample -model "$workdir/m3.h5" \
  -proposal independence -replicas 2 -output "$workdir/bad.h5"
check "refused runs leave no output" test ! -e "$workdir/bad.h5"
finish
