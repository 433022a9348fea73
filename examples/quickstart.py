"""mljit quick start: compile a NumPy-style model and check it against NumPy.

    python examples/quickstart.py
"""

import numpy as np

import mljit
import mljit.numpy as mnp


@mljit.jit
def classify(x, w1, b1, w2):
    """A two-layer network with a softmax over classes."""
    hidden = mnp.tanh(x @ w1 + b1)
    logits = hidden @ w2
    shifted = logits - logits.max(axis=-1, keepdims=True)
    weights = mnp.exp(shifted)
    return weights / weights.sum(axis=-1, keepdims=True)


def classify_numpy(x, w1, b1, w2):
    hidden = np.tanh(x @ w1 + b1)
    logits = hidden @ w2
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 16)).astype(np.float32)
    w1 = rng.standard_normal((16, 32)).astype(np.float32) / 4
    b1 = np.zeros(32, np.float32)
    w2 = rng.standard_normal((32, 5)).astype(np.float32) / 4

    print("The traced ml IR:")
    print(classify.lower(x, w1, b1, w2).as_text())

    probabilities = classify(x, w1, b1, w2)  # traces, compiles, runs
    probabilities = classify(x, w1, b1, w2)  # runs the cached machine code
    expected = classify_numpy(x, w1, b1, w2)
    print("class probabilities:")
    print(probabilities)
    error = np.abs(probabilities - expected).max()
    print(f"dtype {probabilities.dtype}, shape {probabilities.shape}, "
          f"max |mljit - numpy| = {error:.2e}")
    assert probabilities.dtype == expected.dtype and error < 1e-5


if __name__ == "__main__":
    main()
