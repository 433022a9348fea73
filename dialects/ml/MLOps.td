//===- MLOps.td - ml dialect ops ----------------------------*- tablegen -*-===//
//
// Every op here has NumPy's meaning. Elementwise ops take operands of one
// type; the tracer makes broadcasting (ml.broadcast) and promotion (ml.cast)
// explicit before building them.
//
//===----------------------------------------------------------------------===//

#ifndef ML_OPS_TD
#define ML_OPS_TD

include "MLDialect.td"
include "MLInterfaces.td"
include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Element counts (and the strides bufferization derives from shapes) are
// int64: a shape whose product overflows would abort shape arithmetic in the
// verifiers, the conversion and MLIR itself, so no ml op accepts one.
def ML_CountableTensors : PredOpTrait<
    "every tensor's non-zero sizes multiply to less than 2^63",
    CPred<"::llvm::all_of($_op.getOperandTypes(), ::mlir::ml::isCountable) && "
          "::llvm::all_of($_op.getResultTypes(), ::mlir::ml::isCountable)">>;

// Every op has a derivative rule (MLDerivatives.cpp), or says where it has
// none. Ops linear in some operands (ML_Linear) also have a transpose rule,
// for reverse mode.
defvar ML_Linear = DeclareOpInterfaceMethods<ML_TransposeOpInterface>;

class ML_Op<string mnemonic, list<Trait> traits = []>
    : Op<ML_Dialect, mnemonic, traits # [ML_CountableTensors,
        DeclareOpInterfaceMethods<ML_JVPOpInterface>]>;

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

def ML_ConstantOp : ML_Op<"constant",
    [ConstantLike, Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "a tensor constant";
  let description = [{
    Materializes a dense (or resource) elements attribute as a tensor value.

    Example:

    ```mlir
    %c = ml.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    %z = ml.constant dense<0> : tensor<i64>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise binary ops
//===----------------------------------------------------------------------===//

class ML_BinaryOp<string mnemonic, Type tensorType, string meaning,
                  list<Trait> traits = []>
    : ML_Op<mnemonic, traits # [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise " # meaning;
  let arguments = (ins tensorType:$lhs, tensorType:$rhs);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($result)";
}

def ML_AddOp : ML_BinaryOp<"add", ML_ArithmeticTensor, "addition",
                           [Commutative, ML_Linear]> {
  let description = [{
    `lhs + rhs` elementwise. Integers wrap around on overflow.

    Example:

    ```mlir
    %r = ml.add %a, %b : tensor<4x8xf32>
    ```
  }];
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def ML_SubOp : ML_BinaryOp<"sub", ML_ArithmeticTensor, "subtraction",
                           [ML_Linear]> {
  let description = [{
    `lhs - rhs` elementwise. Integers wrap around on overflow.

    Example:

    ```mlir
    %r = ml.sub %a, %b : tensor<4xi32>
    ```
  }];
  let hasFolder = 1;
}

def ML_MulOp : ML_BinaryOp<"mul", ML_ArithmeticTensor, "multiplication",
                           [Commutative, ML_Linear]> {
  let description = [{
    `lhs * rhs` elementwise. Integers wrap around on overflow.

    Example:

    ```mlir
    %r = ml.mul %a, %b : tensor<4xf64>
    ```
  }];
  let hasFolder = 1;
}

def ML_DivOp : ML_BinaryOp<"div", ML_InexactTensor, "true division",
                           [ML_Linear]> {
  let description = [{
    IEEE division `lhs / rhs` (NumPy's `true_divide`). Integer operands are
    not accepted: NumPy's `/` on integers converts to a float type first, and
    `//` is `ml.floordiv`.

    Example:

    ```mlir
    %r = ml.div %a, %b : tensor<4xf32>
    ```
  }];
  let hasFolder = 1;
}

def ML_FloorDivOp : ML_BinaryOp<"floordiv", ML_NumericTensor,
                                "floor division"> {
  let description = [{
    NumPy's `floor_divide` (Python's `//`): the quotient rounded towards
    negative infinity. For integers, division by zero yields 0 and
    `INT_MIN // -1` wraps to `INT_MIN`, as NumPy does; neither traps. For
    floats it matches NumPy exactly (`1.0 // 0.1 == 9.0`), and division by
    zero gives `inf` or `nan`.

    Example:

    ```mlir
    %r = ml.floordiv %a, %b : tensor<4xi32>
    ```
  }];
}

