//===- Contraction.cpp - ml matmul and reductions to linalg --------------===//
//
// f16/bf16 accumulate in f32 (computeType) and round once at the end, as
// NumPy's float16 reductions and matmul do.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"
#include "passes/Common/Contractions.h"
#include "passes/MLToLinalg/Patterns.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

using namespace mlir;
using namespace mlir::ml;

namespace {

/// Rounds an f32 accumulator tensor back to the op's narrow float type.
Value roundTo(OpBuilder &b, Location loc, Value value, RankedTensorType type) {
  if (value.getType() == type)
    return value;
  return createElementwise(b, loc, type, value,
                           [&](OpBuilder &nb, Location nl, ValueRange a) {
                             return convertScalar(nb, nl, a[0],
                                                  type.getElementType());
                           });
}

/// `value` with every dimension in `axes` re-inserted as size 1.
Value keepDims(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> axes,
               RankedTensorType keptType) {
  auto isAxis = [&](int64_t d) { return llvm::is_contained(axes, d); };
  return tensor::ExpandShapeOp::create(
      b, loc, keptType, value, groupDroppedDims(keptType.getRank(), isAxis));
}

RankedTensorType withElementType(RankedTensorType type, Type elementType) {
  return RankedTensorType::get(type.getShape(), elementType);
}

/// Collapses the leading `count` dimensions of `value` into one.
Value collapseLeading(OpBuilder &b, Location loc, Value value, int64_t count) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<ReassociationIndices> groups = {
      llvm::to_vector(llvm::seq<int64_t>(0, count))};
  for (int64_t d = count; d < type.getRank(); ++d)
    groups.push_back({d});
  return tensor::CollapseShapeOp::create(b, loc, value, groups);
}

