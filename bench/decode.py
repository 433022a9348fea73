"""Decode loops whose shapes change every step: whole-loop time, compiles
included, against NumPy.

    python bench/decode.py                   # both loops, 3 rounds
    python bench/decode.py --tokens 8 --kv-tokens 8 --rounds 1

Greedy decoding as NumPy model code writes it, two ways:

- grown: a GPT-2-shaped model (examples/models.py's `gpt2`: 4 layers,
  d=256, 4 heads split with np.split) is called on the whole sequence so
  far, and the most likely next token is appended, so every step has one
  more token (`--tokens`, 32). mljit's automatic mode compiles the first
  length exactly and the second with the length symbolic; that variant
  serves every later step.
- kv: a Llama-style decoder kept in an object (examples/models.py's
  `Decoder`: 4 layers, d=256, float64) takes the prompt, then one token per
  step at an int position `start`, writing its KV cache in place and
  attending over `cache[:, :start + n]` (`--kv-tokens`, 48). The int is
  symbolic: one variant for the prompt, one for every later step.

Each system runs the whole loop in a fresh process with an empty compile
cache ("cold"); mljit runs it once more in a fresh process reading the
compiled code its first run left in a disk cache ("warm", a script run a
second time). The table shows the best of the rounds, how many times mljit
compiled, and that both produced the same tokens.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "examples")]
import models  # noqa: E402
import state  # noqa: E402
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


def decode_kv(forward_of, tokens: int) -> list:
    """Generates `tokens` after a 16-token prompt with a KV cache."""
    rng = np.random.default_rng(0)
    model = models.Decoder(rng, vocab=512, d=256, heads=8, layers=4, max_len=16 + tokens)
    return state.generate(forward_of(model), rng.integers(0, 512, (1, 16)), tokens)


def worker(system: str, loop: str, tokens: int) -> dict:
    jitted = []
    if system == "mljit":
        import mljit
        jit = mljit.jit  # imported before the clock starts, as NumPy is

    def compiled(function):
        if system == "numpy":
            return function
        jitted.append(jit(function))
        return jitted[-1]

    start = time.perf_counter()
    if loop == "kv":
        generated = decode_kv(lambda model: compiled(model.forward), tokens)
    else:
        def gpt2(ids, wte, wpe, blocks, ln_f):
            return models.gpt2(ids, wte, wpe, blocks, ln_f, heads=HEADS)
        generated = decode(compiled(gpt2), tokens)
    seconds = time.perf_counter() - start
    compiles = sum(f._cache_size() for f in jitted)
    return {"seconds": seconds, "compiles": compiles, "tokens": generated}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--kv-tokens", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        system, loop = options.worker
        tokens = options.kv_tokens if loop == "kv" else options.tokens
        print(json.dumps(worker(system, loop, tokens)))
        return
    loops = {"grown": (f"GPT-2-shaped {LAYERS}x{WIDTH}, the grown sequence fed back",
                       options.tokens),
             "kv": ("Llama-shaped 4x256 (float64), a KV cache at an int position",
                    options.kv_tokens)}
    print("| loop | tokens | NumPy | mljit cold | vs NumPy | mljit warm | vs NumPy | "
          "mljit compiles | same tokens |")
    print("|---|---|---|---|---|---|---|---|---|")
    for loop, (title, tokens) in loops.items():
        best = _best_of(options, loop)
        same = best["numpy"]["tokens"] == best["cold"]["tokens"] == best["warm"]["tokens"]
        times = {kind: best[kind]["seconds"] for kind in best}
        print(f"| {title} | {tokens} | {format_time(times['numpy'])} | "
              f"{format_time(times['cold'])} | {times['numpy'] / times['cold']:.2f}× | "
              f"{format_time(times['warm'])} | {times['numpy'] / times['warm']:.2f}× | "
              f"{best['cold']['compiles']} | {'yes' if same else 'NO'} |")


def _best_of(options, loop: str) -> dict:
    """The fastest of the rounds of NumPy, mljit cold and mljit warm, each
    whole loop in a fresh process."""
    best: dict = {}
    for round_number in range(options.rounds):
        with tempfile.TemporaryDirectory() as cache:
            for kind, system, directory in (("numpy", "numpy", ""), ("cold", "mljit", cache),
                                            ("warm", "mljit", cache)):
                print(f"{loop} round {round_number + 1}/{options.rounds}: {kind}",
                      file=sys.stderr)
                result = subprocess.run(
                    [sys.executable, __file__, "--worker", system, loop, "--tokens",
                     str(options.tokens), "--kv-tokens", str(options.kv_tokens)],
                    capture_output=True, text=True,
                    env=dict(os.environ, MLJIT_CACHE_DIR=directory))
                if result.returncode != 0:
                    sys.exit(f"{system} failed:\n{result.stderr[-3000:]}")
                entry = json.loads(result.stdout.strip().splitlines()[-1])
                if kind not in best or entry["seconds"] < best[kind]["seconds"]:
                    best[kind] = entry
    return best


if __name__ == "__main__":
    main()