def ML_RemOp : ML_BinaryOp<"rem", ML_NumericTensor, "remainder"> {
  let description = [{
    NumPy's `remainder` (Python's `%`): the result has the sign of `rhs`.
    For integers, a zero divisor yields 0 without trapping; for floats it
    yields `nan`.

    Example:

    ```mlir
    %r = ml.rem %a, %b : tensor<4xi64>
    ```
  }];
}

def ML_PowOp : ML_BinaryOp<"pow", ML_ArithmeticTensor, "power"> {
  let description = [{
    `lhs ** rhs` elementwise. For integers the result wraps on overflow; a
    negative exponent (an error in NumPy) yields `1` for a base of `1`,
    `±1` for a base of `-1` and 0 otherwise, without trapping.

    A constant exponent of 2, 3 or 4 canonicalizes to multiplications, as
    JAX's `integer_pow` does (`x ** 3` is `x * x * x`): for integers the
    result is the same; for floats `x ** 2` is the same and 3 or 4 round
    once per product (within 2 ULP of a correctly rounded `pow`), where a
    general `pow` would cost tens of instructions per element.

    Example:

    ```mlir
    %r = ml.pow %a, %b : tensor<4xf32>
    ```
  }];
  let hasCanonicalizer = 1;
}

def ML_MaximumOp : ML_BinaryOp<"maximum", ML_Tensor, "maximum",
                               [Commutative]> {
  let description = [{
    NumPy's `maximum`: NaN in either operand gives NaN. On `i1` it is a
    logical or.

    Example:

    ```mlir
    %r = ml.maximum %a, %b : tensor<4xf32>
    ```
  }];
  let hasFolder = 1;
}

