//===- Shape.cpp - ml constants and shape ops to linalg/tensor -----------===//
//
// Shape ops become views where bufferization can make them free
// (collapse/expand_shape, extract_slice) and named linalg ops otherwise.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/MLToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
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
        return rewriter.notifyMatchFailure(op, "boolean constant not dense");
      value = dense.mapValues(rewriter.getI8Type(),
                              [](const APInt &bit) { return bit.zext(8); });
    }
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

struct BroadcastToLinalg : ShapePattern<BroadcastOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, createBroadcast(rewriter, op.getLoc(),
                                           adaptor.getOperand(),
                                           storageType(op.getType())));
    return success();
  }
};

struct ReshapeToTensor : ShapePattern<ReshapeOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, createReshape(rewriter, op.getLoc(),
                                         adaptor.getOperand(),
                                         storageType(op.getType())));
    return success();
  }
};

struct TransposeToLinalg : ShapePattern<TransposeOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value init =
        createEmptyTensor(rewriter, op.getLoc(), storageType(op.getType()));
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
    Value result = tensor::ExtractSliceOp::create(
        rewriter, loc, type, adaptor.getOperand(),
        getAsIndexOpFoldResult(ctx, offsets), getAsIndexOpFoldResult(ctx, shape),
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
        createEmptyTensor(rewriter, loc, type), maps, iterators,
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
    int64_t size = op.getOperand().getType().getDimSize(axis);
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
        createEmptyTensor(rewriter, loc, type), maps, iterators,
        [&](OpBuilder &b, Location nl, ValueRange args) {
          using P = arith::CmpIPredicate;
          Type indexType = b.getIndexType();
          Value index = arith::IndexCastOp::create(b, nl, indexType, args[0]);
          Value zero = arith::ConstantIndexOp::create(b, nl, 0);
          Value extent = arith::ConstantIndexOp::create(b, nl, size);
          Value last = arith::ConstantIndexOp::create(b, nl, size - 1);
          Value negative = arith::CmpIOp::create(b, nl, P::slt, index, zero);
          Value wrapped = arith::AddIOp::create(b, nl, index, extent);
          index = arith::SelectOp::create(b, nl, negative, wrapped, index);
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

struct ConcatenateToTensor : ShapePattern<ConcatenateOp> {
  using ShapePattern::ShapePattern;

  LogicalResult
  matchAndRewrite(ConcatenateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = storageType(op.getType());
    int64_t dim = op.getDimension();
    Value result = createEmptyTensor(rewriter, loc, type);
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> offsets(type.getRank(), 0);
    SmallVector<OpFoldResult> strides(type.getRank(),
                                      rewriter.getIndexAttr(1));
    for (Value input : adaptor.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      // An empty input adds nothing, and its offset may be the result's end,
      // which insert_slice rejects as out of bounds.
      if (inputType.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, getAsIndexOpFoldResult(ctx, offsets),
          getAsIndexOpFoldResult(ctx, inputType.getShape()), strides);
      offsets[dim] += inputType.getDimSize(dim);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void ml::populateShapeToLinalgPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns) {
  patterns.add<EmptyResultToEmptyTensor, ConstantToArith, BroadcastToLinalg,
               ReshapeToTensor, TransposeToLinalg, SliceToTensor,
               GatherToLinalg, ConcatenateToTensor>(
      converter, patterns.getContext());
}
