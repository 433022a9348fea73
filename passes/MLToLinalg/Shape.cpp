//===- Shape.cpp - ml constants and shape ops to linalg/tensor -----------===//
//
// Shape ops become views where bufferization can make them free
// (collapse/expand_shape, extract_slice) and named linalg ops otherwise.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/MLToLinalg/Patterns.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::ml;

namespace {

/// Any ml op whose result has no elements becomes a tensor.empty: nothing to
/// compute, and the other patterns need not think about empty results.
struct EmptyResultToEmptyTensor : ConversionPattern {
  EmptyResultToEmptyTensor(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/2, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value>,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa_and_present<MLDialect>(op->getDialect()) ||
        op->getNumResults() != 1)
      return failure();
    auto type = dyn_cast<RankedTensorType>(
        getTypeConverter()->convertType(op->getResult(0).getType()));
    if (!type || !type.hasStaticShape() || type.getNumElements() != 0)
      return failure();
    rewriter.replaceOp(op, createEmptyTensor(rewriter, op->getLoc(), type));
    return success();
  }
};

/// The integer `index` as an index value, a negative one counted from the
/// end of an axis of `size`, as NumPy does.
Value wrappedIndex(OpBuilder &b, Location loc, Value index, Value extent) {
  Value value = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, value, zero);
  Value wrapped = arith::AddIOp::create(b, loc, value, extent);
  return arith::SelectOp::create(b, loc, negative, wrapped, value);
}

/// A conversion pattern that knows the storage type of its op's result.
template <typename OpTy>
struct ShapePattern : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  RankedTensorType storageType(Type type) const {
    return cast<RankedTensorType>(this->getTypeConverter()->convertType(type));
  }
};

struct ConstantToArith : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = cast<TypedAttr>(op.getValue());
    Type storage = getTypeConverter()->convertType(op.getType());
    if (storage != op.getType()) {
      auto dense = dyn_cast<DenseElementsAttr>(value);
      if (!dense)
        return rewriter.notifyMatchFailure(op, "constant not dense");
      // Booleans become bytes; unsigned integers keep their bits.
      Type element = cast<ShapedType>(storage).getElementType();
      unsigned width = element.getIntOrFloatBitWidth();
      value = dense.mapValues(
          element, [&](const APInt &bits) { return bits.zext(width); });
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// The sizes of every dimension of `type`, `dims` giving its dynamic ones
/// in order (the operands of ml.broadcast and ml.reshape).
SmallVector<OpFoldResult> withDynamicSizes(RankedTensorType type,
                                           ValueRange dims) {
  SmallVector<OpFoldResult> sizes;
  auto next = dims.begin();
  for (int64_t size : type.getShape())
    sizes.push_back(ShapedType::isDynamic(size)
                        ? OpFoldResult(*next++)
                        : OpFoldResult(IntegerAttr::get(
                              IndexType::get(type.getContext()), size)));
  return sizes;
}

struct BroadcastToLinalg : ShapePattern<BroadcastOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = storageType(op.getType());
    rewriter.replaceOp(
        op, createBroadcast(rewriter, op.getLoc(), adaptor.getOperand(), type,
                            withDynamicSizes(type, adaptor.getDims())));
    return success();
  }
};

struct ReshapeToTensor : ShapePattern<ReshapeOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = storageType(op.getType());
    rewriter.replaceOp(
        op, createReshape(rewriter, op.getLoc(), adaptor.getOperand(), type,
                          withDynamicSizes(type, adaptor.getDims())));
    return success();
  }
};

struct TransposeToLinalg : ShapePattern<TransposeOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<OpFoldResult> inSizes =
        sizesOf(rewriter, op.getLoc(), adaptor.getOperand());
    SmallVector<OpFoldResult> sizes;
    for (int64_t axis : op.getPermutation())
      sizes.push_back(inSizes[axis]);
    Value init = createEmptyTensor(rewriter, op.getLoc(),
                                   storageType(op.getType()), sizes);
    rewriter.replaceOp(op, linalg::TransposeOp::create(
                               rewriter, op.getLoc(), adaptor.getOperand(),
                               init, op.getPermutation())
                               .getResult()[0]);
    return success();
  }
};

