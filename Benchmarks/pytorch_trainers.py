#!/usr/bin/env python3
"""PyTorch twins of the example trainers, for side-by-side accuracy and wall-time figures.

Same architectures, recipes and data pipeline as `swift run -c release cnn|mlp`:
  cnn  the seeds' CIFAR-10 CNN (seed 004 §7.4): conv5x5 32 pad2 -> maxpool2 -> ReLU ->
       conv5x5 32 pad2 -> ReLU -> avgpool2 -> conv5x5 64 pad2 -> ReLU -> avgpool2 ->
       conv4x4 64 -> ReLU -> dense 64->10; 28x28 images zero-padded to 32x32.
       recipes: sgd-momentum (SGD momentum 0.9, batch 100, lr 0.05/0.005/0.0005 for 30/10/5 epochs)
                adam (Adam lr 1e-3, batch 32, 10 epochs)
  mlp  784-256-10 ReLU MLP (widths configurable), Adam lr 1e-3 with per-step cosine decay to 0, batch 64.
As in the Swift trainers: inputs scaled to [0, 1] (and zero-padded for the CNN), normalised with the
training set's mean and standard deviation, 5,000 training images held out for validation and
evaluated after every epoch (inside the timed training, as in `fit`).
Data: IDX files (plain or .gz) in --data (default /usr/share/datasets/fashion-mnist).

    python3 Benchmarks/pytorch_trainers.py --model cnn --recipe adam --threads 2 --json
Prints a line per epoch on stderr and, with --json, one JSON line on stdout.
"""
import argparse
import gzip
import json
import math
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


def load(directory, pad):
    x_train = read_idx(directory, "train-images-idx3-ubyte").astype(np.float32) / 255
    y_train = read_idx(directory, "train-labels-idx1-ubyte").astype(np.int64)
    x_test = read_idx(directory, "t10k-images-idx3-ubyte").astype(np.float32) / 255
    y_test = read_idx(directory, "t10k-labels-idx1-ubyte").astype(np.int64)
    if pad:
        x_train, x_test = (np.pad(x, ((0, 0), (2, 2), (2, 2))) for x in (x_train, x_test))
    return x_train, y_train, x_test, y_test


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["cnn", "mlp"], default="cnn")
    p.add_argument("--recipe", choices=["sgd-momentum", "adam"], default="adam")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--widths", default="784,256,10")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=0, help="use only the first N training images")
    p.add_argument("--validation", type=int, default=5000, help="training images held out for validation")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    os.sched_setaffinity(0, set(range(args.threads)))
    import torch
    from torch import nn
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train, y_train, x_test, y_test = load(args.data, pad=args.model == "cnn")
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    mean, std = x_train.mean(), x_train.std()
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    held_out = np.random.default_rng(args.seed).permutation(len(x_train))
    validation_count = min(args.validation, len(x_train) // 5)
    x_val, y_val = x_train[held_out[:validation_count]], y_train[held_out[:validation_count]]
    x_train, y_train = x_train[held_out[validation_count:]], y_train[held_out[validation_count:]]
    if args.model == "cnn":
        x_train, x_val, x_test = (x[:, None, :, :] for x in (x_train, x_val, x_test))
        model = nn.Sequential(
            nn.Conv2d(1, 32, 5, padding=2), nn.MaxPool2d(2, 2), nn.ReLU(),
            nn.Conv2d(32, 32, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2, 2),
            nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.AvgPool2d(2, 2),
            nn.Conv2d(64, 64, 4), nn.ReLU(), nn.Flatten(), nn.Linear(64, 10))
        if args.recipe == "sgd-momentum":
            batch, epochs = 100, args.epochs or 45
            optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
            rate = lambda epoch: 0.05 if epoch < 30 else (0.005 if epoch < 40 else 0.0005)
        else:
            batch, epochs = 32, args.epochs or 10
            optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
            rate = lambda epoch: 1e-3
    else:
        widths = [int(w) for w in args.widths.split(",")]
        x_train, x_val, x_test = (x.reshape(len(x), -1) for x in (x_train, x_val, x_test))
        layers = []
        for i, (a, b) in enumerate(zip(widths, widths[1:])):
            layers.append(nn.Linear(a, b))
            if i < len(widths) - 2:
                layers.append(nn.ReLU())
        model = nn.Sequential(*layers)
        batch, epochs = 64, args.epochs or 10
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        steps = epochs * -(-len(x_train) // batch)
        rate = lambda epoch, step=0: 0.5e-3 * (1 + math.cos(math.pi * min(step / steps, 1)))

    x_train_t, y_train_t = torch.from_numpy(np.ascontiguousarray(x_train)), torch.from_numpy(y_train)
    x_test_t, y_test_t = torch.from_numpy(np.ascontiguousarray(x_test)), torch.from_numpy(y_test)
    x_val_t, y_val_t = torch.from_numpy(np.ascontiguousarray(x_val)), torch.from_numpy(y_val)

    def accuracy_on(x, y):
        model.eval()
        with torch.inference_mode():
            predictions = torch.cat([model(x[i:i + 256]).argmax(1) for i in range(0, len(x), 256)])
        model.train()
        return (predictions == y).float().mean().item()

    loss_fn = nn.CrossEntropyLoss()
    generator = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    step = 0
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x_train_t), generator=generator)
        total, correct, seen = 0.0, 0, 0
        for first in range(0, len(order), batch):
            index = order[first:first + batch]
            x, y = x_train_t[index], y_train_t[index]
            for group in optimizer.param_groups:
                group["lr"] = rate(epoch, step) if args.model == "mlp" else rate(epoch)
            step += 1
            optimizer.zero_grad(set_to_none=True)
            logits = model(x)
            loss = loss_fn(logits, y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(index)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(index)
        print(f"epoch {epoch + 1}/{epochs}: loss {total / seen:.4f} accuracy {correct / seen:.4f} "
              f"val accuracy {accuracy_on(x_val_t, y_val_t):.4f} ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    train_seconds = time.perf_counter() - start
    accuracy = accuracy_on(x_test_t, y_test_t)
    print(f"test accuracy {accuracy:.4f}, training {train_seconds:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps({"trainer": args.model, "framework": "torch", "version": torch.__version__,
                          "recipe": args.recipe if args.model == "cnn" else "adam-cosine", "dataset": args.data,
                          "epochs": epochs, "batch": batch, "threads": args.threads,
                          "train_images": len(x_train), "test_accuracy": accuracy,
                          "train_seconds": train_seconds,
                          "images_per_second": epochs * len(x_train) / train_seconds}))


if __name__ == "__main__":
    main()
