#!/usr/bin/env python3
"""PyTorch twins of the example trainers, for side-by-side accuracy and wall-time figures.

Same architectures, recipes and data pipeline as `swift run -c release cnn|mlp|resnet`:
  cnn  the seeds' CIFAR-10 CNN (seed 004 §7.4): conv5x5 32 pad2 -> maxpool2 -> ReLU ->
       conv5x5 32 pad2 -> ReLU -> avgpool2 -> conv5x5 64 pad2 -> ReLU -> avgpool2 ->
       conv4x4 64 -> ReLU -> dense 64->10; 28x28 images zero-padded to 32x32.
       recipes: sgd-momentum (SGD momentum 0.9, batch 100, lr 0.05/0.005/0.0005 for 30/10/5 epochs)
                adam (Adam lr 1e-3, batch 32, 10 epochs)
  mlp  784-256-10 ReLU MLP (widths configurable), Adam lr 1e-3 with per-step cosine decay to 0, batch 64.
  resnet  ResNet-20 with BatchNorm (the peers' resnet.py; --width 16 channels in the first stage) on
       28x28 (or CIFAR-10's 32x32) images as they are: SGD momentum 0.9, lr 0.1, batch 128, 30 epochs,
       weight decay 5e-4 coupled (L2 in the gradient) on conv and dense weights only (not on biases,
       BatchNorm scales or shifts); --schedule cosine (per step, to 0) or step (x0.1 after half,
       x0.01 after three quarters of the epochs); initialisation as the Swift layers (He normal
       convolutions, Glorot uniform dense layer, zero bias); with --augment (the default) every
       training image is cropped at random from a 4-pixel zero border and, except for MNIST, mirrored
       left-right with probability 1/2, before normalisation.
As in the Swift trainers: inputs scaled to [0, 1] (and zero-padded for the CNN), normalised with the
training set's mean and standard deviation (per channel), 5,000 training images held out for
validation and evaluated after every epoch (inside the timed training, as in `fit`).
Data: IDX files (plain or .gz) in --data (default /usr/share/datasets/fashion-mnist), or CIFAR-10's
binary batches (data_batch_1.bin ... data_batch_5.bin, test_batch.bin) with --dataset cifar10.

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


def read_cifar10(directory, names):
    records = []
    for name in names:
        path = os.path.join(directory, name)
        if not os.path.exists(path):
            sys.exit(f"missing {name} in {directory}: unpack cifar-10-binary.tar.gz (or run scripts/synthetic-cifar10.py)")
        records.append(np.fromfile(path, dtype=np.uint8).reshape(-1, 3073))
    records = np.concatenate(records)
    return records[:, 1:].reshape(-1, 3, 32, 32), records[:, 0].astype(np.int64)


def load(directory, pad, cifar10=False):
    """Images as [N, C, H, W] in [0, 1] (zero-padded from 28x28 to 32x32 with pad) and labels."""
    if cifar10:
        x_train, y_train = read_cifar10(directory, [f"data_batch_{i}.bin" for i in range(1, 6)])
        x_test, y_test = read_cifar10(directory, ["test_batch.bin"])
        return x_train.astype(np.float32) / 255, y_train, x_test.astype(np.float32) / 255, y_test
    x_train = read_idx(directory, "train-images-idx3-ubyte").astype(np.float32) / 255
    y_train = read_idx(directory, "train-labels-idx1-ubyte").astype(np.int64)
    x_test = read_idx(directory, "t10k-images-idx3-ubyte").astype(np.float32) / 255
    y_test = read_idx(directory, "t10k-labels-idx1-ubyte").astype(np.int64)
    if pad:
        x_train, x_test = (np.pad(x, ((0, 0), (2, 2), (2, 2))) for x in (x_train, x_test))
    return x_train[:, None], y_train, x_test[:, None], y_test


def resnet20(torch, nn, channels, classes, width):
    """ResNet-20 as the peers' resnet.py and Sequential.resNet20 build it, initialised as the Swift layers."""
    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.short = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
                nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

        def forward(self, x):
            h = torch.relu(self.b1(self.c1(x)))
            return torch.relu(self.b2(self.c2(h)) + self.short(x))

    layers = [nn.Conv2d(channels, width, 3, 1, 1, bias=False), nn.BatchNorm2d(width), nn.ReLU()]
    cin = width
    for cout, stride in ((width, 1), (2 * width, 2), (4 * width, 2)):
        for i in range(3):
            layers.append(Block(cin, cout, stride if i == 0 else 1))
            cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4 * width, classes)]
    model = nn.Sequential(*layers)
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
        elif isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)
    return model