/// A slice is a tensor.extract_slice of the selected elements in increasing
/// order (a view after bufferization); dimensions walked backwards are then
/// reversed by a linalg.generic reading `size - 1 - d`.
struct SliceToTensor : ShapePattern<SliceOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = storageType(op.getType());
    ArrayRef<int64_t> shape = type.getShape();
    SmallVector<int64_t> offsets, strides;
    for (auto [start, stride, count] :
         llvm::zip_equal(op.getStart(), op.getStride(), shape)) {
      offsets.push_back(stride > 0 ? start : start + (count - 1) * stride);
      // A single element needs no stride; -INT64_MIN would overflow into
      // the dynamic-stride marker.
      strides.push_back(count == 1 ? 1 : std::abs(stride));
    }
    MLIRContext *ctx = rewriter.getContext();
    // A dynamic dimension is taken whole: the operand's size.
    SmallVector<OpFoldResult> operandSizes =
        sizesOf(rewriter, loc, adaptor.getOperand());
    SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(ctx, shape);
    for (auto [d, size] : llvm::enumerate(shape))
      if (ShapedType::isDynamic(size))
        sizes[d] = operandSizes[d];
    Value result = tensor::ExtractSliceOp::create(
        rewriter, loc, type, adaptor.getOperand(),
        getAsIndexOpFoldResult(ctx, offsets), sizes,
        getAsIndexOpFoldResult(ctx, strides));
    ArrayRef<int64_t> stride = op.getStride();
    if (llvm::all_of(stride, [](int64_t s) { return s > 0; })) {
      rewriter.replaceOp(op, result);
      return success();
    }
    int64_t rank = type.getRank();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr dim = rewriter.getAffineDimExpr(d);
      exprs.push_back(stride[d] > 0 ? dim : shape[d] - 1 - dim);
    }
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, exprs, ctx),
                                   rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto reverse = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, result,
        createEmptyTensor(rewriter, loc, type, sizes), maps, iterators,
        [](OpBuilder &b, Location nestedLoc, ValueRange args) {
          linalg::YieldOp::create(b, nestedLoc, args[0]);
        });
    rewriter.replaceOp(op, reverse.getResult(0));
    return success();
  }
};

/// A linalg.generic over the result whose body reads the operand with
/// tensor.extract at the looked-up index (negative indices wrap once, then
/// indices are clamped into range: no trap, no out-of-bounds read).
struct GatherToLinalg : ShapePattern<GatherOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = storageType(op.getType());
    Value operand = adaptor.getOperand();
    auto indicesType = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    int64_t indexRank = indicesType.getRank();
    // The result's sizes: the operand's around the axis, the indices' in it.
    SmallVector<OpFoldResult> operandSizes = sizesOf(rewriter, loc, operand);
    SmallVector<OpFoldResult> indexSizes =
        sizesOf(rewriter, loc, adaptor.getIndices());
    SmallVector<OpFoldResult> sizes(operandSizes.begin(),
                                    operandSizes.begin() + axis);
    sizes.append(indexSizes);
    sizes.append(operandSizes.begin() + axis + 1, operandSizes.end());
    Value extent =
        getValueOrCreateConstantIndexOp(rewriter, loc, operandSizes[axis]);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = axis; d < axis + indexRank; ++d)
      indexExprs.push_back(rewriter.getAffineDimExpr(d));
    SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, indexExprs, ctx),
                                   rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, adaptor.getIndices(),
        createEmptyTensor(rewriter, loc, type, sizes), maps, iterators,
        [&](OpBuilder &b, Location nl, ValueRange args) {
          Value index = wrappedIndex(b, nl, args[0], extent);
          Value zero = arith::ConstantIndexOp::create(b, nl, 0);
          Value last = arith::SubIOp::create(
              b, nl, extent, arith::ConstantIndexOp::create(b, nl, 1));
          index = arith::MaxSIOp::create(b, nl, index, zero);
          index = arith::MinSIOp::create(b, nl, index, last);
          SmallVector<Value> coordinates;
          for (int64_t d = 0; d < axis; ++d)
            coordinates.push_back(linalg::IndexOp::create(b, nl, d));
          coordinates.push_back(index);
          for (int64_t d = axis + indexRank; d < rank; ++d)
            coordinates.push_back(linalg::IndexOp::create(b, nl, d));
          Value element =
              tensor::ExtractOp::create(b, nl, operand, coordinates);
          linalg::YieldOp::create(b, nl, element);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// A tensor.insert_slice: bufferization writes it in place when the operand
/// is dead afterwards, so a chain of writes copies nothing.
struct UpdateSliceToTensor : ShapePattern<UpdateSliceOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(UpdateSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        op, adaptor.getUpdate(), adaptor.getOperand(),
        getAsIndexOpFoldResult(ctx, op.getStart()),
        sizesOf(rewriter, op.getLoc(), adaptor.getUpdate()),
        getAsIndexOpFoldResult(ctx, op.getStride()));
    return success();
  }
};