def ML_MinimumOp : ML_BinaryOp<"minimum", ML_Tensor, "minimum",
                               [Commutative]> {
  let description = [{
    NumPy's `minimum`: NaN in either operand gives NaN. On `i1` it is a
    logical and.

    Example:

    ```mlir
    %r = ml.minimum %a, %b : tensor<4xi32>
    ```
  }];
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Elementwise unary ops
//===----------------------------------------------------------------------===//

class ML_UnaryOp<string mnemonic, Type tensorType, string meaning,
                 list<Trait> traits = []>
    : ML_Op<mnemonic, traits # [Pure, SameOperandsAndResultType]> {
  let summary = "elementwise " # meaning;
  let description = "Applies NumPy's `" # meaning # "` to every element."
      # "\n\nExample:\n\n```mlir\n%r = ml." # mnemonic
      # " %x : tensor<4x4xf32>\n```";
  let arguments = (ins tensorType:$operand);
  let results = (outs tensorType:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
}

def ML_NegOp : ML_UnaryOp<"neg", ML_ArithmeticTensor, "negative", [ML_Linear]> {
  let hasFolder = 1;
}
def ML_AbsOp : ML_UnaryOp<"abs", ML_NumericTensor, "absolute">;
def ML_SignOp : ML_UnaryOp<"sign", ML_NumericTensor, "sign">;
def ML_ExpOp : ML_UnaryOp<"exp", ML_InexactTensor, "exp">;
def ML_LogOp : ML_UnaryOp<"log", ML_InexactTensor, "log">;
def ML_Log1pOp : ML_UnaryOp<"log1p", ML_FloatTensor, "log1p">;
def ML_TanhOp : ML_UnaryOp<"tanh", ML_InexactTensor, "tanh">;
def ML_SqrtOp : ML_UnaryOp<"sqrt", ML_InexactTensor, "sqrt">;
def ML_RsqrtOp : ML_UnaryOp<"rsqrt", ML_FloatTensor, "reciprocal square root">;
def ML_SinOp : ML_UnaryOp<"sin", ML_InexactTensor, "sin">;
def ML_CosOp : ML_UnaryOp<"cos", ML_InexactTensor, "cos">;
def ML_FloorOp : ML_UnaryOp<"floor", ML_FloatTensor, "floor">;
def ML_CeilOp : ML_UnaryOp<"ceil", ML_FloatTensor, "ceil">;
def ML_TruncOp : ML_UnaryOp<"trunc", ML_FloatTensor, "trunc">;
def ML_RintOp : ML_UnaryOp<"rint", ML_FloatTensor, "rint">;
def ML_Expm1Op : ML_UnaryOp<"expm1", ML_FloatTensor, "expm1">;
def ML_Exp2Op : ML_UnaryOp<"exp2", ML_FloatTensor, "exp2">;
def ML_Log2Op : ML_UnaryOp<"log2", ML_FloatTensor, "log2">;
def ML_Log10Op : ML_UnaryOp<"log10", ML_FloatTensor, "log10">;
def ML_CbrtOp : ML_UnaryOp<"cbrt", ML_FloatTensor, "cbrt">;
def ML_TanOp : ML_UnaryOp<"tan", ML_FloatTensor, "tan">;
def ML_AsinOp : ML_UnaryOp<"asin", ML_FloatTensor, "arcsin">;
def ML_AcosOp : ML_UnaryOp<"acos", ML_FloatTensor, "arccos">;
def ML_AtanOp : ML_UnaryOp<"atan", ML_FloatTensor, "arctan">;
def ML_SinhOp : ML_UnaryOp<"sinh", ML_FloatTensor, "sinh">;
def ML_CoshOp : ML_UnaryOp<"cosh", ML_FloatTensor, "cosh">;

//===----------------------------------------------------------------------===//
// Complex numbers
//===----------------------------------------------------------------------===//

def ML_ConjOp : ML_UnaryOp<"conj", ML_ComplexTensor, "conjugate">;

/// A real tensor computed from a complex one of the same shape, whose
/// element type is the complex element type's parts.
class ML_ComplexToRealOp<string mnemonic, string meaning>
    : ML_Op<mnemonic, [Pure, SameOperandsAndResultShape,
        TypesMatchWith<"result elements are the operand's parts", "operand",
                       "result", "::mlir::ml::realPartsType($_self)">]> {
  let summary = "elementwise " # meaning # " of complex numbers";
  let description = "NumPy's `" # meaning # "` of every element, in the "
      # "complex type's parts (f32 for complex<f32>)."
      # "\n\nExample:\n\n```mlir\n%r = ml." # mnemonic
      # " %z : tensor<4xcomplex<f32>>\n```";
  let arguments = (ins ML_ComplexTensor:$operand);
  let results = (outs ML_FloatTensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand)";
}

def ML_RealOp : ML_ComplexToRealOp<"real", "real part">;
def ML_ImagOp : ML_ComplexToRealOp<"imag", "imaginary part">;
// |z| = hypot(re, im): no overflow where |z| itself is finite.
def ML_ComplexAbsOp : ML_ComplexToRealOp<"complex_abs", "absolute value">;

//===----------------------------------------------------------------------===//
// More elementwise binary ops
//===----------------------------------------------------------------------===//

def ML_Atan2Op : ML_BinaryOp<"atan2", ML_FloatTensor, "arctangent of lhs/rhs"> {
  let description = [{
    NumPy's `arctan2(lhs, rhs)`: the angle of the point (rhs, lhs), using
    both signs to pick the quadrant.

    Example:

    ```mlir
    %r = ml.atan2 %y, %x : tensor<4xf32>
    ```
  }];
}

class ML_BitwiseOp<string mnemonic, string meaning>
    : ML_BinaryOp<mnemonic, ML_IntOrBoolTensor, "bitwise " # meaning,
                  [Commutative]> {
  let description = "NumPy's `bitwise_" # mnemonic # "` (`" # meaning
      # "`): on `i1` the logical operation."
      # "\n\nExample:\n\n```mlir\n%r = ml." # mnemonic
      # " %a, %b : tensor<4xi32>\n```";
}

def ML_AndOp : ML_BitwiseOp<"and", "&">;
def ML_OrOp : ML_BitwiseOp<"or", "|">;
def ML_XorOp : ML_BitwiseOp<"xor", "^">;

def ML_ShiftLeftOp : ML_BinaryOp<"shift_left", ML_IntTensor, "left shift"> {
  let description = [{
    NumPy's `left_shift` (`<<`): shifting by the bit width or more (or by a
    negative amount) gives 0.

    Example:

    ```mlir
    %r = ml.shift_left %a, %b : tensor<4xi32>
    ```
  }];
}

