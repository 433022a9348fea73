//===- MatmulToBlas.cpp - the ml-matmul-to-blas pass ---------------------===//
//
// Large float matrix products are what optimized BLAS libraries are for; a
// library call beats generated loops there, so this pass hands them over.
//
//===----------------------------------------------------------------------===//

#include "passes/CPU/Passes.h"
#include "passes/Common/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::ml {
#define GEN_PASS_DEF_MATMULTOBLAS
#include "passes/CPU/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

bool isGemmType(Type type) {
  if (auto complex = dyn_cast<ComplexType>(type))
    type = complex.getElementType();
  return type.isF32() || type.isF64();
}

/// The element types of a product's operands (A, B, C) if the runtime
/// computes it: one of f32, f64, complex<f32> or complex<f64> throughout
/// (gemm, cgemm, zgemm), or a 2-D f64 product of an
/// f32 B (mljit_gemm_f64_f32: a weight read as stored, see
/// ml-fold-casts-into-products).
std::optional<SmallVector<Type, 3>> runtimeTypes(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op->getNumOperands() != 3)
    return std::nullopt;
  SmallVector<Type, 3> types;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<MemRefType>(operand.getType());
    if (!type)
      return std::nullopt;
    types.push_back(type.getElementType());
  }
  bool same = types[0] == types[1] && types[1] == types[2];
  if (same && isGemmType(types[0]))
    return types;
  bool mixed = types[0].isF64() && types[1].isF32() && types[2].isF64() &&
               isa<linalg::MatmulOp>(op);
  return mixed ? std::optional(types) : std::nullopt;
}

/// The runtime function's name suffix for `types`: f32, f64, c64, c128 or
/// f64_f32.
std::string suffix(ArrayRef<Type> types) {
  auto name = [](Type type) {
    if (auto complex = dyn_cast<ComplexType>(type))
      return complex.getElementType().isF32() ? "c64" : "c128";
    return type.isF32() ? "f32" : "f64";
  };
  return types[0] == types[1] ? name(types[0])
                              : std::string(name(types[0])) + "_" + name(types[1]);
}

bool hasDefaultMaps(Operation *op) {
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op))
    return !matmul.hasUserDefinedMaps();
  if (auto batch = dyn_cast<linalg::BatchMatmulOp>(op))
    return !batch.hasUserDefinedMaps();
  return false;
}

/// Which operands of a 2-D matmul with user-defined maps are read
/// transposed (`x.T @ y`, `x @ w.T`), which the call takes as transposed
/// views; nullopt for other maps.
std::optional<std::pair<bool, bool>> transposedOperands(Operation *op) {
  auto matmul = dyn_cast<linalg::MatmulOp>(op);
  if (!matmul || !matmul.hasUserDefinedMaps())
    return std::nullopt;
  for (bool lhs : {false, true})
    for (bool rhs : {false, true})
      if (matmul.getIndexingMapsArray() ==
          ml::matmulMaps(op->getContext(), lhs, rhs))
        return std::make_pair(lhs, rhs);
  return std::nullopt;
}

/// Whether `op`, or an op nested in it, reads or writes one of `buffers`.
bool touches(Operation *op, const DenseSet<Value> &buffers) {
  WalkResult found = op->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands())
      if (buffers.contains(operand))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return found.wasInterrupted();
}

/// The zero-fill of the product's output before it in its block, if any:
/// right before it, or (`anywhere`), where the output is in a buffer
/// allocated here, with no op between that touches the buffer or a view of
/// it. The call can then overwrite the output (beta = 0) and the fill goes
/// away. (CSE merges the fills of products of one shape, and
/// bufferization fills each product's buffer where that one fill was.)
bool isZero(Value value) {
  if (auto complex = value.getDefiningOp<complex::ConstantOp>())
    return llvm::all_of(complex.getValue(), [](Attribute part) {
      return cast<FloatAttr>(part).getValue().isZero();
    });
  return matchPattern(value, m_AnyZeroFloat());
}

linalg::FillOp zeroFillBefore(linalg::LinalgOp op, bool anywhere) {
  Value output = op.getDpsInits()[0];
  auto isZeroFill = [&](Operation *before) {
    auto fill = dyn_cast_if_present<linalg::FillOp>(before);
    return fill && fill.hasPureBufferSemantics() &&
                   fill.getOutputs()[0] == output &&
                   isZero(fill.getInputs()[0])
               ? fill
               : linalg::FillOp();
  };
  Value root = output;
  while (auto view = root.getDefiningOp<ViewLikeOpInterface>())
    root = view.getViewSource();
  if (!anywhere || !root.getDefiningOp<memref::AllocOp>())
    return isZeroFill(op->getPrevNode());
  DenseSet<Value> views{root};
  SmallVector<Value> pending{root};
  while (!pending.empty())
    for (Operation *user : pending.pop_back_val().getUsers())
      if (isa<ViewLikeOpInterface>(user))
        for (Value result : user->getResults())
          if (views.insert(result).second)
            pending.push_back(result);
  for (Operation *before = op->getPrevNode(); before;
       before = before->getPrevNode()) {
    if (linalg::FillOp fill = isZeroFill(before))
      return fill;
    // Making a view reads and writes nothing.
    if (!isa<ViewLikeOpInterface>(before) && touches(before, views))
      return {};
  }
  return {};
}