/// `starts` clamped into [0, operand size - slice size] per dimension, as
/// ml.dynamic_slice defines them: the access then stays in bounds whatever
/// the positions are.
SmallVector<OpFoldResult> clampedStarts(OpBuilder &b, Location loc,
                                        Value operand, ValueRange starts,
                                        ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> extents = sizesOf(b, loc, operand);
  SmallVector<OpFoldResult> clamped;
  for (auto [start, extent, size] : llvm::zip_equal(starts, extents, sizes)) {
    Value room = arith::SubIOp::create(
        b, loc, getValueOrCreateConstantIndexOp(b, loc, extent),
        getValueOrCreateConstantIndexOp(b, loc, size));
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value low = arith::MaxSIOp::create(b, loc, start, zero);
    clamped.push_back(arith::MinSIOp::create(b, loc, low, room).getResult());
  }
  return clamped;
}

/// A tensor.extract_slice at the clamped starts (a view after
/// bufferization).
struct DynamicSliceToTensor : ShapePattern<DynamicSliceOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(DynamicSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = storageType(op.getType());
    SmallVector<OpFoldResult> sizes = withDynamicSizes(type, adaptor.getDims());
    SmallVector<OpFoldResult> offsets = clampedStarts(
        rewriter, loc, adaptor.getOperand(), adaptor.getStarts(), sizes);
    SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, adaptor.getOperand(), offsets, sizes, strides);
    return success();
  }
};

/// A tensor.insert_slice at the clamped starts, in place after
/// bufferization when the operand is dead afterwards.
struct DynamicUpdateSliceToTensor : ShapePattern<DynamicUpdateSliceOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(DynamicUpdateSliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes = sizesOf(rewriter, loc, adaptor.getUpdate());
    SmallVector<OpFoldResult> offsets = clampedStarts(
        rewriter, loc, adaptor.getOperand(), adaptor.getStarts(), sizes);
    SmallVector<OpFoldResult> strides(sizes.size(), rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        op, adaptor.getUpdate(), adaptor.getOperand(), offsets, sizes, strides);
    return success();
  }
};

/// A loop nest over the updates, in row-major order so that the last of
/// repeated indices wins, carrying the result tensor: each element is one
/// tensor.insert (in place after bufferization), skipped for an index out
/// of range.
struct ScatterToLoops : ShapePattern<ScatterOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(ScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto updatesType = cast<RankedTensorType>(adaptor.getUpdates().getType());
    int64_t axis = op.getAxis();
    int64_t indexRank = op.getIndices().getType().getRank();
    Type logicalType = op.getType().getElementType();
    bool accumulate = op.getAccumulate();
    Value indices = adaptor.getIndices(), updates = adaptor.getUpdates();
    Value extent = getValueOrCreateConstantIndexOp(
        rewriter, loc, sizesOf(rewriter, loc, adaptor.getOperand())[axis]);
    SmallVector<Value> lower, upper, steps;
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (OpFoldResult size : sizesOf(rewriter, loc, updates)) {
      lower.push_back(zero);
      upper.push_back(getValueOrCreateConstantIndexOp(rewriter, loc, size));
      steps.push_back(one);
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lower, upper, steps, ValueRange{adaptor.getOperand()},
        [&](OpBuilder &b, Location nl, ValueRange ivs,
            ValueRange carried) -> scf::ValueVector {
          using P = arith::CmpIPredicate;
          Value at = tensor::ExtractOp::create(
              b, nl, indices, ivs.slice(axis, indexRank));
          Value index = wrappedIndex(b, nl, at, extent);
          Value inRange = arith::AndIOp::create(
              b, nl, arith::CmpIOp::create(b, nl, P::sge, index, zero),
              arith::CmpIOp::create(b, nl, P::slt, index, extent));
          SmallVector<Value> target(ivs.take_front(axis));
          target.push_back(index);
          llvm::append_range(target, ivs.drop_front(axis + indexRank));
          auto write = scf::IfOp::create(
              b, nl, inRange,
              [&](OpBuilder &tb, Location tl) {
                Value element = tensor::ExtractOp::create(tb, tl, updates, ivs);
                if (accumulate) {
                  Value old =
                      tensor::ExtractOp::create(tb, tl, carried[0], target);
                  Value lhs = loadScalar(tb, tl, old, logicalType);
                  Value rhs = loadScalar(tb, tl, element, logicalType);
                  Value sum =
                      logicalType.isInteger(1)
                          ? arith::OrIOp::create(tb, tl, lhs, rhs).getResult()
                          : addElements(tb, tl, lhs, rhs);
                  element = storeScalar(tb, tl, sum);
                }
                Value written = tensor::InsertOp::create(tb, tl, element,
                                                         carried[0], target);
                scf::YieldOp::create(tb, tl, written);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, carried[0]);
              });
          return {write.getResult(0)};
        });
    rewriter.replaceOp(op, nest.results);
    return success();
  }
};

