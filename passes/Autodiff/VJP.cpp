//===- VJP.cpp - the ml-vjp pass ------------------------------------------===//
//
// Reverse mode as JAX does it ("You Only Linearize Once"): the function's
// tangents (ml-jvp's rules), then the linear part of that program -- the
// ops a tangent flows through -- run backwards, each through its transpose
// rule (ml::TransposeOpInterface), from the results' cotangents to the
// arguments'. The primal ops stay where they are and the backward ops
// follow them in the same function, so the pipeline fuses and tiles the
// forward and backward computation as one program.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/Autodiff/Passes.h"
#include "passes/Autodiff/Tangents.h"
#include "passes/Autodiff/Targets.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::ml {
#define GEN_PASS_DEF_VJP
#include "passes/Autodiff/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

/// Adds `cotangent` to what `value` has gathered.
void accumulate(OpBuilder &builder, DenseMap<Value, Value> &cotangents,
                Value value, Value cotangent) {
  Value &sum = cotangents[value];
  sum = sum ? Value(ml::AddOp::create(builder, cotangent.getLoc(),
                                      sum.getType(), sum, cotangent))
            : cotangent;
}

/// `@<name>`: `function`'s arguments and a cotangent for each float result;
/// its results and the cotangent of each float argument.
LogicalResult buildVJP(func::FuncOp function, StringRef name) {
  DenseMap<Value, Value> tangents;
  FailureOr<func::FuncOp> derivative =
      ml::cloneWithTangents(function, name, tangents);
  if (failed(derivative))
    return failure();
  Block &body = derivative->getBody().front();
  unsigned primalArguments = function.getNumArguments();

  // The linear program: every op a tangent flows through.
  DenseSet<Value> linearValues;
  for (BlockArgument tangent : body.getArguments().drop_front(primalArguments))
    linearValues.insert(tangent);
  SmallVector<Operation *> linearOps;
  for (Operation &op : body.without_terminator())
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return linearValues.contains(v); })) {
      linearOps.push_back(&op);
      linearValues.insert(op.getResults().begin(), op.getResults().end());
    }

  // Transpose rules read the sizes of the operands they send cotangents to:
  // with dynamic sizes, those of tangents, which are gone afterwards.
  for (Value value : linearValues)
    if (!cast<ShapedType>(value.getType()).hasStaticShape())
      return function.emitOpError("has a tangent of dynamic shape ")
             << value.getType() << ": ml-vjp takes static shapes (for now)";

  // The results' cotangents are new arguments.
  auto returnOp = cast<func::ReturnOp>(body.getTerminator());
  OpBuilder builder(returnOp);
  DenseMap<Value, Value> cotangents;
  for (Value result : returnOp.getOperands())
    if (ml::isDifferentiable(result.getType())) {
      Value cotangent = body.addArgument(result.getType(), result.getLoc());
      Value tangent = tangents.lookup(result);
      if (tangent && linearValues.contains(tangent))
        accumulate(builder, cotangents, tangent, cotangent);
    }

  // Backwards through the linear program, after everything else.
  for (Operation *op : llvm::reverse(linearOps)) {
    Value cotangent = cotangents.lookup(op->getResult(0));
    if (!cotangent)
      continue;
    // Tangents flow through the ops JVP rules build, all linear ml ops.
    auto rule = cast<ml::TransposeOpInterface>(op);
    SmallVector<bool> linear;
    for (Value operand : op->getOperands())
      linear.push_back(linearValues.contains(operand));
    SmallVector<Value> operandCotangents;
    if (failed(rule.buildTranspose(builder, cotangent, linear,
                                   operandCotangents)))
      return failure();
    for (auto [operand, operandCotangent] :
         llvm::zip(op->getOperands(), operandCotangents))
      if (operandCotangent && linearValues.contains(operand))
        accumulate(builder, cotangents, operand, operandCotangent);
  }

  SmallVector<Value> results(returnOp.getOperands());
  for (BlockArgument argument : body.getArguments().take_front(primalArguments))
    if (ml::isDifferentiable(argument.getType())) {
      Value cotangent = cotangents.lookup(tangents.lookup(argument));
      results.push_back(cotangent ? cotangent
                                  : ml::buildZerosLike(builder,
                                                       argument.getLoc(),
                                                       argument));
    }
  func::ReturnOp::create(builder, returnOp.getLoc(), results);
  returnOp.erase();

  // The forward tangents are no longer needed, nor are their arguments.
  for (Operation *op : llvm::reverse(linearOps))
    op->erase();
  llvm::BitVector erase(body.getNumArguments());
  for (BlockArgument argument : body.getArguments().take_front(primalArguments))
    if (Value tangent = tangents.lookup(argument))
      erase.set(cast<BlockArgument>(tangent).getArgNumber());
  body.eraseArguments(erase);
  derivative->setFunctionType(builder.getFunctionType(
      body.getArgumentTypes(), ValueRange(results).getTypes()));

  // What the tangents alone used (their slopes, zeros) is dead now.
  IRRewriter rewriter(derivative->getContext());
  (void)runRegionDCE(rewriter, derivative->getBody());
  return success();
}

struct VJP : ml::impl::VJPBase<VJP> {
  using VJPBase::VJPBase;

  void runOnOperation() override {
    FailureOr<SmallVector<func::FuncOp>> targets =
        ml::functionsToDifferentiate(getOperation(), functions, "_vjp", "ml-vjp");
    if (failed(targets))
      return signalPassFailure();
    for (func::FuncOp function : *targets)
      if (failed(buildVJP(function, (function.getSymName() + "_vjp").str())))
        return signalPassFailure();
  }
};

} // namespace
