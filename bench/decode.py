"""Decode loops whose shapes change every step: whole-loop time, compiles
included, against NumPy.

    python bench/decode.py                   # 32 tokens, 3 rounds
    python bench/decode.py --tokens 8 --rounds 1

The loop is greedy decoding as NumPy model code writes it: a GPT-2-shaped
model (examples/models.py's `gpt2`: 4 layers, d=256, 4 heads split with
np.split) is called on the whole sequence so far, and the most likely next
token is appended, so every step has one more token. mljit's automatic mode
compiles the first length exactly and the second with the length symbolic;
that variant serves every later step. Each system runs the whole loop in a
fresh process (an empty compile cache); the table shows the best of the
rounds, how many times mljit compiled, and that both produced the same
tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
import models  # noqa: E402
from bench import format_time  # noqa: E402

LAYERS, WIDTH, HEADS, VOCABULARY, PROMPT = 4, 256, 4, 1024, 4


def model():
    rng = np.random.default_rng(0)
    blocks = [models.gpt2_block_params(rng, WIDTH, 0.02) for _ in range(LAYERS)]
    wte = models.normal(rng, (VOCABULARY, WIDTH), 0.02)
    wpe = models.normal(rng, (128, WIDTH), 0.01)
    ln_f = {"g": np.ones(WIDTH, np.float32), "b": np.zeros(WIDTH, np.float32)}
    return wte, wpe, blocks, ln_f, rng.integers(0, VOCABULARY, PROMPT)


def decode(forward, tokens: int) -> list:
    wte, wpe, blocks, ln_f, ids = model()
    for _ in range(tokens):
        logits = forward(ids, wte, wpe, blocks, ln_f)
        ids = np.append(ids, np.argmax(logits[-1]))
    return ids[PROMPT:].tolist()


def worker(system: str, tokens: int) -> dict:
    if system == "numpy":
        def forward(*args):
            return models.gpt2(*args, heads=HEADS)
        compiles = 0
    else:
        import mljit

        def gpt2(ids, wte, wpe, blocks, ln_f):
            return models.gpt2(ids, wte, wpe, blocks, ln_f, heads=HEADS)
        forward = mljit.jit(gpt2)
    start = time.perf_counter()
    generated = decode(forward, tokens)
    seconds = time.perf_counter() - start
    if system != "numpy":
        compiles = forward._cache_size()
    return {"seconds": seconds, "compiles": compiles, "tokens": generated}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(worker(options.worker, options.tokens)))
        return
    best: dict = {}
    env = dict(os.environ, MLJIT_CACHE_DIR="")
    for round_number in range(options.rounds):
        for system in ("numpy", "mljit"):
            print(f"round {round_number + 1}/{options.rounds}: {system}", file=sys.stderr)
            result = subprocess.run([sys.executable, __file__, "--worker", system, "--tokens",
                                     str(options.tokens)], capture_output=True, text=True,
                                    env=env)
            if result.returncode != 0:
                sys.exit(f"{system} failed:\n{result.stderr[-3000:]}")
            entry = json.loads(result.stdout.strip().splitlines()[-1])
            if system not in best or entry["seconds"] < best[system]["seconds"]:
                best[system] = entry
    same = best["numpy"]["tokens"] == best["mljit"]["tokens"]
    numpy_time, mljit_time = best["numpy"]["seconds"], best["mljit"]["seconds"]
    print(f"| loop ({options.tokens} tokens) | NumPy | mljit | mljit vs NumPy | "
          "mljit compiles | same tokens |")
    print("|---|---|---|---|---|---|")
    print(f"| GPT-2-shaped {LAYERS}x{WIDTH}, the grown sequence fed back | "
          f"{format_time(numpy_time)} | {format_time(mljit_time)} | "
          f"{numpy_time / mljit_time:.2f}× | {best['mljit']['compiles']} | "
          f"{'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
