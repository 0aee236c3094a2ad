#!/usr/bin/env python3
"""Writes Tests/LayersTests/Fixtures/sequence-layers.json: PyTorch's outputs and gradients for
small sequence layers with fixed weights, in float64, for SequenceFixtureTests.

    ~/.cache/peers-venv/bin/python scripts/make-sequence-fixtures.py

Each case holds its settings and named tensors ({"shape": [...], "values": [...]}, row-major): the parameters in
the Swift layer's layout and visit order, the input `x`, a cotangent `u`, the output `y` and the
gradients of sum(u * y) with respect to `x` (`dx`) and to each parameter (`d.<name>`).
"""
import json
import math
import os

import torch
from torch import nn
import torch.nn.functional as F

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)
N, T, D, H, HIDDEN = 2, 5, 8, 2, 16


def tensor(t):
    return {"shape": list(t.shape), "values": [float(v) for v in t.detach().reshape(-1)]}


def record(forward, parameters, x):
    """Runs forward, pulls back a random cotangent; parameters: [(swift name, tensor or list of tensors)]."""
    x = x.clone().requires_grad_(True)
    y = forward(x)
    u = torch.randn_like(y)
    leaves = [p for _, ps in parameters for p in (ps if isinstance(ps, list) else [ps])]
    grads = torch.autograd.grad((u * y).sum(), [x] + leaves)
    out = {"x": tensor(x), "u": tensor(u), "y": tensor(y), "dx": tensor(grads[0])}
    rest = iter(grads[1:])
    for name, ps in parameters:
        group = ps if isinstance(ps, list) else [ps]
        out[name] = tensor(torch.cat([p.reshape(p.shape[0], -1) for p in group]).reshape(-1, *group[0].shape[1:]))
        out["d." + name] = tensor(torch.cat([next(rest).reshape(p.shape[0], -1) for p in group]).reshape(-1, *group[0].shape[1:]))
    return out


def attention_case():
    """PyTorch's own nn.MultiheadAttention, not causal: its in_proj is the fused projection."""
    m = nn.MultiheadAttention(D, H, batch_first=True)
    with torch.no_grad():
        m.in_proj_bias.normal_()
        m.out_proj.bias.normal_()
    params = [("projection.weight", m.in_proj_weight), ("projection.bias", m.in_proj_bias),
              ("output.weight", m.out_proj.weight), ("output.bias", m.out_proj.bias)]
    tensors = record(lambda x: m(x, x, x, need_weights=False)[0], params, torch.randn(N, T, D))
    return {"headCount": H, "isCausal": False, "tensors": tensors}


def block_case():
    """The peers' transformer.py block (pre-LayerNorm, causal, GELU tanh form), at a small size."""
    ln1, ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
    q, k, v, o = (nn.Linear(D, D) for _ in range(4))
    fc1, fc2 = nn.Linear(D, HIDDEN), nn.Linear(HIDDEN, D)
    with torch.no_grad():
        for ln in (ln1, ln2):
            ln.weight.normal_(1, 0.3)
            ln.bias.normal_(0, 0.3)
    mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)

    def forward(x):
        h = ln1(x)
        qs, ks, vs = (m(h).view(N, T, H, D // H).transpose(1, 2) for m in (q, k, v))
        s = (qs @ ks.transpose(-2, -1)) / math.sqrt(D // H)
        a = torch.softmax(s.masked_fill(mask, float("-inf")), dim=-1) @ vs
        x = x + o(a.transpose(1, 2).reshape(N, T, D))
        return x + fc2(F.gelu(fc1(ln2(x)), approximate="tanh"))

    params = [("norm1.scale", ln1.weight), ("norm1.shift", ln1.bias),
              ("attention.projection.weight", [q.weight, k.weight, v.weight]),
              ("attention.projection.bias", [q.bias, k.bias, v.bias]),
              ("attention.output.weight", o.weight), ("attention.output.bias", o.bias),
              ("norm2.scale", ln2.weight), ("norm2.shift", ln2.bias),
              ("fc1.weight", fc1.weight), ("fc1.bias", fc1.bias), ("fc2.weight", fc2.weight), ("fc2.bias", fc2.bias)]
    return {"headCount": H, "isCausal": True, "hiddenWidth": HIDDEN, "tensors": record(forward, params, torch.randn(N, T, D))}


def recurrent_case(layer):
    """nn.LSTM or nn.GRU, one layer, batch first, every step's hidden state."""
    m = layer(3, 4, batch_first=True)
    params = [("inputWeight", m.weight_ih_l0), ("hiddenWeight", m.weight_hh_l0),
              ("inputBias", m.bias_ih_l0), ("hiddenBias", m.bias_hh_l0)]
    return {"headCount": 0, "isCausal": False, "hiddenWidth": 4, "tensors": record(lambda x: m(x)[0], params, torch.randn(N, T, 3))}


def main():
    cases = {"attention": attention_case(), "block": block_case(), "lstm": recurrent_case(nn.LSTM), "gru": recurrent_case(nn.GRU)}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "LayersTests", "Fixtures", "sequence-layers.json")
    with open(path, "w") as f:
        json.dump({"generator": "scripts/make-sequence-fixtures.py", "torch": torch.__version__, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
