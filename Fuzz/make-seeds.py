#!/usr/bin/env python3
"""Writes the fuzzing harnesses' seed corpus, Fuzz/Corpus/<reader>/: small valid files of each
format, plain and gzip-compressed. The test suite reads every seed (FuzzSeedTests), so a format
change that makes a seed invalid fails there. Deterministic: run it again to get the same bytes."""
import gzip
import json
import os
import random
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")
rng = random.Random(20)


def write(reader, name, data):
    os.makedirs(os.path.join(ROOT, reader), exist_ok=True)
    with open(os.path.join(ROOT, reader, name), "wb") as file:
        file.write(data)


def gz(data):
    return gzip.compress(data, mtime=0)


def idx(dimensions, body):
    return bytes([0, 0, 8, len(dimensions)]) + b"".join(struct.pack(">I", d) for d in dimensions) + body


# IDX: images (3 of 4 x 5) and labels, plain and gzip; a file of no images.
images = idx([3, 4, 5], bytes(rng.randrange(256) for _ in range(60)))
labels = idx([6], bytes(rng.randrange(10) for _ in range(6)))
for reader in ["idx", "idx-gzip"]:
    write(reader, "images.idx3", images)
    write(reader, "labels.idx1", labels)
    write(reader, "no-images.idx3", idx([0, 28, 28], b""))
write("idx", "images.idx3.gz", gz(images))
write("idx", "labels.idx1.gz", gz(labels))

# CIFAR-10: two records (a label byte, then 3 x 1024 pixel bytes), plain; one record gzip.
records = b"".join(bytes([label]) + bytes(rng.randrange(256) for _ in range(3072)) for label in [3, 7])
write("cifar10", "two-records.bin", records)
write("cifar10", "one-record.bin.gz", gz(records[:3073]))

# CSV for the harness's layout: 2 x 2 grey pixels of 0-255, then a label of 0-9.
write("csv", "rows.csv", b"0,255,16,3,7\n12,0,0,9,1\n")
write("csv", "crlf-spaces-decimals.csv", b" 1.5 ,2,3.0,4, 0\r\n\r\n5,6,7,8,9\r\n")
write("csv", "rows.csv.gz", gz(b"200,100,50,25,2\n"))


def safetensors(tensors, metadata=None):
    """tensors: list of (name, dtype, shape, raw bytes); the header padded to a multiple of 8."""
    header, offset = {}, 0
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, data in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(t[3] for t in tensors)


def f32(values):
    return struct.pack("<%df" % len(values), *values)


# safetensors: the element types the library reads and writes, a scalar and an empty tensor.
write("safetensors", "mixed.safetensors", safetensors([
    ("w", "F32", [2, 2], f32([1.0, -2.5, 0.25, 3.0])),
    ("d", "F64", [3], struct.pack("<3d", 0.5, -1e300, 7.0)),
    ("i", "I64", [2], struct.pack("<2q", -1, 2 ** 40)),
    ("u", "U64", [4], struct.pack("<4Q", 1, 2, 3, 2 ** 63)),
    ("s", "F32", [], f32([9.0])),
    ("e", "F32", [0, 3], b""),
    ("h", "F16", [2], b"\x00\x3c\x00\xc0"),
], metadata={"note": "seed", "epochs": "3"}))
write("safetensors", "empty.safetensors", safetensors([]))

# Checkpoints of the harness's model (a dense layer 2 -> 3, parameters "0.weight" and "0.bias")
# and Adam: one after two steps, with history, first loss and settings; one untrained.
weight, bias = [0.3, -0.2, 0.1, 0.5, -0.4, 0.2], [0.0, 0.01, -0.01]
history = ("epoch,learning_rate,training_loss,training_accuracy,training_top_k_error,validation_loss,"
           "validation_accuracy,validation_top_k_error,seconds\n1,0.001,1.05,0.5,,,,,0.01\n")
settings = {"batch size": "2", "sampling": "without replacement", "learning rate schedule": "none (the optimiser's rate, 0.001)",
            "L2 penalty": "0.0", "gradient clipping": "none", "training data": "4 examples, fingerprint 0000000000000000",
            "validation data": "none"}
generator = struct.pack("<4Q", 0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0x2545F4914F6CDD1D)
write("checkpoint", "trained.safetensors", safetensors([
    ("parameters/0.weight", "F32", [3, 2], f32(weight)),
    ("parameters/0.bias", "F32", [3], f32(bias)),
    ("optimizer/0.bias.firstMoment", "F32", [3], f32([0.01, -0.02, 0.005])),
    ("optimizer/0.bias.secondMoment", "F32", [3], f32([1e-4, 2e-4, 3e-5])),
    ("optimizer/0.weight.firstMoment", "F32", [3, 2], f32([0.01] * 6)),
    ("optimizer/0.weight.secondMoment", "F32", [3, 2], f32([1e-4] * 6)),
    ("optimizer/step", "F32", [2], f32([0.0, 2.0])),
    ("generators/training", "U64", [4], generator),
    ("progress", "I64", [2], struct.pack("<2q", 1, 2)),
], metadata={"swift-autograd.format": "training-state/1", "swift-autograd.history": history,
             "swift-autograd.first-loss": "1.0986122886681098", "swift-autograd.settings": json.dumps(settings, sort_keys=True)}))
write("checkpoint", "untrained.safetensors", safetensors([
    ("parameters/0.weight", "F32", [3, 2], f32(weight)),
    ("parameters/0.bias", "F32", [3], f32(bias)),
    ("generators/training", "U64", [4], generator),
    ("progress", "I64", [2], struct.pack("<2q", 0, 0)),
], metadata={"swift-autograd.format": "training-state/1"}))