/// M*N*K (times the batch), or nullopt where a size is dynamic.
std::optional<int64_t> flops(linalg::LinalgOp op) {
  int64_t product = 1;
  for (int64_t range : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(range))
      return std::nullopt;
    product *= range;
  }
  return product;
}

/// The product of the static sizes alone: the least work a product of
/// dynamic size does (each dynamic size at least 1).
int64_t staticFlops(linalg::LinalgOp op) {
  int64_t product = 1;
  for (int64_t range : op.getStaticLoopRanges())
    if (!ShapedType::isDynamic(range))
      product *= range;
  return product;
}

struct MatmulToBlas : ml::impl::MatmulToBlasBase<MatmulToBlas> {
  using MatmulToBlasBase::MatmulToBlasBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> products;
    module.walk([&](linalg::LinalgOp op) {
      std::optional<int64_t> count = flops(op);
      if ((hasDefaultMaps(op) || transposedOperands(op)) && runtimeTypes(op) &&
          (!count || *count >= minFlops))
        products.push_back(op);
    });
    for (linalg::LinalgOp op : products) {
      // Work of a quarter of min-flops even at size 1 (a matrix-vector
      // product with a large weight) is the library's at any size: no
      // loops to choose, and none to compile.
      if (flops(op) || staticFlops(op) >= minFlops / 4)
        replaceWithCall(module, op);
      else
        chooseAtRunTime(module, op);
    }
  }

  /// A product of dynamic size: the call where its work reaches min-flops
  /// at run time, the loops (and the zero fill before them) otherwise.
  void chooseAtRunTime(ModuleOp module, linalg::LinalgOp op) {
    Location loc = op.getLoc();
    linalg::FillOp fill = zeroFillBefore(op, /*anywhere=*/false);
    OpBuilder builder(fill ? fill.getOperation() : op.getOperation());
    Value work;
    for (Range range : op.createLoopRanges(builder, loc)) {
      Value size = getValueOrCreateConstantIndexOp(builder, loc, range.size);
      work = work ? arith::MulIOp::create(builder, loc, work, size) : size;
    }
    Value large = arith::CmpIOp::create(
        builder, loc, arith::CmpIPredicate::sge, work,
        arith::ConstantIndexOp::create(builder, loc, minFlops));
    auto choice = scf::IfOp::create(builder, loc, large, /*withElse=*/true);
    builder.setInsertionPoint(choice.elseBlock()->getTerminator());
    if (fill)
      builder.clone(*fill);
    builder.clone(*op);
    if (fill)
      fill->moveBefore(choice.thenBlock()->getTerminator());
    op->moveBefore(choice.thenBlock()->getTerminator());
    replaceWithCall(module, op);
  }

  void replaceWithCall(ModuleOp module, linalg::LinalgOp op) {
    MLIRContext *ctx = &getContext();
    SmallVector<Type, 3> types = *runtimeTypes(op);
    bool batched = isa<linalg::BatchMatmulOp>(op);
    std::string name =
        std::string(batched ? "mljit_batch_gemm_" : "mljit_gemm_") + suffix(types);
    // Any strided layout: the runtime reads sizes and strides at run time.
    int64_t rank = batched ? 3 : 2;
    SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
    auto layout = StridedLayoutAttr::get(ctx, ShapedType::kDynamic, dynamic);
    SmallVector<Type> operandTypes;
    for (Type type : types)
      operandTypes.push_back(MemRefType::get(dynamic, type, layout));
    // beta (C = A @ B + beta * C), 0 or 1: a real number, also for complex
    // products (C's float complex passes unlike an LLVM {float, float}).
    Type betaType = types[2];
    if (auto complex = dyn_cast<ComplexType>(betaType))
      betaType = complex.getElementType();
    operandTypes.push_back(betaType);

    auto callee = module.lookupSymbol<func::FuncOp>(name);
    if (!callee) {
      OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
      callee = func::FuncOp::create(builder, op.getLoc(), name,
                                    builder.getFunctionType(operandTypes, {}));
      callee.setPrivate();
      callee->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
    }
    linalg::FillOp fill = zeroFillBefore(op, /*anywhere=*/true);
    OpBuilder builder(op);
    SmallVector<Value> operands;
    std::optional<std::pair<bool, bool>> transposed = transposedOperands(op);
    for (OpOperand &use : op->getOpOperands()) {
      Value operand = use.get();
      unsigned number = use.getOperandNumber();
      if (transposed && ((number == 0 && transposed->first) ||
                         (number == 1 && transposed->second)))
        operand = memref::TransposeOp::create(
            builder, op.getLoc(), operand,
            AffineMapAttr::get(AffineMap::getPermutationMap(
                ArrayRef<unsigned>{1, 0}, ctx)));
      operands.push_back(memref::CastOp::create(
          builder, op.getLoc(), operandTypes[use.getOperandNumber()], operand));
    }
    operands.push_back(arith::ConstantOp::create(
        builder, op.getLoc(), builder.getFloatAttr(betaType, fill ? 0 : 1)));
    func::CallOp::create(builder, op.getLoc(), callee, operands);
    if (fill)
      fill->erase();
    op->erase();
  }
};

} // namespace
