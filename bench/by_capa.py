"""Where a benchmark model's training time goes: CPU time per capa type, forward (f) and backward (b), over fit epochs, one thread.

Each use of a capa through the hooks (`Capa._fwd`, `Capa._bwd`) is timed with `time.process_time`, so other processes on the machine
do not count; networks (Sequential, Residual, Parallel) are counted through their members. The rest of an epoch ("fit's own") is the
loss, the steps, the sums of a Residual or Parallel, and fit's bookkeeping. The top rows of this table are the profile the benchmarks page and the notes quote.

    python bench/by_capa.py {mlp,cnn,resnet,lstm,lm} [--epochs 2]
"""
import argparse, collections, time
import numpy as np
from threadpoolctl import threadpool_limits
from capa_nb.all import fit, CrossEntropy, Adam
from capa_nb.capa import Capa

def model_and_data(name):
    "A benchmark's model (as its script builds it), its data and fit's step dt."
    if name == 'lm':
        import lm
        X, Y, V = lm.data(512)
        m = lm.capa_model(V); m.optimizer = Adam(); return m, X, Y, 1e-3
    mod = __import__({'mlp': 'mlp_digits', 'cnn': 'cnn_digits', 'resnet': 'resnet_digits', 'lstm': 'lstm_digits'}[name])
    (X, Y), m = mod.data(), mod.capa_model()
    if name == 'lstm': m.optimizer = Adam(0.01)
    return m, X, Y, 0.05

def by_capa(model, X, Y, dt, epochs=2):
    "{'<type> f' or '<type> b': CPU seconds per epoch}, and the CPU seconds of a whole epoch."
    acc, of, ob = collections.Counter(), Capa._fwd, Capa._bwd
    def fwd(self, x, tape):
        t = time.process_time(); r = of(self, x, tape); acc[type(self).__name__ + ' f'] += time.process_time() - t; return r
    def bwd(self, use, g, need_dx, bp):
        t = time.process_time(); r = ob(self, use, g, need_dx, bp); acc[type(self).__name__ + ' b'] += time.process_time() - t; return r
    fit(model, X, Y, CrossEntropy(), 1, dt, progress=False)   # warm-up: buffers, caches
    Capa._fwd, Capa._bwd = fwd, bwd
    try:
        t = time.process_time(); fit(model, X, Y, CrossEntropy(), epochs, dt, progress=False); total = (time.process_time() - t) / epochs
    finally: Capa._fwd, Capa._bwd = of, ob
    return {k: v / epochs for k, v in acc.items()}, total

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('model', choices=['mlp', 'cnn', 'resnet', 'lstm', 'lm']); ap.add_argument('--epochs', type=int, default=2)
    a = ap.parse_args()
    with threadpool_limits(1, user_api='blas'):
        rows, total = by_capa(*model_and_data(a.model), epochs=a.epochs)
    print(f"{a.model}: CPU time per epoch by capa type (mean of {a.epochs} epochs), one BLAS thread")
    for k, v in sorted(rows.items(), key=lambda kv: -kv[1]): print(f"{k:38s}{1e3 * v:9.1f} ms{v / total:8.0%}")
    own = "fit's own (loss, steps, bookkeeping)"
    print(f"{own:38s}{1e3 * (total - sum(rows.values())):9.1f} ms{1 - sum(rows.values()) / total:8.0%}")
    print(f"{'epoch':38s}{1e3 * total:9.1f} ms")
