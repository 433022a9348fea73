//===- KernelBuilders.cpp - IR builders of the ml-gpu-map-* passes ------===//

#include "passes/GPU/KernelBuilders.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
namespace mgpu = mlir::gpu;

namespace mlir::ml::gpu {

std::optional<Combiner> Combiner::match(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
    return std::nullopt;
  Block *body = op.getBlock();
  Value yielded = body->getTerminator()->getOperand(0);
  BlockArgument out = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  Operation *combine = yielded.getDefiningOp();
  if (!combine || combine->getBlock() != body ||
      combine->getNumOperands() != 2 || !out.hasOneUse())
    return std::nullopt;
  unsigned outOperand;
  if (combine->getOperand(0) == out)
    outOperand = 0;
  else if (combine->getOperand(1) == out)
    outOperand = 1;
  else
    return std::nullopt;
  std::optional<TypedAttr> neutral = arith::getNeutralElement(combine);
  if (!neutral)
    return std::nullopt;
  // -0.0 keeps a sum of negative zeros negative, as NumPy's is.
  if (auto zero = dyn_cast<FloatAttr>(*neutral);
      zero && isa<arith::AddFOp>(combine) && zero.getValue().isZero())
    neutral = FloatAttr::get(zero.getType(),
                             llvm::APFloat::getZero(
                                 zero.getValue().getSemantics(), true));
  return Combiner{combine, outOperand, *neutral};
}

Value Combiner::emit(OpBuilder &b, Location loc, Value lhs, Value rhs) const {
  IRMapping mapping;
  mapping.map(combine->getOperand(outOperand), lhs);
  mapping.map(combine->getOperand(1 - outOperand), rhs);
  Operation *clone = b.clone(*combine, mapping);
  clone->setLoc(loc);
  return clone->getResult(0);
}

Value Combiner::neutralValue(OpBuilder &b, Location loc) const {
  return arith::ConstantOp::create(b, loc, neutral);
}

bool hasStaticIterationSpace(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics())
    return false;
  for (OpOperand &operand : op->getOpOperands())
    if (auto type = dyn_cast<ShapedType>(operand.get().getType());
        type && !type.hasStaticShape())
      return false;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t total = 1;
  for (int64_t size : ranges) {
    if (ShapedType::isDynamic(size) || size < 0)
      return false;
    if (size != 0 && total > (int64_t(1) << 62) / size)
      return false;
    total *= size;
  }
  return true;
}

Value loadOperand(OpBuilder &b, Location loc, linalg::LinalgOp op,
                  OpOperand &operand, ValueRange ivs) {
  if (op.isScalar(&operand))
    return operand.get();
  AffineMap map = op.getMatchingIndexingMap(&operand);
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      indices.push_back(ivs[dim.getPosition()]);
      continue;
    }
    AffineMap single = AffineMap::get(map.getNumDims(), 0, expr);
    indices.push_back(affine::AffineApplyOp::create(b, loc, single, ivs));
  }
  return memref::LoadOp::create(b, loc, operand.get(), indices);
}

SmallVector<Value> loadInputs(OpBuilder &b, Location loc, linalg::LinalgOp op,
                              ValueRange ivs) {
  SmallVector<Value> values;
  for (OpOperand *input : op.getDpsInputOperands())
    values.push_back(op.payloadUsesValueFromOperand(input)
                         ? loadOperand(b, loc, op, *input, ivs)
                         : Value());
  return values;
}

void storeOperand(OpBuilder &b, Location loc, linalg::LinalgOp op,
                  OpOperand &operand, Value value, ValueRange ivs) {
  // Outputs are indexed by loop indices only (projected permutations).
  SmallVector<Value> indices;
  for (AffineExpr expr : op.getMatchingIndexingMap(&operand).getResults())
    indices.push_back(ivs[cast<AffineDimExpr>(expr).getPosition()]);
  auto store = memref::StoreOp::create(b, loc, value, operand.get(), indices);
  store->setAttr(kWritesEveryElement, b.getUnitAttr());
}

