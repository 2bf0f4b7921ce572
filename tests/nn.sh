#!/bin/sh
# The network kernels: adjoint identities, a direct sum, translation
# equivariance, finite differences of a whole small network, float vs double.
. "$top_srcdir/tests/tap.sh"
T="$top_builddir/tests/test_nn"
check "dense and conv (d = 1..4, periodic and zero padding): <y, J x> = <J^T y, x> to 1e-12" $T adjoint
check "conv equals the direct sum across im2col chunks; periodic conv is translation equivariant to rounding (1e-13)" $T conv
check "gradient of a conv-swish-dense-conv loss and of swish against central differences" $T fd
check "float kernels agree with double; float swish (its own vectorizable exponential) within 4e-7 of double on [-120, 120], NaN kept" $T float
check "subnormal floats flushed to zero (latdiff sets it at start: a hundred cycles each on Intel CPUs)" $T fpmode
check "MLP gradient against central differences; AdamW step against its closed form" $T mlp
check "the periodic conv net: gradient and tangents (J v) against central differences, translation equivariance to rounding" $T convnet
check "the conv net in single precision agrees with double: output and gradient to 1e-5" $T single
check "-odd networks (mlp, conv): s(-x) = -s(x) to rounding, gradient against central differences" $T odd
check "U-Nets (resampled or not, periodic or zero padded, d = 1..3, -odd): down/up adjoint, gradient and tangents (J v) against central differences, equivariance by 2^(levels-1) sites, single vs double, the tutorial net's parameter count" $T unet
check "-augment: the lattice symmetries are bijections that keep sum phi^2 and the hopping term" $T symmetry
check "jets (derivatives to third order) of MLPs in 1-3 dimensions, plain and -odd, and of the Gaussian mixtures: each order against fourth-order central differences of the one below (1e-8), J v along a random v" $T jet
check "the conv net's exact Jacobian trace by coloured probes (d = 1..3, remainder colours, -odd, a Gaussian base) against the sum of its unit tangents to 1e-12" $T trace
check "the Gaussian base with the magnetisations' zero mode: its score is the gradient of its log-density (1e-6), its jets to third order the derivatives of the order below, its trace the sum of its unit tangents (1e-12), odd to rounding; the action target mixed on the base's own law is sqrt(Xi) times its exact score on every mode, and the posterior's spread on the zero mode is one vacuum's (1e-12)" $T base
finish
