"""ml-opt on malformed input ends in diagnostics and a non-zero exit, or in
success: never in a signal (the LLVM build asserts) or a hang; the Python
builders of the ml ops reject what the verifier would. And every diagnostic
that mljit's C++ code can emit has a -verify-diagnostics test.

The inputs are the hand-written corpus (test/fuzz/corpus) and a few hundred
mutants of the lit tests from test/fuzz/mutate_mlir.py, whose command line
runs long campaigns of the same checks.
"""

import concurrent.futures
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

TEST_DIR = Path(__file__).resolve().parent.parent
SOURCE_DIR = TEST_DIR.parent
sys.path.insert(0, str(TEST_DIR / "fuzz"))
import mutate_mlir  # noqa: E402

MUTANTS = 300
TIMEOUT_S = 20


def failures(inputs):
    """Runs every (name, text, flags) through mutate_mlir.check in parallel
    and describes each crash or hang, with its input."""
    binary = mutate_mlir.ml_opt_binary()

    def run(item):
        name, text, flags = item
        return name, text, mutate_mlir.check(binary, text, TIMEOUT_S, flags)

    found = []
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        for name, text, outcomes in pool.map(run, inputs):
            found += [f"{o.kind} in `ml-opt {' '.join(o.args)}` on {name}:\n"
                      f"{text}\n--- ml-opt said:\n{o.output[-4000:]}"
                      for o in outcomes if o.kind in ("crash", "hang")]
    return found


def test_corpus_never_crashes():
    # Admitting unregistered ops only lets more of the corpus reach the passes.
    inputs = [(name, text, ["--allow-unregistered-dialect"])
              for name, text in mutate_mlir.seed_inputs()
              if name.startswith("fuzz/corpus/")]
    assert inputs
    found = failures(inputs)
    assert not found, "\n\n".join(found)


def test_mutants_never_crash():
    inputs = [(name, text, mutate_mlir.flags_for(i))
              for i, (name, text) in enumerate(mutate_mlir.mutated_inputs(0, MUTANTS))]
    found = failures(inputs)
    assert not found, "\n\n".join(found)


# Builds every op whose result types are inferred from a scalar operand, in
# a child process (an assertion would abort it): the verifier checks operand
# types before inferring, the builders do not.
BUILD_FROM_SCALAR = """
from mlir import ir
from mlir.dialects import func
from mljit import _native
from mljit.dialects import ml

with _native.new_context(), ir.Location.unknown():
    module = ir.Module.create()
    with ir.InsertionPoint(module.body):
        function = func.FuncOp("f", ([ir.F32Type.get()], []))
        with ir.InsertionPoint(function.add_entry_block()):
            (x,) = function.arguments
            for build in [
                lambda: ml.CompareOp(ml.ComparisonDirection.LT, x, x),
                lambda: ml.TransposeOp(x, [0]),
                lambda: ml.SliceOp(x, [0], [1], [1]),
                lambda: ml.GatherOp(x, x, 0),
                lambda: ml.ConcatenateOp([x, x], 0),
                lambda: ml.MatmulOp(x, x),
                lambda: ml.ReduceOp(ml.ReduceKind.Sum, x, [0]),
                lambda: ml.ArgMaxOp(x, 0),
                lambda: ml.ArgMinOp(x, 0),
            ]:
                try:
                    build()
                    print("built")
                except ir.MLIRError:
                    print("rejected")
"""


def test_builders_reject_non_tensors():
    result = subprocess.run([sys.executable, "-c", BUILD_FROM_SCALAR],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-4000:]
    assert result.stdout.split() == ["rejected"] * 9, result.stdout


# What C++ code emits: the string literals of an emit call and of the `<<`
# chain after it, up to the end of the statement.
EMIT = re.compile(r"\b(?:emitOpError|emitOptionalError|emitError|emitWarning|emitRemark)\s*\(")
LITERAL_OR_END = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'(?:[^'\\]|\\.)'|;")
EXPECTED = re.compile(r"expected-(?:error|warning|remark)[^{\n]*\{\{(.*?)\}\}")


def emitted_fragments(path):
    """{line: [text, ...]} for every diagnostic emitted in a C++ file: the
    literal parts of its message (adjacent literals joined), those with
    letters in them (not "x" or ", ")."""
    text = path.read_text()
    diagnostics = {}
    for call in EMIT.finditer(text):
        fragments, pos, last_end = [], call.end(), None
        while (match := LITERAL_OR_END.search(text, pos)).group() != ";":
            if match.group(1) is not None:
                if last_end is not None and not text[last_end:match.start()].strip():
                    fragments[-1] += match.group(1)
                else:
                    fragments.append(match.group(1))
                last_end = match.end()
            pos = match.end()
        line = text.count("\n", 0, call.start()) + 1
        diagnostics[line] = [f for f in fragments if re.search("[A-Za-z]{2}", f)]
    return diagnostics


def expected_texts(*test_dirs):
    return [text for test_dir in test_dirs
            for path in (TEST_DIR / test_dir).rglob("*.mlir")
            for text in EXPECTED.findall(path.read_text())]


# Each source file's diagnostics, and where their tests live.
SOURCES = [
    *[(path, ["dialects"]) for path in sorted((SOURCE_DIR / "dialects").rglob("*.cpp"))],
    *[(path, ["passes"]) for path in sorted((SOURCE_DIR / "passes").rglob("*.cpp"))],
]


@pytest.mark.parametrize("source, test_dirs", SOURCES,
                         ids=[str(path.relative_to(SOURCE_DIR)) for path, _ in SOURCES])
def test_every_diagnostic_is_tested(source, test_dirs):
    """Every literal piece of every message (each branch of a conditional
    one included) appears in some expected-error of the tests."""
    expected = expected_texts(*test_dirs)
    untested = [f"{source.name}:{line}: {fragment!r}"
                for line, fragments in emitted_fragments(source).items()
                for fragment in fragments
                if not any(fragment in text for text in expected)]
    assert not untested, (f"diagnostics without an expected-error in test/"
                          f"{' or test/'.join(test_dirs)}:\n" + "\n".join(untested))


def test_every_predicate_trait_is_tested():
    """PredOpTrait summaries of the ODS files, as the verifier words them."""
    expected = expected_texts("dialects")
    summaries = [summary for path in (SOURCE_DIR / "dialects").rglob("*.td")
                 for summary in re.findall(r'PredOpTrait<\s*"([^"]*)"', path.read_text())]
    assert summaries
    untested = [s for s in summaries
                if not any(f"failed to verify that {s}" in text for text in expected)]
    assert not untested, f"PredOpTraits without an expected-error: {untested}"


def test_diagnostics_are_found():
    """The scanner itself: it sees the verifiers' messages, joined."""
    fragments = [f for frags in emitted_fragments(SOURCE_DIR / "dialects/ml/MLOps.cpp").values()
                 for f in frags]
    assert "'ml.matmul' op operands need rank 2 or more, got shapes " in fragments
    assert "; use ml.cast" in fragments
