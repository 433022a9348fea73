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
from programs import RTOL

BOTH_RAISED = "NumPy and mljit raised"
ONLY_NUMPY_RAISED = "only NumPy raised"
_NOISY_RUNS = 6
# How far beyond the largest noisy deviation mljit may be.
_NOISE_FACTOR = 4.0


@dataclasses.dataclass(frozen=True)
class Outcome:
    """`kind` is None when mljit agrees with NumPy, else what differs (the
    shrinker keeps a candidate only if its kind is the same)."""

    kind: str | None
    detail: str = ""


def run(program, noise_seed) -> Outcome:
    """How mljit's run of `program` compares with NumPy's; `noise_seed`
    seeds the noisy reruns."""
    try:
        expected = program.results(program.evaluate())
    except Exception as error:
        numpy_error = error
    else:
        numpy_error = None
    jitted = mljit.jit(program.function(), pipeline=os.environ.get("MLJIT_FUZZ_PIPELINE") or None)
    try:
        # Tracing warns where NumPy does (a float overflowing float16).
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = jitted(*program.values)
            # The second call takes the cached signature's path (mljit._call).
            again = jitted(*program.values)
    except Exception as error:
        if numpy_error is not None:
            return Outcome(None, BOTH_RAISED)
        return Outcome(f"mljit raised {type(error).__name__}", f"{type(error).__name__}: {error}")
    if numpy_error is not None:
        return Outcome(ONLY_NUMPY_RAISED,
                       f"NumPy raised {type(numpy_error).__name__}: {numpy_error}; mljit returned")
    got, again = ([*r] if len(program.outputs) > 1 else [r] for r in (got, again))
    outcome = _compare(program, got, expected, noise_seed)
    if outcome.kind is None and any(np.asarray(g).tobytes() != np.asarray(a).tobytes()
                                    for g, a in zip(got, again)):
        return Outcome("second call differs", "calling the compiled function again gave "
                       "other results")
    return outcome


def _compare(program, got, expected, noise_seed) -> Outcome:
    if len(got) != len(expected):
        return Outcome("result count", f"{len(got)} results, NumPy {len(expected)}")
    for i, (g, e) in enumerate(zip(got, expected)):
        what = f"result {i} ({program.outputs[i]})"
        if not isinstance(g, np.ndarray):
            return Outcome("result type", f"{what}: a {type(g).__name__}, not an ndarray")
        if g.dtype != e.dtype:
            return Outcome("dtype", f"{what}: dtype {g.dtype}, NumPy {e.dtype}")
        if g.shape != e.shape:
            return Outcome("shape", f"{what}: shape {g.shape}, NumPy {e.shape}")
    close = [_close(g, e) for g, e in zip(got, expected)]
    if all(c.all() for c in close):
        return Outcome(None)
    rng = np.random.default_rng(noise_seed)
    noisy = [program.results(program.evaluate(noise_rng=rng)) for _ in range(_NOISY_RUNS)]
    for i, (g, e) in enumerate(zip(got, expected)):
        runs = [n[i] for n in noisy]
        bad = ~close[i] & ~_within_noise(g, e, runs)
        if bad.any():
            where = tuple(int(j) for j in np.argwhere(bad)[0])
            return Outcome("value", f"result {i} ({program.outputs[i]}) at {where}: mljit "
                           f"{g[where]!r}, NumPy {e[where]!r} ({int(bad.sum())} of {bad.size} "
                           "elements differ beyond rounding noise)")
    return Outcome(None)


def _close(got, expected) -> np.ndarray:
    """Elementwise: equal (NaN equal to NaN), or floats within RTOL."""
    same = (got == expected)
    if expected.dtype.kind != "f":
        return same
    with np.errstate(all="ignore"):
        near = np.abs(got - expected) <= RTOL[expected.dtype] * np.abs(expected)
    return same | near | (np.isnan(got) & np.isnan(expected))


def _within_noise(got, expected, runs) -> np.ndarray:
    """Elementwise: unstable under noise, or as far from NumPy as noise moves
    it (times _NOISE_FACTOR)."""
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
