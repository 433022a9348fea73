"""Runs a program through mljit and NumPy and decides whether they agree.

Dtypes and shapes must match exactly, integers and booleans bit for bit.
Floats match within checks.RTOL, or else within what NumPy's own answer
moves by when every rounding the two may do differently (noise classes in
programs.py) is perturbed by RTOL: a difference that a comparison,
a cancellation or a steep function amplifies from last-bit rounding is not a
bug; a difference noise never produces is. Elements whose value noise
changes discontinuously (a comparison flipping, NaN appearing) are unstable,
and any answer there is accepted.
"""

from __future__ import annotations

import dataclasses
import os
import warnings

import numpy as np

import mljit
from programs import RTOL, Extreme, Instance, ToZero, copy_argument

BOTH_RAISED = "NumPy and mljit raised"
ONLY_NUMPY_RAISED = "only NumPy raised"
# NumPy raised where mljit, as documented, does not (_run_time_value_written).
DEPARTURE = "a documented departure"
# With --dynamic: mljit raised, refusing symbolic sizes.
DYNAMIC_GAP = "symbolic sizes refused"
# mljit raised, as NumPy did, but another kind of exception (for the
# statements of updates.py, whose errors are NumPy's to match).
OTHER_EXCEPTION = "another exception"
# NumPy's messages refusing a number for one element of an integer array.
_REFUSED_CONVERSIONS = ("out of bounds for", "cannot convert float", "too large to convert")
_NOISY_RUNS = 6
# How far beyond the largest noisy deviation mljit may be.
_NOISE_FACTOR = 4.0
# A mismatch in what a call leaves in its arguments or captured arrays.
_KINDS = {"argument": "written argument", "captured": "captured state"}


@dataclasses.dataclass(frozen=True)
class Outcome:
    """`kind` is None when mljit agrees with NumPy, else what differs (the
    shrinker keeps a candidate only if its kind is the same)."""

    kind: str | None
    detail: str = ""


def run(program, noise_seed) -> Outcome:
    """How mljit's run of `program` compares with NumPy's; `noise_seed`
    seeds the noisy reruns. Compared: each call's results and what it
    leaves in the argument arrays and captured arrays. A program with
    captured arrays is called twice, the harness changing them in between;
    another is called twice with the same arguments (the second call takes
    the cached signature's path, mljit._call) and must give the same."""
    expected = program.run_numpy()
    instance = Instance(program)
    jitted = mljit.jit(instance.function,
                       pipeline=os.environ.get("MLJIT_FUZZ_PIPELINE") or None,
                       dynamic=True if os.environ.get("MLJIT_FUZZ_DYNAMIC") else None)
    observed = []
    for call in range(2):
        if call:
            for name, value, rebind in program.changes:
                instance.change(name, value, rebind)
        before = [instance.read(n) for n in program.captured_names]
        arguments = [copy_argument(v) for v in program.values]
        try:
            # Tracing warns where NumPy does (a float overflowing float16).
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = jitted(*arguments)
        except Exception as error:
            observed.append(error)
            break
        results = [*results] if len(program.outputs) > 1 else [results]
        for i, r in enumerate(results):
            if not isinstance(r, np.ndarray):
                return Outcome("result type", f"result {i} ({program.outputs[i]}): a "
                                              f"{type(r).__name__}, not an ndarray")
        captured = [instance.read(n) for n in program.captured_names]
        observed.append(program.observe(results, arguments, captured,
                                        [c is b for c, b in zip(captured, before)]))
    if os.environ.get("MLJIT_FUZZ_DYNAMIC") and any(
            isinstance(got, Exception) for got in observed):
        # Where a variant raises, the automatic mode traces exact shapes
        # instead (what that raises, the default campaign checks).
        return Outcome(None, DYNAMIC_GAP)
    if any(isinstance(got, mljit.UnsupportedError) and "of complex numbers" in str(got)
           for got in observed):
        return Outcome(None, DEPARTURE)  # README: what mljit lacks on complex numbers
    for call, (got, want) in enumerate(zip(observed, expected)):
        outcome = _compare_call(program, call, got, want, noise_seed)
        if outcome.kind is not None or isinstance(want, Exception):
            return outcome
    if program.captured:
        return Outcome(None)
    if isinstance(observed[1], Exception):
        return Outcome(f"mljit raised {type(observed[1]).__name__}",
                       f"{type(observed[1]).__name__} at the second call: {observed[1]}")
    if any(g.tobytes() != a.tobytes() or g.dtype != a.dtype for g, a in zip(*observed)):
        return Outcome("second call differs", "calling the compiled function again with "
                       "the same arguments gave other results (or left other values)")
    return Outcome(None)


