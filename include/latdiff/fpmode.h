/* fpmode.h — subnormal numbers flushed to zero for the whole process.
 *
 * A float below 1.2e-38 is subnormal, and on Intel CPUs every arithmetic
 * operation that reads or makes one takes a microcode assist of about a
 * hundred cycles. A network produces them as a matter of course (the
 * gradient through swish at a strongly negative input is x e^x); measured
 * on a 5th-generation Xeon, a 32x32 conv net whose hidden units had gone
 * quiet trained 10x slower, all of it in the backward pass's SGEMMs. AMD's
 * Zen cores pay far less, which is why it went unseen there. Results
 * change only where a value would have been subnormal, below anything a
 * float network or a double physics result resolves; every rank and every
 * restart runs in the same mode, so bitwise reproducibility is kept.
 *
 *   fpmode_flush_subnormals  set flush-to-zero and denormals-are-zero in
 *                            the calling thread (x86's MXCSR; call it in
 *                            main before any work: threads started later
 *                            inherit it); returns 1 if it could, 0 where
 *                            the architecture has no such switch here
 */
#ifndef LATDIFF_FPMODE_H
#define LATDIFF_FPMODE_H

int fpmode_flush_subnormals(void);

#endif
