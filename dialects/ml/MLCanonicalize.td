//===- MLCanonicalize.td - ml canonicalization patterns ------*- tablegen -*-===//
//
// Declarative rewrite rules behind the ops' `hasCanonicalizer`; the
// generated matchers are included by MLCanonicalize.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef ML_CANONICALIZE_TD
#define ML_CANONICALIZE_TD

include "MLOps.td"
include "mlir/IR/PatternBase.td"

class SplatOf<int n> : AttrConstraint<
    CPred<"::mlir::ml::isSplatOf($_self, " # n # ".0, " # n # ")">,
    "a splat of " # n>;

// x ** 2, x ** 3, x ** 4 by multiplication (square, then square again).
def PowTwo : Pat<(ML_PowOp $x, (ML_ConstantOp SplatOf<2>:$n)),
                 (ML_MulOp $x, $x)>;
def PowThree : Pat<(ML_PowOp $x, (ML_ConstantOp SplatOf<3>:$n)),
                   (ML_MulOp (ML_MulOp $x, $x), $x)>;
def PowFour : Pat<(ML_PowOp $x, (ML_ConstantOp SplatOf<4>:$n)),
                  (ML_MulOp (ML_MulOp:$square $x, $x), $square)>;

// The same where the exponent is broadcast to a dynamic shape (a constant
// of that shape cannot be written down).
def PowTwoDynamic : Pat<(ML_PowOp $x, (ML_BroadcastOp (ML_ConstantOp SplatOf<2>:$n), $dims)),
                        (ML_MulOp $x, $x)>;
def PowThreeDynamic : Pat<(ML_PowOp $x, (ML_BroadcastOp (ML_ConstantOp SplatOf<3>:$n), $dims)),
                          (ML_MulOp (ML_MulOp $x, $x), $x)>;
def PowFourDynamic : Pat<(ML_PowOp $x, (ML_BroadcastOp (ML_ConstantOp SplatOf<4>:$n), $dims)),
                         (ML_MulOp (ML_MulOp:$square $x, $x), $square)>;

#endif // ML_CANONICALIZE_TD
