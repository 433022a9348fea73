"""Programs that keep state as NumPy code does, mljit against NumPy.

    python bench/state.py              # every program, 5 rounds
    python bench/state.py --rounds 3

- decode: a Llama-style decoder kept in an object (examples/models.py's
  Decoder): weights as attributes, a KV cache written in place, greedy
  decoding token by token with the position static. "first" is a whole
  generation from a cold start (one compilation per position), "steady" a
  generation once every position is compiled.
- char-rnn: examples/char_rnn.py's training iteration: the loss and its
  hand-written gradients (weights read from module globals updated in place
  by Adagrad between calls).
- reach: the cost of walking what a function reaches at every call: the
  decoder's forward step on one token with its weights as attributes
  (`jit(model.forward)`), against the same arrays passed as an argument.

The table shows medians over the rounds and mljit's speedup over NumPy.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(os.path.dirname(HERE), "examples")]
import char_rnn  # noqa: E402
import models  # noqa: E402

import mljit  # noqa: E402


def generate(forward, prompt, new_tokens):
    ids, start, tokens = prompt, 0, []
    for _ in range(new_tokens):
        logits = forward(ids, start)
        start += ids.shape[1]
        ids = np.array([[int(np.argmax(logits))]])
        tokens.append(int(ids[0, 0]))
    return tokens


def decode(rounds):
    rng = np.random.default_rng(0)
    plain = models.Decoder(rng, vocab=512, d=256, heads=8, layers=4, max_len=64)
    prompt = rng.integers(0, 512, (1, 16))
    jitted = copy.deepcopy(plain)
    forward = mljit.jit(jitted.forward, static_argnums=1)
    begin = time.perf_counter()
    expected = generate(plain.forward, prompt, 24)
    numpy_time = time.perf_counter() - begin
    begin = time.perf_counter()
    assert generate(forward, prompt, 24) == expected
    first = time.perf_counter() - begin
    numpy_times, steady = [numpy_time], []
    for _ in range(rounds):
        begin = time.perf_counter()
        generate(plain.forward, prompt, 24)
        numpy_times.append(time.perf_counter() - begin)
        begin = time.perf_counter()
        generate(forward, prompt, 24)
        steady.append(time.perf_counter() - begin)
    return statistics.median(numpy_times), first, statistics.median(steady)


def char_rnn_step(rounds):
    char_rnn.reset()
    inputs = [char_rnn.to_index[c] for c in char_rnn.text[:char_rnn.steps]]
    targets = [char_rnn.to_index[c] for c in char_rnn.text[1:char_rnn.steps + 1]]
    h = np.zeros((char_rnn.hidden, 1))
    jitted = mljit.jit(char_rnn.loss_and_gradients)
    begin = time.perf_counter()
    jitted(inputs, targets, h)
    first = time.perf_counter() - begin
    numpy_time = _median_call(lambda: char_rnn.loss_and_gradients(inputs, targets, h), rounds)
    mljit_time = _median_call(lambda: jitted(inputs, targets, h), rounds)
    return numpy_time, first, mljit_time


def reach(rounds):
    rng = np.random.default_rng(0)
    model = models.Decoder(rng, vocab=64, d=32, heads=4, layers=2, max_len=8)
    ids = np.array([[3]])
    by_attribute = mljit.jit(model.forward, static_argnums=1)

    def forward_of(weights, ids, start):
        model_copy = copy.copy(model)
        model_copy.__dict__.update(weights)
        return model_copy.forward(ids, start)

    weights = {name: getattr(model, name) for name in
               ("embedding", "layers", "cos", "sin", "cache_k", "cache_v")}
    by_argument = mljit.jit(forward_of, static_argnums=2, capture="constants")
    by_attribute(ids, 0), by_argument(weights, ids, 0)
    attribute_time = _median_call(lambda: by_attribute(ids, 0), rounds)
    argument_time = _median_call(lambda: by_argument(weights, ids, 0), rounds)
    return argument_time, None, attribute_time


def _median_call(call, rounds, calls=50):
    times = []
    for _ in range(rounds):
        begin = time.perf_counter()
        for _ in range(calls):
            call()
        times.append((time.perf_counter() - begin) / calls)
    return statistics.median(times)


def format_time(seconds) -> str:
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds * 1e9:.3g} ns"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    rows = [("decode (24 tokens)", "NumPy") + decode(rounds),
            ("char-rnn step", "NumPy") + char_rnn_step(rounds),
            ("reach: forward step", "weights as argument") + reach(rounds)]
    print(f"{'program':<22}{'baseline':<22}{'baseline time':>14}{'mljit first':>13}"
          f"{'mljit':>11}{'speedup':>9}")
    for name, baseline, base_time, first, mljit_time in rows:
        print(f"{name:<22}{baseline:<22}{format_time(base_time):>14}{format_time(first):>13}"
              f"{format_time(mljit_time):>11}{base_time / mljit_time:>8.2f}x")


if __name__ == "__main__":
    main()
