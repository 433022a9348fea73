"""Model forwards as NumPy model code writes them, against NumPy, JAX and
torch.compile, and against the time to read their weights once.

    python bench/forwards.py                          # every forward, 3 rounds
    python bench/forwards.py --workloads gpt2_small_decode --rounds 1

The forwards (examples/models.py's MODEL_WORKLOADS, float32 weights):
GPT-2 small's 12 blocks (d=768, heads split with np.split and attended one
by one, 1024-token vocabulary) over 8 and 128 tokens, and for one token
attending to a KV cache of 127 tokens passed as arguments; a Llama-style
block (RMSNorm, rotary embeddings, 16 query heads over 4 key/value heads,
SwiGLU) over 128 tokens. Each system runs in its own process, in turn, for
each round (bench.py's workers); the table shows the best median per call.

"read limit" is the time to read every argument once at this machine's
copy bandwidth (16 MB copied by 2 threads, measured in every worker, the
best taken: the machine is shared): a forward that streams its weights
cannot be much faster (a read moves less than a copy does).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
import models  # noqa: E402
from bench import COPY_BYTES, available, best_of_rounds, copy_limit, format_time  # noqa: E402

SYSTEMS = ["numpy", "mljit", "jax", "torch"]


def argument_bytes(name: str) -> int:
    """Bytes of every array the forward takes."""
    _, args = models.workload(name, np.random.default_rng(0))
    total = 0
    stack = list(args)
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, (list, tuple)):
            stack.extend(value)
        else:
            total += np.asarray(value).nbytes
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(models.MODEL_WORKLOADS))
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    names = options.workloads.split(",")
    systems = [s for s in options.systems.split(",") if s == "numpy" or available(s)]
    best = best_of_rounds(systems, names, options.rounds)

    def median(system, name):
        entry = best.get((system, name))
        return entry["median"] if entry else None

    measured = copy_limit(best, systems)
    copy = measured["median"] if measured else None
    peers = [s for s in systems if s not in ("numpy", "mljit")]
    header = (["forward"] + [{"torch": "torch.compile"}.get(s, s) for s in systems]
              + ["mljit vs NumPy"] + [f"mljit vs {p}" for p in peers]
              + ["read limit", "mljit / limit"])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for name in names:
        mine = median("mljit", name)
        row = [name] + [format_time(median(s, name)) for s in systems]
        for other in ["numpy"] + peers:
            theirs = median(other, name)
            row.append(f"{theirs / mine:.2f}×" if mine and theirs else "—")
        limit = argument_bytes(name) / (COPY_BYTES / copy) if copy else None
        row += [format_time(limit), f"{mine / limit:.1f}×" if mine and limit else "—"]
        print("| " + " | ".join(row) + " |")
    if copy:
        print(f"\ncopy bandwidth: {COPY_BYTES / copy / 1e9:.1f} GB/s")


if __name__ == "__main__":
    main()
