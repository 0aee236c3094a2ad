#!/usr/bin/env python3
"""Two builds of `bench` alternated on the same measurements, and their ratios.

Runs `A bench MODES --json`, then `B bench MODES --json`, `--rounds` times (A first in odd
rounds, B first in even ones), and prints for every measurement the best and median figure of
each build over the rounds and the ratio B / A of the bests (above 1 means B is faster). Every
JSON line goes to `--out` with the build's name added, for Benchmarks/results.

    python3 Benchmarks/ab_builds.py --a OLD/.build/release/bench --b .build/release/bench \\
        --rounds 3 --out ab.jsonl -- all --threads 2

`--a-env` and `--b-env` (NAME=VALUE) set an environment variable for one side, so one build can
be compared with itself at two kernel levels:

    python3 Benchmarks/ab_builds.py --a .build/release/bench --a-env AUTOGRAD_KERNEL_LEVEL=x86-64-v3 \\
        --b .build/release/bench -- gemm cnn mlp

Figures on a shared machine move by 10-20 % from one minute to the next: a ratio means something
only beside the spread of each build's own figures, which the table shows.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

# For each bench: the figures to compare and whether larger is better.
METRICS = {
    "fma_peak": [("fma256_gflops", True), ("fma512_gflops", True)],
    "sgemm": [("gflops_best", True)],
    "dgemm": [("gflops_best", True)],
    "sgemm_shape": [("gflops_best", True)],
    "tiny_mlp": [("us_per_step_min", False)],
    "op_overhead": [("ns_per_op_min", False)],
    "cifar_cnn": [("img_per_s_best", True)],
    "mnist_mlp": [("img_per_s_best", True)],
}
# The fields that tell one measurement of a bench from another.
IDENTITY = ["bench", "variant", "op", "recorded", "n", "m", "k", "batch", "mode", "threads"]


def run(bench, arguments, environment, build, round_number):
    """The JSON records of one run of `bench` with `environment` added, tagged with the build and
    the round."""
    output = subprocess.run([bench] + arguments + ["--json"], check=True, capture_output=True, text=True,
                            env=dict(os.environ, **environment)).stdout
    records = []
    for line in output.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            record.update(build=build, ab_round=round_number)
            records.append(record)
    return records


def key(record):
    return tuple((field, record[field]) for field in IDENTITY if field in record)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", help="the first build's bench executable (the reference)")
    parser.add_argument("--b", help="the second build's bench executable")
    parser.add_argument("--a-env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--b-env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", help="append every JSON line to this file as it comes")
    parser.add_argument("--table", metavar="FILE", help="only print the table of the lines in FILE")
    parser.add_argument("arguments", nargs="*", help="bench's modes and options, after --")
    args = parser.parse_args()
    if args.table:
        with open(args.table) as lines:
            return print_table([json.loads(line) for line in lines if line.strip()])
    if not (args.a and args.b and args.arguments):
        parser.error("--a, --b and bench's arguments are needed (or --table FILE)")

    records = []
    order = [("A", args.a, dict(item.split("=", 1) for item in args.a_env)),
             ("B", args.b, dict(item.split("=", 1) for item in args.b_env))]
    for round_number in range(1, args.rounds + 1):
        for build, bench, environment in order if round_number % 2 else reversed(order):
            print(f"round {round_number}: {build}", file=sys.stderr, flush=True)
            new = run(bench, args.arguments, environment, build, round_number)
            records += new
            if args.out:
                with open(args.out, "a") as out:
                    out.writelines(json.dumps(record) + "\n" for record in new)

    print_table(records)


def print_table(records):
    """Each measurement's best and median figure per build, and the ratio of the bests."""
    figures = {}
    for record in records:
        for metric, larger in METRICS.get(record["bench"], []):
            if record.get(metric) is not None:
                figures.setdefault((key(record), metric, larger), {}).setdefault(record["build"], []).append(record[metric])
    print("| measurement | figure | A best (median) | B best (median) | B / A |")
    print("|---|---|---|---|---|")
    for (identity, metric, larger), builds in figures.items():
        if set(builds) != {"A", "B"}:
            continue
        best = {build: (max if larger else min)(values) for build, values in builds.items()}
        ratio = best["B"] / best["A"] if larger else best["A"] / best["B"]
        name = " ".join(f"{value}" if field == "bench" else f"{field} {value}" for field, value in identity)
        cells = [f"{best[b]:g} ({statistics.median(builds[b]):g})" for b in ("A", "B")]
        print(f"| {name} | {metric} | {cells[0]} | {cells[1]} | {ratio:.3f} |")


if __name__ == "__main__":
    main()
