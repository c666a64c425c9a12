"""Per-epoch training time of an MLP 64-128-10 on scikit-learn's digits: capa_nb's `fit` against a hand-written numpy
loop doing the same math, and against PyTorch on the CPU (when installed).

ReLU, CrossEntropy from logits, batch 32, float32, plain SGD. The three are interleaved epoch by epoch in one run, and
each row reports the median over the measured epochs, so the machine's load affects them alike.

    python bench/mlp_digits.py [--epochs 15] [--threads 1]

numpy's BLAS is limited to one thread while this runs (threadpoolctl; `--blas-threads` changes it): with two, its idle threads
spin after every product and slow torch's threads down, which would flatter both numpy implementations against torch.
"""
import platform
from timing import command_line, interleaved_medians, torch_epoch, fit_order
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
    "The same network and the same math, written out in numpy: forward, log-softmax loss, backward, SGD step."
    def __init__(self, model):
        self.W1, self.b1, self.W2, self.b2 = (model.params[k].copy() for k in ['0.W', '0.b', '2.W', '2.b'])

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

def torch_setup(model, threads):
    import torch
    torch.set_num_threads(threads)
    net = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    with torch.no_grad():
        for p, k in zip(net.parameters(), ['0.W', '0.b', '2.W', '2.b']): p.copy_(torch.from_numpy(model.params[k]))
    return torch, net

def main(epochs=15, warmup=2, threads=1, blas_threads=1, dt=0.05, bs=32):
    "Time the implementations and print the table; `blas_threads` is only reported (`command_line` sets the limit)."
    X, Y = data()
    model = capa_model()
    hand = HandWritten(model)
    runs = {'capa_nb fit': lambda e: capa_epoch(model, X, Y, dt, bs, e),
            'hand-written numpy': lambda e: hand.epoch(X, Y, dt, bs, e)}
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
    acc = {'capa_nb fit': accuracy(model.forward(X), Y), 'hand-written numpy': accuracy(hand.predict(X), Y)}
    print('training accuracy after the run: ' + ', '.join(f"{k} {v:.3f}" for k, v in acc.items()))
    return med

if __name__ == '__main__': command_line(main, __doc__, threads=1)   # one thread each, as the issue 'Fast at every size' measures
