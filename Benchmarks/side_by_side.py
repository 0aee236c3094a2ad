#!/usr/bin/env python3
"""Our `bench` and a peer's script, alternated in pairs, with the host's core placement read
before and after every run.

On 2-vCPU cloud machines the host moves the two vCPUs between cores that share an L3 cache and
cores that do not, every few seconds (Sources/Bench/CorePlacement.swift); a ratio is only fair
between runs made in the same placement. Each pair runs `bench placement`, ours, `bench
placement` twice, the peer, `bench placement`, and is labelled `shared`, `split` or `mixed` by
those four readings and by the before/after readings ours records itself.

    python3 Benchmarks/side_by_side.py mlp --pairs 5 --out mlp.jsonl
    python3 Benchmarks/side_by_side.py gemm --threads 2 --pairs 4
    python3 Benchmarks/side_by_side.py cnn --batch 32 --mode train
    python3 Benchmarks/side_by_side.py resnet --reps 3 --pairs 2     # against PyTorch eager
    python3 Benchmarks/side_by_side.py gpt --reps 3 --pairs 2        # against PyTorch eager

With `--placement shared` (or `split`) each run starts only once the probe reads that placement
(waiting up to `--wait` seconds), so that both sides of a pair start in the same one; the host
can still switch during a run, which the labels show.

Run from the package root after `swift build -c release`, with the peers' virtual environment
installed by ../shared/peers/setup.sh (or --python). Prints one line per pair and comparison;
with --out, appends every JSON line (ours, the peer's and the probes', tagged with the pair).
"""
import argparse
import json
import os
import subprocess
import sys
import time

PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers")
BENCH = os.path.join(".build", "release", "bench")


def workload(args):
    """Our command, the peer's command, the metric and the fields that identify a comparison."""
    threads = ["--threads", str(args.threads)]
    if args.workload == "mlp":
        batch = args.batch or "256"
        return ([BENCH, "mlp", "--batch", batch] + threads,
                ["mnist_mlp.py", "--framework", "jax", "--variant", "jit", "--batch", batch] + threads,
                "img_per_s_best", ("batch",))
    if args.workload == "gemm":
        sizes = args.sizes or "1024,2048"
        return ([BENCH, "gemm", "--sizes", sizes] + threads,
                ["gemm.py", "--framework", "numpy", "--sizes", sizes] + threads, "gflops_best", ("n",))
    if args.workload == "resnet":
        batch = args.batch or "128"
        return ([BENCH, "resnet", "--batch", batch, "--mode", args.mode] + threads,
                ["resnet.py", "--framework", "torch", "--batch", batch, "--mode", args.mode] + threads,
                "img_per_s_best", ("batch", "mode"))
    if args.workload == "gpt":
        return ([BENCH, "gpt"] + threads, ["transformer.py", "--framework", "torch"] + threads, "tokens_per_s_best", ("batch",))
    batch, mode = args.batch or "32", args.mode
    return ([BENCH, "cnn", "--batch", batch, "--mode", mode] + threads,
            ["cifar_cnn.py", "--framework", "tf", "--variant", "keras", "--batch", batch, "--mode", mode] + threads,
            "img_per_s_best", ("batch", "mode"))


def run(command, cwd=None):
    """The JSON lines a command prints."""
    output = subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def probe():
    """One `bench placement` line."""
    return run([BENCH, "placement", "--json"])[0]


def probe_when(placement, limit):
    """A probe, after waiting up to `limit` seconds for `placement` (shared or split) if asked."""
    start = time.time()
    while True:
        reading = probe()
        if placement == "any" or reading["cores_share_l3"] == (placement == "shared") or time.time() - start > limit:
            return reading
        time.sleep(0.2)


def best(lines, metric, keys):
    """The best value of `metric` per comparison key (over variants such as tape and compiled)."""
    result = {}
    for line in lines:
        key = tuple(line.get(k) for k in keys)
        result[key] = max(result.get(key, 0), line[metric])
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload", choices=["mlp", "gemm", "cnn", "resnet", "gpt"])
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", help="mlp: default 256; cnn: default 32; resnet: default 128 (gpt: the peer's 16)")
    parser.add_argument("--mode", default="train", choices=["train", "infer"], help="cnn and resnet only")
    parser.add_argument("--reps", help="timed repetitions of both sides (default: each side's own)")
    parser.add_argument("--sizes", help="gemm: default 1024,2048")
    parser.add_argument("--python", default=os.path.expanduser("~/.cache/peers-venv/bin/python"))
    parser.add_argument("--placement", default="any", choices=["any", "shared", "split"],
                        help="before each run, wait (up to --wait seconds) until the probe reads this placement")
    parser.add_argument("--wait", type=float, default=120)
    parser.add_argument("--tag", default="side-by-side")
    parser.add_argument("--out", help="append every JSON line here")
    args = parser.parse_args()
    ours_command, peer_command, metric, keys = workload(args)
    if args.reps:
        ours_command, peer_command = ours_command + ["--reps", args.reps], peer_command + ["--reps", args.reps]
    for pair in range(1, args.pairs + 1):
        tag = f"{args.tag}-{pair}"
        probes = [probe_when(args.placement, args.wait)]
        ours = run(ours_command + ["--json", "--tag", tag])
        probes += [probe(), probe_when(args.placement, args.wait)]
        peer = run([args.python] + peer_command, cwd=PEERS)
        probes.append(probe())
        shares = [p["cores_share_l3"] for p in probes] + [line.get("cores_share_l3") for line in ours]
        placement = "shared" if all(s is True for s in shares) else "split" if all(s is False for s in shares) else "mixed"
        for line in peer + probes:
            line["tag"] = tag
        if args.out:
            with open(args.out, "a") as out:
                for line in probes[:1] + ours + probes[1:3] + peer + probes[3:]:
                    line["placement"] = placement
                    out.write(json.dumps(line) + "\n")
        ours_best, peer_best = best(ours, metric, keys), best(peer, metric, keys)
        trips = ", ".join(f"{p['round_trip_ns']:.0f}" for p in probes)
        for key in sorted(ours_best, key=str):
            if key in peer_best:
                label = " ".join(f"{k}={v}" for k, v in zip(keys, key))
                print(f"pair {pair} {label}: ours {ours_best[key]:.1f}, {peer[0]['framework']} {peer_best[key]:.1f}, "
                      f"ratio {ours_best[key] / peer_best[key]:.2f} ({placement}; round trips "
                      f"{trips} ns)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
