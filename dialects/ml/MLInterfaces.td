//===- MLInterfaces.td - ml dialect op interfaces -----------*- tablegen -*-===//
//
// What the derivative passes (passes/Autodiff) ask of ml ops: a JVP rule of
// every op, a transpose rule of the linear ones.
//
//===----------------------------------------------------------------------===//

#ifndef ML_INTERFACES_TD
#define ML_INTERFACES_TD

include "mlir/IR/OpBase.td"

def ML_JVPOpInterface : OpInterface<"JVPOpInterface"> {
  let description = [{
    The op's forward-mode derivative (Jacobian-vector product). Given a
    tangent per operand, the op builds a tangent per result from ops that
    are linear in the tangents: their other operands are the op's own
    operands and results (primal values), never a product of two tangents.
    So the tangent computation can be split from the primal one and
    transposed for reverse mode. A null tangent is a zero (also the tangent
    of every integer or boolean value, which has none); a result whose
    tangent is zero gets a null one, so zeros are never materialized where
    they can be skipped. Points where the op is not differentiable follow
    JAX's conventions (documented at each rule in MLDerivatives.cpp).
  }];
  let cppNamespace = "::mlir::ml";
  let methods = [
    InterfaceMethod<
      [{Appends one tangent per result to `resultTangents` (null for zero),
        built at `builder`'s insertion point (after the op) from
        `tangents`, one per operand (null for zero). Fails, with an error at
        the op, where the op has no derivative.}],
      "::mlir::LogicalResult", "buildJVP",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ArrayRef<::mlir::Value>":$tangents,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$resultTangents)>
  ];
}

def ML_TransposeOpInterface : OpInterface<"TransposeOpInterface"> {
  let description = [{
    The transpose of an op that is linear in some of its operands (a sum, a
    product or quotient by a primal value, a view, a reduction by sum): given
    the cotangent of its result, the cotangents of those operands. Reverse
    mode runs the tangent ops of a JVP backwards through these rules, so only
    the ops JVP rules build need one.
  }];
  let cppNamespace = "::mlir::ml";
  let methods = [
    InterfaceMethod<
      [{Appends one cotangent per operand to `operandCotangents`: for the
        operands marked in `linear` (the variables of the linear map), built
        at `builder`'s insertion point from `cotangent`, the result's; null
        for the others (fixed primal values, indices, sizes). Fails, with an
        error at the op, where it has no transpose (yet). The marked
        operands are those a JVP rule made linear: a product by a primal
        value, never of two marked operands.}],
      "::mlir::LogicalResult", "buildTranspose",
      (ins "::mlir::OpBuilder &":$builder, "::mlir::Value":$cotangent,
           "::llvm::ArrayRef<bool>":$linear,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandCotangents)>
  ];
}

#endif // ML_INTERFACES_TD
