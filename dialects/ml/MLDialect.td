//===- MLDialect.td - the ml dialect, its types and attributes -*- tablegen -*-===//
//
// The `ml` dialect is what mljit traces Python/NumPy code into: value-semantic
// ops on ranked tensors, with NumPy's meaning for every op. Broadcasting and
// dtype promotion are explicit (ml.broadcast, ml.cast), so every elementwise op
// sees operands of one type.
//
//===----------------------------------------------------------------------===//

#ifndef ML_DIALECT_TD
#define ML_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def ML_Dialect : Dialect {
  let name = "ml";
  let cppNamespace = "::mlir::ml";
  let summary = "Value-semantic tensor ops with NumPy semantics";
  let description = [{
    The `ml` dialect holds the programs that `mljit` traces from Python. Its
    ops work on ranked tensors of f16, bf16, f32, f64, i1, i8, i16, i32,
    i64, ui8, ui16, ui32 and ui64. Signless integers are read as signed two's
    complement, unsigned ones as unsigned (NumPy's uint8 ... uint64); `i1` is
    a boolean (true is 1). Every op follows NumPy's definition of the same
    operation, including integer division by zero (which yields 0) and NaN
    propagation. Shapes are static today; verifiers and type inference accept
    dynamic dimensions so that they stay representable.
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

// f8E4M3FN and f8E5M2 are ml_dtypes' float8_e4m3fn and float8_e5m2.
def ML_Float : AnyTypeOf<[F8E4M3FN, F8E5M2, F16, BF16, F32, F64],
                         "floating-point">;
// Signless integers are signed (two's complement); unsigned ones (ui8 for
// NumPy's uint8) divide, shift, compare and convert as unsigned.
def ML_Int : AnyTypeOf<[I8, I16, I32, I64, UI8, UI16, UI32, UI64],
                       "signless or unsigned integer">;
def ML_Bool : TypeAlias<I1, "boolean">;
// NumPy's complex64 and complex128.
def ML_Complex : AnyTypeOf<[Complex<F32>, Complex<F64>], "complex">;

def ML_Tensor : RankedTensorOf<[ML_Float, ML_Int, I1, ML_Complex]>;
// Real numbers: ordered, and what integer-only or float-only semantics
// (floor division, sign, rounding) are defined on.
def ML_NumericTensor : RankedTensorOf<[ML_Float, ML_Int]>;
// Numbers a ring's operations (+, -, *) are defined on.
def ML_ArithmeticTensor : RankedTensorOf<[ML_Float, ML_Int, ML_Complex]>;
def ML_FloatTensor : RankedTensorOf<[ML_Float]>;
def ML_InexactTensor : RankedTensorOf<[ML_Float, ML_Complex]>;
def ML_ComplexTensor : RankedTensorOf<[ML_Complex]>;
def ML_BoolTensor : RankedTensorOf<[I1]>;
def ML_IndexTensor : RankedTensorOf<[I64]>;
def ML_IntTensor : RankedTensorOf<[ML_Int]>;
def ML_IntOrBoolTensor : RankedTensorOf<[ML_Int, I1]>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def ML_ComparisonDirection : I32EnumAttr<"ComparisonDirection",
    "how ml.compare compares its operands", [
  I32EnumAttrCase<"EQ", 0, "eq">,
  I32EnumAttrCase<"NE", 1, "ne">,
  I32EnumAttrCase<"LT", 2, "lt">,
  I32EnumAttrCase<"LE", 3, "le">,
  I32EnumAttrCase<"GT", 4, "gt">,
  I32EnumAttrCase<"GE", 5, "ge">
]> {
  let cppNamespace = "::mlir::ml";
  let genSpecializedAttr = 0;
}
def ML_ComparisonDirectionAttr
    : EnumAttr<ML_Dialect, ML_ComparisonDirection, "comparison_direction">;

def ML_ReduceKind : I32EnumAttr<"ReduceKind",
    "the combining function of ml.reduce", [
  I32EnumAttrCase<"Sum", 0, "sum">,
  I32EnumAttrCase<"Prod", 1, "prod">,
  I32EnumAttrCase<"Max", 2, "max">,
  I32EnumAttrCase<"Min", 3, "min">
]> {
  let cppNamespace = "::mlir::ml";
  let genSpecializedAttr = 0;
}
def ML_ReduceKindAttr : EnumAttr<ML_Dialect, ML_ReduceKind, "reduce_kind">;

#endif // ML_DIALECT_TD
