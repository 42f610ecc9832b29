#!/usr/bin/python3
"""Independent check of the files make_pytorch_deep_golden.py writes.

Recomputes every case without nn.RNN: explicit per-sequence, per-step loops
(h = act(W_ih x + b_ih + W_hh h + b_hh) per layer and direction, the reverse
direction starting from each sequence's last real step, padding skipped),
then autograd through those loops, and compares value, outputs, h_n and every
gradient with the file (max |difference| < 1e-12). Also checks that grads are
finite and not all zero, and compares a few gradient entries per tensor with
central finite differences (eps 1e-6, |difference| < 1e-7).

Usage: /usr/bin/python3 src/test/python/check_pytorch_deep_golden.py [DIR]
"""
import glob
import math
import os
import sys

import torch

DIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "resources", "dev", "recur", "pytorch-deep")


def parse(path):
    meta, tensors = {}, {}
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        if line.startswith("tensor "):
            parts = line.split()
            shape = [int(d) for d in parts[2:]]
            values = [float(v) for v in lines[i + 1].split()]
            assert len(values) == math.prod(shape), (path, parts[1])
            tensors[parts[1]] = torch.tensor(values, dtype=torch.float64).reshape(shape)
            i += 2
        else:
            k, v = line.split(" ", 1)
            assert k not in meta
            meta[k] = v
            i += 1
    return meta, tensors


def forward(meta, p, inputs_x, tokens, h0, mask):
    L = int(meta["layers"]); D = 2 if meta["bidirectional"] == "yes" else 1
    H = int(meta["hidden"]); T = int(meta["steps"]); B = int(meta["batch"])
    act = torch.tanh if meta["activation"] == "tanh" else torch.relu
    bias = meta["layer_bias"] == "two"
    lengths = [int(mask[:, b].sum().item()) for b in range(B)]
    # layer input per sequence: list over b of list over t of vectors
    if tokens is not None:
        seq = [[p["embedding.weight"][int(tokens[t, b].item())] for t in range(T)] for b in range(B)]
    else:
        seq = [[inputs_x[t, b] for t in range(T)] for b in range(B)]
    h_n = [[None] * B for _ in range(L * D)]
    for l in range(L):
        per_dir = []
        for d in range(D):
            sfx = f"_l{l}" + ("_reverse" if d == 1 else "")
            Wih, Whh = p["rnn.weight_ih" + sfx], p["rnn.weight_hh" + sfx]
            outs = [[torch.zeros(H, dtype=torch.float64) for _ in range(T)] for _ in range(B)]
            for b in range(B):
                h = h0[l * D + d, b]
                order = range(lengths[b]) if d == 0 else range(lengths[b] - 1, -1, -1)
                for t in order:
                    a = Wih @ seq[b][t] + Whh @ h
                    if bias:
                        a = a + p["rnn.bias_ih" + sfx] + p["rnn.bias_hh" + sfx]
                    h = act(a)
                    outs[b][t] = h
                h_n[l * D + d][b] = h
            per_dir.append(outs)
        seq = [[torch.cat([per_dir[d][b][t] for d in range(D)]) for t in range(T)] for b in range(B)]
    z = []
    for b in range(B):
        row = []
        for t in range(T):
            v = seq[b][t]
            if meta["head"] == "yes":
                v = p["head.weight"] @ v
                if meta["head_bias"] == "yes":
                    v = v + p["head.bias"]
            row.append(v)
        z.append(row)
    return z, lengths, h_n


def loss_of(meta, z, lengths, targets):
    T = int(meta["steps"]); B = int(meta["batch"])
    total = 0.0
    every = meta["targets"] == "every"
    for b in range(B):
        steps = range(lengths[b]) if every else [T - 1]
        for t in steps:
            tt = t if every else 0
            if meta["loss"] == "ce":
                total = total + (-torch.log_softmax(z[b][t], 0)[int(targets[tt, b].item())])
            else:
                total = total + ((z[b][t] - targets[tt, b]) ** 2).mean()
    return total / B


