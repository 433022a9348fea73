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
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmptyTensor(rewriter, loc, type));
      return success();
    }
    ArrayRef<int64_t> shape = type.getShape();
    SmallVector<int64_t> offsets, strides;
    for (auto [start, stride, count] :
         llvm::zip_equal(op.getStart(), op.getStride(), shape)) {
      offsets.push_back(stride > 0 ? start : start + (count - 1) * stride);
      strides.push_back(stride > 0 ? stride : -stride);
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
  patterns.add<ConstantToArith, BroadcastToLinalg, ReshapeToTensor,
               TransposeToLinalg, SliceToTensor, ConcatenateToTensor>(
      converter, patterns.getContext());
}
