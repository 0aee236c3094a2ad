#!/usr/bin/env python3
"""The 784-256-10 MLP, ours and a peer's, timed one-second rep by one-second rep with the host's
core placement read around every rep, so that each framework's speed can be compared in the
same placement.

side_by_side.py labels whole runs, which last several seconds: long enough for the host to move
our two vCPUs between cores that share an L3 cache and cores that do not (CorePlacement.swift),
so few runs stay in one placement from start to end. Here every rep is one second with a
`bench placement` probe just before and just after it; a rep counts as `shared` or `split` when
both probes agree. The peer's step is built by its own script in ../shared/peers (mnist_mlp.py's
`build_<framework>`), in this process, and timed as its script times it (calibrated to one
second of steps, synchronised at the end of the rep). Ours is `bench mlp --reps 1`, whose JSON
line carries the probes taken just before and after its one timed rep.

    python3 Benchmarks/placement_reps.py --rounds 10 --out Benchmarks/results/mlp-placement.jsonl

Each round runs --peer-reps reps of the peer, then --our-runs runs of `bench mlp`. Run from the
package root after `swift build -c release`, with the peers' virtual environment installed by
../shared/peers/setup.sh (its Python runs the peer side in a child process: --python). Prints,
per framework and placement, the reps' best, median and count, and the ratios of ours to the
peer's in each placement.
"""
import argparse
import json
import os
import sys
import time

from side_by_side import BENCH, PEERS, probe, run


def peer_reps(framework, batch, reps):
    """Runs in the peers' Python: `reps` probed one-second reps of the peer's step, one JSON line each."""
    sys.path.insert(0, PEERS)
    import common
    import mnist_mlp
    common.configure_threads(2)
    variant = mnist_mlp.DEFAULT_VARIANT[framework]
    build = getattr(mnist_mlp, f"build_{framework}")
    step, sync = build(argparse.Namespace(framework=framework, variant=variant, batch=batch, threads=2))
    for _ in range(20):
        step()
    if sync:
        sync()
    steps = common.calibrate(step, sync, target_s=1.0, max_steps=20000)
    for _ in range(reps):
        before = probe()
        start = time.perf_counter()
        for _ in range(steps):
            step()
        if sync:
            sync()
        seconds = time.perf_counter() - start
        after = probe()
        print(json.dumps({"framework": f"{framework}-{variant}", "img_per_s": round(batch * steps / seconds, 1),
                          "round_trip_ns_before": before["round_trip_ns"], "round_trip_ns_after": after["round_trip_ns"],
                          "placement": placement(before["cores_share_l3"], after["cores_share_l3"])}), flush=True)


def our_runs(batch):
    """One `bench mlp --reps 1` run: a line per variant."""
    for line in run([BENCH, "mlp", "--batch", str(batch), "--reps", "1", "--json"]):
        if line.get("bench") == "mnist_mlp":
            # `cores_share_l3` is null unless the probes before and after the rep agree.
            shares = line["cores_share_l3"]
            yield {"framework": f"swift-{line['variant']}", "img_per_s": line["img_per_s_best"],
                   "round_trip_ns_before": line["core_round_trip_ns_before"],
                   "round_trip_ns_after": line["core_round_trip_ns_after"], "placement": placement(shares, shares)}


def placement(shares_before, shares_after):
    """`shared` or `split` when both probes read it (`bench placement`'s `cores_share_l3`), else `mixed`."""
    if shares_before is None or shares_before != shares_after:
        return "mixed"
    return "shared" if shares_before else "split"


def summarize(lines, peer):
    """Best, median and count per framework and placement, and our ratios to the peer."""
    groups = {}
    for line in lines:
        groups.setdefault((line["placement"], line["framework"]), []).append(line["img_per_s"])
    for (where, framework), values in sorted(groups.items()):
        values.sort()
        print(f"{where:6} {framework:15} best {values[-1]:9.0f}  median {values[len(values) // 2]:9.0f}  reps {len(values)}")
    for where in ("shared", "split"):
        theirs = groups.get((where, peer))
        for (other_where, framework), ours in sorted(groups.items()):
            if other_where == where and framework.startswith("swift") and theirs:
                print(f"{where:6} {framework:15} / {peer}: best {ours[-1] / theirs[-1]:.2f}, "
                      f"median {ours[len(ours) // 2] / theirs[len(theirs) // 2]:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--framework", default="jax", choices=["jax", "torch"])
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--peer-reps", type=int, default=8)
    parser.add_argument("--our-runs", type=int, default=3)
    parser.add_argument("--python", default=os.path.expanduser("~/.cache/peers-venv/bin/python"))
    parser.add_argument("--out", help="append every rep's JSON line here")
    parser.add_argument("--peer-side", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer_side:
        return peer_reps(args.framework, args.batch, args.peer_reps)
    lines = []
    for round_number in range(1, args.rounds + 1):
        round_lines = run([args.python, os.path.abspath(__file__), "--peer-side", "--framework", args.framework,
                           "--batch", str(args.batch), "--peer-reps", str(args.peer_reps)])
        for _ in range(args.our_runs):
            round_lines += our_runs(args.batch)
        for line in round_lines:
            line.update(round=round_number, batch=args.batch)
        lines += round_lines
        if args.out:
            with open(args.out, "a") as out:
                out.writelines(json.dumps(line) + "\n" for line in round_lines)
        print(f"round {round_number}: {len(round_lines)} reps", flush=True)
    summarize(lines, next(line["framework"] for line in lines if not line["framework"].startswith("swift")))


if __name__ == "__main__":
    sys.exit(main())