def augmented(torch, x, padding, flips, generator):
    """A random crop of each image from a border of `padding` zeros and, with `flips`, a mirror with
    probability 1/2: torchvision's RandomCrop(size, padding) then RandomHorizontalFlip()."""
    n, _, h, w = x.shape
    padded = torch.nn.functional.pad(x, (padding, padding, padding, padding))
    dy = torch.randint(0, 2 * padding + 1, (n, 1), generator=generator)
    dx = torch.randint(0, 2 * padding + 1, (n, 1), generator=generator)
    columns = torch.arange(w).expand(n, w)
    if flips:
        mirrored = torch.rand(n, 1, generator=generator) < 0.5
        columns = torch.where(mirrored, w - 1 - columns, columns)
    rows, columns = dy + torch.arange(h), dx + columns
    channels_last = padded.permute(0, 2, 3, 1)
    return channels_last[torch.arange(n)[:, None, None], rows[:, :, None], columns[:, None, :]].permute(0, 3, 1, 2).contiguous()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=["cnn", "mlp", "resnet"], default="cnn")
    p.add_argument("--recipe", choices=["sgd-momentum", "adam"], default="adam")
    p.add_argument("--dataset", choices=["fashion-mnist", "mnist", "cifar10"], default="fashion-mnist",
                   help="resnet: which augmentation (no flips for mnist) and file format (cifar10: binary batches)")
    p.add_argument("--data", default=None, help="default: /usr/share/datasets/fashion-mnist, ~/.cache/swift-autograd/mnist")
    p.add_argument("--schedule", choices=["cosine", "step"], default="cosine", help="resnet's learning-rate schedule")
    p.add_argument("--lr", type=float, default=0.1, help="resnet's initial learning rate")
    p.add_argument("--width", type=int, default=16, help="resnet's channels in the first stage")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                   help="resnet and cnn: random crops and flips of the training images (default: on for resnet)")
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--widths", default="784,256,10")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--limit", type=int, default=0, help="use only the first N training images")
    p.add_argument("--validation", type=int, default=5000, help="training images held out for validation")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    process_start = time.perf_counter()

    os.sched_setaffinity(0, set(range(args.threads)))
    import torch
    from torch import nn
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    if args.data is None:
        args.data = os.path.expanduser("~/.cache/swift-autograd/mnist") if args.dataset == "mnist" else "/usr/share/datasets/fashion-mnist"
    augment = args.augment if args.augment is not None else args.model == "resnet"
    x_train, y_train, x_test, y_test = load(args.data, pad=args.model == "cnn" and args.dataset != "cifar10",
                                            cifar10=args.dataset == "cifar10")
    if args.limit:
        x_train, y_train = x_train[:args.limit], y_train[:args.limit]
    mean, std = x_train.mean(axis=(0, 2, 3), keepdims=True), x_train.std(axis=(0, 2, 3), keepdims=True)
    # With augmentation the training images are normalised per batch, after the crop (as in Swift).
    normalised = lambda x: (x - mean) / std
    x_train, x_test = (x_train if augment else normalised(x_train)), normalised(x_test)
    held_out = np.random.default_rng(args.seed).permutation(len(x_train))
    validation_count = min(args.validation, len(x_train) // 5)
    x_val, y_val = x_train[held_out[:validation_count]], y_train[held_out[:validation_count]]
    x_train, y_train = x_train[held_out[validation_count:]], y_train[held_out[validation_count:]]
    if augment:
        x_val = normalised(x_val)
    if args.model == "cnn":
        model = nn.Sequential(
            nn.Conv2d(x_train.shape[1], 32, 5, padding=2), nn.MaxPool2d(2, 2), nn.ReLU(),
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
    elif args.model == "resnet":
        model = resnet20(torch, nn, x_train.shape[1], 10, args.width)
        batch, epochs = 128, args.epochs or 30
        decayed = [p for p in model.parameters() if p.dim() > 1]  # conv and dense weights
        others = [p for p in model.parameters() if p.dim() <= 1]  # dense bias, BatchNorm scales and shifts
        optimizer = torch.optim.SGD([{"params": decayed, "weight_decay": 5e-4}, {"params": others, "weight_decay": 0}],
                                    lr=args.lr, momentum=0.9)
        steps_per_epoch = -(-len(x_train) // batch)
        if args.schedule == "cosine":
            rate = lambda epoch, step=0: args.lr * 0.5 * (1 + math.cos(math.pi * min(step / (epochs * steps_per_epoch), 1)))
        else:
            half = max(1, epochs // 2)
            milestones = (half, max(half, epochs * 3 // 4))
            rate = lambda epoch, step=0: args.lr * (1, 0.1, 0.01)[sum(epoch >= m for m in milestones)]
    else:
        widths = [int(w) for w in args.widths.split(",")]
        x_train, x_val, x_test = (x.reshape(len(x), -1) for x in (x_train, x_val, x_test))
        if augment:
            sys.exit("mlp: no augmentation")
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

    mean_t, std_t = torch.from_numpy(mean), torch.from_numpy(std)
    normalised_t = lambda x: (x - mean_t) / std_t
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
            if augment:
                x = normalised_t(augmented(torch, x, 4, args.dataset != "mnist", generator))
            for group in optimizer.param_groups:
                group["lr"] = rate(epoch, step) if args.model != "cnn" else rate(epoch)
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
    print(f"test accuracy {accuracy:.4f}, training {train_seconds:.1f} s, {time.perf_counter() - process_start:.1f} s in all",
          file=sys.stderr)
    if args.json:
        print(json.dumps({"trainer": args.model, "framework": "torch", "version": torch.__version__,
                          "recipe": {"cnn": args.recipe, "mlp": "adam-cosine", "resnet": f"sgd-{args.schedule}"}[args.model],
                          "dataset": args.data, "augment": augment,
                          "epochs": epochs, "batch": batch, "threads": args.threads,
                          "train_images": len(x_train), "test_accuracy": accuracy,
                          "train_seconds": train_seconds, "seconds": time.perf_counter() - process_start,
                          "images_per_second": epochs * len(x_train) / train_seconds}))


if __name__ == "__main__":
    main()
