"""What the benchmarks share: timing implementations epoch by epoch, interleaved in one process, and printing the table."""
import argparse, time
import numpy as np
from threadpoolctl import threadpool_limits

def interleaved_medians(runs, # {name: run(epoch)}: each trains one epoch
                        epochs, # measured epochs
                        warmup): # epochs run first and not measured
    "Median seconds per epoch of each run, every epoch running each once in a rotating order."
    names, times = list(runs), {k: [] for k in runs}
    for e in range(warmup + epochs):
        # rotating: torch's idle threads spin for a moment after its work; no implementation always runs right after it
        for k in names[e % len(names):] + names[:e % len(names)]:
            t0 = time.perf_counter(); runs[k](e); s = time.perf_counter() - t0
            if e >= warmup: times[k].append(s)
    return {k: float(np.median(v)) for k, v in times.items()}

def fit_order(seed, n):
    "The order in which a one-epoch `fit(..., seed=seed)` visits n samples: epoch 1's child of the seed's SeedSequence."
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,))).permutation(n)

def torch_epoch(torch, net, opt, X, Y, bs, seed=None, order=None):
    "One epoch of `net` in torch with cross-entropy (over every position of a sequence), on the batches of X in `order`,"
    " a numpy permutation, or else in the seeded order capa_nb's fit uses."
    order = torch.from_numpy(fit_order(seed, len(X)) if order is None else order)
    Xs, Ys = X[order], Y[order]
    for i in range(0, len(X), bs):
        opt.zero_grad(set_to_none=True)
        logits = net(Xs[i:i + bs])                 # (N, K), or (N, T, K) for a language model: rows of K either way
        torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), Ys[i:i + bs].reshape(-1)).backward()
        opt.step()

def copy_weights(torch, net, model):
    "Give torch's `net` capa_nb's `model`'s parameters, which must come in the same order with the same shapes; returns net."
    params = list(net.parameters())
    assert [tuple(p.shape) for p in params] == [v.shape for v in model.params.values()]
    with torch.no_grad():
        for p, v in zip(params, model.params.values()): p.copy_(torch.from_numpy(v))
    return net

def orders(n, seed):
    "Epoch e's order of the n samples for a benchmark that shuffles itself: the same batches for both implementations."
    return np.random.default_rng([seed, 12345]).permutation(n)

def traced_peak(run):
    "The peak memory in bytes that Python's allocations reach while `run()` runs (tracemalloc)."
    import tracemalloc
    tracemalloc.start()
    try: run(); return tracemalloc.get_traced_memory()[1]
    finally: tracemalloc.stop()

def print_header(title, torch, threads, blas_threads):
    "The title line and the versions and thread settings of the run."
    import platform
    print(title)
    print(f"numpy {np.__version__} (BLAS threads: {blas_threads}), python {platform.python_version()}"
          + (f", torch {torch.__version__} (threads: {threads})" if torch else ""))

def print_table(med, peak):
    "The rows of the table (ms per epoch, and the ratio to PyTorch's row if there is one) and the memory line."
    import resource
    ref = next((v for k, v in med.items() if k.startswith('PyTorch')), None)
    print(f"{'implementation':<28}{'ms / epoch':>12}{'vs PyTorch':>14}")
    for k, v in med.items(): print(f"{k:<28}{1e3 * v:>12.2f}" + (f"{v / ref:>13.2f}x" if ref else ''))
    print(f"peak memory allocated by one capa_nb epoch (tracemalloc): {peak / 2**20:.2f} MiB; "
          f"process peak RSS (numpy, torch and all): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10:.0f} MiB")

def command_line(main, doc, threads=2, **extra):
    "Run a benchmark's `main(epochs, threads, blas_threads, **extra)` from the command line, numpy's BLAS limited as asked;"
    " each of `extra` is name=(default, help), an int option of its own."
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--epochs', type=int, default=15, help='measured epochs')
    ap.add_argument('--threads', type=int, default=threads, help="PyTorch's threads")
    ap.add_argument('--blas-threads', type=int, default=1, help="numpy's BLAS threads (see the docstring for why 1)")
    for name, (default, help) in extra.items(): ap.add_argument('--' + name.replace('_', '-'), type=int, default=default, help=help)
    a = ap.parse_args()
    with threadpool_limits(a.blas_threads, user_api='blas'):
        main(epochs=a.epochs, threads=a.threads, blas_threads=a.blas_threads, **{k: getattr(a, k) for k in extra})
