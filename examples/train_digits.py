"""Train an MLP classifier on scikit-learn's bundled digits with plain NumPy
SGD code, its step compiled with `mljit.jit(mljit.value_and_grad(...))`.

    pip install scikit-learn        # for the data only
    python examples/train_digits.py

The loss, the model and the update are NumPy as anyone writes them; mljit
compiles the forward pass, its gradient and the update into one program.
"""

import time

import numpy as np

import mljit


def init(rng, sizes):
    """One dict of weights and biases per layer (He initialization)."""
    return [{"w": rng.standard_normal((m, n)) * np.sqrt(2.0 / m), "b": np.zeros(n)}
            for m, n in zip(sizes[:-1], sizes[1:])]


def logits(params, x):
    for layer in params[:-1]:
        x = np.maximum(x @ layer["w"] + layer["b"], 0.0)
    return x @ params[-1]["w"] + params[-1]["b"]


def cross_entropy(params, x, labels):
    z = logits(params, x)
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_probs[np.arange(len(labels)), labels].mean()


@mljit.jit
def sgd_step(params, x, labels, learning_rate):
    loss, grads = mljit.value_and_grad(cross_entropy)(params, x, labels)
    new = [{key: layer[key] - learning_rate * grad[key] for key in layer}
           for layer, grad in zip(params, grads)]
    return new, loss


def accuracy(params, x, labels):
    return float((logits(params, x).argmax(axis=1) == labels).mean())


def main(epochs=30, batch=64, learning_rate=0.05, seed=0):
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.data / 16.0
    labels = digits.target
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x))
    test, train = order[:360], order[360:]
    params = init(rng, [64, 128, 64, 10])
    start = time.perf_counter()
    for epoch in range(epochs):
        shuffled = rng.permutation(train)
        for first in range(0, len(shuffled) - batch + 1, batch):
            rows = shuffled[first:first + batch]
            params, loss = sgd_step(params, x[rows], labels[rows], learning_rate)
        if epoch % 10 == 9:
            print(f"epoch {epoch + 1}: loss {float(loss):.4f}, "
                  f"test accuracy {accuracy(params, x[test], labels[test]):.3f}")
    seconds = time.perf_counter() - start
    final = accuracy(params, x[test], labels[test])
    print(f"test accuracy {final:.3f} after {epochs} epochs ({seconds:.2f} s)")
    return final


if __name__ == "__main__":
    main()
