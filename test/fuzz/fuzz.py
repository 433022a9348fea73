"""Differential fuzzing of mljit against NumPy.

    python test/fuzz/fuzz.py --count 10000 --seed 0     # programs 0..9999 of seed 0
    python test/fuzz/fuzz.py --replay 0 1234            # program 1234 of seed 0 again
    python test/fuzz/fuzz.py --pipeline ml-gpu-emulation-pipeline   # the GPU's kernels
    python test/fuzz/fuzz.py --dynamic                  # every size symbolic

Each program (generate.py) runs through `mljit.jit` and through NumPy; the
two must agree on values, shapes and dtypes, on what a call leaves in the
argument arrays and in arrays the function reaches (closure, module dict,
object), and mljit must raise exactly when NumPy does (compare.py). About a
third of the programs index with every kind of index, update arrays in place
and keep state (updates.py; not with a GPU pipeline). A mismatch is shrunk
(shrink.py) and printed with a standalone reproducer. Programs run in a
child process, so that one crashing it is reported too.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import compare
from generate import generate
from shrink import shrink


def check(seed: int, index: int, minimize: bool = True) -> str | None:
    """None if program `index` of `seed` agrees with NumPy, else a report."""
    return _check(seed, index, minimize)[1]


def _check(seed, index, minimize):
    """(outcome, report or None) for program `index` of `seed`."""
    program = generate(seed, index)
    noise_seed = (seed, index)
    outcome = first = compare.run(program, noise_seed)
    if outcome.kind is None:
        return outcome, None
    lines = [f"mismatch: seed {seed} index {index}: {outcome.kind}: {outcome.detail}"]
    if minimize:
        program = shrink(program, outcome.kind, noise_seed)
        outcome = compare.run(program, noise_seed)
        lines.append(f"shrunk: {outcome.kind}: {outcome.detail}")
    lines += ["", program.source(), f"inputs: {program.describe_inputs()}",
              f"rerun: python test/fuzz/fuzz.py --replay {seed} {index}",
              "standalone:", "", program.reproducer()]
    return first, "\n".join(lines)


def campaign(seed: int, start: int, count: int, minimize: bool, progress: str) -> None:
    """Checks programs start..start+count-1 of `seed`, printing reports. The
    file `progress` holds [next index, mismatches, programs both rejected,
    programs of the new kinds, programs refused symbolic sizes (--dynamic)]
    before each program and once all have run."""
    began = time.monotonic()
    mismatches = raised = new = refused = 0
    for index in range(start, start + count):
        _write(progress, [index, mismatches, raised, new, refused])
        new += generate(seed, index).new
        outcome, report = _check(seed, index, minimize)
        raised += outcome.detail == compare.BOTH_RAISED
        refused += outcome.detail == compare.DYNAMIC_GAP
        if report is not None:
            mismatches += 1
            print(report, flush=True)
        if (index + 1) % 100 == 0:
            print(f"[seed {seed}] programs ..{index}: {mismatches} mismatches in this "
                  f"process, {time.monotonic() - began:.0f} s", flush=True)
    _write(progress, [start + count, mismatches, raised, new, refused])


def _write(path: str, state: list) -> None:
    with open(path, "w") as file:
        json.dump(state, file)


def isolated_campaign(seed: int, start: int, count: int, minimize: bool) -> int:
    """`campaign` in child processes, so that a program crashing one (LLVM
    aborting, a segmentation fault) is reported, as a mismatch, and the next
    child goes on after it. Returns the number of mismatches."""
    began = time.monotonic()
    end = start + count
    mismatches = raised = crashes = new = refused = 0
    progress = os.path.join(tempfile.tempdir, "progress")
    while True:
        _write(progress, None)
        command = [sys.executable, __file__, "--child", progress, "--seed", str(seed),
                   "--start", str(start), "--count", str(end - start)]
        child = subprocess.run(command + ([] if minimize else ["--no-shrink"]))
        with open(progress) as file:
            state = json.load(file)
        if state is None:
            raise RuntimeError(f"the fuzzer's child process failed ({child.returncode}) "
                               "before running a program")
        index, child_mismatches, child_raised, child_new, child_refused = state
        mismatches += child_mismatches
        raised += child_raised
        new += child_new
        refused += child_refused
        if index >= end:
            break
        crashes += 1
        mismatches += 1
        program = generate(seed, index)
        new += program.new
        print(f"mismatch: seed {seed} index {index}: the process crashed (exit status "
              f"{child.returncode}; not shrunk)\n\n{program.source()}\n"
              f"inputs: {program.describe_inputs()}\n"
              f"standalone:\n\n{program.reproducer()}", flush=True)
        start = index + 1
    print(f"fuzzed {count} programs (seed {seed}, indices {end - count}..{end - 1}; {new} "
          f"indexing, updating or keeping state): {mismatches} mismatches ({crashes} "
          f"crashes; {raised} programs NumPy and mljit both rejected"
          + (f"; {refused} refused symbolic sizes, which the automatic mode compiles "
             "for exact shapes" if os.environ.get("MLJIT_FUZZ_DYNAMIC") else "")
          + f") in {time.monotonic() - began:.0f} s")
    return mismatches


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--start", type=int, default=0, help="first program index")
    parser.add_argument("--replay", type=int, nargs=2, metavar=("SEED", "INDEX"),
                        help="run one program again (shrunk if it fails)")
    parser.add_argument("--no-shrink", action="store_true")
    parser.add_argument("--pipeline", help="compile with this pipeline instead of the CPU's "
                        "(ml-gpu-emulation-pipeline: the GPU kernels, run on the host)")
    parser.add_argument("--dynamic", action="store_true",
                        help="compile with jit(dynamic=True): every size of 2 or more, and "
                        "every int argument, symbolic")
    parser.add_argument("--child", metavar="PROGRESS", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    # Read by compare.py, here and in the child processes.
    if args.pipeline:
        os.environ["MLJIT_FUZZ_PIPELINE"] = args.pipeline
    if args.dynamic:
        os.environ["MLJIT_FUZZ_DYNAMIC"] = "1"
    faulthandler.enable()
    # Thousands of one-off programs: the disk cache would only fill up.
    os.environ["MLJIT_CACHE_DIR"] = ""
    # Each failing compilation keeps its IR in a temporary folder: ours, removed at exit.
    tempfile.tempdir = tempfile.mkdtemp(prefix="mljit-fuzz-")
    try:
        return _run(args)
    finally:
        shutil.rmtree(tempfile.tempdir, ignore_errors=True)


def _run(args) -> int:
    if args.replay:
        seed, index = args.replay
        report = check(seed, index, not args.no_shrink)
        print(report or f"seed {seed} index {index}: mljit agrees with NumPy")
        return 1 if report else 0
    if args.child:
        campaign(args.seed, args.start, args.count, not args.no_shrink, args.child)
        return 0
    return 1 if isolated_campaign(args.seed, args.start, args.count, not args.no_shrink) else 0

if __name__ == "__main__":
    sys.exit(main())
