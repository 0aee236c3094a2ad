#!/usr/bin/env python3
"""Writes the peers' tiny_mlp.py problem as JSON for `bench tiny --problem FILE`.

    python3 Benchmarks/tiny_mlp_problem.py [--peers DIR] [--steps 100000] [--warmup-steps 2000] > tiny.json

The file holds tiny_mlp.py's initial weights and biases (numpy default_rng(0)), its 1000-point
data set, and the warm-up (seed 2) and timed (seed 1) sample indices, so that the Swift run
replays the same SGD steps and its final cost can be compared with the peers' (needs numpy).
`--peers` defaults to ../shared/peers beside the checkout.
"""
import argparse
import json
import os
import sys

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--peers", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "peers"))
parser.add_argument("--steps", type=int, default=100000)
parser.add_argument("--warmup-steps", type=int, default=2000)
args = parser.parse_args()
sys.path.insert(0, args.peers)
import tiny_mlp  # noqa: E402

weights, biases, inputs, targets = tiny_mlp.make_problem()
json.dump({
    "weights": [w.tolist() for w in weights],
    "biases": [b.tolist() for b in biases],
    "inputs": inputs.tolist(),
    "targets": targets.tolist(),
    "warmupIndices": tiny_mlp.indices(args.warmup_steps, seed=2).tolist(),
    "indices": tiny_mlp.indices(args.steps).tolist(),
}, sys.stdout)
