#!/usr/bin/env python3
"""PyTorch's torch.matmul on batches of attention-shaped products: the twin of `bench batched`.

    python3 Benchmarks/batched_matmul.py --threads 2 --variants A.B,AT.B,A.BT,AT.BT

Operands are [batch/8, 8, m, k] and [batch/8, 8, k, n] (transposed operands are made by
.transpose(-2, -1) of a stored [.., k, m] or [.., n, k] tensor, as attention's q @ k.transpose(-2, -1)
does). Each rep times `inner` back-to-back products (calibrated to about --rep-seconds), each
allocating its result as `bench batched` does. Prints one JSON line per shape with the fields of
`bench batched --json`. Uses ../shared/peers/common.py for threads and timing.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "shared", "peers"))
import common  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=32, help="products per call (split [batch/8, 8] when 8 divides it)")
    parser.add_argument("--shape", default="128x128x32", help="m x n x k of each product")
    parser.add_argument("--variants", default="A.B", help="any of A.B, AT.B, A.BT, AT.BT")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--rep-seconds", type=float, default=0.3)
    args = parser.parse_args()
    common.configure_threads(args.threads)
    torch = common.setup_torch()
    m, n, k = (int(x) for x in args.shape.split("x"))
    leading = [args.batch // 8, 8] if args.batch % 8 == 0 else [args.batch]
    generator = torch.Generator().manual_seed(42)
    for variant in args.variants.split(","):
        transpose_a, transpose_b = variant.startswith("AT"), variant.endswith("BT")
        a = torch.randn(*leading, *((k, m) if transpose_a else (m, k)), generator=generator)
        b = torch.randn(*leading, *((n, k) if transpose_b else (k, n)), generator=generator)
        left = a.transpose(-2, -1) if transpose_a else a
        right = b.transpose(-2, -1) if transpose_b else b

        def product():
            torch.matmul(left, right)
        for _ in range(3):
            product()
        inner = common.calibrate(product, target_s=args.rep_seconds, max_steps=10000)

        def run():
            for _ in range(inner):
                product()
        times = common.time_reps(run, reps=args.reps, warmup=1)
        best, median = common.summarize(times, per=inner)
        flop = 2.0 * args.batch * m * n * k
        common.emit({
            "bench": "batched_matmul", "framework": "torch", "variant": variant,
            "version": common.framework_version("torch"), "batch": args.batch, "m": m, "n": n, "k": k,
            "reps": args.reps, "inner": inner, "threads": args.threads,
            "ms_min": round(best * 1e3, 4), "ms_median": round(median * 1e3, 4),
            "gflops_best": round(flop / best / 1e9, 2), "gflops_median": round(flop / median / 1e9, 2),
        })


if __name__ == "__main__":
    main()
