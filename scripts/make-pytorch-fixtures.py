#!/usr/bin/env python3
"""Writes the PyTorch interchange fixtures of Tests/TrainTests/Fixtures (run once; the files are committed).

For a small CNN (conv, ReLU, conv with padding, ReLU, max pool, flatten, linear) and an MLP
(linear, tanh, linear), built with torch.nn.Sequential and seeded:
  pytorch-<model>.safetensors     the state_dict ("0.weight", "0.bias", ...), PyTorch's layouts
  pytorch-<model>-io.safetensors  "input" (the CNN's in NCHW, as PyTorch takes it) and "logits",
                                  PyTorch's output for it
The Swift tests (PyTorchInteropTests) load the weights into our layers, compare our predictions
with the logits and compare our export with the state_dict.

The safetensors format is written by hand (the `safetensors` package is not needed): an 8-byte
little-endian header length, a JSON header, then the raw little-endian float32 data.

Run: ~/.cache/peers-venv/bin/python scripts/make-pytorch-fixtures.py   (torch 2.13, CPU)
"""
import json
import pathlib
import struct

import torch
from torch import nn

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "TrainTests" / "Fixtures"


def write_safetensors(path, tensors):
    """Writes the float32 `tensors` (a dict name -> tensor) as a safetensors file, sorted by name."""
    header, data, offset = {}, b"", 0
    for name in sorted(tensors):
        values = tensors[name].detach().to(torch.float32).contiguous().flatten().tolist()
        chunk = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(chunk)]}
        data += chunk
        offset += len(chunk)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)


def write_fixture(name, model, batch):
    with torch.no_grad():
        logits = model(batch)
    write_safetensors(FIXTURES / f"pytorch-{name}.safetensors", model.state_dict())
    write_safetensors(FIXTURES / f"pytorch-{name}-io.safetensors", {"input": batch, "logits": logits})
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, logits {list(logits.shape)}")


def main():
    torch.manual_seed(21)
    # Height ≠ width and a 3×2 kernel, so that any confusion of the axes shows.
    cnn = nn.Sequential(
        nn.Conv2d(2, 4, kernel_size=(3, 2)),   # 0: [N, 2, 6, 8] -> [N, 4, 4, 7]
        nn.ReLU(),
        nn.Conv2d(4, 3, kernel_size=3, padding=1),  # 2: -> [N, 3, 4, 7]
        nn.ReLU(),
        nn.MaxPool2d(2),                        # -> [N, 3, 2, 3]
        nn.Flatten(),                           # -> [N, 18] in C, H, W order
        nn.Linear(18, 5),                       # 6
    )
    write_fixture("cnn", cnn, torch.randn(3, 2, 6, 8))
    mlp = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 3))
    write_fixture("mlp", mlp, torch.randn(4, 6))


if __name__ == "__main__":
    main()
