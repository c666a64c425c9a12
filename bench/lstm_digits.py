"""Per-epoch training time of the LSTM digits classifier of tutorials/08_digits_lstm: capa_nb's `fit` against PyTorch on
the CPU, same model, same initial weights, same batches, interleaved epoch by epoch in one run; medians. Also the peak
memory of a capa_nb training epoch (tracemalloc) beside its time.

One thread each: numpy's BLAS is limited to `--blas-threads` (threadpoolctl, default 1) and torch to `--threads` (default 1).

Each image of scikit-learn's digits is read row by row, a sequence of 8 steps of 8 pixels: LSTM(8 → H) – LastStep – Dense(H → 10),
H = 64 unless `--hidden` says otherwise; CrossEntropy from logits, batch 32, float32, Adam (lr 0.01).

    python bench/lstm_digits.py [--epochs 15] [--threads 1] [--hidden 64]
"""
from timing import command_line, copy_weights, interleaved_medians, torch_epoch, print_header, print_table, traced_peak
import numpy as np
from sklearn.datasets import load_digits
from capa_nb.all import Sequential, Dense, CrossEntropy, Adam, fit, accuracy
from capa_nb.recurrent import LSTM, LastStep

def data():
    "Digits as float32 sequences (N, 8, 8) in [0, 1], one row of pixels per step, and integer labels."
    d = load_digits()
    return (d.images / 16).astype(np.float32), d.target.astype(np.int64)

def capa_model(seed=0, hidden=64):
    "The tutorial's classifier, float32."
    r = np.random.default_rng(seed)
    return Sequential(LSTM(8, hidden, rng=r, dtype=np.float32), LastStep(), Dense(hidden, 10, rng=r, dtype=np.float32))

def torch_model(torch, model, hidden=64):
    "The same network in torch, with the same initial weights. nn.LSTM returns (y, (h, c)), so a small module takes y's last step."
    nn = torch.nn
    class LSTMClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm, self.fc = nn.LSTM(8, hidden, batch_first=True), nn.Linear(hidden, 10)
        def forward(self, x): return self.fc(self.lstm(x)[0][:, -1])
    net = LSTMClassifier()
    return copy_weights(torch, net, model)   # parameters in capa_nb's order

def main(epochs=15, warmup=2, threads=1, blas_threads=1, lr=0.01, bs=32, hidden=64):
    "Time both implementations and print the table."
    X, Y = data()
    model = capa_model(hidden=hidden)
    model.optimizer = Adam()
    runs = {'capa_nb fit': lambda e: fit(model, X, Y, CrossEntropy(), 1, lr, batch_size=bs, seed=e, progress=False)}
    try:
        import torch
        torch.set_num_threads(threads)
        net = torch_model(torch, model, hidden)
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        runs[f'PyTorch CPU ({threads} thread{"s" * (threads > 1)})'] = lambda e: torch_epoch(torch, net.train(), opt, Xt, Yt, bs, e)
    except ImportError: torch = None
    med = interleaved_medians(runs, epochs, warmup)
    peak = traced_peak(lambda: fit(model, X, Y, CrossEntropy(), 1, lr, batch_size=bs, seed=999, progress=False))
    print_header(f"digits LSTM(8 → {hidden}) – LastStep – Dense({hidden} → 10) ({len(X)} images as 8 steps of 8 pixels, batch {bs}, "
          f"float32, Adam), median of {epochs} epochs after {warmup} warm-up", torch, threads, blas_threads)
    print_table(med, peak)
    print(f"training accuracy after the run: capa_nb {accuracy(model.eval().forward(X), Y):.3f}"
          + (f", PyTorch {(net.eval()(Xt).argmax(1) == Yt).float().mean().item():.3f}" if torch else ''))
    return med

if __name__ == '__main__': command_line(main, __doc__, threads=1, hidden=(64, "the LSTM's hidden size H (the tutorial's: 64)"))
