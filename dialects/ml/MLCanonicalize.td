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

// x + (zeros with a slice set to u), where x is zero on that slice (zeros,
// or zeros with other, disjoint slices set): x with the slice set to u.
// Reverse mode sums the cotangents of a split's pieces (each padded with
// zeros) so; the sum becomes the pieces written into one buffer. (Exact
// but for the sign of a zero.)
def ZeroOnSlice : Constraint<CPred<"::mlir::ml::isZeroOnSlice($0, $1, $2)">,
                             "zero on the slice">;
def SameType : Constraint<CPred<"$0.getType() == $1.getType()">, "same type">;
def AddIntoZeroSlice : Pat<
    (ML_AddOp:$sum $x, (ML_UpdateSliceOp (ML_ConstantOp SplatOf<0>:$zeros),
                                         $u, $start, $limit, $stride)),
    (ML_UpdateSliceOp $x, $u, $start, $limit, $stride),
    [(ZeroOnSlice $x, $start, $limit), (SameType $x, $sum)]>;
def AddIntoZeroSliceSwapped : Pat<
    (ML_AddOp:$sum (ML_UpdateSliceOp (ML_ConstantOp SplatOf<0>:$zeros),
                                     $u, $start, $limit, $stride), $x),
    (ML_UpdateSliceOp $x, $u, $start, $limit, $stride),
    [(ZeroOnSlice $x, $start, $limit), (SameType $x, $sum)]>;

#endif // ML_CANONICALIZE_TD
