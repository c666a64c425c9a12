"""Is a compiled Winograd transform faster than numpy's? F(4×4, 3×3)'s input transform Bᵀ D B of every 6×6 tile of a padded
channels-last batch, written as numba loops with the transform's formulas spelled out (12 one-dimensional transforms of 6
numbers per tile and channel, vectorisable over the channels), against `_Winograd.load`'s numpy version (the padded copy and two
batched products with Bᵀ), at the residual CNN's two stages. Needs numba (`pip install numba`).

    OMP_NUM_THREADS=1 python bench/numba_winograd.py

On 2026-12-01 (one thread, two runs): numba 190–198 against numpy's 75–93 µs at 32 × 32 × 8 × 8, 92–109 against 43–44 µs at
32 × 64 × 4 × 4: numpy wins.
"""
import time, numpy as np, numba
from threadpoolctl import threadpool_limits
threadpool_limits(1)
from capa_nb.conv import _Winograd

@numba.njit(cache=True)
def input_transform(xl, ph, pw, T1, T2, U):   # xl (N, H, W, C) contiguous; U (36, T1*T2*N, C)
    "Bᵀ D B of every tile D of the padded xl into U, as _Winograd lays it out: (α·6 + β, (ti·T2 + tj)·N + n, c)."
    N, H, W, C = xl.shape
    d = np.zeros((6, 6, C), xl.dtype)
    t = np.empty((6, 6, C), xl.dtype)
    for ti in range(T1):
        for tj in range(T2):
            for n in range(N):
                row = (ti * T2 + tj) * N + n
                for k in range(6):
                    h = ti * 4 - ph + k
                    for l in range(6):
                        w = tj * 4 - pw + l
                        if 0 <= h < H and 0 <= w < W:
                            for c in range(C): d[k, l, c] = xl[n, h, w, c]
                        else:
                            for c in range(C): d[k, l, c] = 0
                for l in range(6):      # along k (rows): t[a, l] = sum_k BT[a,k] d[k,l]
                    for c in range(C):
                        d0, d1, d2, d3, d4, d5 = d[0, l, c], d[1, l, c], d[2, l, c], d[3, l, c], d[4, l, c], d[5, l, c]
                        t[0, l, c] = 4 * d0 - 5 * d2 + d4
                        t[1, l, c] = -4 * d1 - 4 * d2 + d3 + d4
                        t[2, l, c] = 4 * d1 - 4 * d2 - d3 + d4
                        t[3, l, c] = -2 * d1 - d2 + 2 * d3 + d4
                        t[4, l, c] = 2 * d1 - d2 - 2 * d3 + d4
                        t[5, l, c] = 4 * d1 - 5 * d3 + d5
                for a in range(6):
                    for c in range(C):
                        d0, d1, d2, d3, d4, d5 = t[a, 0, c], t[a, 1, c], t[a, 2, c], t[a, 3, c], t[a, 4, c], t[a, 5, c]
                        U[a * 6 + 0, row, c] = 4 * d0 - 5 * d2 + d4
                        U[a * 6 + 1, row, c] = -4 * d1 - 4 * d2 + d3 + d4
                        U[a * 6 + 2, row, c] = 4 * d1 - 4 * d2 - d3 + d4
                        U[a * 6 + 3, row, c] = -2 * d1 - d2 + 2 * d3 + d4
                        U[a * 6 + 4, row, c] = 2 * d1 - d2 - 2 * d3 + d4
                        U[a * 6 + 5, row, c] = 4 * d1 - 5 * d3 + d5

def t(f, n=500):
    "µs per call of f, after one warm-up call."
    f(); s = time.perf_counter()
    for _ in range(n): f()
    return (time.perf_counter() - s) / n * 1e6
for N, C, H in [(32, 32, 8), (32, 64, 4)]:
    r = np.random.default_rng(0)
    xl = r.standard_normal((N, H, H, C)).astype(np.float32); x = xl.transpose(0, 3, 1, 2)
    Wt = r.standard_normal((C, C, 3, 3)).astype(np.float32); b = np.zeros(C, np.float32)
    s = _Winograd(N, C, H, H, C, 1, 1, np.float32, m=4)
    s.load(x, Wt, b)
    U = np.empty_like(s.U)
    input_transform(xl, 1, 1, *s.T, U)
    print(N, C, H, s.T, 'max diff', abs(U - s.U).max(), abs(s.U).max())
    def numpy_part():
        np.copyto(s.x_in, x)
        for t0, t1 in s.chunks:
            np.matmul(s.BT, s.rows[t0:t1], out=s.Zh[t0:t1].reshape(t1 - t0, 6, -1))
            np.matmul(s.BT, s.Zh_tiles[t0:t1], out=s.U_in[t0:t1])
    print('  numpy load (x part) us', round(t(numpy_part), 1), ' numba', round(t(lambda: input_transform(xl, 1, 1, *s.T, U)), 1), ' whole load', round(t(lambda: s.load(x, Wt, b)), 1))
