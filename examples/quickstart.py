"""mljit quick start: compile a plain NumPy model and check it against NumPy.

    python examples/quickstart.py
"""

import numpy as np

import mljit


def classify(x, w1, b1, w2):
    """A two-layer network with a softmax over classes, in plain NumPy."""
    hidden = np.tanh(x @ w1 + b1)
    logits = hidden @ w2
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


classify_compiled = mljit.jit(classify)  # or decorate it: @mljit.jit


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 16)).astype(np.float32)
    w1 = rng.standard_normal((16, 32)).astype(np.float32) / 4
    b1 = np.zeros(32, np.float32)
    w2 = rng.standard_normal((32, 5)).astype(np.float32) / 4

    print("The traced ml IR:")
    print(classify_compiled.lower(x, w1, b1, w2).as_text())

    probabilities = classify_compiled(x, w1, b1, w2)  # traces, compiles, runs
    probabilities = classify_compiled(x, w1, b1, w2)  # runs the cached machine code
    expected = classify(x, w1, b1, w2)  # NumPy itself
    print("class probabilities:")
    print(probabilities)
    error = np.abs(probabilities - expected).max()
    print(f"dtype {probabilities.dtype}, shape {probabilities.shape}, "
          f"max |mljit - numpy| = {error:.2e}")
    assert probabilities.dtype == expected.dtype and error < 1e-5


if __name__ == "__main__":
    main()
