#!/usr/bin/env python3
# Exact d = 1 phi^4 on a ring of L sites (the transfer matrix on a fine grid of
# phi values, trapezoidal weights, traces from its eigenbasis) against an analyze -json report: chi2,
# <phi^2> (site_kappa2, <phi> = 0) and the action density within 4 errors.
# Usage: transfer_matrix.py REPORT.json L KAPPA LAMBDA
import json, sys
import numpy as np
report, L, kappa, lam = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
a = np.linspace(-7, 7, 801); h = a[1] - a[0]
w = np.exp(-0.5 * ((1 - 2 * lam) * a**2 + lam * a**4)) * np.sqrt(h)
T = w[:, None] * np.exp(2 * kappa * np.outer(a, a)) * w[None, :]
ev, U = np.linalg.eigh(T)              # T symmetric: traces of products from its eigenbasis
ev = ev / ev.max()
B = U.T @ np.diag(a) @ U
Z = np.sum(ev**L)
corr = [np.sum(B**2 * np.outer(ev**(L - r), ev**r)) / Z for r in range(L)]   # <phi_0 phi_r>
chi2 = sum(corr)                       # V <m^2>
site2 = corr[0]                        # <phi^2>
s = (1 - 2 * lam) * a**2 + lam * a**4  # the site part of S
site_s = np.sum(np.diag(U.T @ np.diag(s) @ U) * ev**L) / Z
action = site_s - 2 * kappa * corr[1]  # <S> / V
obs = json.load(open(report))['ensembles'][0]['observables']
ok = True
for name, exact in (('chi2', chi2), ('site_kappa2', site2), ('action_density', action)):
    v, e = obs[name]['value'], obs[name]['error']
    z = (v - exact) / e
    print('%-15s %.5f(%.5f) exact %.5f  z %+.2f' % (name, v, e, exact, z))
    ok &= abs(z) < 4
sys.exit(not ok)
