"""State a jitted function reaches (attributes, closures, globals) is read at
every call and written back after it, as running the function with NumPy
would leave it; NumPy programs that keep state that way work unchanged."""

import collections
import copy
import logging
import threading

import numpy as np
import pytest

import char_rnn
import mljit
import models
from checks import assert_same

table = np.arange(12.0).reshape(4, 3)
scale = 2


def read_globals(ids):
    return table[ids] * scale


def test_a_captured_array_changed_between_calls_changes_the_result():
    w = np.ones(3)
    f = mljit.jit(lambda x: x * w)
    x = np.arange(3.0)
    assert_same(f(x), x)
    w[:] = 2.0
    assert_same(f(x), 2 * x)


def test_globals_are_read_at_every_call_and_other_values_key_the_cache(caplog):
    global table, scale
    f = mljit.jit(read_globals)
    ids = np.array([3, 0])
    assert_same(f(ids), read_globals(ids))
    saved = table, scale
    try:
        table[0] = -1.0          # written in place: read again, no new code
        assert_same(f(ids), read_globals(ids))
        table = np.ones((5, 3))  # rebound to another shape: compiled anew
        with caplog.at_level(logging.INFO, logger="mljit"):
            assert_same(f(ids), read_globals(ids))
        assert "an array in 'table' (which the function reaches) changed" in caplog.text
        scale = 3                # a Python value: compiled anew
        assert_same(f(ids), read_globals(ids))
        assert f._cache_size() == 3
    finally:
        table, scale = saved


def test_capture_constants_bakes_what_the_function_reaches():
    w = np.ones(3)
    f = mljit.jit(lambda x: x * w, capture="constants")
    f(np.ones(3))
    w[:] = 5.0
    assert_same(f(np.ones(3)), np.ones(3))
    with pytest.raises(ValueError, match="capture must be 'live' or 'constants'"):
        mljit.jit(lambda x: x, capture="never")


class Counter:
    def __init__(self):
        self.totals = {"sum": np.zeros(3)}
        self.history = [np.zeros(3), np.zeros(3)]
        self.last = np.zeros(3)

    def __call__(self, x):
        self.totals["sum"] += x        # written in place, in a dict
        self.history[1][:] = self.history[0]
        self.history[0][:] = x         # in a list
        self.last = x * 2              # an attribute bound to a new array
        return self.totals["sum"].sum()


def test_a_callable_object_writes_and_rebinds_its_state_as_numpy_does():
    plain, jitted = Counter(), Counter()
    f = mljit.jit(jitted)
    for step in range(3):
        x = np.arange(3.0) + step
        assert_same(f(x), plain(x))
        for a, b in zip((plain.totals["sum"], plain.last, *plain.history),
                        (jitted.totals["sum"], jitted.last, *jitted.history)):
            assert_same(b, a)
    assert f._cache_size() == 1


def test_writes_into_array_arguments_go_back_to_them():
    def normalize(x, stats):
        stats[0] = x.mean()
        x -= stats[0]
        return x.std()

    x, stats = np.arange(6.0), np.zeros(2)
    expected_x, expected_stats = x.copy(), stats.copy()
    expected = normalize(expected_x, expected_stats)
    assert_same(mljit.jit(normalize)(x, stats), expected)
    assert_same(x, expected_x)
    assert_same(stats, expected_stats)
    read_only = np.arange(6.0)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        mljit.jit(normalize)(read_only, stats)


Weights = collections.namedtuple("Weights", "w b")


def test_arrays_in_namedtuples_and_nested_objects_are_read_at_every_call():
    class Layer:
        def __init__(self):
            self.params = Weights(np.ones((2, 2)), np.zeros(2))

    class Net:
        def __init__(self):
            self.layers = [Layer(), Layer()]

        def __call__(self, x):
            for layer in self.layers:
                x = x @ layer.params.w + layer.params.b
            return x

    net = Net()
    f = mljit.jit(net)
    x = np.ones((1, 2))
    assert_same(f(x), net(x))
    net.layers[1].params.w[:] = 3.0
    net.layers[0].params = Weights(np.eye(2), np.ones(2))
    assert_same(f(x), net(x))
    assert f._cache_size() == 1


def test_one_array_reached_two_ways_is_one_array():
    shared = np.zeros(3)
    holder = {"a": shared, "b": [shared]}

    def write(x):
        holder["a"][0] = x
        return holder["b"][0].copy()

    plain = write(1.0)
    shared[0] = 0.0
    assert_same(mljit.jit(write)(1.0), plain)
    assert shared[0] == 1.0


class Model:
    def __init__(self):
        self.w = np.ones((3, 3))
        self.steps = 0

    def forward(self, x):
        return x @ self.w

    def count(self, x):
        self.steps = self.steps + 1
        return x


def test_a_bound_method_reads_its_object_at_every_call():
    model = Model()
    f = mljit.jit(model.forward)
    x = np.ones((2, 3))
    assert_same(f(x), x @ model.w)
    model.w = np.eye(3) * 4
    assert_same(f(x), x @ model.w)


