# Errors in traced code name the user's file and line.
# RUN: %python %s | FileCheck %s

import numpy as np

import mljit
import mljit.numpy as mnp


def report(function, *args):
    try:
        mljit.jit(function)(*args)
    except Exception as error:  # noqa: BLE001 - the message is the test
        print(f"{type(error).__name__}: {error}")


def bad_matmul(x, w):
    return x @ w


# CHECK: TraceError: {{.*}}trace_errors.py:18: 'ml.matmul' op contracting dimensions differ: lhs 2x3 has K = 3 but rhs 4x5 has K = 4
report(bad_matmul, np.ones((2, 3)), np.ones((4, 5)))


def empty_max(x):
    return mnp.max(x, axis=0)


# CHECK: TraceError: {{.*}}trace_errors.py:26: 'ml.reduce' op max over axis 0 of size zero has no identity (shape 0x3)
report(empty_max, np.ones((0, 3)))


def branch(x):
    if x.sum() > 0:
        y = x
    return y


# CHECK: TraceError: {{.*}}trace_errors.py:34: `y` is defined only in the `if` branch of this `if` on a traced value, and used after it
report(branch, np.ones(3))


# CHECK: ConcretizationError: {{.*}}trace_errors.py:[[@LINE+1]]: bool() {{.*}} needs the value of a traced array (shape (), dtype bool), which is only known when the compiled function runs. {{.*}} mljit did not compile the control flow of <lambda>() because it is a lambda
report(lambda x: x if x.sum() > 0 else -x, np.ones(3))
