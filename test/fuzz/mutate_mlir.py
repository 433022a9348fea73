#!/usr/bin/env python3
"""Mutation fuzzer for ml-opt: malformed input must end in diagnostics and a
non-zero exit (or a clean success), never in a signal or a hang.

The seeds are the lit tests' inputs (test/dialects/ml and test/passes),
split at `// -----`, plus the hand-written malformed files in
test/fuzz/corpus. Each mutated input is parsed and
verified by `ml-opt`; when that succeeds it also goes through the passes in
PASS_RUNS. The LLVM build has assertions on, so a broken invariant is an
abort, which counts as a crash.

    python test/fuzz/mutate_mlir.py --count 5000 --seed 0

Input i depends only on --seed, i and the seed files; every input that
crashes or hangs is saved to --crash-dir with the command and ml-opt's output
next to it. Aborts inside upstream MLIR on other dialects' ops, before any
mljit code runs (KNOWN_UPSTREAM), are saved and counted apart. The exit
status is 1 when anything else crashed or hung.
"""

import argparse
import collections
import concurrent.futures
import dataclasses
import hashlib
import importlib.util
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

TEST_DIR = Path(__file__).resolve().parent.parent
SEED_DIRS = ["dialects/ml", "passes"]
CORPUS_DIR = TEST_DIR / "fuzz" / "corpus"

# What runs on an input once it parses and verifies: the pipelines, and each
# of mljit's passes alone (their own lit tests are among the seeds).
PASS_RUNS = [
    ["--canonicalize"],
    ["--convert-ml-to-linalg"],
    ["--ml-cpu-pipeline"],
    ["--pass-pipeline=builtin.module(ml-cpu-pipeline{blas=true threads=2})"],
    ["--ml-generalize-named-ops"],
    ["--ml-fuse-elementwise"],
    ["--pass-pipeline=builtin.module(func.func(ml-tile-and-fuse{threads=2}),cse)"],
    ["--pass-pipeline=builtin.module(func.func(ml-distinct-results))"],
    ["--pass-pipeline=builtin.module(func.func(ml-promote-small-buffers))"],
    ["--ml-matmul-to-blas=min-flops=1"],
    ["--ml-mark-allocators-noalias"],
    ["--ml-lower-math=approximate=tanh,exp,expm1,log,log1p,log2"],
]

# Replacement tokens. Numbers include the extremes of i64 (and one past
# them), where shape arithmetic overflows.
INTERESTING_NUMBERS = [
    "0", "1", "-1", "2", "3", "4", "-2", "7", "64", "255", "-128", "65536",
    "2147483647", "-2147483648", "4294967296", "9223372036854775807",
    "-9223372036854775808", "9223372036854775808", "18446744073709551615",
    "0.0", "-0.0", "1.5", "1.0e308", "0x7FC00000", "0xFFFF",
]
ELEMENT_TYPES = ["f16", "bf16", "f32", "f64", "i1", "i8", "i16", "i32", "i64",
                 "index", "ui32", "si8", "complex<f32>", "f8E4M3FN", "none",
                 "tensor<2xf32>", "vector<4xf32>", "memref<4xf32>"]