struct ConcatenateToTensor : ShapePattern<ConcatenateOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(ConcatenateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = storageType(op.getType());
    int64_t dim = op.getDimension();
    // The result's sizes: the first input's, and the sum along `dim` (where
    // the result's type leaves a size dynamic, so does every input's).
    SmallVector<SmallVector<OpFoldResult>> inputSizes;
    for (Value input : adaptor.getInputs())
      inputSizes.push_back(sizesOf(rewriter, loc, input));
    auto add = [&](OpFoldResult a, OpFoldResult b) -> OpFoldResult {
      AffineExpr s0, s1;
      bindSymbols(rewriter.getContext(), s0, s1);
      return affine::makeComposedFoldedAffineApply(rewriter, loc, s0 + s1,
                                                   {a, b});
    };
    SmallVector<OpFoldResult> sizes = inputSizes.front();
    for (ArrayRef<OpFoldResult> more : ArrayRef(inputSizes).drop_front())
      sizes[dim] = add(sizes[dim], more[dim]);
    Value result = createEmptyTensor(rewriter, loc, type, sizes);
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> strides(type.getRank(),
                                      rewriter.getIndexAttr(1));
    for (auto [input, inputSize] :
         llvm::zip_equal(adaptor.getInputs(), inputSizes)) {
      auto inputType = cast<RankedTensorType>(input.getType());
      // An empty input adds nothing, and its offset may be the result's end,
      // which insert_slice rejects as out of bounds.
      if (inputType.hasStaticShape() && inputType.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, inputSize, strides);
      offsets[dim] = add(offsets[dim], inputSize[dim]);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// A linalg.generic writing each element's index.
struct IotaToLinalg : ShapePattern<IotaOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(IotaOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = storageType(op.getType());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(1)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{},
        createEmptyTensor(rewriter, loc, type,
                          withDynamicSizes(type, adaptor.getDims())),
        maps, {utils::IteratorType::parallel},
        [&](OpBuilder &b, Location nl, ValueRange) {
          Value index = arith::IndexCastOp::create(
              b, nl, b.getI64Type(), linalg::IndexOp::create(b, nl, 0));
          linalg::YieldOp::create(
              b, nl, convertScalar(b, nl, index, type.getElementType()));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// The size of a boolean argument (a tensor of i1 traced, of bytes from
/// here on) read by tensor.dim: the same size of the byte tensor.
struct DimOfBytes : OpConversionPattern<tensor::DimOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(tensor::DimOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<tensor::DimOp>(op, adaptor.getSource(),
                                               adaptor.getIndex());
    return success();
  }
};

} // namespace

void ml::populateShapeToLinalgPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<EmptyResultToEmptyTensor, ConstantToArith, BroadcastToLinalg,
               ReshapeToTensor, TransposeToLinalg, SliceToTensor,
               GatherToLinalg, UpdateSliceToTensor, ScatterToLoops,
               ConcatenateToTensor, IotaToLinalg, DynamicSliceToTensor,
               DynamicUpdateSliceToTensor, DimOfBytes>(
      converter, patterns.getContext());
}
