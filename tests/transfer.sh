#!/bin/sh
# A model applied to lattices other than its training lattice (sample,
# nll and the independence chain with -lattice), and hmc -start FILE.
#   - exact (tests/test_transfer.c): the fitted propagator carried to
#     another lattice; a conv net's and a periodic unet's score of a tiled
#     field is the tiled score, to 1e-11;
#   - the exact chain of a model trained on 8x8 runs on 16x16 and agrees
#     with HMC at 16x16 within 4 errors (test_agree): whatever the model
#     learned, the accept/reject step with the action makes it exact;
#   - what does not transfer is refused with the reason: zero padding, a
#     unet whose levels do not halve the extents, a measured base
#     propagator, another dimension, point models;
#   - hmc -start FILE starts replica r from configuration n - R + r of the
#     file (a trajectory of length 1e-6 leaves it where it started).
. "$top_srcdir/tests/tap.sh"
T="$top_builddir/tests/test_transfer"
A="$top_builddir/tests/test_agree"
th="-kappa 0.22 -lambda 0.022"
setup "8x8 phi^4 training data (symmetric phase)" $LATDIFF hmc -lattice 8,8 $th -ntraj 800 -therm 100 -seed 3 \
  -output "$workdir/d8.h5"
setup "a conv net in double, 60 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/conv.h5" -steps 60 \
  -precision double -hidden 8 -layers 2
check "  ... records what it applies to" sh -c "h5dump -a applies_to '$workdir/conv.h5' | grep -q 'any 2-d lattice'"
check "conv: the base carried exactly; the score of a 2x2-tiled field is the tiled score" $T -model "$workdir/conv.h5" \
  -factor 2
check "conv: the same 3x3-tiled (24x24)" $T -model "$workdir/conv.h5" -factor 3
setup "a periodic unet in double, 20 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/unet.h5" -steps 20 \
  -precision double -net unet -channels 4,8 -base gaussian
check "unet: the score of a 2x2-tiled field is the tiled score" $T -model "$workdir/unet.h5" -factor 2
check_fails "unet on extents its levels cannot halve: refused with the reason" "not divisible by 2" \
  $LATDIFF sample -model "$workdir/unet.h5" -lattice 9,8 -nsamples 4 -output "$workdir/bad.h5"
setup "a tutorial net (zero padding), 2 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/tut.h5" \
  -steps 2 -net tutorial -channels 4,8 -batch 8
check_fails "the tutorial net's zero padding is refused" "pads with zeros" \
  $LATDIFF sample -model "$workdir/tut.h5" -lattice 16,16 -nsamples 4 -output "$workdir/bad.h5"
setup "a conv net on the measured propagator, 2 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/meas.h5" \
  -steps 2 -base_propagator measured
check_fails "a measured base propagator is refused" "measured mode by mode" \
  $LATDIFF sample -model "$workdir/meas.h5" -lattice 16,16 -nsamples 4 -output "$workdir/bad.h5"
check_fails "another dimension is refused" "trained on the 2-d lattice 8x8" \
  $LATDIFF sample -model "$workdir/conv.h5" -lattice 64 -nsamples 4 -output "$workdir/bad.h5"
check "no output after the refusals" test ! -e "$workdir/bad.h5"
check "sample -lattice 16,16 on 2 ranks: a 16x16 ensemble that analyze reads" sh -c "
  $TESTMPIRUN -n 2 $LATDIFF sample -model '$workdir/conv.h5' -lattice 16,16 -nsamples 40 -output '$workdir/g16.h5' &&
  h5dump -a lattice '$workdir/g16.h5' | grep -q '16, 16' && h5dump -a model_lattice '$workdir/g16.h5' | grep -q 8x8 &&
  $LATDIFF analyze -input '$workdir/g16.h5'"
setup "16x16 HMC at the same couplings" $LATDIFF hmc -lattice 16,16 $th -ntraj 5000 -therm 100 -seed 4 \
  -output "$workdir/h16.h5"
check "nll of 16x16 data with the 8x8 model (the model on the data's lattice)" $LATDIFF nll -model "$workdir/conv.h5" \
  -input "$workdir/h16.h5" -nmax 4 -output "$workdir/nll.h5"
setup "a small conv net, 300 steps" $LATDIFF train -input "$workdir/d8.h5" -output "$workdir/c4.h5" -steps 300 \
  -hidden 4 -layers 1
check "the exact chain of the 8x8 model on 16x16, 2 ranks" mpi 2 $LATDIFF sample -model "$workdir/c4.h5" \
  -lattice 16,16 -proposal independence -ntraj 2500 -therm 5 -ts_rtol 1e-3 -ts_atol 1e-3 -output "$workdir/c16.h5"
check "  ... agrees with HMC at 16x16 within 4 errors" $A -a "$workdir/h16.h5" -b "$workdir/c16.h5"

# hmc -start FILE: the last configurations of an ensemble
short="-lattice 16,16 $th -ntraj 1 -therm 0 -nmd 1 -tau 1e-6"
check "hmc -start FILE, 2 replicas on 2 ranks" mpi 2 $LATDIFF hmc $short -replicas 2 -start "$workdir/g16.h5" \
  -output "$workdir/s.h5"
if $PYTHON -c 'import h5py' 2>/dev/null; then
  check "  ... replica r starts from configuration n - 2 + r (a trajectory of 1e-6 moves it by less than 1e-4)" \
    $PYTHON -c "
import h5py, numpy as np, sys
g = h5py.File('$workdir/g16.h5', 'r')['configs'][()]
s = h5py.File('$workdir/s.h5', 'r')['configs'][()].reshape(2, -1, 16, 16)
d = [np.abs(s[r, 0] - g[len(g) - 2 + r]).max() for r in range(2)]
print(d); sys.exit(not max(d) < 1e-4)"
else
  skip "replica r starts from configuration n - 2 + r" "no $PYTHON with h5py"
fi
check_fails "-start with an ensemble of another lattice" "but this chain is phi4 on 16x16" \
  $LATDIFF hmc $short -start "$workdir/d8.h5" -output "$workdir/bad.h5"
check_fails "langevin -start likewise" "but this chain is phi4 on 16x16" \
  $LATDIFF langevin -lattice 16,16 $th -ntraj 1 -therm 0 -start "$workdir/d8.h5" -output "$workdir/bad.h5"
setup "a one-configuration ensemble" $LATDIFF hmc $short -output "$workdir/one.h5"
check_fails "-start with fewer configurations than replicas" "1 configurations for 2 replicas" \
  mpi 2 $LATDIFF hmc $short -replicas 2 -start "$workdir/one.h5" -output "$workdir/bad.h5"
check_fails "-start naming the -output" "the same file as the input -start" \
  $LATDIFF hmc $short -start "$workdir/s.h5" -output "$workdir/s.h5" -force
check "no output after the refusals" test ! -e "$workdir/bad.h5"
finish