ML_OPS = [
    "constant", "add", "sub", "mul", "div", "floordiv", "rem", "pow",
    "maximum", "minimum", "neg", "abs", "sign", "exp", "log", "log1p", "tanh",
    "sqrt", "rsqrt", "sin", "cos", "floor", "ceil", "trunc", "rint", "expm1",
    "exp2", "log2", "log10", "cbrt", "tan", "asin", "acos", "atan", "sinh",
    "cosh", "atan2", "and", "or", "xor", "shift_left", "shift_right",
    "compare", "select", "cast", "broadcast", "reshape", "transpose", "slice",
    "gather", "concatenate", "matmul", "reduce", "cumsum", "argmax", "argmin",
    "frobnicate",
]
KEYWORDS = [
    "keepdims", "axes", "axis", "dim", "to", "->", "sum", "prod", "max", "min",
    "eq", "ne", "lt", "le", "gt", "ge", "dense<>", "dense<1>", "dense<[1, 2]>",
    "dense<true>", "dense_resource<blob>", "array<i64>", "array<i64: 0, 0>",
    "unit", "[]", "[0, 0]", "[-1]", "?", "x", "{}", "()", "^bb0:", "%0", "%arg0",
    "func.return", "arith.constant", "tensor.empty", "linalg.generic", "ml.",
    "\"ml.add\"", "scf.for", "#ml<reduce_kind sum>", "#ml<comparison_direction lt>",
]
# Aborts inside upstream MLIR while parsing or verifying other dialects' ops
# (in a run without passes), before any mljit code could reject the input:
# counted apart from crashes, matched by assertion and crashing function.
KNOWN_UPSTREAM = {
    r"attributes may never be null(?s:.*)linalg::\w+Op::parse":
        "linalg.transpose/broadcast parsing a float in permutation/dimensions",
    r"willBeValidAffineMap(?s:.*)getSymbolLessAffineMaps":
        "tensor.collapse_shape/expand_shape verifying a negative or huge "
        "reassociation index",
    r"integer overflow in size computation(?s:.*)makeCanonicalStridedLayoutExpr":
        "memref.subview verifying a memref whose sizes multiply to 2^63 or more",
}
TOKEN = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_][\w.$]*|\S")


# Outcome kinds worth saving the input for.
FAILURES = ("crash", "hang", "upstream")


@dataclasses.dataclass
class Outcome:
    """How one ml-opt run ended: ok, error, crash, upstream (a known crash
    of upstream MLIR) or hang."""
    kind: str
    args: list
    returncode: int | None = None
    output: str = ""


def ml_opt_binary():
    """The ml-opt binary inside the installed package (not the Python
    launcher on PATH, which would cost a Python start per run)."""
    spec = importlib.util.find_spec("mljit")
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location, "_bin", "ml-opt")
        if path.exists():
            return str(path)
    sys.exit("ml-opt not found: install mljit first (`pip install .`)")


def strip_comments(text):
    """Drops whole-line comments (RUN and CHECK lines, expected-error
    directives): mutating them only wastes runs."""
    return "\n".join(line for line in text.splitlines()
                     if not line.lstrip().startswith("//")) + "\n"


def seed_inputs():
    """(name, text) of every seed: lit inputs split at `// -----`, and the
    hand-written corpus."""
    seeds = []
    paths = [p for d in SEED_DIRS for p in sorted((TEST_DIR / d).rglob("*.mlir"))]
    for path in paths + corpus_files():
        for i, chunk in enumerate(read(path).split("// -----")):
            text = strip_comments(chunk)
            if text.strip():
                seeds.append((f"{path.relative_to(TEST_DIR)}#{i}", text))
    return seeds


def corpus_files():
    return sorted(CORPUS_DIR.glob("*.mlir"))


def read(path):
    """A file's text, with bytes that are not UTF-8 kept as they are
    (surrogate escapes): some inputs are deliberately not text."""
    return path.read_text(errors="surrogateescape")


def encode(text):
    return text.encode(errors="surrogateescape")


# Mutators: each takes (rng, text, seeds) and returns the mutated text.

def flip_bytes(rng, text, _):
    data = bytearray(encode(text))
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return data.decode(errors="surrogateescape")


def delete_range(rng, text, _):
    start = rng.randrange(len(text))
    return text[:start] + text[start + rng.randint(1, 32):]


def duplicate_range(rng, text, _):
    start = rng.randrange(len(text))
    piece = text[start:start + rng.randint(1, 64)]
    at = rng.randrange(len(text))
    return text[:at] + piece + text[at:]


def truncate(rng, text, _):
    return text[:rng.randrange(len(text))]


def replace_token(rng, text, _):
    """Swaps one token for another of a plausible kind, so the result often
    still parses and reaches the verifiers and passes."""
    tokens = list(TOKEN.finditer(text))
    if not tokens:
        return text + rng.choice(KEYWORDS)
    token = rng.choice(tokens)
    word = token.group()
    if re.fullmatch(r"-?\d.*", word):
        new = rng.choice(INTERESTING_NUMBERS)
    elif word in ELEMENT_TYPES or re.fullmatch(r"[fi]\d+", word):
        new = rng.choice(ELEMENT_TYPES)
    elif word.startswith("ml."):
        new = "ml." + rng.choice(ML_OPS)
    else:
        new = rng.choice(KEYWORDS + INTERESTING_NUMBERS)
    return text[:token.start()] + new + text[token.end():]


