"""Timing shared by the benchmark scripts that time calls in-process."""

from __future__ import annotations

import statistics
import time


def median_time(function, args, calls=10):
    """The median time of `calls` calls of `function(*args)`, after one
    call that is not timed (it compiles, or warms caches)."""
    function(*args)
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
