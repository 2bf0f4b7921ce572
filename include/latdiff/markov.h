/* markov.h — what one update of a Markov chain reports (HMC, Langevin).
 * dH is the exponent of the Metropolis test, accept with min(1, e^-dH):
 * the energy violation of an HMC trajectory, or S(psi) - S(phi) plus the
 * log ratio of the proposal densities for MALA. Either way <e^-dH> = 1
 * in equilibrium. Without a Metropolis test, dH = 0 and accepted = 1. */
#ifndef LATDIFF_MARKOV_H
#define LATDIFF_MARKOV_H

typedef struct {
  double dH;
  int accepted;
} markov_result;

#endif