def ML_ShiftRightOp : ML_BinaryOp<"shift_right", ML_IntTensor,
                                  "arithmetic right shift"> {
  let description = [{
    NumPy's `right_shift` (`>>`) on signed integers: the sign is kept, and
    shifting by the bit width or more (or by a negative amount) gives 0 or
    -1.

    Example:

    ```mlir
    %r = ml.shift_right %a, %b : tensor<4xi64>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Comparison, selection and conversion
//===----------------------------------------------------------------------===//

def ML_CompareOp : ML_Op<"compare", [Pure, SameTypeOperands,
    SameOperandsAndResultShape, InferTypeOpAdaptor]> {
  let summary = "elementwise comparison giving booleans";
  let description = [{
    Compares `lhs` with `rhs` elementwise by `direction` (`eq`, `ne`, `lt`,
    `le`, `gt`, `ge`). Every comparison with NaN is false except `ne`, which
    is true. Integers compare as signed, `i1` as unsigned (false < true).

    Example:

    ```mlir
    %m = ml.compare lt, %a, %b : tensor<4xf32>
    // %m : tensor<4xi1>
    ```
  }];
  let arguments = (ins ML_ComparisonDirectionAttr:$direction,
                       ML_Tensor:$lhs, ML_Tensor:$rhs);
  let results = (outs ML_BoolTensor:$result);
  let assemblyFormat =
      "`` $direction `,` $lhs `,` $rhs attr-dict `:` type($lhs)";
  let hasFolder = 1;
}

def ML_SelectOp : ML_Op<"select", [Pure, ML_Linear,
    AllTypesMatch<["on_true", "on_false", "result"]>,
    AllShapesMatch<["condition", "result"]>]> {
  let summary = "elementwise choice by a boolean mask (np.where)";
  let description = [{
    `condition ? on_true : on_false` elementwise.

    Example:

    ```mlir
    %r = ml.select %m, %a, %b : tensor<4xi1>, tensor<4xf32>
    ```
  }];
  let arguments = (ins ML_BoolTensor:$condition, ML_Tensor:$on_true,
                       ML_Tensor:$on_false);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$condition `,` $on_true `,` $on_false attr-dict "
                       "`:` type($condition) `,` type($result)";
  let hasFolder = 1;
}

def ML_CastOp : ML_Op<"cast", [Pure, SameOperandsAndResultShape, ML_Linear]> {
  let summary = "elementwise dtype conversion (ndarray.astype)";
  let description = [{
    Converts every element to the result's element type as NumPy's `astype`
    does: floats to integers truncate towards zero, anything to `i1` tests
    for non-zero (NaN is true), `i1` to numbers gives 0 or 1, and float to
    float rounds to nearest even.

    Example:

    ```mlir
    %r = ml.cast %x : tensor<4xf32> to tensor<4xi32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `to` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

def ML_BroadcastOp : ML_Op<"broadcast", [Pure, ML_Linear]> {
  let summary = "NumPy broadcasting to a larger shape (np.broadcast_to)";
  let description = [{
    Broadcasts `operand` to the result shape by NumPy's rules: dimensions are
    aligned at the end; each operand dimension equals the result's or is 1;
    missing leading dimensions are added.

    `dims` gives the sizes of the result's dynamic dimensions, in order. A
    dynamic operand dimension never stretches: it has the size of the
    result dimension it is aligned with (the tracer broadcasts a symbolic
    size only to itself).

    Example:

    ```mlir
    %r = ml.broadcast %x : tensor<1x3xf32> to tensor<2x4x3xf32>
    %s = ml.broadcast %b [%n] : tensor<3xf32> to tensor<?x3xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, Variadic<Index>:$dims);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$operand (` ` `[` $dims^ `]`)? attr-dict `:` type($operand) "
                       "`to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def ML_ReshapeOp : ML_Op<"reshape", [Pure, ML_Linear]> {
  let summary = "row-major reshape (ndarray.reshape)";
  let description = [{
    Reinterprets the elements of `operand`, in row-major order, with the
    result's shape. Both shapes hold the same number of elements.

    `dims` gives the sizes of the result's dynamic dimensions, in order.

    Example:

    ```mlir
    %r = ml.reshape %x : tensor<2x6xf32> to tensor<3x4xf32>
    %s = ml.reshape %y [%n] : tensor<?x12xf32> to tensor<?x3x4xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, Variadic<Index>:$dims);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$operand (` ` `[` $dims^ `]`)? attr-dict `:` type($operand) "
                       "`to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def ML_IotaOp : ML_Op<"iota", [Pure]> {
  let summary = "0, 1, 2, ... in a 1-D tensor (np.arange)";
  let description = [{
    Element `i` of the result is `i`, in the result's element type. `dims`
    gives the size when it is dynamic: the tracer makes `np.arange(n)` and
    `np.tri(n)` of a symbolic size from it.

    Example:

    ```mlir
    %r = ml.iota [%n] : tensor<?xi64>
    ```
  }];
  let arguments = (ins Variadic<Index>:$dims);
  let results = (outs ML_NumericTensor:$result);
  let assemblyFormat = "(` ` `[` $dims^ `]`)? attr-dict `:` type($result)";
  let hasVerifier = 1;
}

def ML_TransposeOp : ML_Op<"transpose", [Pure, InferTypeOpAdaptor, ML_Linear]> {
  let summary = "dimension permutation (np.transpose)";
  let description = [{
    Result dimension `i` is operand dimension `permutation[i]`.

    Example:

    ```mlir
    %r = ml.transpose %x, [2, 0, 1] : tensor<2x3x4xf32> -> tensor<4x2x3xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, DenseI64ArrayAttr:$permutation);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$operand `,` $permutation attr-dict `:` type($operand) "
                       "`->` type($result)";
  let hasFolder = 1;
}

def ML_SliceOp : ML_Op<"slice", [Pure, InferTypeOpAdaptor, ML_Linear]> {
  let summary = "strided slice (x[start:limit:stride] per dimension)";
  let description = [{
    Takes, along every dimension `d`, the elements `start[d]`,
    `start[d] + stride[d]`, ... up to but excluding `limit[d]`, as a Python
    slice does once normalized by `slice.indices`. A positive stride needs
    `0 <= start <= limit <= size`; a negative one walks backwards and needs
    `-1 <= limit <= start <= size - 1`. A dynamic dimension is taken whole
    with `0:?:1`.

    Example:

    ```mlir
    %r = ml.slice %x [0:4:2, 3:-1:-1] : tensor<4x4xf32> -> tensor<2x4xf32>
    %s = ml.slice %y [0:?:1, 0:64:1] : tensor<?x768xf32> -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, DenseI64ArrayAttr:$start,
                       DenseI64ArrayAttr:$limit, DenseI64ArrayAttr:$stride);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$operand custom<SliceRanges>($start, $limit, $stride) "
                       "attr-dict `:` type($operand) `->` type($result)";
  let hasFolder = 1;
}

def ML_GatherOp : ML_Op<"gather", [Pure, InferTypeOpAdaptor, ML_Linear]> {
  let summary = "picks slices along an axis by index (np.take)";
  let description = [{
    `result[a..., i..., b...] = operand[a..., indices[i...], b...]`, the
    indexed axis replaced by the dimensions of `indices`. Negative indices
    count from the end, as in NumPy; indices outside `[-size, size)` are
    clamped to the nearest valid one (there is no error channel at run time;
    the tracer rejects out-of-range indices it knows).

    Example:

    ```mlir
    %rows = ml.gather %table, %ids axis = 0
        : (tensor<1000x64xf32>, tensor<8x16xi32>) -> tensor<8x16x64xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, ML_IntTensor:$indices, I64Attr:$axis);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$operand `,` $indices `axis` `=` $axis attr-dict `:` "
                       "`(` type($operand) `,` type($indices) `)` `->` type($result)";
}

def ML_UpdateSliceOp : ML_Op<"update_slice",
    [Pure, ML_Linear, AllTypesMatch<["operand", "result"]>]> {
  let summary = "the operand with a strided slice replaced (x[a:b:s] = update)";
  let description = [{
    The value of `operand` after NumPy's `x[start:limit:stride] = update`,
    one range per dimension: `update` has exactly the shape `ml.slice` with
    the same ranges would give. Strides are positive (the tracer turns a
    write through a reversed slice into one through the ascending slice of
    the reversed update). After bufferization the write happens in place
    when `operand` is not used afterwards.

    Example:

    ```mlir
    %r = ml.update_slice %row into %x [1:2:1, 0:4:1]
        : tensor<1x4xf32> into tensor<3x4xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, ML_Tensor:$update,
                       DenseI64ArrayAttr:$start, DenseI64ArrayAttr:$limit,
                       DenseI64ArrayAttr:$stride);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$update `into` $operand "
                       "custom<SliceRanges>($start, $limit, $stride) "
                       "attr-dict `:` type($update) `into` type($operand)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def ML_DynamicSliceOp : ML_Op<"dynamic_slice",
    [Pure, AttrSizedOperandSegments, ML_Linear]> {
  let summary = "a contiguous slice at positions known at run time (x[p:p+n])";
  let description = [{
    Takes, along every dimension `d`, the elements `starts[d]`, ...,
    `starts[d] + size[d] - 1`, where `size` is the result's shape: what
    `x[p:q]` is once `p` and `q` are only known when the function runs (a
    KV-cache position). `dims` gives the sizes of the result's dynamic
    dimensions, in order. The tracer guards that every range lies within
    the operand; as in `stablehlo.dynamic_slice`, a start outside
    `[0, dimension size - size]` is clamped into it, so no start makes the
    op read out of bounds.

    Example:

    ```mlir
    %row = ml.dynamic_slice %cache [%pos, %c0] : tensor<128x64xf32> -> tensor<1x64xf32>
    %past = ml.dynamic_slice %cache [%c0, %c0] [%n] : tensor<128x64xf32> -> tensor<?x64xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, Variadic<Index>:$starts,
                       Variadic<Index>:$dims);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$operand `[` $starts `]` (` ` `[` $dims^ `]`)? attr-dict "
                       "`:` type($operand) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def ML_DynamicUpdateSliceOp : ML_Op<"dynamic_update_slice",
    [Pure, ML_Linear, AllTypesMatch<["operand", "result"]>]> {
  let summary = "the operand with a contiguous slice at run-time positions "
                "replaced (x[p:p+n] = update)";
  let description = [{
    The value of `operand` after `x[starts[0]:starts[0] + n0, ...] =
    update`, `(n0, ...)` the shape of `update`. Starts are clamped into
    `[0, dimension size - update size]` as in `ml.dynamic_slice`. After
    bufferization the write happens in place when `operand` is not used
    afterwards (a KV cache written one row per step copies nothing).

    Example:

    ```mlir
    %new = ml.dynamic_update_slice %k into %cache [%pos, %c0]
        : tensor<1x64xf32> into tensor<128x64xf32>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, ML_Tensor:$update,
                       Variadic<Index>:$starts);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$update `into` $operand `[` $starts `]` attr-dict `:` "
                       "type($update) `into` type($operand)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def ML_ScatterOp : ML_Op<"scatter",
    [Pure, ML_Linear, AllTypesMatch<["operand", "result"]>]> {
  let summary = "writes slices along an axis at indices (x[..., i, ...] = u)";
  let description = [{
    The inverse of `ml.gather`: `updates` has the shape `ml.gather` of the
    same operand, indices and axis would give, and
    `result[a..., indices[i...], b...] = updates[a..., i..., b...]`. Writes
    happen in the row-major order of `indices`, so the last of repeated
    indices wins, as in NumPy's `x[idx] = u`; with `accumulate`, every
    update is added instead (`np.add.at`; logical or for booleans). Negative
    indices count from the end; indices outside `[-size, size)` write
    nothing (there is no error channel at run time; the tracer rejects
    out-of-range indices it knows).

    Example:

    ```mlir
    %r = ml.scatter %rows into %table [%ids] axis = 0 accumulate
        : (tensor<1000x64xf32>, tensor<8xi64>, tensor<8x64xf32>)
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, ML_IntTensor:$indices,
                       ML_Tensor:$updates, I64Attr:$axis,
                       UnitAttr:$accumulate);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$updates `into` $operand `[` $indices `]` `axis` `=` "
                       "$axis (`accumulate` $accumulate^)? attr-dict `:` `(` "
                       "type($operand) `,` type($indices) `,` type($updates) "
                       "`)`";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def ML_ConcatenateOp : ML_Op<"concatenate", [Pure, SameOperandsElementType, ML_Linear,
    InferTypeOpAdaptor]> {
  let summary = "joins tensors along a dimension (np.concatenate)";
  let description = [{
    All operands have the same rank and the same sizes except along
    `dimension`.

    Example:

    ```mlir
    %r = ml.concatenate %a, %b dim = 1
        : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<ML_Tensor>:$inputs, I64Attr:$dimension);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "$inputs `dim` `=` $dimension attr-dict `:` "
                       "functional-type($inputs, $result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Contractions and reductions
//===----------------------------------------------------------------------===//

def ML_MatmulOp : ML_Op<"matmul", [Pure, SameOperandsElementType, ML_Linear,
    InferTypeOpAdaptor]> {
  let summary = "matrix product with broadcast batch dimensions (np.matmul)";
  let description = [{
    Multiplies the trailing two dimensions, `[..., M, K] x [..., K, N] ->
    [..., M, N]`; the leading (batch) dimensions broadcast by NumPy's rules.
    Both operands have rank 2 or more (the tracer reshapes vectors as
    `np.matmul` does). Integer products wrap; f16 and bf16 accumulate in f32.

    Example:

    ```mlir
    %r = ml.matmul %a, %b : (tensor<8x1x4x5xf32>, tensor<3x5x6xf32>)
                          -> tensor<8x3x4x6xf32>
    ```
  }];
  let arguments = (ins ML_ArithmeticTensor:$lhs, ML_ArithmeticTensor:$rhs);
  let results = (outs ML_ArithmeticTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` "
                       "`(` type($lhs) `,` type($rhs) `)` `->` type($result)";
}

def ML_ReduceOp : ML_Op<"reduce", [Pure, SameOperandsAndResultElementType, ML_Linear,
    InferTypeOpAdaptor]> {
  let summary = "sum, product, max or min along axes";
  let description = [{
    Combines the elements along every axis in `axes` with `kind`: `sum`,
    `prod`, `max` or `min`. Reduced dimensions are dropped, or kept with size
    1 under `keepdims`. `max` and `min` propagate NaN and have no identity, so
    they reject a zero-size reduced dimension; on `i1` they are any/all.
    f16 and bf16 sums and products accumulate in f32.

    Example:

    ```mlir
    %r = ml.reduce sum %x axes = [0, 2] keepdims
        : tensor<2x3x4xf32> -> tensor<1x3x1xf32>
    ```
  }];
  let arguments = (ins ML_ReduceKindAttr:$kind, ML_Tensor:$operand,
                       DenseI64ArrayAttr:$axes, UnitAttr:$keepdims);
  let results = (outs ML_Tensor:$result);
  let assemblyFormat = "`` $kind $operand `axes` `=` $axes (`keepdims` $keepdims^)? "
                       "attr-dict `:` type($operand) `->` type($result)";
}

def ML_CumsumOp : ML_Op<"cumsum", [Pure, SameOperandsAndResultType, ML_Linear]> {
  let summary = "running sum along an axis (np.cumsum)";
  let description = [{
    Element `i` along `axis` is the sum of elements `0..i`, accumulated in
    the element type (integers wrap; f16 rounds every partial sum, as NumPy).

    Example:

    ```mlir
    %r = ml.cumsum %x axis = 1 : tensor<2x5xf32>
    ```
  }];
  let arguments = (ins ML_ArithmeticTensor:$operand, I64Attr:$axis);
  let results = (outs ML_ArithmeticTensor:$result);
  let assemblyFormat = "$operand `axis` `=` $axis attr-dict `:` type($result)";
  let hasVerifier = 1;
}

class ML_ArgReduceOp<string mnemonic, string which>
    : ML_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "index of the " # which # " element along an axis";
  let description = [{
    The index (i64) of the first }] # which # [{ element along `axis`, as
    NumPy's `arg}] # which # [{`; the first NaN wins if there is one. The
    axis is dropped, or kept with size 1 under `keepdims`. A zero-size axis is
    rejected.

    Example:

    ```mlir
    %i = ml.}] # mnemonic # [{ %x axis = 1 : tensor<2x3xf32> -> tensor<2xi64>
    ```
  }];
  let arguments = (ins ML_Tensor:$operand, I64Attr:$axis, UnitAttr:$keepdims);
  let results = (outs ML_IndexTensor:$result);
  let assemblyFormat = "$operand `axis` `=` $axis (`keepdims` $keepdims^)? "
                       "attr-dict `:` type($operand) `->` type($result)";
}

def ML_ArgMaxOp : ML_ArgReduceOp<"argmax", "largest">;
def ML_ArgMinOp : ML_ArgReduceOp<"argmin", "smallest">;

//===----------------------------------------------------------------------===//
// Derivatives of traced code
//===----------------------------------------------------------------------===//

def ML_VJPOp : Op<ML_Dialect, "vjp", [AttrSizedOperandSegments,
    AttrSizedResultSegments, RecursiveMemoryEffects, ML_CountableTensors]> {
  let summary = "a function's results and their vector-Jacobian product";
  let description = [{
    Runs its body on `primals` (the body's arguments) and returns what the
    body yields (`results`), then the cotangent of each primal
    (`gradients`): the Jacobian of the body's first results at `primals`,
    transposed, applied to `cotangents` (one per differentiated result, of
    its type; a scalar result with cotangent 1 gives its gradient). The
    results after those (`has_aux`'s auxiliary data) are not
    differentiated. Values the body reads from outside are constants
    of the derivative, as the arguments of `jax.grad` not in `argnums`.
    `mljit.grad` and `value_and_grad` trace to this op;
    `ml-expand-derivatives` replaces it with the body's ops and their
    reverse-mode derivative (`ml-vjp`'s rules), in place.

    Example:

    ```mlir
    %loss, %dw = ml.vjp (%w : tensor<4xf32>) cotangents (%one : tensor<f32>)
        -> (tensor<f32>) gradients (tensor<4xf32>) {
    ^bb0(%v: tensor<4xf32>):
      %e = ml.exp %v : tensor<4xf32>
      %s = ml.reduce sum %e axes = [0] : tensor<4xf32> -> tensor<f32>
      ml.yield %s : tensor<f32>
    }
    ```
  }];
  let arguments = (ins Variadic<ML_FloatTensor>:$primals,
                       Variadic<ML_FloatTensor>:$cotangents);
  let results = (outs Variadic<ML_Tensor>:$results,
                      Variadic<ML_FloatTensor>:$gradients);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "`(` $primals `:` type($primals) `)` `cotangents` `(` "
                       "$cotangents `:` type($cotangents) `)` `->` `(` "
                       "type($results) `)` `gradients` `(` type($gradients) "
                       "`)` $body attr-dict";
  let hasVerifier = 1;
}

def ML_JVPOp : Op<ML_Dialect, "jvp", [AttrSizedOperandSegments,
    AttrSizedResultSegments, RecursiveMemoryEffects, ML_CountableTensors]> {
  let summary = "a function's results and their Jacobian-vector product";
  let description = [{
    Runs its body on `primals` (the body's arguments) and returns what the
    body yields (`results`), then the tangent of each of the first results
    (`resultTangents`, one per differentiated result, of its type): the
    Jacobian of the body at `primals` applied to `tangents` (one per
    primal, of its type). The results after those (`has_aux`'s auxiliary
    data) are not differentiated. Values the body reads from outside are
    constants of the derivative. `mljit.jvp` traces to this op;
    `ml-expand-derivatives` replaces it with the body's ops, each followed
    by its tangent (`ml-jvp`'s rules), in place.

    Example:

    ```mlir
    %y, %dy = ml.jvp (%x : tensor<4xf32>) tangents (%dx : tensor<4xf32>)
        -> (tensor<4xf32>) tangents (tensor<4xf32>) {
    ^bb0(%v: tensor<4xf32>):
      %e = ml.exp %v : tensor<4xf32>
      ml.yield %e : tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<ML_FloatTensor>:$primals,
                       Variadic<ML_FloatTensor>:$tangents);
  let results = (outs Variadic<ML_Tensor>:$results,
                      Variadic<ML_FloatTensor>:$resultTangents);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "`(` $primals `:` type($primals) `)` `tangents` `(` "
                       "$tangents `:` type($tangents) `)` `->` `(` "
                       "type($results) `)` `tangents` `(` "
                       "type($resultTangents) `)` $body attr-dict";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Rematerialization
//===----------------------------------------------------------------------===//

def ML_CheckpointOp : Op<ML_Dialect, "checkpoint", [RecursiveMemoryEffects,
    ML_CountableTensors]> {
  let summary = "values whose reverse-mode derivative recomputes them";
  let description = [{
    Runs its body and returns what it yields, as if its ops stood in its
    place. Reverse mode does not keep the values computed inside for the
    backward pass: the transpose of the op recomputes them, from the values
    the body reads from outside, right where the backward pass needs them,
    so that they take memory only for as long as each half needs them
    (`jax.checkpoint`). With `prevent_cse` (the default) those values pass
    through an `ml.optimization_barrier` first, so that CSE cannot merge the
    recomputation back into the forward values. `mljit.checkpoint` traces
    to this op; `ml-expand-derivatives` puts the body in its place once
    every derivative is taken.

    Example:

    ```mlir
    %y = ml.checkpoint -> (tensor<4xf32>) {
      %e = ml.exp %x : tensor<4xf32>
      %t = ml.tanh %e : tensor<4xf32>
      ml.yield %t : tensor<4xf32>
    }
    ```
  }];
  let arguments = (ins DefaultValuedAttr<BoolAttr, "true">:$prevent_cse);
  let results = (outs Variadic<ML_Tensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "`->` `(` type($results) `)` $body attr-dict";
  let hasVerifier = 1;
}

def ML_OptimizationBarrierOp : ML_Op<"optimization_barrier", [
    InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<BufferizableOpInterface, [
      "bufferizesToMemoryRead", "bufferizesToMemoryWrite",
      "getAliasingValues", "bufferize"]>]> {
  let summary = "its operands, which no optimization sees through";
  let description = [{
    Returns its operands. It declares no memory effects, so that CSE and
    canonicalization neither merge two barriers nor the ops reading one
    with the same ops reading its operands, and fusion does not cross it:
    the recomputation of an `ml.checkpoint` reads its inputs through one.
    It stays through the lowering to linalg and disappears in
    bufferization, where its results are its operands' buffers.
    Derivatives pass through it unchanged.

    Example:

    ```mlir
    %a, %b = ml.optimization_barrier %x, %y : tensor<4xf32>, tensor<2xi32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

def ML_YieldOp : Op<ML_Dialect, "yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["VJPOp", "JVPOp", "CheckpointOp"]>]> {
  let summary = "the results of an ml.vjp, ml.jvp or ml.checkpoint body";
  let description = [{
    Ends the body of `ml.vjp`, `ml.jvp` or `ml.checkpoint` with the values
    it returns.

    Example:

    ```mlir
    ml.yield %s : tensor<f32>
    ```
  }];
  let arguments = (ins Variadic<ML_Tensor>:$results);
  let assemblyFormat = "$results attr-dict `:` type($results)";
}

#endif // ML_OPS_TD