def replace_number(rng, text, _):
    """Swaps a number outside types (an axis, a slice bound, a constant):
    one inside an unclosed `<` is a dimension, unless in a dense<...> value."""
    def in_type(number):
        line = text[:number.start()].rsplit("\n", 1)[-1]
        return re.search(r"<[^<>]*$", line) and "dense<" not in line

    numbers = [m for m in re.finditer(r"-?\b\d+(?:\.\d+)?", text) if not in_type(m)]
    if not numbers:
        return replace_token(rng, text, _)
    number = rng.choice(numbers)
    return text[:number.start()] + rng.choice(INTERESTING_NUMBERS) + text[number.end():]


def replace_op(rng, text, _):
    """Turns one ml op into another: same syntax often, other constraints."""
    ops = list(re.finditer(r"\bml\.\w+", text))
    if not ops:
        return replace_token(rng, text, _)
    op = rng.choice(ops)
    return text[:op.start()] + "ml." + rng.choice(ML_OPS) + text[op.end():]


def retype(rng, text, _):
    """Changes one shaped type (a dimension, or the element type) everywhere
    it occurs, so the input still parses and reaches the verifiers."""
    types = sorted(set(re.findall(r"\b(?:tensor|memref|vector)<[^<>*]*>", text)))
    if not types:
        return replace_token(rng, text, _)
    old = rng.choice(types)
    kind, body = old[:-1].split("<", 1)
    parts = body.split("x")
    i = rng.randrange(len(parts))
    if i == len(parts) - 1:
        parts[i] = rng.choice(ELEMENT_TYPES[:9])
    elif rng.random() < 0.25:
        del parts[i]
    else:
        parts[i] = rng.choice(["0", "1", "2", "?", "5", "9223372036854775807"])
    if rng.random() < 0.2:
        parts.insert(0, rng.choice(["1", "3", "?"]))
    return text.replace(old, f"{kind}<{'x'.join(parts)}>")


def edit_lines(rng, text, _):
    """Deletes, duplicates or swaps lines: use-before-def, duplicated
    definitions, missing terminators."""
    lines = text.splitlines()
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    action = rng.randrange(3)
    if action == 0:
        del lines[i]
    elif action == 1:
        lines.insert(j, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines) + "\n"


def splice(rng, text, seeds):
    """Inserts a line of another seed: ops in foreign contexts, with
    dangling or mistyped operands."""
    other = rng.choice(seeds)[1].splitlines()
    lines = text.splitlines()
    lines.insert(rng.randrange(len(lines) + 1), rng.choice(other))
    return "\n".join(lines) + "\n"


# Weighted towards the mutations that still parse, so that most inputs get
# past the parser to the verifiers and passes.
MUTATORS = [flip_bytes, delete_range, duplicate_range, truncate, replace_token,
            replace_number, replace_number, replace_op, replace_op,
            retype, retype, retype, edit_lines, splice]


def mutated_inputs(seed, count, seeds=None):
    """`count` (name, text) pairs, the same for the same `seed` and seeds:
    input i depends only on (seed, i)."""
    seeds = seeds or seed_inputs()
    # Valid seeds more often: their mutants reach the verifiers and passes.
    weights = [1 if "invalid" in name or name.startswith("fuzz") else 4
               for name, _ in seeds]
    for i in range(count):
        rng = random.Random(f"{seed}:{i}")
        name, text = rng.choices(seeds, weights)[0]
        applied = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            if not text:
                break
            mutator = rng.choice(MUTATORS)
            text = mutator(rng, text, seeds)
            applied.append(mutator.__name__)
        yield f"{seed}:{i} {name} {'+'.join(applied)}", text


