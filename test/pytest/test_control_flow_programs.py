"""Random programs (hypothesis) nesting `if`, `while` and `for` on traced
values, with `break`, `continue` and `return`, written as plain Python: each is saved as a module (so that its
source can be read and converted), run jitted and as plain Python + NumPy,
and the results compared."""

import importlib.util
import os
import textwrap

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import mljit

SETTINGS = settings(
    max_examples=int(os.environ.get("MLJIT_HYPOTHESIS_EXAMPLES", "40")),
    derandomize=not os.environ.get("MLJIT_HYPOTHESIS_RANDOM"),
    deadline=None,
)

# Values stay in [-1, 1]-ish (tanh) so that no program overflows. `a` and
# `b` are rebound, `c` is only written in place (a variable written in place
# on one path and rebound on another is refused), `k` is a Python int that
# becomes traced where a traced branch or loop changes it.
ASSIGNMENTS = [
    "a = np.tanh(a + b)",
    "b = np.tanh(a * b - 0.5)",
    "a = a[::-1] * 0.9",
    "b = np.abs(b) - 0.25",
    "c[{i}] = b.sum() * 0.1",
    "c += a * 0.5",
    "c *= 0.5",
    "k += 1",
    "t = a * 2.0\n    b = np.tanh(t - c)",
]
CONDITIONS = [
    "a.sum() > b.sum()",
    "a[{i}] > 0",
    "b.max() > 0.2 and c.min() < 0.1",
    "not a[{i}] < b[{i}]",
    "k % 2 == 0",
    "n % 3 == 1",
    "a.mean() > 0 or k > 2",
]


@st.composite
def blocks(draw, depth: int, loop_index: bool = False) -> list:
    lines = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["assign", "assign", "if", "while", "for"]
                                    if depth > 0 else ["assign"]))
        index = draw(st.integers(0, 2))
        if kind == "assign":
            lines += draw(st.sampled_from(ASSIGNMENTS)).format(i=index).split("\n    ")
            if loop_index and draw(st.booleans()):
                lines.append("a = a + i * 0.01")
            continue
        condition = draw(st.sampled_from(CONDITIONS)).format(i=index)
        body = draw(blocks(depth - 1, loop_index or kind == "for"))
        if kind == "if":
            lines.append(f"if {condition}:")
            lines += ["    " + line for line in body + draw(early_return())]
            if draw(st.booleans()):
                lines.append("else:")
                lines += ["    " + line for line in draw(blocks(depth - 1, loop_index))]
        elif kind == "while":
            # Ends: its own step counter, counted first, is in the condition.
            steps = f"steps{depth}"
            lines += [f"{steps} = 0", f"while ({condition}) and {steps} < {index + 2}:",
                      f"    {steps} += 1"]
            lines += ["    " + line for line in body + draw(jump())]
        else:
            bound = draw(st.sampled_from(["n", "n + 1", "3", "k"]))
            lines.append(f"for i in range({bound}):")
            lines += ["    " + line for line in draw(jump()) + body]
    return lines


@st.composite
def jump(draw) -> list:
    """Nothing, or a `break`, `continue` or `return` under a condition."""
    kind = draw(st.sampled_from([None, None, "break", "continue", "return a, b, c, k"]))
    if kind is None:
        return []
    condition = draw(st.sampled_from(CONDITIONS)).format(i=draw(st.integers(0, 2)))
    return [f"if {condition}:", f"    {kind}"]


@st.composite
def early_return(draw) -> list:
    return draw(st.sampled_from([[], [], [], ["return a, b, c, k"]]))


def load(source: str, directory) -> callable:
    path = os.path.join(directory, f"program_{abs(hash(source))}.py")
    with open(path, "w") as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location(os.path.basename(path)[:-3], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.program


@SETTINGS
@given(body=blocks(3), n=st.integers(0, 4),
       a=st.lists(st.floats(-1, 1), min_size=3, max_size=3),
       b=st.lists(st.floats(-1, 1), min_size=3, max_size=3))
def test_random_control_flow_matches_numpy(tmp_path_factory, body, n, a, b):
    source = ("import numpy as np\n\n\ndef program(a, b, n):\n    k = 0\n    c = a * b\n"
              + textwrap.indent("\n".join(body), "    ") + "\n    return a, b, c, k\n")
    program = load(source, tmp_path_factory.getbasetemp())
    a, b = np.array(a), np.array(b)
    expected = program(a.copy(), b.copy(), n)
    result = mljit.jit(program)(a.copy(), b.copy(), n)
    for got, want, name in zip(result, expected, "abck"):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-9, atol=1e-12,
                                   err_msg=f"{name} differs for\n{source}")