def test_setting_a_non_array_attribute_is_a_clear_error_at_the_users_line():
    model = Model()
    line = Model.count.__code__.co_firstlineno + 1
    with pytest.raises(mljit.TraceError,
                       match=rf"test_state.py:{line}: the jitted function sets the attribute "
                             r"'steps' of a Model to a int"):
        mljit.jit(model.count)(np.ones(3))
    assert model.steps == 0


def test_decoder_kept_in_an_object_matches_numpy_through_prefill_and_decode():
    rng = np.random.default_rng(7)
    plain = models.Decoder(rng)
    jitted = copy.deepcopy(plain)
    forward = mljit.jit(jitted.forward, static_argnums=1)
    ids, start = np.array([[3, 7, 1, 4, 9]]), 0
    for _ in range(4):
        expected = plain.forward(ids, start)
        assert_same(forward(ids, start), expected, rtol=1e-9, atol=1e-12)
        start += ids.shape[1]
        ids = np.array([[int(np.argmax(expected))]])
    for a, b in zip(plain.cache_k + plain.cache_v, jitted.cache_k + jitted.cache_v):
        assert_same(b, a, rtol=1e-9, atol=1e-12)


def test_gpt2_from_a_token_list_indexes_positions_with_a_range(rng):
    vocab, context, d, heads = 40, 12, 24, 3
    blocks = [models.gpt2_block_params(rng, d, 0.2) for _ in range(2)]
    wte, wpe = models.normal(rng, (vocab, d), 0.5), models.normal(rng, (context, d), 0.1)
    ln_f = {"g": models.normal(rng, (d,)), "b": models.normal(rng, (d,), 0.1)}
    ids = [5, 17, 3, 3, 39, 0]
    expected = models.gpt2_from_token_list(ids, wte, wpe, blocks, ln_f, heads)
    got = mljit.jit(models.gpt2_from_token_list, static_argnums=5)(ids, wte, wpe, blocks,
                                                                   ln_f, heads)
    assert_same(got, expected, rtol=2e-4, atol=2e-4)


def test_char_rnn_trains_like_numpy_with_weights_in_module_globals():
    char_rnn.reset()
    expected = char_rnn.train(char_rnn.loss_and_gradients, 6)
    char_rnn.reset()
    loss_function = mljit.jit(char_rnn.loss_and_gradients)
    got = char_rnn.train(loss_function, 6)
    for (loss, gradients), (want_loss, want_gradients) in zip(got, expected):
        assert loss == pytest.approx(want_loss, rel=1e-12)
        for g, w in zip(gradients, want_gradients):
            assert_same(g, w, rtol=1e-9, atol=1e-12)
    assert loss_function._cache_size() == 1
    char_rnn.reset()


def test_arrays_made_inside_traced_code_can_be_written_with_traced_values():
    def program(ids, x):
        one_hot = np.zeros((len(ids), 5))
        for t in range(len(ids)):
            one_hot[t, ids[t]] = 1
        accumulated = np.zeros_like(x)
        for row in x:
            accumulated += row
        steps = np.arange(4)
        mask = np.tri(3, dtype=bool)
        grid = np.full((2, 2), 0.5)
        grid[0] = x[0, :2]
        return (one_hot, accumulated, steps * 2, mask, np.eye(5)[ids[0]], np.identity(2),
                np.linspace(0, 1, 5), grid, np.ones(3, np.int32), np.empty((0, 2)))

    ids, x = np.array([4, 0, 2]), np.arange(6.0).reshape(3, 2)
    for got, want in zip(mljit.jit(program)(ids, x), program(ids, x)):
        assert_same(got, want)


def test_values_known_while_tracing_drive_python_control_flow():
    def program(x):
        positions = np.arange(x.shape[0])
        total = 0
        for p in positions:          # iterating over NumPy-made arrays is fine
            if p % 2 == 0:
                total = total + x[int(p)]
        return total, float(positions.sum()), positions.tolist() == [0, 1, 2, 3]

    x = np.arange(4.0)
    assert_same(mljit.jit(program)(x)[0], program(x)[0])


def test_other_threads_see_plain_numpy_while_one_traces():
    seen = []
    started, release = threading.Event(), threading.Event()

    def slow(x):
        started.set()
        release.wait(10)
        return x + np.zeros(3)

    thread = threading.Thread(target=lambda: seen.append(mljit.jit(slow)(np.ones(3))))
    thread.start()
    started.wait(10)
    made = np.zeros(3)       # while the other thread traces
    release.set()
    thread.join()
    assert type(made) is np.ndarray
    assert_same(seen[0], np.ones(3))


def test_export_refuses_state_and_effects_and_bakes_plain_captures(tmp_path):
    w = np.full(3, 2.0)
    with pytest.raises(mljit.UnsupportedError, match="reads arrays it does not take as "
                                                     "arguments"):
        mljit.export(mljit.jit(lambda x: x * w), np.ones(3), path=str(tmp_path / "a"))

    def write(x):
        x[0] = 1.0
        return x.sum()

    with pytest.raises(mljit.UnsupportedError, match="writes into arrays"):
        mljit.export(write, np.ones(3), path=str(tmp_path / "b"))
    exported = mljit.load(mljit.export(lambda x: x * w, np.ones(3), path=str(tmp_path / "c")))
    assert_same(exported(np.ones(3)), np.full(3, 2.0))