def run_ml_opt(binary, text, args, timeout):
    """Runs ml-opt on `text` (through stdin) and classifies the result."""
    try:
        result = subprocess.run([binary, *args], input=encode(text),
                                capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Outcome("hang", args)
    output = (result.stdout[-2000:] + result.stderr[-8000:]).decode(errors="replace")
    # A negative code is a signal; LLVM's fatal errors and crash handler
    # print these even where they end with exit() instead.
    crashed = (result.returncode < 0 or result.returncode > 1
               or "LLVM ERROR" in output or "PLEASE submit a bug report" in output)
    kind = "crash" if crashed else "error" if result.returncode else "ok"
    return Outcome(kind, args, result.returncode, output)


def check(binary, text, timeout, flags=()):
    """Every run of one input: parse and verify, then (if that succeeds) each
    entry of PASS_RUNS, all with `flags`. Returns the outcomes."""
    outcomes = [run_ml_opt(binary, text, [*flags], timeout)]
    parsed = outcomes[0]
    if parsed.kind == "crash" and any(re.search(p, parsed.output) for p in KNOWN_UPSTREAM):
        parsed.kind = "upstream"
    if parsed.kind == "ok":
        outcomes += [run_ml_opt(binary, text, [*flags, *args], timeout)
                     for args in PASS_RUNS]
    return outcomes


def flags_for(index):
    """Every other input also admits ops of unregistered dialects, which
    have no Dialect object: passes must not assume one."""
    return ["--allow-unregistered-dialect"] if index % 2 else []


def save_failure(crash_dir, text, outcome):
    """Writes the input and a log (command, exit, output) named by the
    input's hash; returns the input's path."""
    crash_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(encode(text)).hexdigest()[:12]
    path = crash_dir / f"{outcome.kind}-{digest}.mlir"
    path.write_bytes(encode(text))
    path.with_suffix(".log").write_text(
        f"ml-opt {path.name} {' '.join(outcome.args)}\n"
        f"exit: {outcome.returncode}\n\n{outcome.output}")
    return path


def signature(outcome):
    """A short line telling crashes apart: the assertion or fatal error."""
    for pattern, what in KNOWN_UPSTREAM.items():
        if outcome.kind == "upstream" and re.search(pattern, outcome.output):
            return f"known upstream: {what}"
    for line in outcome.output.splitlines():
        if "Assertion" in line or "LLVM ERROR" in line:
            return line.strip()[:200]
    return f"{outcome.kind} ({outcome.returncode}) in ml-opt {' '.join(outcome.args)}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="mutated inputs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=20.0,
                        help="seconds per ml-opt run before it counts as a hang")
    parser.add_argument("--crash-dir", type=Path,
                        default=TEST_DIR.parent / "build" / "fuzz-crashes")
    args = parser.parse_args(argv)

    binary = ml_opt_binary()
    start = time.monotonic()
    runs, verified, failures, signatures = 0, 0, collections.Counter(), {}
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(check, binary, text, args.timeout, flags_for(i)): (name, text)
                   for i, (name, text) in enumerate(mutated_inputs(args.seed, args.count))}
        for done, future in enumerate(concurrent.futures.as_completed(futures), 1):
            name, text = futures[future]
            outcomes = future.result()
            runs += len(outcomes)
            verified += outcomes[0].kind == "ok"
            failed = next((o for o in outcomes if o.kind in FAILURES), None)
            if failed:
                failures[failed.kind] += 1
                path = save_failure(args.crash_dir, text, failed)
                signatures.setdefault(signature(failed), []).append(path)
                print(f"{failed.kind}: {name} -> {path}", flush=True)
            if done % 1000 == 0:
                print(f"... {done} inputs, {time.monotonic() - start:.0f} s", flush=True)

    print(f"\ninputs tried: {args.count} (seed {args.seed}), parsed and verified: "
          f"{verified}, ml-opt runs: {runs}, {time.monotonic() - start:.0f} s")
    print(f"crashes: {failures['crash']}, hangs: {failures['hang']}, "
          f"known upstream crashes: {failures['upstream']}")
    for line, paths in signatures.items():
        print(f"  {len(paths)} x {line}\n      e.g. {paths[0]}")
    return 1 if failures["crash"] or failures["hang"] else 0

if __name__ == "__main__":
    sys.exit(main())
