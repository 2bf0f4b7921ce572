#!/usr/bin/python3
"""torch_nets.py NET L BATCH STEPS THREADS GEN_STEPS [C LAYERS]: PyTorch doing
the work of `latdiff train -net NET -precision single` on an L x L lattice:
denoising score matching (VE, sigma 25) with a batch of BATCH, AdamW,
gradient clipping, STEPS steps on THREADS threads; then that of `latdiff
sample -sampler em -steps GEN_STEPS`: the Euler-Maruyama reverse process
on a batch of BATCH (no gradients). Prints training samples per second,
the peak resident memory, the parameter count and the FLOPs of one training
sample (3 x the convolutions' forward multiply-adds x 2), then generated
samples per second. The data are random (the cost does not depend on
them). Needs python3-torch (Debian).

NET:
  conv      the periodic conv net: input channels [x, x^3], LAYERS hidden 3x3
            circular convolutions of C channels, Fourier time embedding of 8 frequencies added per
            channel, swish, a C -> 1 output convolution
  unet      latdiff's default U-Net: input [x, x^3], channels 16/32/64, average-pool down,
            nearest up, circular padding, GroupNorm(8), embedding [Fourier 8,
            m, m^2, m^3] -> dense 64 -> swish
  tutorial  the ScoreNet of the Wang-Aarts-Zhou notebook (arXiv 2309.17082)
            as written there: channels 32/64/128/256 at full resolution,
            zero padding, ConvTranspose2d decoder, GroupNorm 4 then 32,
            Gaussian Fourier projection 256 (scale 30) -> dense 256 -> swish
"""
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
            [nn.Conv2d(2 if l == 0 else channels, channels, 3, padding=1, padding_mode="circular") for l in range(layers)]
        )
        self.embeds = nn.ModuleList([nn.Linear(2 * J + 3, channels, bias=False) for _ in range(layers)])
        self.out = nn.Conv2d(channels, 1, 3, padding=1, padding_mode="circular")

    def forward(self, x, t):
        a = 2 * math.pi * t[:, None] * self.freq[None, :]
        m = x.mean(dim=(1, 2, 3))[:, None]
        e = torch.cat([torch.sin(a), torch.cos(a), m, m * m, m * m * m], dim=1)
        h = torch.cat([x, x * x * x], dim=1)
        for conv, emb in zip(self.convs, self.embeds):
            h = F.silu(conv(h) + emb(e)[:, :, None, None])
        return self.out(h)


class UNet(nn.Module):
    """latdiff's nn_unet.h layer list, in PyTorch."""

    def __init__(self, channels, resample, periodic, J, scale, moments, embed, groups_first, groups, transposed=False,
                 cubic=False):
        super().__init__()
        self.resample, self.moments, self.cubic = resample, moments, cubic
        self.freq = torch.randn(J) * scale if scale > 0 else torch.tensor([0.5 * 2.0 ** j for j in range(J)])
        self.embed = nn.Linear(2 * J + (3 if moments else 0), embed)
        mode = "circular" if periodic else "zeros"

        def conv(cin, cout, bias=False, decoder=False):
            if transposed and decoder:  # the notebook's stride-1 transposed convolutions (zero padding only)
                return nn.ConvTranspose2d(cin, cout, 3, stride=1, padding=1, bias=bias)
            return nn.Conv2d(cin, cout, 3, padding=1, padding_mode=mode, bias=bias)

        n = len(channels)
        self.enc = nn.ModuleList()
        for i in range(n):
            cin = (2 if cubic else 1) if i == 0 else channels[i - 1]
            g = groups_first if i == 0 else groups
            self.enc.append(nn.ModuleList([conv(cin, channels[i]), nn.Linear(embed, channels[i]),
                                           nn.GroupNorm(min(g, channels[i]), channels[i])]))
        self.dec = nn.ModuleList()
        for i in range(n - 1, 0, -1):
            cin = channels[i] if i == n - 1 else 2 * channels[i]
            c = channels[i - 1]
            self.dec.append(nn.ModuleList([conv(cin, c, decoder=True), nn.Linear(embed, c),
                                           nn.GroupNorm(min(groups, c), c)]))
        self.out = conv(2 * channels[0], 1, bias=True, decoder=True)

    def forward(self, x, t):
        a = 2 * math.pi * t[:, None] * self.freq[None, :]
        feats = [torch.sin(a), torch.cos(a)]
        if self.moments:
            m = x.mean(dim=(1, 2, 3))[:, None]
            feats += [m, m * m, m * m * m]
        e = F.silu(self.embed(torch.cat(feats, dim=1)))
        skips, h = [], torch.cat([x, x * x * x], dim=1) if self.cubic else x
        for i, (c, d, g) in enumerate(self.enc):
            if i > 0 and self.resample:
                h = F.avg_pool2d(h, 2)
            h = F.silu(g(c(h) + d(e)[:, :, None, None]))
            skips.append(h)
        h = skips[-1]
        for k, (c, d, g) in enumerate(self.dec):
            level = len(skips) - 1 - k
            if level < len(skips) - 1:
                if self.resample:
                    h = F.interpolate(h, scale_factor=2, mode="nearest")
                h = torch.cat([h, skips[level]], dim=1)
            h = F.silu(g(c(h) + d(e)[:, :, None, None]))
        if self.resample:
            h = F.interpolate(h, scale_factor=2, mode="nearest")
        return self.out(torch.cat([h, skips[0]], dim=1))


