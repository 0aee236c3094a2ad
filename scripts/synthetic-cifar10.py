#!/usr/bin/env python3
"""Writes random images in the CIFAR-10 binary format, for timing the cnn trainer where the
real CIFAR-10 cannot be downloaded.

    python3 scripts/synthetic-cifar10.py DIR [--seed S] [--per-batch N]

DIR receives data_batch_1.bin ... data_batch_5.bin and test_batch.bin, each N records
(default 10000, as in cifar-10-binary.tar.gz): one label byte 0-9, then 1024 red, 1024 green
and 1024 blue bytes of a 32x32 image, row-major. The pixels are uniform noise and the labels
uniform, so accuracy on it means nothing: use it for time per epoch only.
"""
import argparse
import os
import random


def write_batch(path, count, rng):
    temporary = path + ".partial"
    with open(temporary, "wb") as file:
        for _ in range(count):
            file.write(bytes([rng.randrange(10)]))
            file.write(rng.randbytes(3 * 1024))
    os.replace(temporary, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-batch", type=int, default=10000)
    args = parser.parse_args()
    if args.per_batch < 1:
        parser.error("--per-batch must be at least 1")
    os.makedirs(args.directory, exist_ok=True)
    rng = random.Random(args.seed)
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    for name in names:
        write_batch(os.path.join(args.directory, name), args.per_batch, rng)
    print(f"synthetic-cifar10: wrote {len(names)} files of {args.per_batch} random images to {args.directory}")


if __name__ == "__main__":
    main()
