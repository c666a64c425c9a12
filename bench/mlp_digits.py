"""Per-epoch training time of an MLP 64-128-10 on scikit-learn's digits: capa_nb's `fit` against a hand-written numpy
loop doing the same math, and against PyTorch on the CPU (when installed).

ReLU, CrossEntropy from logits, batch 32, float32, plain SGD. Three more rows bound the gap between fit and the hand-written
loop: the capas' own hooks called in a bare loop without fit's bookkeeping, fit's checks of its arguments alone (epochs=0: what a
call costs before the first batch), and the hand-written loop with what a hand can fuse
([W b] as one array, dt folded into g, labels indexed). All are interleaved epoch by epoch in one run, and each row reports the
median over the measured epochs, so the machine's load affects them alike.

    python bench/mlp_digits.py [--epochs 15] [--threads 1]

numpy's BLAS is limited to one thread while this runs (threadpoolctl; `--blas-threads` changes it): with two, its idle threads
spin after every product and slow torch's threads down, which would flatter both numpy implementations against torch.
"""
import platform
from timing import command_line, copy_weights, interleaved_medians, torch_epoch, fit_order
import numpy as np
from sklearn.datasets import load_digits
from capa_nb.all import Sequential, Dense, ReLU, CrossEntropy, fit, accuracy

def data():
    "Digits as float32 pixels in [0, 1] and integer labels."
    d = load_digits()
    return (d.data / 16).astype(np.float32), d.target.astype(np.int64)

def capa_model(seed=0):
    r = np.random.default_rng(seed)
    return Sequential(Dense(64, 128, rng=r, dtype=np.float32), ReLU(), Dense(128, 10, rng=r, dtype=np.float32))

def capa_epoch(model, X, Y, dt, bs, seed):
    "One epoch with capa_nb's fit."
    fit(model, X, Y, CrossEntropy(), epochs=1, dt=dt, batch_size=bs, seed=seed, progress=False)

class HandWritten:
    "The same network and the same math, written out in numpy: forward, log-softmax loss, backward, SGD step. W is row-major, in"
    " torch's layout, as a hand following torch.nn.Linear writes it (Dense keeps it column-major: see the Dense chapter)."
    def __init__(self, model):
        self.W1, self.b1, self.W2, self.b2 = (np.ascontiguousarray(model.params[k]) for k in ['0.W', '0.b', '2.W', '2.b'])

    def epoch(self, X, Y, dt, bs, seed):
        W1, b1, W2, b2 = self.W1, self.b1, self.W2, self.b2
        order = fit_order(seed, len(X))
        Xs, Ts = X[order], np.eye(10, dtype=X.dtype)[Y[order]]
        for i in range(0, len(X), bs):
            x, t = Xs[i:i + bs], Ts[i:i + bs]
            h = x @ W1.T + b1
            a = np.maximum(h, 0)
            z = a @ W2.T + b2
            zs = z - z.max(axis=1, keepdims=True)
            log_s = zs - np.log(np.exp(zs).sum(axis=1, keepdims=True))
            loss = -(t * log_s).sum() / len(x)            # fit computes the loss every batch; so does this loop
            g = (np.exp(log_s) - t) / len(x)
            dW2, db2 = g.T @ a, g.sum(axis=0)
            dh = (g @ W2) * (h > 0)
            dW1, db1 = dh.T @ x, dh.sum(axis=0)
            W1 -= dt * dW1; b1 -= dt * db1; W2 -= dt * dW2; b2 -= dt * db2
        return loss

    def predict(self, X): return np.maximum(X @ self.W1.T + self.b1, 0) @ self.W2.T + self.b2

