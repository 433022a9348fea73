# The tracer turns NumPy-style code into ml ops, with explicit broadcasts and
# casts, and locates every op at the user's line.
# RUN: %python %s | FileCheck %s

import numpy as np

import mljit
import mljit.numpy as mnp


def show(function, *args, **options):
    print(mljit.jit(function).lower(*args).as_text(**options))


def mlp(x, w, b):
    return mnp.tanh(x @ w + b).sum(axis=1)


# CHECK-LABEL: func.func @jit_mlp(%arg0: tensor<4x3xf32>, %arg1: tensor<3x5xf32>, %arg2: tensor<5xf32>) -> tensor<4xf32>
# CHECK-SAME: attributes {llvm.emit_c_interface}
# CHECK: %[[M:.*]] = ml.matmul %arg0, %arg1 : (tensor<4x3xf32>, tensor<3x5xf32>) -> tensor<4x5xf32>
# CHECK: %[[B:.*]] = ml.broadcast %arg2 : tensor<5xf32> to tensor<4x5xf32>
# CHECK: %[[S:.*]] = ml.add %[[M]], %[[B]] : tensor<4x5xf32>
# CHECK: %[[T:.*]] = ml.tanh %[[S]] : tensor<4x5xf32>
# CHECK: %[[R:.*]] = ml.reduce sum %[[T]] axes = [1] : tensor<4x5xf32> -> tensor<4xf32>
# CHECK: return %[[R]] : tensor<4xf32>
f32 = np.float32
show(mlp, np.ones((4, 3), f32), np.ones((3, 5), f32), np.ones(5, f32))


# Promotion follows NumPy: a Python float is weak (stays float32), an int32
# array divided by an int32 array is float64, comparisons give i1.
def promote(x, i):
    return x * 2.0, i / i, x > 0


# CHECK-LABEL: func.func @jit_promote(%arg0: tensor<3xf32>, %arg1: tensor<3xi32>) -> (tensor<3xf32>, tensor<3xf64>, tensor<3xi1>)
# CHECK: %[[TWO:.*]] = ml.constant dense<2.000000e+00> : tensor<3xf32>
# CHECK: ml.mul %arg0, %[[TWO]] : tensor<3xf32>
# CHECK: %[[A:.*]] = ml.cast %arg1 : tensor<3xi32> to tensor<3xf64>
# CHECK: %[[B:.*]] = ml.cast %arg1 : tensor<3xi32> to tensor<3xf64>
# CHECK: ml.div %[[A]], %[[B]] : tensor<3xf64>
# CHECK: %[[ZERO:.*]] = ml.constant dense<0.000000e+00> : tensor<3xf32>
# CHECK: ml.compare gt, %arg0, %[[ZERO]] : tensor<3xf32>
show(promote, np.ones(3, f32), np.ones(3, np.int32))


# Basic indexing: slices with any step, integers, None and `...`.
def index(x):
    return x[::-1, 1], x[None, ..., ::2]


# CHECK-LABEL: func.func @jit_index
# CHECK: %[[S:.*]] = ml.slice %arg0 [3:-1:-1, 1:2:1] : tensor<4x3xf32> -> tensor<4x1xf32>
# CHECK: ml.reshape %[[S]] : tensor<4x1xf32> to tensor<4xf32>
# CHECK: %[[T:.*]] = ml.slice %arg0 [0:4:1, 0:3:2] : tensor<4x3xf32> -> tensor<4x2xf32>
# CHECK: ml.reshape %[[T]] : tensor<4x2xf32> to tensor<1x4x2xf32>
show(index, np.ones((4, 3), f32))


# Every op carries the file, line and column of the user's code.
def located(x):
    y = mnp.exp(x)
    return y.T


# CHECK-LABEL: func.func @jit_located
# CHECK: ml.exp %arg0 : tensor<2x3xf32> loc([[EXP:#loc[0-9]*]])
# CHECK: ml.transpose %{{.*}}, [1, 0] : tensor<2x3xf32> -> tensor<3x2xf32> loc([[T:#loc[0-9]*]])
# CHECK-DAG: [[EXP]] = loc("{{.*}}trace_model.py":63:9)
# CHECK-DAG: [[T]] = loc("{{.*}}trace_model.py":64:12)
show(located, np.ones((2, 3), f32), debug_info=True)
