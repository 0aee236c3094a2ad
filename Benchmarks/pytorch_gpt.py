#!/usr/bin/env python3
"""PyTorch twin of the `gpt` trainer: a character-level GPT on Shakespeare, for side-by-side
loss and wall-time figures against `swift run -c release gpt`.

Same model as the Swift trainer (the peers' transformer.py): vocabulary 96 (newline and the 95
printable ASCII characters, id = position in that list), context T = 128, width 128, 4 pre-LayerNorm
blocks (LayerNorm eps 1e-5; fused Q/K/V projection 128 -> 384 and output 128 -> 128 with biases,
4 causal heads of 32; perceptron 128 -> 512 -> 128 with GELU's tanh form), final LayerNorm, output
projection 128 -> 96; 834,400 parameters. Same initialisation: embeddings N(0, 0.02^2), every
linear layer's weight Glorot (Xavier) uniform and bias 0, LayerNorm scale 1 and shift 0.
Same recipe: AdamW (lr 3e-4 constant, betas 0.9/0.999, eps 1e-8, weight decay 0.1 on the linear
layers' weight matrices only: not on biases, LayerNorm scales and shifts or embeddings, as the
Swift optimisers decay only parameters whose role is `weight`), batch 16, 5 epochs of 200 steps.
Same data: the text's last 10 % (rounded down) is held out; every training window of T + 1
characters starts at a position drawn uniformly from all possible ones (a different random stream
from Swift's, the same distribution); after every epoch the validation loss is the mean next-token
cross-entropy (nats per character) over `--validation-windows` fixed windows of the held-out text,
window i starting at i * (n - T - 1) // (count - 1), exactly as the Swift trainer picks them.
The training loss of an epoch is the mean of its steps' losses, as `fit` reports it. The timed
training includes the validation passes, as `fit`'s does.

    ~/.cache/peers-venv/bin/python Benchmarks/pytorch_gpt.py --threads 2 --json
Prints a line per epoch and the generated text on stderr and, with --json, one JSON line on stdout.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np

VOCABULARY = [10] + list(range(32, 127))


def load_ids(path):
    if not os.path.exists(path):
        sys.exit(f"missing {path}: run scripts/fetch-datasets.sh")
    data = np.frombuffer(open(path, "rb").read(), dtype=np.uint8)
    table = np.full(256, -1, dtype=np.int64)
    table[VOCABULARY] = np.arange(len(VOCABULARY))
    ids = table[data]
    if (ids < 0).any():
        offset = int(np.argmax(ids < 0))
        sys.exit(f"{path}: byte {data[offset]} at offset {offset} is not in the vocabulary of 96 characters")
    return ids


def build_model(torch, context, width, heads, blocks, hidden):
    from torch import nn
    import torch.nn.functional as F

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1, self.norm2 = nn.LayerNorm(width), nn.LayerNorm(width)
            self.qkv, self.out = nn.Linear(width, 3 * width), nn.Linear(width, width)
            self.fc1, self.fc2 = nn.Linear(width, hidden), nn.Linear(hidden, width)

        def forward(self, x):
            b, t, _ = x.shape
            q, k, v = self.qkv(self.norm1(x)).split(width, dim=-1)
            q, k, v = (z.view(b, t, heads, width // heads).transpose(1, 2) for z in (q, k, v))
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(width // heads)
            mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
            attended = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=-1) @ v
            x = x + self.out(attended.transpose(1, 2).reshape(b, t, width))
            return x + self.fc2(F.gelu(self.fc1(self.norm2(x)), approximate="tanh"))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.token, self.position = nn.Embedding(len(VOCABULARY), width), nn.Embedding(context, width)
            self.blocks = nn.ModuleList(Block() for _ in range(blocks))
            self.norm, self.head = nn.LayerNorm(width), nn.Linear(width, len(VOCABULARY))
            for module in self.modules():
                if isinstance(module, nn.Embedding):
                    nn.init.normal_(module.weight, std=0.02)
                elif isinstance(module, nn.Linear):
                    nn.init.xavier_uniform_(module.weight)
                    nn.init.zeros_(module.bias)

        def forward(self, ids):
            x = self.token(ids) + self.position(torch.arange(ids.shape[1]))
            for block in self.blocks:
                x = block(x)
            return self.head(self.norm(x))

    return GPT()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=os.path.expanduser("~/.cache/swift-autograd/shakespeare.txt"))
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--steps", type=int, default=200, help="training steps per epoch")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--weight-decay", type=float, default=0.1)
    p.add_argument("--validation-windows", type=int, default=256)
    p.add_argument("--prompt", default="ROMEO:")
    p.add_argument("--generate", type=int, default=300)
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    context, width, heads, blocks, hidden = 128, 128, 4, 4, 512

    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    ids = torch.from_numpy(load_ids(args.data))
    cut = len(ids) - int(len(ids) * 0.1)
    training, held_out = ids[:cut], ids[cut:]
    count = min(args.validation_windows, (len(held_out) - 1) // context)
    last_start = len(held_out) - context - 1
    starts = [i * last_start // (count - 1) if count > 1 else 0 for i in range(count)]
    validation = torch.stack([held_out[s:s + context + 1] for s in starts]) if count else None

    model = build_model(torch, context, width, heads, blocks, hidden)
    weights = [m.weight for m in model.modules() if isinstance(m, torch.nn.Linear)]
    others = [q for q in model.parameters() if all(q is not w for w in weights)]
    optimizer = torch.optim.AdamW([{"params": weights, "weight_decay": args.weight_decay},
                                   {"params": others, "weight_decay": 0.0}],
                                  lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    parameters = sum(q.numel() for q in model.parameters())
    print(f"pytorch gpt: {len(training)} training and {len(held_out)} validation characters ({count} windows); "
          f"{parameters} parameters; {args.epochs} epochs of {args.steps} steps of {args.batch} x {context} characters "
          f"on {args.threads} thread(s)", file=sys.stderr)

    def loss_of(windows):
        logits = model(windows[:, :-1])
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), windows[:, 1:].reshape(-1))

    start = time.perf_counter()
    train_loss = val_loss = float("nan")
    offsets = torch.arange(context + 1)
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for _ in range(args.steps):
            begins = torch.randint(0, len(training) - context, (args.batch,))
            loss = loss_of(training[begins[:, None] + offsets])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item()
        train_loss = total / args.steps
        model.eval()
        if validation is not None:
            with torch.no_grad():
                losses = [loss_of(validation[i:i + 256]).item() * len(validation[i:i + 256]) for i in range(0, count, 256)]
            val_loss = sum(losses) / count
        print(f"epoch {epoch + 1}/{args.epochs}: loss {train_loss:.4f}, val loss {val_loss:.4f}, "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr)
    seconds = time.perf_counter() - start

    def continuation(temperature, generator):
        tokens = [VOCABULARY.index(b) for b in args.prompt.encode()]
        with torch.no_grad():
            for _ in range(args.generate):
                logits = model(torch.tensor([tokens[-context:]]))[0, -1].double()
                if temperature is None:
                    tokens.append(int(torch.argmax(logits)))
                else:
                    probabilities = torch.softmax(logits / temperature, dim=-1)
                    tokens.append(int(torch.multinomial(probabilities, 1, generator=generator)))
        return bytes(VOCABULARY[t] for t in tokens).decode()

    greedy = continuation(None, None)
    sampled = continuation(args.temperature, torch.Generator().manual_seed(args.seed))
    print(f"greedy continuation of {args.prompt!r}:\n{greedy}\n\nsampled at temperature {args.temperature}:\n{sampled}",
          file=sys.stderr)
    tokens = args.epochs * args.steps * args.batch * context
    print(f"pytorch gpt: train loss {train_loss:.4f}, val loss {val_loss:.4f} nats/char; {seconds:.1f} s training "
          f"({tokens / seconds:.0f} characters/s)", file=sys.stderr)
    if args.json:
        print(json.dumps({"trainer": "gpt", "framework": "pytorch", "torch": torch.__version__, "epochs": args.epochs,
                          "steps_per_epoch": args.steps, "batch": args.batch, "context": context, "threads": args.threads,
                          "seed": args.seed, "parameters": parameters, "learning_rate": args.lr,
                          "weight_decay": args.weight_decay, "train_loss": train_loss, "val_loss": val_loss,
                          "train_seconds": seconds, "tokens_per_second": tokens / seconds,
                          "greedy_sample": greedy[len(args.prompt):]}))


if __name__ == "__main__":
    main()
