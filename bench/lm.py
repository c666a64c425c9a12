"""Per-epoch training time of a 2-block causal transformer language model: capa_nb's `fit` against PyTorch on the CPU, same
architecture, same initial weights, same batches, interleaved epoch by epoch in one run; medians. Also the peak memory of a
capa_nb training epoch (tracemalloc) beside its time.

One thread each: numpy's BLAS is limited to `--blas-threads` (threadpoolctl, default 1) and torch to `--threads` (default 1).

Embedding(V, 64) – PositionalEmbedding(32, 64) – 2 × TransformerBlock(64, 4 heads, d_ff 256, causal) – Dense(64 → V),
i.e. torch's Embedding + a learnt position table + 2 × TransformerEncoderLayer(norm_first=True, activation='gelu', dropout=0,
batch_first=True) with the causal mask + Linear; CrossEntropy from logits over (N, T, V) scores and (N, T) next-character
labels, T = 32, batch 32, float32, Adam (lr 1e-3). Data: character windows of the source of Python's own `argparse` module
(text that ships with the machine; no download).

    python bench/lm.py [--epochs 15] [--threads 1] [--sequences 512]
"""
import argparse, inspect
from timing import command_line, interleaved_medians, orders, torch_epoch, print_header, print_table, traced_peak
import numpy as np
from capa_nb.all import Sequential, Dense, CrossEntropy, fit, predict
from capa_nb.optim import Adam
from capa_nb.attention import PositionalEmbedding, TransformerBlock
try: from capa_nb.embedding import Embedding
except ImportError: Embedding = None

T, D, HEADS, D_FF = 32, 64, 4, 256

def data(n, seed=0):
    "n windows of T + 1 characters of argparse's source as ids: inputs (n, T) and next-character labels (n, T); the vocabulary."
    text = inspect.getsource(argparse)
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in text], np.int64)
    starts = np.random.default_rng(seed).integers(0, len(ids) - T - 1, n)
    win = ids[starts[:, None] + np.arange(T + 1)]
    return win[:, :-1], win[:, 1:], len(chars)

def capa_model(V, seed=0):
    "The causal LM in capa_nb, float32."
    if Embedding is None: raise SystemExit("capa_nb.embedding is not in the library yet: this benchmark needs its Embedding")
    r, f32 = np.random.default_rng(seed), np.float32
    return Sequential(Embedding(V, D, input_shape=(T,), rng=r, dtype=f32), PositionalEmbedding(T, D, rng=r, dtype=f32),
                      *[TransformerBlock(D, HEADS, D_FF, causal=True, rng=r, dtype=f32) for _ in range(2)],
                      Dense(D, V, rng=r, dtype=f32))

BLOCK = {'0.0.gamma': 'norm1.weight', '0.0.beta': 'norm1.bias', '0.1.W_qkv': 'self_attn.in_proj_weight',
         '0.1.b_qkv': 'self_attn.in_proj_bias', '0.1.W_o': 'self_attn.out_proj.weight', '0.1.b_o': 'self_attn.out_proj.bias',
         '1.0.gamma': 'norm2.weight', '1.0.beta': 'norm2.bias', '1.1.W': 'linear1.weight', '1.1.b': 'linear1.bias',
         '1.3.W': 'linear2.weight', '1.3.b': 'linear2.bias'}

def torch_model(torch, model, V):
    "The same network in torch, with the same initial weights (copied by name)."
    nn = torch.nn
    class LM(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb, self.pos = nn.Embedding(V, D), nn.Parameter(torch.zeros(T, D))
            self.blocks = nn.ModuleList([nn.TransformerEncoderLayer(D, HEADS, D_FF, dropout=0, activation='gelu', batch_first=True,
                                                                    norm_first=True) for _ in range(2)])
            self.out = nn.Linear(D, V)
            self.register_buffer('mask', nn.Transformer.generate_square_subsequent_mask(T))
        def forward(self, ids):
            h = self.emb(ids) + self.pos
            for b in self.blocks: h = b(h, src_mask=self.mask, is_causal=True)
            return self.out(h)
    net = LM()
    names = {'0.W': 'emb.weight', '1.P': 'pos', '4.W': 'out.weight', '4.b': 'out.bias',
             **{f'{i + 2}.{k}': f'blocks.{i}.{v}' for i in range(2) for k, v in BLOCK.items()}}
    assert sorted(names) == sorted(model.params) and sorted(names.values()) == sorted(k for k, _ in net.named_parameters())
    with torch.no_grad():
        for k, v in names.items(): net.get_parameter(v).copy_(torch.from_numpy(model.params[k]))
    return net


def main(epochs=15, warmup=2, threads=1, blas_threads=1, dt=1e-3, bs=32, sequences=512):
    "Time both implementations and print the table."
    X, Y, V = data(sequences)
    model = capa_model(V)
    model.optimizer = Adam()
    loss = CrossEntropy()
    runs = {'capa_nb fit': lambda e: fit(model, X[orders(len(X), e)], Y[orders(len(X), e)], loss, 1, dt,
                                         batch_size=bs, shuffle=False, progress=False)}
    try:
        import torch
        torch.set_num_threads(threads)
        net = torch_model(torch, model, V)
        opt = torch.optim.Adam(net.parameters(), lr=dt)
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
        runs[f'PyTorch CPU ({threads} thread{"s" * (threads > 1)})'] = lambda e: torch_epoch(
            torch, net.train(), opt, Xt, Yt, bs, order=orders(len(X), e))
    except ImportError: torch = None
    first = {'capa_nb': loss(predict(model, X), Y)}
    if torch: first['PyTorch'] = torch.nn.functional.cross_entropy(net(Xt).reshape(-1, V), Yt.reshape(-1)).item()
    med = interleaved_medians(runs, epochs, warmup)
    peak = traced_peak(lambda: fit(model, X, Y, loss, 1, dt, batch_size=bs, seed=999, progress=False))
    print_header(f"2-block causal transformer LM, d {D}, {HEADS} heads, d_ff {D_FF}, T {T}, vocabulary {V} ({sequences} sequences, "
          f"batch {bs}, float32, Adam), median of {epochs} epochs after {warmup} warm-up", torch, threads, blas_threads)
    print_table(med, peak)
    print("loss before training: " + ', '.join(f"{k} {v:.4f}" for k, v in first.items()) +
          f"; after: capa_nb {loss(predict(model, X), Y):.4f}" +
          (f", PyTorch {torch.nn.functional.cross_entropy(net(Xt).reshape(-1, V), Yt.reshape(-1)).item():.4f}" if torch else ''))
    return med

if __name__ == '__main__': command_line(main, __doc__, threads=1, sequences=(512, 'sequences per epoch (batches of 32)'))
