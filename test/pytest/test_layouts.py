"""Memory order as NumPy has it: whether a reshape or ravel of an argument,
or of an array the traced code made, is a view (a write through it shows in
the array) depends on strides, and NumPy gives new arrays their operands'
memory order (order='K'). Each program writes through a reshape and returns
both arrays; mljit must agree with NumPy on both, and on the arguments."""

import numpy as np
import pytest

import mljit
from checks import assert_same

# Each makes a new array of at least 2 dimensions from x (3 x 4 x 2).
MAKERS = {
    "astype": lambda x: np.astype(x, np.float32),
    "method astype": lambda x: x.astype(np.int64),
    "np.copy": np.copy,
    "method copy": lambda x: x.copy(),
    "copy order F": lambda x: x.copy(order="F"),
    "add": lambda x: x + 1,
    "negative": lambda x: -x,
    "exp": np.exp,
    "two layouts": lambda x: x + np.ones(x.shape),
    "broadcast row": lambda x: x * x[0],
    "where": lambda x: np.where(x > 3, x, 0.0),
    "clip": lambda x: np.clip(x, 1, 5),
    "sum": lambda x: x.sum(axis=1),
    "sum keepdims": lambda x: np.sum(x, axis=0, keepdims=True),
    "mean": lambda x: x.mean(axis=2),
    "add.reduce": lambda x: np.add.reduce(x, axis=1),
    "cumsum": lambda x: np.cumsum(x, axis=0),
    "concatenate": lambda x: np.concatenate([x, x]),
    "stack": lambda x: np.stack([x, x]),
    "zeros_like": np.zeros_like,
    "full_like": lambda x: np.full_like(x, 2.5),
    "fancy index": lambda x: x[[0, 1]],
    "take": lambda x: np.take(x, [0, 1], axis=1),
    "sort": lambda x: np.sort(x, axis=0),
    "round": np.round,
    "matmul": lambda x: x @ np.ones((x.shape[-1], 3)),
}

# How the function sees its argument: as given, transposed, or sliced.
VIEWS = {
    "x": lambda x: x,
    "x.T": lambda x: x.T,
    "moved axes": lambda x: np.moveaxis(x, 0, -1),
    "x[::-1]": lambda x: x[::-1],
}

# The argument the caller passes (3 x 4 x 2 as the function sees it).
ARGUMENTS = {
    "C": lambda: np.arange(24.0).reshape(3, 4, 2),
    "Fortran": lambda: np.asfortranarray(np.arange(24.0).reshape(3, 4, 2)),
    "strided": lambda: np.arange(48.0).reshape(3, 4, 4)[:, :, ::2],
}


def _program(maker, view):
    def program(x):
        made = maker(view(x))
        flat = made.reshape(-1)
        flat[0] = 99
        ravelled = made.ravel()
        ravelled[-1] = -99
        return made, flat, ravelled

    return program


@pytest.mark.parametrize("view", VIEWS, ids=str)
@pytest.mark.parametrize("maker", MAKERS, ids=str)
def test_a_new_array_is_laid_out_as_numpy_lays_it_out(maker, view):
    program = _program(MAKERS[maker], VIEWS[view])
    for argument in ARGUMENTS.values():
        ours, theirs = argument(), argument()
        for got, want in zip(mljit.jit(program)(ours), program(theirs)):
            assert_same(got, want, rtol=1e-14)  # exp within an ULP
        assert_same(ours, theirs)


@pytest.mark.parametrize("argument", ARGUMENTS, ids=str)
def test_writes_through_a_reshape_of_an_argument_reach_it_where_numpy_views(argument):
    def program(x, y):
        x.reshape(-1)[0] = 50
        np.ravel(x)[1] = 60
        y.reshape(4, -1)[0, 0] = 70
        return x.sum(), y.sum()

    for x_view in (lambda a: a, lambda a: a.transpose(2, 0, 1), lambda a: a[::-1]):
        ours = [x_view(ARGUMENTS[argument]()), ARGUMENTS[argument]()[:, :, 0]]
        theirs = [x_view(ARGUMENTS[argument]()), ARGUMENTS[argument]()[:, :, 0]]
        for got, want in zip(mljit.jit(program)(*ours), program(*theirs)):
            assert_same(got, want)
        for got, want in zip(ours, theirs):
            assert_same(got, want)


def test_a_layout_is_part_of_the_signature_only_where_not_c_contiguous():
    def program(x):
        x.reshape(-1)[0] = 1.0
        return x * 2

    jitted = mljit.jit(program)
    a = np.zeros((3, 4))
    jitted(a)
    jitted(a[:, :].copy())
    assert jitted._cache_size() == 1
    b = np.zeros((4, 3)).T
    assert_same(jitted(b), program(np.zeros((4, 3)).T))
    assert b[0, 0] == 0.0  # a copy in NumPy: the write does not reach b
    assert jitted._cache_size() == 2


def test_a_strided_argument_keeps_exact_sizes_in_a_dynamic_variant():
    def program(x):
        flat = x.reshape(-1)
        flat[0] = -1.0
        return x + 0

    jitted = mljit.jit(program, dynamic=True)
    for n in (2, 3, 5):
        ours, theirs = np.ones((n, 6))[:, ::2], np.ones((n, 6))[:, ::2]
        assert_same(jitted(ours), program(theirs))
        assert_same(ours, theirs)
    for n in (2, 3, 5):
        ours, theirs = np.ones((n, 3)), np.ones((n, 3))
        assert_same(jitted(ours), program(theirs))
        assert_same(ours, theirs)


def test_an_array_of_a_symbolic_size_made_in_fortran_order():
    def program(x):
        made = np.zeros((x.shape[0], 3), order="F")
        made.reshape(-1)[0] = 7.0
        return made

    jitted = mljit.jit(program, dynamic=True)
    for n in (2, 3, 4):
        assert_same(jitted(np.ones(n)), program(np.ones(n)))
