"""Per-epoch training time of the digits CNN: capa_nb's `fit` against PyTorch on the CPU, same architecture, same data,
same batches, interleaved epoch by epoch in one run; medians. Also the peak memory of a capa_nb training epoch.

One thread each: numpy's BLAS (OpenBLAS) is limited to one thread while this runs (threadpoolctl; `--blas-threads` changes it),
torch to `--threads` (default 1). With two BLAS threads, their idle threads spin for a while after every product and take the
cores torch's threads need, so torch's epochs come out several times slower than they are: an unfair comparison in our favour.

conv(1→16, 3, pad 1) – ReLU – maxpool 2 – conv(16→32, 3, pad 1) – ReLU – maxpool 2 – Flatten – Dense(128→10),
CrossEntropy from logits, batch 32, float32, plain SGD, on scikit-learn's digits as 1×8×8 images.

    python bench/cnn_digits.py [--epochs 15] [--threads 1]
"""
import platform, resource, tracemalloc
from timing import command_line, copy_weights, interleaved_medians, torch_epoch
import numpy as np
from sklearn.datasets import load_digits
from capa_nb.all import Sequential, Conv2D, ReLU, MaxPool2D, Flatten, Dense, CrossEntropy, fit, accuracy

def data():
    "Digits as float32 images (N, 1, 8, 8) in [0, 1], and integer labels."
    d = load_digits()
    return (d.images[:, None] / 16).astype(np.float32), d.target.astype(np.int64)

def capa_model(seed=0):
    r = np.random.default_rng(seed)
    f32 = np.float32
    return Sequential(Conv2D((1, 8, 8), 16, 3, padding=1, rng=r, dtype=f32), ReLU(), MaxPool2D(2),
                      Conv2D((16, 4, 4), 32, 3, padding=1, rng=r, dtype=f32), ReLU(), MaxPool2D(2),
                      Flatten(), Dense(128, 10, rng=r, dtype=f32))

def torch_model(torch, model):
    "The same network in torch, with the same initial weights."
    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(128, 10))
    return copy_weights(torch, net, model)   # parameters in capa_nb's order

def main(epochs=15, warmup=2, threads=1, blas_threads=1, dt=0.05, bs=32):
    "Time the implementations and print the table; `blas_threads` is only reported (`command_line` sets the limit)."
    X, Y = data()
    model = capa_model()
    runs = {'capa_nb fit': lambda e: fit(model, X, Y, CrossEntropy(), 1, dt, batch_size=bs, seed=e, progress=False)}
    try:
        import torch
        torch.set_num_threads(threads)
        net = torch_model(torch, model)
        opt = torch.optim.SGD(net.parameters(), lr=dt)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        runs[f'PyTorch CPU ({threads} thread{"s" * (threads > 1)})'] = lambda e: torch_epoch(torch, net, opt, Xt, Yt, bs, e)
    except ImportError: torch = None
    med = interleaved_medians(runs, epochs, warmup)
    tracemalloc.start()
    fit(model, X, Y, CrossEntropy(), 1, dt, batch_size=bs, seed=999, progress=False)
    _, peak = tracemalloc.get_traced_memory(); tracemalloc.stop()
    print(f"digits CNN ({len(X)} images 1×8×8, batch {bs}, float32, SGD), median of {epochs} epochs after {warmup} warm-up")
    print(f"numpy {np.__version__} (BLAS threads: {blas_threads}), python {platform.python_version()}"
          + (f", torch {torch.__version__}" if torch else ""))
    ref = med.get(f'PyTorch CPU ({threads} thread{"s" * (threads > 1)})')
    print(f"{'implementation':<28}{'ms / epoch':>12}{'vs PyTorch':>14}")
    for k, v in med.items(): print(f"{k:<28}{1e3 * v:>12.2f}" + (f"{v / ref:>13.2f}x" if ref else ''))
    print(f"peak memory allocated by one capa_nb epoch (tracemalloc): {peak / 2**20:.2f} MiB; "
          f"process peak RSS (numpy, torch and all): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")
    print(f"training accuracy after the run: capa_nb {accuracy(model.forward(X), Y):.3f}")
    return med

if __name__ == '__main__': command_line(main, __doc__, threads=1)   # one thread each, as the issue 'Fast at every size' measures
