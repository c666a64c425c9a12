"""Per-epoch training time against the size of the work: capa_nb's `fit` against PyTorch on the CPU, one thread each, for MLPs
and CNNs from the digits' size up, on generated data (the speed does not depend on what the numbers mean). The rows of the
table in the issue "Fast at every size" and larger ones; the time of one epoch of each, interleaved, medians; the peak memory
of a capa_nb epoch (tracemalloc) beside. The torch model is `to_torch` of the capa_nb one: the same layers and the same initial
weights, SGD, cross-entropy.

For the MLPs, `GEMM share` is the time of the epoch's matrix products alone (the same products at the same shapes: forward,
dE/dx and dE/dW of every Dense, run on their own) over capa_nb's epoch time: where it is close to 1 the limit is BLAS itself,
for torch (same OpenBLAS-class kernels) as for numpy.

    python bench/scaling.py [--epochs 7] [--batches 20] [--only mlp|cnn|'3×64'] [--json bench/scaling.json]

With `--json`, the rows are also written there with the date, the machine and the versions: the benchmarks page draws them.
"""
import argparse, datetime, json, os, platform, time
from timing import interleaved_medians, torch_epoch, traced_peak
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

def mlp_case(sizes, bs): return (f"MLP {'-'.join(map(str, sizes))}", 'mlp', sizes, bs)
def cnn_case(C, H, c1, c2, bs): return (f"CNN {C}×{H}×{H}, {c1}/{c2}", 'cnn', (C, H, c1, c2), bs)

CASES = [mlp_case([64, 128, 10], 32), mlp_case([784, 512, 512, 10], 128), mlp_case([784, 2048, 2048, 10], 256),
         mlp_case([784, 1024, 1024, 1024, 10], 1024),
         cnn_case(1, 8, 16, 32, 32), cnn_case(1, 28, 16, 32, 64), cnn_case(3, 32, 32, 64, 64), cnn_case(3, 64, 32, 64, 32)]

def macs(kind, spec, bs): # a row's kind and spec, its batch size
    "Multiply–adds of one forward pass of a batch: the x-axis of the page's plot (backward is about twice as much)."
    if kind == 'mlp': return bs * sum(a * b for a, b in zip(spec[:-1], spec[1:]))
    C, H, c1, c2 = spec
    return bs * (H * H * 9 * C * c1 + (H // 2) ** 2 * 9 * c1 * c2 + (H // 4) ** 2 * c2 * 10)

def gemm_seconds(sizes, bs, batches, reps=3):
    "Time of an MLP epoch's matrix products alone, float32, one thread: x Wᵀ, g W (not for the first layer) and gᵀ x per layer,"
    " with W column-major and gᵀ x computed as Dense computes them."
    r = np.random.default_rng(1)
    mats = [(r.standard_normal((bs, a), np.float32), np.asfortranarray(r.standard_normal((b, a), np.float32)),
             r.standard_normal((bs, b), np.float32)) for a, b in zip(sizes[:-1], sizes[1:])]
    def epoch():
        for _ in range(batches):
            for i, (x, W, g) in enumerate(mats):
                x @ W.T; (x.T @ g).T
                if i: g @ W
    epoch(); t = []
    for _ in range(reps): t0 = time.perf_counter(); epoch(); t.append(time.perf_counter() - t0)
    return float(np.median(t))

def run(kind, spec, bs, epochs, batches, torch):
    "{capa_nb, torch: s/epoch, peak_mib, gemm_share} for one row."
    r = np.random.default_rng(0)
    model = mlp(spec, r) if kind == 'mlp' else cnn(*spec, r)
    shape = (spec[0],) if kind == 'mlp' else (spec[0], spec[1], spec[1])
    X = r.standard_normal((bs * batches, *shape)).astype(np.float32)
    Y = r.integers(0, 10, len(X))
    runs = {'capa_nb': lambda e: fit(model, X, Y, CrossEntropy(), 1, 0.01, batch_size=bs, seed=e, progress=False)}
    if torch is not None:
        net = to_torch(model).train(); opt = torch.optim.SGD(net.parameters(), lr=0.01)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        runs['torch'] = lambda e: torch_epoch(torch, net, opt, Xt, Yt, bs, e)
    med = interleaved_medians(runs, epochs, 2)
    med['peak_mib'] = traced_peak(lambda: fit(model, X, Y, CrossEntropy(), 1, 0.01, batch_size=bs, seed=99, progress=False)) / 2**20
    if kind == 'mlp': med['gemm_share'] = gemm_seconds(spec, bs, batches) / med['capa_nb']
    return med

def cpu_name():
    "The processor's model name from /proc/cpuinfo (Linux), else platform's."
    try: return next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))
    except (OSError, StopIteration): return platform.processor() or 'unknown'

def main(epochs=7, batches=20, only=None, out=None):
    "Every row: time per epoch of both, their ratio, the memory, and for MLPs the GEMM share; written to `out` as JSON if given."
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError: torch = None
    versions = (f"numpy {np.__version__} (BLAS threads: 1), python {platform.python_version()}"
                + (f", torch {torch.__version__} (threads: 1)" if torch else ''))
    print(versions + f"; {batches} batches per epoch, median of {epochs}")
    print(f"{'model':<26}{'batch':>6}{'capa_nb ms':>12}{'torch ms':>10}{'ratio':>8}{'peak MiB':>10}{'GEMM share':>12}")
    rows = []
    for name, kind, spec, bs in CASES:
        if only and only != kind and only not in name: continue   # a kind, or part of a row's name ('3×64')
        m = run(kind, spec, bs, epochs, batches, torch)
        c, t = m['capa_nb'], m.get('torch')
        print(f"{name:<26}{bs:>6}{1e3 * c:>12.1f}" + (f"{1e3 * t:>10.1f}{c / t:>7.2f}x" if t else ' ' * 18) + f"{m['peak_mib']:>10.1f}"
              + (f"{m['gemm_share']:>12.2f}" if 'gemm_share' in m else ''), flush=True)
        rows.append(dict(model=name, kind=kind, batch=bs, macs_per_batch=macs(kind, spec, bs), **m))
    if out:
        record = dict(date=datetime.date.today().isoformat(), machine=f"{cpu_name()}, {os.cpu_count()} cores, {platform.machine()}",
                      versions=versions, batches=batches, epochs=epochs, rows=rows)
        with open(out, 'w') as f: json.dump(record, f, indent=1)
        print(f"written to {out}")
    return rows

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--epochs', type=int, default=7, help='measured epochs per row')
    ap.add_argument('--batches', type=int, default=20, help='batches per epoch')
    ap.add_argument('--only', help="only these rows: mlp, cnn, or part of a row's name, e.g. '3×64'")
    ap.add_argument('--json', help='also write the rows to this file')
    a = ap.parse_args()
    with threadpool_limits(1, user_api='blas'): main(a.epochs, a.batches, a.only, a.json)
