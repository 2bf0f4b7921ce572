#!/usr/bin/python3
"""conv_torch.py C LAYERS L BATCH STEPS THREADS: PyTorch doing the work of
`latdiff train -net conv` (float32): the same periodic conv net (3x3
circular convolutions, C channels, LAYERS hidden layers, the Fourier time
embedding of 8 frequencies added per channel, swish, a C -> 1 output conv),
denoising score matching on an L x L batch of BATCH, AdamW, for STEPS
steps on THREADS threads. Prints training samples per second and the
peak resident memory; the data are random (the cost does not depend on
them). Needs python3-torch (Debian)."""
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class ConvNet(nn.Module):
    def __init__(self, channels, layers, J=8):
        super().__init__()
        self.freq = torch.tensor([0.5 * 2.0 ** j for j in range(J)])
        self.convs = nn.ModuleList(
            [nn.Conv2d(1 if l == 0 else channels, channels, 3, padding=1, padding_mode="circular") for l in range(layers)]
        )
        self.embeds = nn.ModuleList([nn.Linear(2 * J, channels, bias=False) for _ in range(layers)])
        self.out = nn.Conv2d(channels, 1, 3, padding=1, padding_mode="circular")

    def forward(self, x, t):
        a = 2 * math.pi * t[:, None] * self.freq[None, :]
        e = torch.cat([torch.sin(a), torch.cos(a)], dim=1)
        h = x
        for conv, emb in zip(self.convs, self.embeds):
            h = F.silu(conv(h) + emb(e)[:, :, None, None])
        return self.out(h)


def main(argv):
    if len(argv) != 7:
        print(__doc__)
        return 1
    C, layers, L, B, steps, threads = (int(a) for a in argv[1:])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    net = ConvNet(C, layers)
    opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=0)
    x0 = torch.randn(B, 1, L, L)
    sigma = 25.0

    def step():
        t = 1e-3 + (1 - 1e-3) * torch.rand(B)
        xi = (sigma ** (2 * t) - 1) / (2 * math.log(sigma))
        z = torch.randn_like(x0)
        xt = (x0 + xi.sqrt()[:, None, None, None] * z) / (1 + xi)[:, None, None, None].sqrt()
        loss = ((net(xt, t) + z) ** 2).sum() / B
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()

    for _ in range(3):  # warm-up: allocator and kernels
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch {threads} threads: {steps * B / dt:.1f} samples/s, peak RSS {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
