"""A character-level RNN trained with a hand-written backward pass, in plain
NumPy as such programs are written: the weights are module globals that
the training loop updates in place (Adagrad), and the loss function builds
one-hot inputs by writing into np.zeros, accumulates gradients with +=, and
clips them with np.clip(..., out=...).

    python examples/char_rnn.py        # trains with NumPy and with mljit.jit
"""

import numpy as np

text = "hello mljit, hello numpy. "
chars = sorted(set(text))
vocab, hidden, steps, learning_rate = len(chars), 24, 8, 0.1
to_index = {c: i for i, c in enumerate(chars)}

_rng = np.random.default_rng(0)
Wxh = _rng.standard_normal((hidden, vocab)) * 0.01
Whh = _rng.standard_normal((hidden, hidden)) * 0.01
Why = _rng.standard_normal((vocab, hidden)) * 0.01
bh = np.zeros((hidden, 1))
by = np.zeros((vocab, 1))


def loss_and_gradients(inputs, targets, hprev):
    """Cross-entropy over the sequence, the gradients of every weight, and
    the last hidden state; `inputs` and `targets` are lists of indices."""
    xs, hs, ps = {}, {}, {}
    hs[-1] = np.copy(hprev)
    loss = 0
    for t in range(len(inputs)):
        xs[t] = np.zeros((vocab, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        y = Why @ hs[t] + by
        ps[t] = np.exp(y) / np.sum(np.exp(y))
        loss += -np.log(ps[t][targets[t], 0])
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    dh_next = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1
        dWhy += dy @ hs[t].T
        dby += dy
        dh = Why.T @ dy + dh_next
        dh_raw = (1 - hs[t] * hs[t]) * dh
        dbh += dh_raw
        dWxh += dh_raw @ xs[t].T
        dWhh += dh_raw @ hs[t - 1].T
        dh_next = Whh.T @ dh_raw
    for gradient in (dWxh, dWhh, dWhy, dbh, dby):
        np.clip(gradient, -5, 5, out=gradient)
    return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]


def train(loss_function, iterations):
    """Adagrad on the module's weights, in place; the losses and gradients
    of every iteration."""
    memories = [np.zeros_like(p) for p in (Wxh, Whh, Why, bh, by)]
    h = np.zeros((hidden, 1))
    history = []
    for iteration in range(iterations):
        start = (iteration * steps) % (len(text) - steps - 1)
        inputs = [to_index[c] for c in text[start:start + steps]]
        targets = [to_index[c] for c in text[start + 1:start + steps + 1]]
        loss, *gradients, h = loss_function(inputs, targets, h)
        history.append((float(loss), [np.copy(g) for g in gradients]))
        for parameter, gradient, memory in zip((Wxh, Whh, Why, bh, by), gradients, memories):
            memory += gradient * gradient
            parameter += -learning_rate * gradient / np.sqrt(memory + 1e-8)
    return history


def reset():
    """The weights as they were at import."""
    rng = np.random.default_rng(0)
    for parameter, shape in ((Wxh, (hidden, vocab)), (Whh, (hidden, hidden)),
                             (Why, (vocab, hidden))):
        parameter[...] = rng.standard_normal(shape) * 0.01
    bh[...] = 0
    by[...] = 0


if __name__ == "__main__":
    import mljit

    numpy_history = train(loss_and_gradients, 20)
    reset()
    jit_history = train(mljit.jit(loss_and_gradients), 20)
    for i in (0, 19):
        print(f"iteration {i}: loss {numpy_history[i][0]:.6f} (NumPy) "
              f"{jit_history[i][0]:.6f} (mljit)")
