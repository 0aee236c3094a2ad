#!/usr/bin/env python3
"""The MLP's or the CNN's training step, ours and a peer's, timed rep by rep in each core placement.

The 784-256-10 MLP or the CIFAR-10 CNN, timed one-second rep by one-second rep with the host's
core placement read around every rep, so that each framework's speed can be compared in the
same placement.

side_by_side.py labels whole runs, which last several seconds: long enough for the host to move
our two vCPUs between cores that share an L3 cache and cores that do not (CorePlacement.swift),
so few runs stay in one placement from start to end. Here every rep is one second with a
`bench placement` probe just before and just after it; a rep counts as `shared` or `split` when
both probes agree. The peer's step is built by its own script in ../shared/peers (mnist_mlp.py's
`build_<framework>`), in this process, and timed as its script times it (calibrated to one
second of steps, synchronised at the end of the rep). Ours is `bench mlp --reps 1` (or `bench cnn
--mode train --reps 1`), whose JSON lines carry the placement of their one timed rep
(`rep_placements`, from probes just before and after it), one line per step variant (tape,
compiled, sharded, sharded-compiled).

    python3 Benchmarks/placement_reps.py --rounds 10 --out Benchmarks/results/mlp-placement.jsonl
    python3 Benchmarks/placement_reps.py --workload cnn --batch 32 --out Benchmarks/results/cnn-placement.jsonl
    python3 Benchmarks/placement_reps.py --workload cnn --batch 128 --out Benchmarks/results/cnn-placement.jsonl

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


# Per workload: the peer's script (a module of ../shared/peers), our `bench` mode and extra
# arguments, the `bench` field of our lines, the default batch and the default peer framework.
WORKLOADS = {
    "mlp": {"script": "mnist_mlp", "bench": ["mlp"], "line": "mnist_mlp", "batch": 256, "framework": "jax"},
    "cnn": {"script": "cifar_cnn", "bench": ["cnn", "--mode", "train"], "line": "cifar_cnn", "batch": 32, "framework": "tf"},
}


def peer_reps(workload, framework, batch, reps):
    """Runs in the peers' Python: `reps` probed one-second reps of the peer's step, one JSON line each."""
    sys.path.insert(0, PEERS)
    import importlib
    import common
    script = importlib.import_module(WORKLOADS[workload]["script"])
    common.configure_threads(2)
    variant = script.DEFAULT_VARIANT[framework]
    build = getattr(script, f"build_{framework}")
    # The builders return (step, sync), cifar_cnn.py's also a dict of settings.
    step, sync = build(argparse.Namespace(framework=framework, variant=variant, batch=batch, threads=2, mode="train"))[:2]
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


def our_runs(workload, batch):
    """One `bench mlp --reps 1` (or `bench cnn --mode train --reps 1`) run: a line per variant."""
    settings = WORKLOADS[workload]
    for line in run([BENCH] + settings["bench"] + ["--batch", str(batch), "--reps", "1", "--json"]):
        if line.get("bench") == settings["line"]:
            # The one rep's placement ("mixed" unless the probes just before and after it agree).
            yield {"framework": f"swift-{line['variant']}", "img_per_s": line["img_per_s_best"],
                   "round_trip_ns_before": line["core_round_trip_ns_before"],
                   "round_trip_ns_after": line["core_round_trip_ns_after"], "placement": line["rep_placements"]}


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
    parser.add_argument("--workload", default="mlp", choices=sorted(WORKLOADS))
    parser.add_argument("--framework", choices=["jax", "torch", "tf"], help="the peer (default: jax for mlp, tf (Keras) for cnn)")
    parser.add_argument("--batch", type=int, help="default: 256 for mlp, 32 for cnn")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--peer-reps", type=int, default=8)
    parser.add_argument("--our-runs", type=int, default=3)
    parser.add_argument("--python", default=os.path.expanduser("~/.cache/peers-venv/bin/python"))
    parser.add_argument("--out", help="append every rep's JSON line here")
    parser.add_argument("--peer-side", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.framework = args.framework or WORKLOADS[args.workload]["framework"]
    args.batch = args.batch or WORKLOADS[args.workload]["batch"]
    if args.peer_side:
        return peer_reps(args.workload, args.framework, args.batch, args.peer_reps)
    lines = []
    for round_number in range(1, args.rounds + 1):
        round_lines = run([args.python, os.path.abspath(__file__), "--peer-side", "--workload", args.workload,
                           "--framework", args.framework, "--batch", str(args.batch), "--peer-reps", str(args.peer_reps)])
        for _ in range(args.our_runs):
            round_lines += our_runs(args.workload, args.batch)
        for line in round_lines:
            line.update(round=round_number, batch=args.batch, workload=args.workload)
        lines += round_lines
        if args.out:
            with open(args.out, "a") as out:
                out.writelines(json.dumps(line) + "\n" for line in round_lines)
        print(f"round {round_number}: {len(round_lines)} reps", flush=True)
    summarize(lines, next(line["framework"] for line in lines if not line["framework"].startswith("swift")))


if __name__ == "__main__":
    sys.exit(main())