def conv_flops(net, L, B):
    """multiply-adds x 2 of every convolution's forward pass, per sample, by hooks"""
    total = [0]

    def hook(mod, inp, out):
        k = mod.weight.shape[2] * mod.weight.shape[3]
        cin = mod.in_channels
        total[0] += 2 * k * cin * out.shape[1] * out.shape[2] * out.shape[3]

    hs = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    with torch.no_grad():
        net(torch.randn(1, 1, L, L), torch.rand(1))
    for h in hs:
        h.remove()
    return total[0]


def main(argv):
    if len(argv) not in (7, 9):
        print(__doc__)
        return 1
    kind = argv[1]
    L, B, steps, threads, gen_steps = (int(a) for a in argv[2:7])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    if kind == "conv":
        C, layers = int(argv[7]), int(argv[8])
        net = ConvNet(C, layers)
    elif kind == "unet":
        net = UNet([16, 32, 64], True, True, 8, 0, True, 64, 8, 8, cubic=True)
    elif kind == "tutorial":
        net = UNet([32, 64, 128, 256], False, False, 128, 30, False, 256, 4, 32, transposed=True)
    else:
        print(__doc__)
        return 1
    nparams = sum(p.numel() for p in net.parameters())
    flop = 3 * conv_flops(net, L, B)
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
    print(f"torch {threads} threads: {steps * B / dt:.1f} samples/s, peak RSS {rss:.0f} MiB, {nparams} parameters, "
          f"{flop} flop/sample")

    def generate():
        """Euler-Maruyama from t = 1 to eps: x += g^2 s dt + g sqrt(dt) z, s = net / sqrt(Xi)"""
        eps, dt = 1e-3, (1 - 1e-3) / gen_steps
        x = torch.randn(B, 1, L, L) * math.sqrt((sigma ** 2 - 1) / (2 * math.log(sigma)))
        with torch.no_grad():
            for k in range(gen_steps):
                t = 1 - k * dt
                xi = (sigma ** (2 * t) - 1) / (2 * math.log(sigma))
                g2 = sigma ** (2 * t)
                s = net(x / math.sqrt(1 + xi), torch.full((B,), t)) / math.sqrt(xi)
                x = x + g2 * s * dt + math.sqrt(g2 * dt) * torch.randn_like(x)
        return x

    net.eval()
    t0 = time.perf_counter()
    generate()
    dt = time.perf_counter() - t0
    print(f"torch {threads} threads: {B / dt:.2f} generated samples/s ({gen_steps} em steps)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