worst = 0.0
for path in sorted(glob.glob(os.path.join(DIR, "*.txt"))):
    meta, t = parse(path)
    L = int(meta["layers"]); D = 2 if meta["bidirectional"] == "yes" else 1
    T = int(meta["steps"]); B = int(meta["batch"]); H = int(meta["hidden"])
    names = [n for n in t if n.startswith(("rnn.", "head.", "embedding."))]
    p = {n: t[n].clone().requires_grad_(True) for n in names}
    masked = meta["masked"] == "yes"
    mask = t["mask"] if masked else torch.ones(T, B, dtype=torch.float64)
    x = t["x"].clone().requires_grad_(True) if "x" in t else None
    tokens = t.get("tokens")
    h0 = t["h0"].clone().requires_grad_(True)
    z, lengths, h_n = forward(meta, p, x, tokens, h0, mask)
    value = loss_of(meta, z, lengths, t["targets"])
    value.backward()
    outs = torch.zeros(T, B, int(meta["output"]), dtype=torch.float64)
    for b in range(B):
        for tt in range(lengths[b]):
            outs[tt, b] = torch.softmax(z[b][tt], 0) if meta["loss"] == "ce" else z[b][tt]
    hn = torch.stack([torch.stack(r) for r in h_n])
    errs = {"value": abs(value.item() - float(meta["value"])),
            "outputs": (outs.detach() - t["outputs"]).abs().max().item(),
            "h_n": (hn.detach() - t["h_n"]).abs().max().item(),
            "grad_h0": (h0.grad - t["grad_h0"]).abs().max().item()}
    if x is not None:
        errs["grad_x"] = (x.grad - t["grad_x"]).abs().max().item()
    for n in names:
        g = t["grad_" + n]
        errs["grad_" + n] = (p[n].grad - g).abs().max().item()
        assert torch.isfinite(g).all(), (path, n)
        assert g.abs().max() > 0, (path, n, "all-zero grad")
    for n in [k for k in t if k.startswith("grad_")]:
        assert torch.isfinite(t[n]).all()
    assert t["grad_h0"].abs().max() > 0
    assert set(int(v) for v in mask.reshape(-1).tolist()) <= {0, 1}
    assert max(lengths) == T and min(lengths) >= 1
    m = max(errs.values())
    worst = max(worst, m)
    assert m < 1e-12, errs
    if x is not None and masked:
        assert (t["grad_x"] * (1 - mask).unsqueeze(2)).abs().max() == 0
    assert (t["outputs"] * (1 - mask).unsqueeze(2)).abs().max() == 0

    def loss_with(name, flat):
        over = {n: t[n] for n in names}
        x_in, h_in = t.get("x"), t["h0"]
        if name == "x":
            x_in = flat.reshape(t[name].shape)
        elif name == "h0":
            h_in = flat.reshape(t[name].shape)
        else:
            over[name] = flat.reshape(t[name].shape)
        z2, lengths2, _ = forward(meta, over, x_in, tokens, h_in, mask)
        return loss_of(meta, z2, lengths2, t["targets"]).item()

    fd_worst = 0.0
    for n in names + (["x"] if x is not None else []) + ["h0"]:
        grad = t["grad_" + n].reshape(-1)
        for i in {int(grad.abs().argmax()), (7 * len(n)) % grad.numel()}:
            eps = 1e-6
            plus, minus = t[n].clone().reshape(-1), t[n].clone().reshape(-1)
            plus[i] += eps
            minus[i] -= eps
            fd = (loss_with(n, plus) - loss_with(n, minus)) / (2 * eps)
            fd_worst = max(fd_worst, abs(fd - grad[i].item()))
    assert fd_worst < 1e-7, (path, fd_worst)
    print(f"{os.path.basename(path)}: lengths={lengths} max_err={m:.1e} fd_err={fd_worst:.1e}")
print(f"worst {worst:.1e}")