class Fused(HandWritten):
    "The hand-written loop with what a hand can fuse: [W b] as one array (one product and one step per layer), column-major as"
    " Dense keeps W, g scaled by dt before the products, the labels indexed instead of one-hot rows. A bound on the numerics alone."
    def __init__(self, model):
        super().__init__(model)
        self.A1, self.A2 = (np.asfortranarray(np.concatenate([W, b[:, None]], 1)) for W, b in [(self.W1, self.b1), (self.W2, self.b2)])

    def epoch(self, X, Y, dt, bs, seed):
        A1, A2, order = self.A1, self.A2, fit_order(seed, len(X))
        Xs, Ys, H = np.concatenate([X[order], np.ones((len(X), 1), X.dtype)], 1), Y[order], A1.shape[0]
        for i in range(0, len(X), bs):
            x, y = Xs[i:i + bs], Ys[i:i + bs]
            n, rows = len(x), np.arange(len(x))
            h = x @ A1.T
            a = np.empty((n, H + 1), X.dtype); np.maximum(h, 0, out=a[:, :H]); a[:, H] = 1
            z = a @ A2.T
            z -= np.maximum.reduce(z, axis=1, keepdims=True)
            e = np.exp(z); s = np.add.reduce(e, axis=1, keepdims=True)
            loss = (np.log(s).sum() - z[rows, y].sum()) / n
            e /= s; e[rows, y] -= 1; e *= dt / n                       # dt·dE/dz
            dh = e @ A2[:, :H]; dh *= h > 0
            A2 -= (a.T @ e).T; A1 -= (x.T @ dh).T                        # the products in the arrays' own order
        return loss

    def predict(self, X): return np.maximum(X @ self.A1[:, :-1].T + self.A1[:, -1], 0) @ self.A2[:, :-1].T + self.A2[:, -1]

def hooks_epoch(model, X, T, dt, bs, seed):
    "The capas' own hooks and steps, without fit's bookkeeping (records, checks, the two-phase step, the loss's checks): a bound"
    " on what the machinery around the hooks costs."
    order, caps, loss = fit_order(seed, len(X)), model.capas, CrossEntropy()
    Xs, Ts = X[order], T[order]
    for i in range(0, len(X), bs):
        xs = [Xs[i:i + bs]]
        for c in caps: xs.append(c.f(xs[-1]))
        E, g = loss._value_and_grad(xs[-1], Ts[i:i + bs])
        grads = []
        for k in range(len(caps) - 1, -1, -1):
            c = caps[k]
            if c.params: grads.append((c, c.param_vjp(xs[k], xs[k + 1], g)))
            if k: g = c.vjp(xs[k], xs[k + 1], g)
        for c, gr in grads:
            for name, p in c.params.items(): p -= dt * gr[name]
    return E

def torch_setup(model, threads):
    import torch
    torch.set_num_threads(threads)
    net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    return torch, copy_weights(torch, net, model)   # parameters in capa_nb's order

def main(epochs=15, warmup=2, threads=1, blas_threads=1, dt=0.05, bs=32):
    "Time the implementations and print the table; `blas_threads` is only reported (`command_line` sets the limit)."
    X, Y = data()
    model = capa_model()
    hand, fused, bare = HandWritten(model), Fused(model), capa_model()   # each its own copy of the same initial weights
    T = np.eye(10, dtype=X.dtype)[Y]
    runs = {'capa_nb fit': lambda e: capa_epoch(model, X, Y, dt, bs, e),
            'hand-written numpy': lambda e: hand.epoch(X, Y, dt, bs, e),
            'capa hooks, no fit': lambda e: hooks_epoch(bare, X, T, dt, bs, e),
            'fit, epochs=0': lambda e: fit(model, X, Y, CrossEntropy(), epochs=0, dt=dt, batch_size=bs, seed=e, progress=False),
            'hand-written, fused': lambda e: fused.epoch(X, Y, dt, bs, e)}
    try:
        torch, net = torch_setup(model, threads)
        opt = torch.optim.SGD(net.parameters(), lr=dt)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        runs[f'PyTorch CPU ({threads} thread{"s" * (threads > 1)})'] = lambda e: torch_epoch(torch, net, opt, Xt, Yt, bs, e)
    except ImportError: torch = None
    med = interleaved_medians(runs, epochs, warmup)
    ref = med['hand-written numpy']
    print(f"MLP 64-128-10 on digits ({len(X)} samples, batch {bs}, float32, SGD), median of {epochs} epochs after {warmup} warm-up")
    print(f"numpy {np.__version__} (BLAS threads: {blas_threads}), python {platform.python_version()}"
          + (f", torch {torch.__version__}" if torch else ""))
    print(f"{'implementation':<28}{'ms / epoch':>12}{'vs hand-written':>18}")
    for k, v in med.items(): print(f"{k:<28}{1e3 * v:>12.2f}{v / ref:>17.2f}x")
    acc = {'capa_nb fit': accuracy(model.forward(X), Y), 'hand-written numpy': accuracy(hand.predict(X), Y),
           'capa hooks': accuracy(bare.forward(X), Y), 'fused': accuracy(fused.predict(X), Y)}
    print('training accuracy after the run: ' + ', '.join(f"{k} {v:.3f}" for k, v in acc.items()))
    return med

if __name__ == '__main__': command_line(main, __doc__, threads=1)   # one thread each, as the issue 'Fast at every size' measures
