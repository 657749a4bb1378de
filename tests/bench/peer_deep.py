#!/usr/bin/python3
"""peer_deep.py: a PyTorch peer for nqmtop's deep family, the mlp and the cnn
(benchmarks only; not run as a test). The same networks in the NTK
parameterisation, weights N(0, 1), no biases, relu or tanh:

  mlp:  h1 = s(W1 x / sqrt(d)), h_l = s(W_l h / sqrt(m)), f = w_L . h / sqrt(m)
  cnn:  h = s(conv(x, F) / kernel) (one input channel, `channels` filters of
        kernel x kernel, stride 1, valid), f = sum_c a_c mean_pos h[c, pos] / sqrt(channels)

as the network (--model net) or its NQM f0 + J0 D + D^T H0 D / 2 (--model quad,
by jvp of jvp), full-batch GD on mse, and the top 2 eigenvalues of the kernel
(2/n) J J^T at every step by the cheapest exact method PyTorch offers (torch.func,
or functorch before PyTorch 2.0):
  --eig jac      the per-example Jacobian (vmap of jacrev), K = J J^T, eigvalsh; G = J^T r
  --eig lanczos  matrix-free K U = J (J^T U) by vjp and jvp, block Rayleigh-Ritz
                 warm-started from the last step's eigenvectors, residual tolerance --tol
and the test-set outputs every step when the data has a test set (as nqmtop does).
Data: the digits CSV of the presets (train --n, test --test) or the 1-D
mixture (--data mix1d). Prints one line: backend, sizes, steps/s, loss, lambda1, lambda2."""
import argparse, csv, time
import numpy as np
import torch
try:
    from torch.func import jacrev, jvp, vjp, vmap
except ImportError:  # PyTorch before 2.0
    from functorch import jacrev, jvp, vjp, vmap

ap = argparse.ArgumentParser()
ap.add_argument('--net', choices=['mlp', 'cnn'], default='mlp')
ap.add_argument('--model', choices=['net', 'quad'], default='quad')
ap.add_argument('--act', choices=['relu', 'tanh'], default='relu')
ap.add_argument('--eig', choices=['jac', 'lanczos'], default='jac')
ap.add_argument('--data', default='presets/data/digits-0-vs-2.csv')
ap.add_argument('--n', type=int, default=128); ap.add_argument('--test', type=int, default=0)
ap.add_argument('--depth', type=int, default=3); ap.add_argument('--m', type=int, default=256)
ap.add_argument('--channels', type=int, default=128); ap.add_argument('--kernel', type=int, default=3)
ap.add_argument('--steps', type=int, default=20); ap.add_argument('--eta', type=float, default=0.5)
ap.add_argument('--threads', type=int, default=0); ap.add_argument('--tol', type=float, default=1e-10)
ap.add_argument('--seed', type=int, default=0)
a = ap.parse_args()
if a.threads: torch.set_num_threads(a.threads)
torch.set_default_dtype(torch.float64)
rng = np.random.default_rng(a.seed)
if a.data == 'mix1d':
    y = np.where(rng.random(a.n) < 0.5, -1.0, 1.0); X = (2.0 * y + rng.standard_normal(a.n))[:, None]
    Xt, yt = np.zeros((0, 1)), np.zeros(0)
else:
    rows = list(csv.reader(open(a.data)))[1:]
    rows = np.array([[float(v) for v in r] for r in rows]); rng.shuffle(rows)
    X, y = rows[:a.n, :-1], rows[:a.n, -1]; Xt, yt = rows[len(rows) - a.test:, :-1], rows[len(rows) - a.test:, -1]
X, y, Xt, yt = map(torch.from_numpy, (X, y, Xt, yt))
n, d = X.shape
s = torch.relu if a.act == 'relu' else torch.tanh
if a.net == 'mlp':
    m = a.m
    shapes = [(m, d)] + [(m, m)] * (a.depth - 2) + [(m,)]
