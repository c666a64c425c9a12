"""Per-epoch training time of the residual BatchNorm CNN of tutorials/06_digits_resnet: capa_nb's `fit` against PyTorch on
the CPU, same architecture, same initial weights, same batches, interleaved epoch by epoch in one run; medians. Also the peak
memory of a capa_nb training epoch (tracemalloc) beside its time.

One thread each: numpy's BLAS is limited to `--blas-threads` (threadpoolctl, default 1) and torch to `--threads` (default 1).

conv(1→32) – BN – ReLU – Residual[conv(32→32) – BN – ReLU – conv(32→32) – BN] – ReLU – maxpool 2 –
conv(32→64) – BN – ReLU – Residual[conv(64→64) – BN – ReLU – conv(64→64) – BN] – ReLU – maxpool 2 – Flatten – Dense(256→10),
all convolutions 3×3 with padding 1; CrossEntropy from logits, batch 32, float32, plain SGD, on scikit-learn's digits as 1×8×8 images.

    python bench/resnet_digits.py [--epochs 15] [--threads 1]
"""
from timing import command_line, copy_weights, interleaved_medians, orders, torch_epoch, print_header, print_table, traced_peak
import numpy as np
from sklearn.datasets import load_digits
from capa_nb.all import Sequential, Conv2D, ReLU, MaxPool2D, Flatten, Dense, CrossEntropy, fit, accuracy
from capa_nb.norm import BatchNorm2D
from capa_nb.compose import Residual

def data():
    "Digits as float32 images (N, 1, 8, 8) in [0, 1], and integer labels."
    d = load_digits()
    return (d.images[:, None] / 16).astype(np.float32), d.target.astype(np.int64)

def capa_model(seed=0, a=32):
    "The residual CNN of the tutorial, float32, with `a` channels in its first stage and 2a in its second."
    r, f32, b = np.random.default_rng(seed), np.float32, 2 * a
    conv = lambda c_in, c_out, s: Conv2D((c_in, s, s), c_out, 3, padding=1, rng=r, dtype=f32)
    block = lambda c, s: Residual(conv(c, c, s), BatchNorm2D(c, dtype=f32), ReLU(), conv(c, c, s), BatchNorm2D(c, dtype=f32))
    return Sequential(conv(1, a, 8), BatchNorm2D(a, dtype=f32), ReLU(), block(a, 8), ReLU(), MaxPool2D(2),
                      conv(a, b, 4), BatchNorm2D(b, dtype=f32), ReLU(), block(b, 4), ReLU(), MaxPool2D(2),
                      Flatten(), Dense(4 * b, 10, rng=r, dtype=f32))

def torch_model(torch, model, a=32):
    "The same network in torch, with the same initial weights (parameters in the same order as capa_nb's)."
    nn = torch.nn
    class Res(nn.Module):
        def __init__(self, *m): super().__init__(); self.f = nn.Sequential(*m)
        def forward(self, x): return x + self.f(x)
    conv = lambda c_in, c_out: nn.Conv2d(c_in, c_out, 3, padding=1)
    block = lambda c: Res(conv(c, c), nn.BatchNorm2d(c), nn.ReLU(), conv(c, c), nn.BatchNorm2d(c))
    b = 2 * a
    net = nn.Sequential(conv(1, a), nn.BatchNorm2d(a), nn.ReLU(), block(a), nn.ReLU(), nn.MaxPool2d(2),
                        conv(a, b), nn.BatchNorm2d(b), nn.ReLU(), block(b), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(4 * b, 10))
    return copy_weights(torch, net, model)   # parameters in capa_nb's order

def main(epochs=15, warmup=2, threads=1, blas_threads=1, dt=0.05, bs=32, width=32):
    "Time both implementations and print the table."
    X, Y = data()
    model = capa_model(a=width)
    runs = {'capa_nb fit': lambda e: fit(model, X[orders(len(X), e)], Y[orders(len(X), e)], CrossEntropy(), 1, dt,
                                         batch_size=bs, shuffle=False, progress=False)}
    try:
        import torch
        torch.set_num_threads(threads)
        net = torch_model(torch, model, a=width)
        opt = torch.optim.SGD(net.parameters(), lr=dt)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        runs[f'PyTorch CPU ({threads} thread{"s" * (threads > 1)})'] = lambda e: torch_epoch(
            torch, net.train(), opt, Xt, Yt, bs, order=orders(len(X), e))
    except ImportError: torch = None
    med = interleaved_medians(runs, epochs, warmup)
    peak = traced_peak(lambda: fit(model, X, Y, CrossEntropy(), 1, dt, batch_size=bs, seed=999, progress=False))
    print_header(f"digits residual BatchNorm CNN, widths {width}/{2 * width} ({len(X)} images 1×8×8, batch {bs}, float32, SGD), median of {epochs} epochs after {warmup} warm-up", torch, threads, blas_threads)
    print_table(med, peak)
    print(f"training accuracy after the run: capa_nb {accuracy(model.eval().forward(X), Y):.3f}"
          + (f", PyTorch {(net.eval()(Xt).argmax(1) == Yt).float().mean().item():.3f}" if torch else ''))
    return med

if __name__ == '__main__': command_line(main, __doc__, threads=1, width=(32, "channels of the first stage (the tutorial's: 32)"))
