# fokker_planck.py NLL.h5 DATA.h5 BOUND — the O(h) correction of `latdiff nll`
# against brute force: for the exact twopeak score (vp, tmax 0.5) with the
# Gaussian prior N(0, 1), which is not the target's, the density q^h of the
# h-interpolated reverse process is solved on a grid from its Fokker-Planck
# equation at h = 0, 0.01, 0.02 (fourth-order differences, RK4), and
# d/dh (-log q^h) at h = 0 (a second-order one-sided difference) must equal
# nll's correction per configuration within BOUND. Independent of the
# adjoint formula and of the jets that nll uses.
import sys, h5py, numpy as np

# the h-interpolated reverse process's density by its Fokker-Planck equation in tau = T - t:
# dq/dtau = d/dx (F_h q) + (h g^2 / 2) d2q/dx2,  F_h = -beta x / 2 - (1 + h) / 2 g^2 s
bmin, bmax, T, eps, mu0, s0 = 0.1, 20.0, 0.5, 1e-3, 1.0, 0.25
f = lambda t: np.exp(-0.5 * (bmin * t + 0.5 * (bmax - bmin) * t * t))
beta = lambda t: bmin + t * (bmax - bmin)
def score(x, t):
    ft = f(t); v = ft * ft * s0 * s0 + 1 - ft * ft
    a, b = -(x - ft * mu0) ** 2 / (2 * v), -(x + ft * mu0) ** 2 / (2 * v)
    m = np.maximum(a, b); wa, wb = np.exp(a - m), np.exp(b - m)
    return (wa * (ft * mu0 - x) + wb * (-ft * mu0 - x)) / ((wa + wb) * v)
x = np.linspace(-6, 6, 1201); dx = x[1] - x[0]
def d1(u):
    r = np.zeros_like(u); r[2:-2] = (-u[4:] + 8 * u[3:-1] - 8 * u[1:-3] + u[:-4]) / (12 * dx); return r
def d2(u):
    r = np.zeros_like(u); r[2:-2] = (-u[4:] + 16 * u[3:-1] - 30 * u[2:-2] + 16 * u[1:-3] - u[:-4]) / (12 * dx * dx); return r
def solve(h, nsteps=5000):
    fT = f(T); var = fT * fT * 1.0 + 1 - fT * fT   # the Gaussian prior, prior_var 1
    q = np.exp(-x * x / (2 * var)) / np.sqrt(2 * np.pi * var)
    dtau = (T - eps) / nsteps
    def rhs(q, tau):
        t = T - tau; g2 = beta(t)
        F = -0.5 * beta(t) * x - 0.5 * (1 + h) * g2 * score(x, t)
        return d1(F * q) + 0.5 * h * g2 * d2(q)
    tau = 0.0
    for _ in range(nsteps):
        k1 = rhs(q, tau); k2 = rhs(q + 0.5 * dtau * k1, tau + 0.5 * dtau)
        k3 = rhs(q + 0.5 * dtau * k2, tau + 0.5 * dtau); k4 = rhs(q + dtau * k3, tau + dtau)
        q = q + dtau / 6 * (k1 + 2 * k2 + 2 * k3 + k4); tau += dtau
    return q
nll = h5py.File(sys.argv[1], 'r'); x0 = h5py.File(sys.argv[2], 'r')['configs'][:].ravel()[:len(nll['nll'])]
dh = 0.01
L = [np.log(np.interp(x0, x, solve(h))) for h in (0.0, dh, 2 * dh)]
dlogq = (-3 * L[0] + 4 * L[1] - L[2]) / (2 * dh)
print('log q^0: FP', L[0][:4], ' nll', -nll['nll'][:4])
print('d/dh -log q: FP', -dlogq)
print('latdiff correction', nll['correction'][:])
err = np.abs(-dlogq - nll['correction'][:]).max()
print('max difference %.3g' % err)
sys.exit(not err < float(sys.argv[3]))