IRMapping clonePayload(OpBuilder &b, linalg::LinalgOp op, ValueRange args,
                       ValueRange ivs, Operation *stop) {
  Block *body = op.getBlock();
  IRMapping mapping;
  for (auto [arg, value] : llvm::zip(body->getArguments(), args))
    if (value)
      mapping.map(arg, value);
  for (Operation &inner : body->without_terminator()) {
    if (&inner == stop)
      break;
    if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
      mapping.map(index.getResult(), ivs[index.getDim()]);
      continue;
    }
    b.clone(inner, mapping);
  }
  return mapping;
}

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> sizes) {
  return delinearize(b, loc, linear,
                     getAsIndexOpFoldResult(b.getContext(), sizes));
}

SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> indices(sizes.size());
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    if (d == 0) {
      indices[d] = linear;
      break;
    }
    Value size = getValueOrCreateConstantIndexOp(b, loc, sizes[d]);
    indices[d] = arith::RemUIOp::create(b, loc, linear, size);
    linear = arith::DivUIOp::create(b, loc, linear, size);
  }
  return indices;
}

namespace {
mgpu::LaunchOp createLaunch(OpBuilder &b, Location loc, Value gridX,
                            ArrayRef<int64_t> grid, ArrayRef<int64_t> block,
                            TypeRange workgroup) {
  auto constant = [&](int64_t v) { return indexConstant(b, loc, v); };
  auto launch = mgpu::LaunchOp::create(
      b, loc, gridX, constant(grid[1]), constant(grid[2]),
      constant(block[0]), constant(block[1]), constant(block[2]),
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, workgroup);
  Block &body = launch.getBody().front();
  b.setInsertionPointToStart(&body);
  mgpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&body);
  return launch;
}
} // namespace

mgpu::LaunchOp createLaunch(OpBuilder &b, Location loc, ArrayRef<int64_t> grid,
                            ArrayRef<int64_t> block, TypeRange workgroup) {
  return createLaunch(b, loc, indexConstant(b, loc, grid[0]), grid, block,
                      workgroup);
}

mgpu::LaunchOp createLaunch(OpBuilder &b, Location loc, Value gridX,
                            ArrayRef<int64_t> block) {
  return createLaunch(b, loc, gridX, {0, 1, 1}, block, {});
}

MemRefType workgroupMemRef(ArrayRef<int64_t> shape, Type elementType) {
  MLIRContext *context = elementType.getContext();
  return MemRefType::get(shape, elementType, MemRefLayoutAttrInterface(),
                         mgpu::AddressSpaceAttr::get(
                             context, mgpu::AddressSpace::Workgroup));
}

void forLoop(OpBuilder &b, Location loc, Value start, Value end, Value step,
             function_ref<void(OpBuilder &, Location, Value)> body) {
  scf::ForOp::create(b, loc, start, end, step, ValueRange{},
                     [&](OpBuilder &nested, Location nestedLoc, Value i,
                         ValueRange) {
                       body(nested, nestedLoc, i);
                       scf::YieldOp::create(nested, nestedLoc);
                     });
}

SmallVector<int64_t> loopSizes(linalg::LinalgOp op, utils::IteratorType kind) {
  SmallVector<int64_t> sizes;
  for (auto [size, iterator] :
       llvm::zip(op.getStaticLoopRanges(), op.getIteratorTypesArray()))
    if (iterator == kind)
      sizes.push_back(size);
  return sizes;
}

SmallVector<OpFoldResult> loopSizes(OpBuilder &b, Location loc,
                                    linalg::LinalgOp op,
                                    utils::IteratorType kind) {
  SmallVector<OpFoldResult> sizes;
  for (auto [range, iterator] : llvm::zip(op.createLoopRanges(b, loc),
                                          op.getIteratorTypesArray()))
    if (iterator == kind)
      sizes.push_back(range.size);
  return sizes;
}

SmallVector<Value> loopOrder(linalg::LinalgOp op, ValueRange parallel,
                              ValueRange reduction) {
  SmallVector<Value> ivs;
  auto p = parallel.begin(), r = reduction.begin();
  for (utils::IteratorType iterator : op.getIteratorTypesArray())
    ivs.push_back(iterator == utils::IteratorType::parallel ? *p++ : *r++);
  return ivs;
}

} // namespace mlir::ml::gpu