struct MatmulToLinalg : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Type accType = computeType(type.getElementType());
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    int64_t batchRank = type.getRank() - 2;
    ArrayRef<int64_t> shape = type.getShape();
    int64_t m = shape[batchRank], n = shape[batchRank + 1];
    int64_t k = lhsType.getShape().back();

    // Every size of the result, and of both operands: a dynamic batch
    // dimension has the size of the operand's that is not a unit.
    SmallVector<OpFoldResult> lhsSizes = sizesOf(rewriter, loc, lhs);
    SmallVector<OpFoldResult> rhsSizes = sizesOf(rewriter, loc, rhs);
    SmallVector<OpFoldResult> sizes;
    for (int64_t d = 0; d < batchRank; ++d) {
      int64_t fromLhs = d - (batchRank - (lhsType.getRank() - 2));
      int64_t fromRhs = d - (batchRank - (rhsType.getRank() - 2));
      bool lhsHasIt = fromLhs >= 0 && lhsType.getDimSize(fromLhs) != 1;
      sizes.push_back(lhsHasIt || fromRhs < 0 ? lhsSizes[std::max<int64_t>(fromLhs, 0)]
                                              : rhsSizes[fromRhs]);
    }
    OpFoldResult mSize = lhsSizes[lhsType.getRank() - 2];
    OpFoldResult kSize = lhsSizes.back(), nSize = rhsSizes.back();
    sizes.append({mSize, nSize});
    auto accTensor = [&](ArrayRef<int64_t> accShape,
                         ArrayRef<OpFoldResult> accSizes) {
      auto accType2 = RankedTensorType::get(accShape, accType);
      Value zero = scalarConstant(rewriter, loc, accType, 0.0);
      return createFilledTensor(rewriter, loc, accType2, zero, accSizes);
    };

    Value result;
    if (rhsType.getRank() == 2) {
      // [..., M, K] x [K, N]: one 2-D matmul over the flattened rows.
      Value rows = batchRank ? collapseLeading(rewriter, loc, lhs, batchRank + 1)
                             : lhs;
      int64_t rowCount = cast<RankedTensorType>(rows.getType()).getDimSize(0);
      Value init = accTensor({rowCount, n},
                             {sizesOf(rewriter, loc, rows)[0], nSize});
      // x @ w.T reads w in place, transposed, and x.T @ y (a weight's
      // gradient) x: no copy of either; BLAS takes them as they are.
      auto transposed = [&](Value operand) -> Value {
        auto transpose = operand.getDefiningOp<TransposeOp>();
        if (!transpose || transpose.getPermutation() != ArrayRef<int64_t>{1, 0})
          return {};
        return rewriter.getRemappedValue(transpose.getOperand());
      };
      Value lhsSource = batchRank ? Value() : transposed(op.getLhs());
      Value rhsSource = transposed(op.getRhs());
      SmallVector<NamedAttribute> maps;
      if (lhsSource || rhsSource)
        maps.push_back(rewriter.getNamedAttr(
            "indexing_maps",
            rewriter.getAffineMapArrayAttr(ml::matmulMaps(
                rewriter.getContext(), bool(lhsSource), bool(rhsSource)))));
      result = linalg::MatmulOp::create(
                   rewriter, loc,
                   ValueRange{lhsSource ? lhsSource : rows,
                              rhsSource ? rhsSource : rhs},
                   init, maps)
                   .getResult(0);
      if (batchRank) {
        SmallVector<ReassociationIndices> groups = {
            llvm::to_vector(llvm::seq<int64_t>(0, batchRank + 1)),
            {batchRank + 1}};
        result = createExpandShape(rewriter, loc,
                                   withElementType(type, accType), result,
                                   groups, sizes);
      }
    } else {
      // Broadcast both batch shapes to the result's and fold them into one
      // batch dimension for linalg.batch_matmul.
      SmallVector<int64_t> batch(shape.take_front(batchRank));
      auto full = [&](Value v, int64_t rows, int64_t cols, OpFoldResult rowSize,
                      OpFoldResult colSize) {
        SmallVector<int64_t> fullShape(batch);
        fullShape.append({rows, cols});
        SmallVector<OpFoldResult> fullSizes(sizes.begin(), sizes.begin() + batchRank);
        fullSizes.append({rowSize, colSize});
        auto vType = cast<RankedTensorType>(v.getType());
        return createBroadcast(
            rewriter, loc, v,
            RankedTensorType::get(fullShape, vType.getElementType()), fullSizes);
      };
      lhs = collapseLeading(rewriter, loc, full(lhs, m, k, mSize, kSize),
                            batchRank);
      rhs = collapseLeading(rewriter, loc, full(rhs, k, n, kSize, nSize),
                            batchRank);
      int64_t batchCount = cast<RankedTensorType>(lhs.getType()).getDimSize(0);
      result = linalg::BatchMatmulOp::create(
                   rewriter, loc, ValueRange{lhs, rhs},
                   accTensor({batchCount, m, n},
                             {sizesOf(rewriter, loc, lhs)[0], mSize, nSize}))
                   .getResult(0);
      SmallVector<ReassociationIndices> groups = {
          llvm::to_vector(llvm::seq<int64_t>(0, batchRank)), {batchRank},
          {batchRank + 1}};
      result = createExpandShape(rewriter, loc, withElementType(type, accType),
                                 result, groups, sizes);
    }
    rewriter.replaceOp(op, roundTo(rewriter, loc, result, type));
    return success();
  }
};

