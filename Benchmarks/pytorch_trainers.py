#!/usr/bin/env python3
"""PyTorch twins of the example trainers, for side-by-side accuracy and wall-time figures.

Same architectures, recipes and data pipeline as `swift run -c release cnn|mlp`:
  cnn  the seeds' CIFAR-10 CNN (seed 004 §7.4): conv5x5 32 pad2 -> maxpool2 -> ReLU ->
       conv5x5 32 pad2 -> ReLU -> avgpool2 -> conv5x5 64 pad2 -> ReLU -> avgpool2 ->
       conv4x4 64 -> ReLU -> dense 64->10; 28x28 images zero-padded to 32x32.
       recipes: seed004 (SGD momentum 0.9, batch 100, lr 0.05/0.005/0.0005 for 30/10/5 epochs)
                thesis  (Adam lr 1e-3, batch 32, 10 epochs)
  mlp  784-256-10 ReLU MLP (widths configurable), Adam lr 1e-3, batch 64.
Inputs are scaled to [0, 1] and normalised with the training set's mean and standard deviation.
Data: IDX files (plain or .gz) in --data (default /usr/share/datasets/fashion-mnist).

    python3 Benchmarks/pytorch_trainers.py --model cnn --recipe thesis --threads 2 --json
Prints a line per epoch on stderr and, with --json, one JSON line on stdout.
"""
import argparse
import gzip
import json
import os
import sys
import time

import numpy as np


def read_idx(directory, stem):
    for name in (stem, stem + ".gz"):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            dims = data[3]
            shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)
    sys.exit(f"missing {stem}[.gz] in {directory}: run scripts/fetch-datasets.sh")


def load(directory):
    x_train = read_idx(directory, "train-images-idx3-ubyte").astype(np.float32) / 255
    y_train = read_idx(directory, "train-labels-idx1-ubyte").astype(np.int64)
    x_test = read_idx(directory, "t10k-images-idx3-ubyte").astype(np.float32) / 255
    y_test = read_idx(directory, "t10k-labels-idx1-ubyte").astype(np.int64)
    mean, std = x_train.mean(), x_train.std()
    return (x_train - mean) / std, y_train, (x_test - mean) / std, y_test


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    p.add_argument("--recipe", choices=["seed004", "thesis"], default="thesis")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--widths", default="784,256,10")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=0, help="use only the first N training images")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    os.sched_setaffinity(0, set(range(args.threads)))
    import torch
    from torch import nn
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train, y_train, x_test, y_test = load(args.data)
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    if args.model == "cnn":
        pad = lambda x: np.pad(x, ((0, 0), (2, 2), (2, 2)))[:, None, :, :]
        x_train, x_test = pad(x_train), pad(x_test)
        model = nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2), nn.MaxPool2d(2, 2), nn.ReLU(),
            nn.Conv2d(32, 32, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2, 2),
            nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2, 2),
            nn.Conv2d(64, 64, 4), nn.ReLU(), nn.Flatten(), nn.Linear(64, 10))
        if args.recipe == "seed004":
            batch, epochs = 100, args.epochs or 45
            optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            rate = lambda epoch: 0.05 if epoch < 30 else (0.005 if epoch < 40 else 0.0005)
        else:
            batch, epochs = 32, args.epochs or 10
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            rate = lambda epoch: 1e-3
    else:
        widths = [int(w) for w in args.widths.split(",")]
        x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
        layers = []
        for i, (a, b) in enumerate(zip(widths, widths[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(widths) - 2:
                layers.append(nn.ReLU())
        model = nn.Sequential(*layers)
        batch, epochs = 64, args.epochs or 10
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        rate = lambda epoch: 1e-3

    x_train_t, y_train_t = torch.from_numpy(np.ascontiguousarray(x_train)), torch.from_numpy(y_train)
    x_test_t, y_test_t = torch.from_numpy(np.ascontiguousarray(x_test)), torch.from_numpy(y_test)
    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    for epoch in range(epochs):
        for group in optimizer.param_groups:
            group["lr"] = rate(epoch)
        model.train()
        order = torch.randperm(len(x_train_t), generator=generator)
        total, correct, seen = 0.0, 0, 0
        for first in range(0, len(order), batch):
            index = order[first:first + batch]
            x, y = x_train_t[index], y_train_t[index]
            optimizer.zero_grad(set_to_none=True)
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(index)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / seen:.4f} accuracy {correct / seen:.4f} "
              f"({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    train_seconds = time.perf_counter() - start
    model.eval()
    with torch.inference_mode():
        predictions = torch.cat([model(x_test_t[i:i + 1000]).argmax(1) for i in range(0, len(x_test_t), 1000)])
    accuracy = (predictions == y_test_t).float().mean().item()
    print(f"test accuracy {accuracy:.4f}, training {train_seconds:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps({"trainer": args.model, "framework": "torch", "version": torch.__version__,
                          "recipe": args.recipe if args.model == "cnn" else "adam", "dataset": args.data,
                          "epochs": epochs, "batch": batch, "threads": args.threads,
                          "train_images": len(x_train), "test_accuracy": accuracy,
                          "train_seconds": train_seconds,
                          "images_per_second": epochs * len(x_train) / train_seconds}))


if __name__ == "__main__":
    main()
