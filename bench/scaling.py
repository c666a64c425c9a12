"""Per-epoch training time against the size of the work: capa_nb's `fit` against PyTorch on the CPU, one thread each, for MLPs
and CNNs from the digits' size up, on generated data (the speed does not depend on what the numbers mean). The rows of the
table in the issue "Fast at every size", and the time of one epoch of each, interleaved, medians; the peak memory of a capa_nb
epoch (tracemalloc) beside. The torch model is `to_torch` of the capa_nb one: the same layers and the same initial weights.

    python bench/scaling.py [--epochs 7] [--batches 20] [--only mlp|cnn]
"""
import argparse, platform, tracemalloc
from timing import interleaved_medians, torch_epoch
import numpy as np
from threadpoolctl import threadpool_limits
from capa_nb.all import Sequential, Dense, ReLU, Conv2D, MaxPool2D, Flatten, CrossEntropy, fit
from capa_nb.interop import to_torch

def mlp(sizes, r): # layer widths, a generator
    "Dense–ReLU–…–Dense with these widths, float32."
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]): layers += [Dense(a, b, rng=r, dtype=np.float32), ReLU()]
    return Sequential(*layers[:-1])

def cnn(C, H, c1, c2, r): # input channels and size, the two convolutions' channels, a generator
    "conv(C→c1, 3, pad 1)–ReLU–maxpool 2–conv(c1→c2, 3, pad 1)–ReLU–maxpool 2–Flatten–Dense(→10), float32."
    f32, h = np.float32, H // 4
    return Sequential(Conv2D((C, H, H), c1, 3, padding=1, rng=r, dtype=f32), ReLU(), MaxPool2D(2),
                      Conv2D((c1, H // 2, H // 2), c2, 3, padding=1, rng=r, dtype=f32), ReLU(), MaxPool2D(2),
                      Flatten(), Dense(c2 * h * h, 10, rng=r, dtype=f32))

CASES = [('MLP 64-128-10', 'mlp', lambda r: mlp([64, 128, 10], r), (64,), 32),
         ('MLP 784-512-512-10', 'mlp', lambda r: mlp([784, 512, 512, 10], r), (784,), 128),
         ('MLP 784-2048-2048-10', 'mlp', lambda r: mlp([784, 2048, 2048, 10], r), (784,), 256),
         ('CNN 1×8×8, 16/32', 'cnn', lambda r: cnn(1, 8, 16, 32, r), (1, 8, 8), 32),
         ('CNN 1×28×28, 16/32', 'cnn', lambda r: cnn(1, 28, 16, 32, r), (1, 28, 28), 64),
         ('CNN 3×32×32, 32/64', 'cnn', lambda r: cnn(3, 32, 32, 64, r), (3, 32, 32), 64)]

def run(name, make, shape, bs, epochs, batches, torch):
    "(capa_nb s/epoch, torch s/epoch, capa_nb peak MiB) for one row."
    r = np.random.default_rng(0)
    model = make(r)
    X = r.standard_normal((bs * batches, *shape)).astype(np.float32)
    Y = r.integers(0, 10, len(X))
    runs = {'capa_nb': lambda e: fit(model, X, Y, CrossEntropy(), 1, 0.01, batch_size=bs, seed=e, progress=False)}
    if torch is not None:
        net = to_torch(model).train(); opt = torch.optim.SGD(net.parameters(), lr=0.01)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        runs['torch'] = lambda e: torch_epoch(torch, net, opt, Xt, Yt, bs, e)
    med = interleaved_medians(runs, epochs, 2)
    tracemalloc.start(); fit(model, X, Y, CrossEntropy(), 1, 0.01, batch_size=bs, seed=99, progress=False)
    peak = tracemalloc.get_traced_memory()[1] / 2**20; tracemalloc.stop()
    return med['capa_nb'], med.get('torch'), peak

def main(epochs=7, batches=20, only=None):
    "Every row: time per epoch of both, their ratio, and the memory."
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError: torch = None
    print(f"numpy {np.__version__} (BLAS threads: 1), python {platform.python_version()}"
          + (f", torch {torch.__version__} (threads: 1)" if torch else '') + f"; {batches} batches per epoch, median of {epochs}")
    print(f"{'model':<24}{'batch':>6}{'capa_nb ms':>12}{'torch ms':>10}{'ratio':>8}{'peak MiB':>10}")
    for name, kind, make, shape, bs in CASES:
        if only and kind != only: continue
        c, t, peak = run(name, make, shape, bs, epochs, batches, torch)
        print(f"{name:<24}{bs:>6}{1e3 * c:>12.1f}" + (f"{1e3 * t:>10.1f}{c / t:>7.2f}x" if t else '') + f"{peak:>10.1f}")

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--epochs', type=int, default=7, help='measured epochs per row')
    ap.add_argument('--batches', type=int, default=20, help='batches per epoch')
    ap.add_argument('--only', choices=['mlp', 'cnn'], help='only these rows')
    a = ap.parse_args()
    with threadpool_limits(1, user_api='blas'): main(a.epochs, a.batches, a.only)