/// cumsum as a loop over the axis writing the result in place: slab i of
/// the result is slab i-1 of the result plus slab i of the input. (A
/// linalg.generic cannot carry a running sum along a parallel dimension.)
struct CumsumToLoop : OpConversionPattern<CumsumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(CumsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Value input = adaptor.getOperand();
    int64_t axis = op.getAxis(), rank = type.getRank();
    // Symbolic sizes (a dynamic variant) are read from the input.
    SmallVector<OpFoldResult> sizes = sizesOf(rewriter, loc, input);
    Value result = createEmptyTensor(rewriter, loc, type, sizes);
    Value end = getValueOrCreateConstantIndexOp(rewriter, loc, sizes[axis]);
    SmallVector<int64_t> slabShape(type.getShape());
    slabShape[axis] = 1;
    sizes[axis] = rewriter.getIndexAttr(1);
    auto slabType = RankedTensorType::get(slabShape, type.getElementType());
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    auto offsetsAt = [&](OpFoldResult position) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = position;
      return offsets;
    };
    auto slab = [&](OpBuilder &b, Location nl, Value from, OpFoldResult at) {
      return tensor::ExtractSliceOp::create(b, nl, slabType, from,
                                            offsetsAt(at), sizes, strides);
    };
    Value first = slab(rewriter, loc, input, rewriter.getIndexAttr(0));
    result = tensor::InsertSliceOp::create(rewriter, loc, first, result,
                                           offsetsAt(rewriter.getIndexAttr(0)),
                                           sizes, strides);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto loop = scf::ForOp::create(
        rewriter, loc, one, end, one, ValueRange{result},
        [&](OpBuilder &b, Location nl, Value i, ValueRange carried) {
          Value before = arith::SubIOp::create(b, nl, i, one);
          Value previous = slab(b, nl, carried[0], before);
          Value current = slab(b, nl, input, i);
          Value destination = slab(b, nl, carried[0], i);
          int64_t slabRank = slabType.getRank();
          SmallVector<AffineMap> maps(3, b.getMultiDimIdentityMap(slabRank));
          SmallVector<utils::IteratorType> iterators(
              slabRank, utils::IteratorType::parallel);
          auto sum = linalg::GenericOp::create(
              b, nl, TypeRange{slabType}, ValueRange{previous, current},
              destination, maps, iterators,
              [](OpBuilder &eb, Location el, ValueRange a) {
                linalg::YieldOp::create(eb, el,
                                        addElements(eb, el, a[0], a[1]));
              });
          Value updated = tensor::InsertSliceOp::create(
              b, nl, sum.getResult(0), carried[0], offsetsAt(i), sizes,
              strides);
          scf::YieldOp::create(b, nl, updated);
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

/// The identity of a reduction in `type` (sum 0, prod 1, max lowest,
/// min highest; of unsigned values where `isUnsigned`). Booleans reduce as
/// i8 bytes holding 0 or 1, so max is `any` and min is `all`.
TypedAttr reductionIdentity(OpBuilder &b, ReduceKind kind, Type type,
                            bool isBool, bool isUnsigned) {
  bool isMax = kind == ReduceKind::Max;
  if (isBool)
    return b.getIntegerAttr(type, isMax ? 0 : 1);
  if (auto floatType = dyn_cast<FloatType>(type)) {
    const llvm::fltSemantics &sem = floatType.getFloatSemantics();
    switch (kind) {
    case ReduceKind::Sum:
      return b.getFloatAttr(type, 0.0);
    case ReduceKind::Prod:
      return b.getFloatAttr(type, 1.0);
    case ReduceKind::Max:
    case ReduceKind::Min:
      return b.getFloatAttr(type, APFloat::getInf(sem, /*Negative=*/isMax));
    }
  }
  unsigned width = type.getIntOrFloatBitWidth();
  switch (kind) {
  case ReduceKind::Sum:
    return b.getIntegerAttr(type, 0);
  case ReduceKind::Prod:
    return b.getIntegerAttr(type, 1);
  case ReduceKind::Max:
  case ReduceKind::Min:
    if (isUnsigned)
      return b.getIntegerAttr(type, isMax ? APInt::getMinValue(width)
                                          : APInt::getMaxValue(width));
    return b.getIntegerAttr(type, isMax ? APInt::getSignedMinValue(width)
                                        : APInt::getSignedMaxValue(width));
  }
  llvm_unreachable("unknown reduce kind");
}

/// The identity of a reduction in `type` (sum 0, prod 1, max lowest,
/// min highest; of unsigned values where `isUnsigned`) as a constant.
/// Complex numbers have only sums and products.
Value createReductionIdentity(OpBuilder &b, Location loc, ReduceKind kind,
                              Type type, bool isBool, bool isUnsigned) {
  if (isa<ComplexType>(type))
    return scalarConstant(b, loc, type, kind == ReduceKind::Prod ? 1.0 : 0.0);
  return arith::ConstantOp::create(
      b, loc, reductionIdentity(b, kind, type, isBool, isUnsigned));
}

/// acc <- combine(acc, x), comparing unsigned where `isUnsigned`. Booleans
/// arrive as i8 0/1, where signed max/min are or/and.
Value combine(OpBuilder &b, Location loc, ReduceKind kind, Value acc, Value x,
              bool isUnsigned) {
  Type type = acc.getType();
  if (isa<ComplexType>(type))
    return kind == ReduceKind::Prod
               ? complex::MulOp::create(b, loc, acc, x).getResult()
               : complex::AddOp::create(b, loc, acc, x).getResult();
  bool isFloat = isa<FloatType>(type);
  // Float sums may be reassociated (NumPy itself sums pairwise): that is
  // what lets them vectorize.
  auto reassoc = arith::FastMathFlags::reassoc;
  switch (kind) {
  case ReduceKind::Sum:
    return isFloat ? arith::AddFOp::create(b, loc, acc, x, reassoc).getResult()
                   : arith::AddIOp::create(b, loc, acc, x).getResult();
  case ReduceKind::Prod:
    return isFloat ? arith::MulFOp::create(b, loc, acc, x, reassoc).getResult()
                   : arith::MulIOp::create(b, loc, acc, x).getResult();
  case ReduceKind::Max:
  case ReduceKind::Min:
    break;
  }
  bool isMax = kind == ReduceKind::Max;
  // NaN-propagating IEEE maximum/minimum (NumPy's result, up to which zero
  // wins a tie of -0.0 and 0.0), which LLVM vectorizes as a reduction.
  if (isFloat)
    return isMax ? arith::MaximumFOp::create(b, loc, acc, x).getResult()
                 : arith::MinimumFOp::create(b, loc, acc, x).getResult();
  if (isUnsigned)
    return isMax ? arith::MaxUIOp::create(b, loc, acc, x).getResult()
                 : arith::MinUIOp::create(b, loc, acc, x).getResult();
  return isMax ? arith::MaxSIOp::create(b, loc, acc, x).getResult()
               : arith::MinSIOp::create(b, loc, acc, x).getResult();
}

struct ReduceToLinalg : OpConversionPattern<ReduceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(adaptor.getOperand().getType());
    Type logical = op.getOperand().getType().getElementType();
    bool isBool = logical.isInteger(1);
    bool isUnsigned = logical.isUnsignedInteger();
    Type accType = computeType(inType.getElementType());
    ReduceKind kind = op.getKind();
    SmallVector<int64_t> axes(op.getAxes());
    llvm::sort(axes);

    SmallVector<OpFoldResult> inSizes =
        sizesOf(rewriter, loc, adaptor.getOperand());
    SmallVector<int64_t> reducedShape;
    SmallVector<OpFoldResult> reducedSizes;
    for (int64_t d = 0; d < inType.getRank(); ++d)
      if (!llvm::is_contained(axes, d)) {
        reducedShape.push_back(inType.getDimSize(d));
        reducedSizes.push_back(inSizes[d]);
      }
    auto accTensorType = RankedTensorType::get(reducedShape, accType);
    Value identity = createReductionIdentity(rewriter, loc, kind, accType,
                                             isBool, isUnsigned);
    Value init = createFilledTensor(rewriter, loc, accTensorType, identity,
                                    reducedSizes);
    auto reduce = linalg::ReduceOp::create(
        rewriter, loc, adaptor.getOperand(), init, axes,
        [&](OpBuilder &b, Location nl, ValueRange args) {
          Value x = isBool ? storeScalar(b, nl, loadScalar(b, nl, args[0], logical))
                           : convertScalar(b, nl, args[0], accType);
          linalg::YieldOp::create(b, nl,
                                  combine(b, nl, kind, args[1], x, isUnsigned));
        });
    auto type = cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    auto unkept = RankedTensorType::get(reducedShape, type.getElementType());
    Value result = roundTo(rewriter, loc, reduce.getResult(0), unkept);
    if (op.getKeepdims())
      result = keepDims(rewriter, loc, result, axes, type);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// argmax/argmin as one linalg.generic reducing (best value, its index);
/// the strict comparison keeps the first of equal elements and the NaN test
/// makes the first NaN win, as NumPy does.
template <typename OpTy, bool IsMax>
struct ArgReduceToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getOperand();
    auto inType = cast<RankedTensorType>(input.getType());
    Type logical = op.getOperand().getType().getElementType();
    bool isBool = logical.isInteger(1);
    bool isUnsigned = logical.isUnsignedInteger();
    Type valueType = computeType(inType.getElementType());
    Type indexType = rewriter.getI64Type();
    int64_t axis = op.getAxis(), rank = inType.getRank();

    SmallVector<OpFoldResult> inSizes = sizesOf(rewriter, loc, input);
    SmallVector<int64_t> reducedShape;
    SmallVector<OpFoldResult> reducedSizes;
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d) {
      iterators.push_back(d == axis ? utils::IteratorType::reduction
                                    : utils::IteratorType::parallel);
      if (d == axis)
        continue;
      reducedShape.push_back(inType.getDimSize(d));
      reducedSizes.push_back(inSizes[d]);
      outExprs.push_back(rewriter.getAffineDimExpr(d));
    }
    ReduceKind kind = IsMax ? ReduceKind::Max : ReduceKind::Min;
    Value bestInit = createFilledTensor(
        rewriter, loc, RankedTensorType::get(reducedShape, valueType),
        arith::ConstantOp::create(
            rewriter, loc,
            reductionIdentity(rewriter, kind, valueType, isBool, isUnsigned)),
        reducedSizes);
    Value indexInit = createFilledTensor(
        rewriter, loc, RankedTensorType::get(reducedShape, indexType),
        arith::ConstantOp::create(rewriter, loc,
                                  rewriter.getIntegerAttr(indexType, 0)),
        reducedSizes);
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, rewriter.getContext());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   outMap, outMap};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{bestInit.getType(), indexInit.getType()},
        input, ValueRange{bestInit, indexInit}, maps, iterators,
        [&](OpBuilder &b, Location nl, ValueRange args) {
          Value x = isBool ? storeScalar(b, nl, loadScalar(b, nl, args[0], logical))
                           : convertScalar(b, nl, args[0], valueType);
          Value best = args[1];
          Value better;
          if (isa<FloatType>(valueType)) {
            using P = arith::CmpFPredicate;
            better = arith::CmpFOp::create(b, nl, IsMax ? P::OGT : P::OLT, x,
                                           best);
            Value xIsNan = arith::CmpFOp::create(b, nl, P::UNO, x, x);
            Value bestIsNum = arith::CmpFOp::create(b, nl, P::ORD, best, best);
            better = arith::OrIOp::create(
                b, nl, better, arith::AndIOp::create(b, nl, xIsNan, bestIsNum));
          } else {
            using P = arith::CmpIPredicate;
            P predicate = isUnsigned ? (IsMax ? P::ugt : P::ult)
                                     : (IsMax ? P::sgt : P::slt);
            better = arith::CmpIOp::create(b, nl, predicate, x, best);
          }
          Value index = arith::IndexCastOp::create(
              b, nl, indexType, linalg::IndexOp::create(b, nl, axis));
          linalg::YieldOp::create(
              b, nl,
              ValueRange{arith::SelectOp::create(b, nl, better, x, best),
                         arith::SelectOp::create(b, nl, better, index,
                                                 args[2])});
        });
    Value result = generic.getResult(1);
    if (op.getKeepdims())
      result = keepDims(rewriter, loc, result, {axis}, op.getType());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void ml::populateContractionToLinalgPatterns(const TypeConverter &converter,
                                             RewritePatternSet &patterns) {
  patterns.add<MatmulToLinalg, ReduceToLinalg, CumsumToLoop,
               ArgReduceToLinalg<ArgMaxOp, /*IsMax=*/true>,
               ArgReduceToLinalg<ArgMinOp, /*IsMax=*/false>>(
      converter, patterns.getContext());
}