else:
    side, k, C = int(round(d ** 0.5)), a.kernel, a.channels
    shapes = [(C, 1, k, k), (C,)]
sizes = [int(np.prod(sh)) for sh in shapes]; p = sum(sizes)
w0 = torch.randn(p, generator=torch.Generator().manual_seed(a.seed))

def f(w, x):  # x (d,) or (b, d); a scalar or (b,)
    ws = torch.split(w, sizes)
    if a.net == 'cnn':
        img = x.reshape(-1, 1, side, side)
        h = s(torch.nn.functional.conv2d(img, ws[0].view(shapes[0])) / k)  # (b, C, q, q)
        out = h.mean(dim=(2, 3)) @ ws[1] / C ** 0.5
        return out.reshape(x.shape[:-1])
    h = x
    for l, (W, sh) in enumerate(zip(ws, shapes)):
        if l == len(shapes) - 1:
            return h @ W / m ** 0.5
        h = s(h @ W.view(sh).T / (d if l == 0 else m) ** 0.5)

def g(D, x):  # outputs at displacement D (net: D is w itself)
    if a.model == 'net':
        return f(D, x)
    f1 = lambda w: jvp(lambda w_: f(w_, x), (w,), (D,))[1]
    o0, o1 = jvp(f1, (w0,), (D,))  # J0 D and D^T H0 D
    return f(w0, x) + o0 + 0.5 * o1

D = w0.clone() if a.model == 'net' else torch.zeros(p)
per_example = vmap(jacrev(g), in_dims=(None, 0))

def top2_jac(D):
    J = per_example(D, X)  # (n, p)
    return J, torch.linalg.eigvalsh(J @ J.T * (2.0 / n))[-2:].flip(0)

V = None
def top2_lanczos(D):
    global V
    gx = lambda Dd: g(Dd, X)
    _, pull = vjp(gx, D)
    Kop = lambda U: vmap(lambda u: jvp(gx, (D,), (pull(u)[0],))[1], in_dims=1, out_dims=1)(U) * (2.0 / n)
    if V is None:
        V = torch.linalg.qr(torch.randn(n, 4, dtype=torch.float64))[0]
    Q = V; KQ = Kop(Q)
    for it in range(30):
        T = Q.T @ KQ; th, Y = torch.linalg.eigh(0.5 * (T + T.T)); th, Y = th.flip(0), Y.flip(1)
        Xr, KXr = Q @ Y, KQ @ Y
        R = KXr[:, :2] - Xr[:, :2] * th[:2]
        if R.norm(dim=0).max() <= a.tol * th[0] or Q.shape[1] >= n:
            break
        Qn = torch.linalg.qr(torch.cat([Xr[:, :4], R], 1))[0][:, 4:]
        Qn = Qn - Xr[:, :4] @ (Xr[:, :4].T @ Qn)
        Q = torch.linalg.qr(torch.cat([Xr[:, :4], Qn], 1))[0]; KQ = Kop(Q)
    V = Xr[:, :4]
    return pull, th[:2]

t0 = time.perf_counter()
for step in range(a.steps):
    r = g(D, X) - y
    if a.eig == 'jac':
        J, lam = top2_jac(D); G = (2.0 / n) * (J.T @ r)
    else:
        pull, lam = top2_lanczos(D); G = (2.0 / n) * pull(r)[0]
    if Xt.shape[0]:
        test_loss = float(((g(D, Xt) - yt) ** 2).mean())
    D = D - a.eta * G
    loss = float((r * r).mean())
secs = time.perf_counter() - t0
print(f"backend=torch-{a.net}-{a.model}-{a.act}-{a.eig} n={n} d={d} p={p} steps={a.steps} "
      f"seconds={secs:.3f} steps_per_s={a.steps / secs:.3f} threads={torch.get_num_threads()} "
      f"loss={loss:.6g} lambda1={float(lam[0]):.6g} lambda2={float(lam[1]):.6g}")