def _compare_call(program, call, got, expected, noise_seed) -> Outcome:
    """One call's outcome: `got` and `expected` are observations (lists of
    arrays) or the exception raised."""
    when = f" (call {call + 1})" if program.captured else ""
    if isinstance(got, Exception):
        if not isinstance(expected, Exception):
            return Outcome(f"mljit raised {type(got).__name__}",
                           f"{type(got).__name__}{when}: {got}")
        if _strict(program, expected) and not _same_kind(expected, got):
            return Outcome(OTHER_EXCEPTION,
                           f"NumPy raised {type(expected).__name__}: {expected}; mljit "
                           f"raised {type(got).__name__}: {got}")
        return Outcome(None, BOTH_RAISED)
    if isinstance(expected, Exception):
        if call > 0 and _run_time_value_written(program, expected):
            return Outcome(None, DEPARTURE)
        return Outcome(ONLY_NUMPY_RAISED, f"NumPy raised {type(expected).__name__}{when}: "
                                          f"{expected}; mljit returned")
    return _compare(program, got, expected, noise_seed, call)


def _run_time_value_written(program, error) -> bool:
    """Whether NumPy refused to write a value into one element of an integer
    array (out of its range, NaN or infinite), which mljit casts: a documented departure
    (README, "State, in-place updates and side effects"). The generator
    checks the first call's values; the second call writes into what the
    first one left, out of range or not."""
    index = getattr(error, "fuzz_statement", None)
    refused = isinstance(error, (OverflowError, ValueError)) and any(
        text in str(error) for text in _REFUSED_CONVERSIONS)
    return refused and index is not None and program.statements[index].effect


def _strict(program, error) -> bool:
    """Whether NumPy's `error` came from a statement whose exception mljit
    must match in kind."""
    index = getattr(error, "fuzz_statement", None)
    return index is not None and program.statements[index].new


def _same_kind(numpy_error, error) -> bool:
    """`error` is of the builtin exception class NumPy's is (TypeError for
    NumPy's UFuncTypeError), and not mljit's refusal to support something."""
    builtin = next(c for c in type(numpy_error).__mro__ if c.__module__ == "builtins")
    return isinstance(error, builtin) and not isinstance(
        error, (mljit.UnsupportedError, mljit.ConcretizationError))


def _compare(program, got, expected, noise_seed, call=0) -> Outcome:
    """Observations (`Program.observe`) of call `call` against NumPy's."""
    labels = program.labels()
    when = f" (call {call + 1})" if program.captured else ""
    if len(got) != len(expected):
        return Outcome("result count", f"{len(got)} results, NumPy {len(expected)}")
    for (category, what), g, e in zip(labels, got, expected):
        if g.dtype != e.dtype:
            return Outcome(_KINDS.get(category, "dtype"),
                           f"{what}{when}: dtype {g.dtype}, NumPy {e.dtype}")
        if g.shape != e.shape:
            return Outcome(_KINDS.get(category, "shape"),
                           f"{what}{when}: shape {g.shape}, NumPy {e.shape}")
    close = [_close(g, e) for g, e in zip(got, expected)]
    if all(c.all() for c in close):
        return Outcome(None)
    rng = np.random.default_rng(noise_seed)
    noisy = [program.run_numpy(noise_rng=r)
             for r in (Extreme(1.0), Extreme(-1.0), ToZero(rng), *[rng] * _NOISY_RUNS)]
    noisy = [n[call] for n in noisy if len(n) > call and not isinstance(n[call], Exception)]
    for i, ((category, what), g, e) in enumerate(zip(labels, got, expected)):
        runs = [n[i] for n in noisy]
        bad = ~close[i] & ~_within_noise(g, e, runs)
        if bad.any():
            where = tuple(int(j) for j in np.argwhere(bad)[0])
            return Outcome(_KINDS.get(category, "value"),
                           f"{what}{when} at {where}: mljit {g[where]!r}, NumPy {e[where]!r} "
                           f"({int(bad.sum())} of {bad.size} elements differ beyond "
                           "rounding noise)")
    return Outcome(None)


def _close(got, expected) -> np.ndarray:
    """Elementwise: equal (NaN equal to NaN), or floats within RTOL; complex
    numbers part by part."""
    if expected.dtype.kind == "c":
        return _close(got.real, expected.real) & _close(got.imag, expected.imag)
    same = (got == expected)
    if expected.dtype.kind != "f":
        return same
    with np.errstate(all="ignore"):
        near = np.abs(got - expected) <= RTOL[expected.dtype] * np.abs(expected)
    return same | near | (np.isnan(got) & np.isnan(expected))


def _within_noise(got, expected, runs) -> np.ndarray:
    """Elementwise: unstable under noise, or as far from NumPy as noise moves
    it (times _NOISE_FACTOR); complex numbers part by part."""
    if expected.dtype.kind == "c":
        return (_within_noise(got.real, expected.real, [r.real for r in runs])
                & _within_noise(got.imag, expected.imag, [r.imag for r in runs]))
    unstable = np.zeros(expected.shape, bool)
    if expected.dtype.kind != "f":
        for run in runs:
            unstable |= run != expected
        return unstable
    spread = np.zeros(expected.shape)
    with np.errstate(all="ignore"):
        for run in runs:
            unstable |= (np.isnan(run) != np.isnan(expected)) | (
                (np.isinf(run) | np.isinf(expected)) & (run != expected))
            deviation = np.abs(run.astype(np.float64) - expected)
            spread = np.fmax(spread, np.where(np.isfinite(deviation), deviation, 0))
        error = np.abs(got.astype(np.float64) - expected)
        return unstable | np.isfinite(expected) & (error <= _NOISE_FACTOR * spread)
