//===- MLOps.cpp - ml op verifiers, type inference, custom syntax --------===//
//
// Shape rules live here once: the Python tracer builds ops without result
// types and reads shapes back from what these functions infer, so a shape
// error in traced code is reported by the verifier at the user's line.
//
//===----------------------------------------------------------------------===//

#include "dialects/ml/MLOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace mlir::ml;

namespace {
/// Prints a shape as `2x?x3` (or `scalar` for rank 0) in diagnostics.
std::string shapeString(ArrayRef<int64_t> shape) {
  if (shape.empty())
    return "scalar";
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(
      shape,
      [&](int64_t dim) {
        if (ShapedType::isDynamic(dim))
          os << '?';
        else
          os << dim;
      },
      [&] { os << 'x'; });
  return text;
}

/// `value`'s type if it is a ranked tensor, else null. The verifier checks
/// operand types before inferring result types, but builders infer from
/// whatever they are given: inference fails on other types (and the builder
/// says so) instead of asserting.
RankedTensorType tensorType(Value value) {
  return dyn_cast<RankedTensorType>(value.getType());
}

/// NumPy's rule for one pair of aligned dimensions; nullopt if incompatible.
std::optional<int64_t> broadcastDim(int64_t a, int64_t b) {
  if (a == 1)
    return b;
  if (b == 1 || a == b)
    return a;
  if (ShapedType::isDynamic(a))
    return b;
  if (ShapedType::isDynamic(b))
    return a;
  return std::nullopt;
}

/// Checks that `axes` are distinct and within [0, rank).
LogicalResult verifyAxes(std::optional<Location> loc, StringRef opName,
                         ArrayRef<int64_t> axes, int64_t rank) {
  llvm::SmallBitVector seen(rank);
  for (int64_t axis : axes) {
    if (axis < 0 || axis >= rank)
      return emitOptionalError(loc, "'", opName, "' op axis ", axis,
                               " is out of range for an operand of rank ",
                               rank);
    if (seen.test(axis))
      return emitOptionalError(loc, "'", opName, "' op axis ", axis,
                               " is repeated");
    seen.set(axis);
  }
  return success();
}
} // namespace

bool mlir::ml::isCountable(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return true;
  int64_t product = 1;
  for (int64_t dim : shaped.getShape()) {
    if (dim == 0 || ShapedType::isDynamic(dim))
      continue;
    std::optional<int64_t> next = llvm::checkedMul(product, dim);
    if (!next)
      return false;
    product = *next;
  }
  return true;
}

Type mlir::ml::realPartsType(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  auto complex = tensor ? dyn_cast<ComplexType>(tensor.getElementType())
                        : ComplexType();
  return complex ? tensor.clone(complex.getElementType()) : type;
}

//===----------------------------------------------------------------------===//
// CompareOp
//===----------------------------------------------------------------------===//

LogicalResult CompareOp::inferReturnTypes(
    MLIRContext *context, std::optional<Location>, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  auto type = tensorType(adaptor.getLhs());
  if (!type)
    return failure();
  inferredReturnTypes.push_back(
      RankedTensorType::get(type.getShape(), IntegerType::get(context, 1)));
  return success();
}

//===----------------------------------------------------------------------===//
// BroadcastOp / ReshapeOp
//===----------------------------------------------------------------------===//

/// Shape ops keep the element type; converting it is ml.cast's job.
template <typename OpTy>
static LogicalResult verifyKeepsElementType(OpTy op) {
  Type in = op.getOperand().getType().getElementType();
  Type out = op.getType().getElementType();
  if (in == out)
    return success();
  return op.emitOpError("changes the element type from ")
         << in << " to " << out << "; use ml.cast";
}

/// One size in `dims` per dynamic dimension of the result.
template <typename OpTy>
static LogicalResult verifyDynamicSizes(OpTy op) {
  int64_t dynamic = op.getType().getNumDynamicDims();
  if (static_cast<int64_t>(op.getDims().size()) == dynamic)
    return success();
  return op.emitOpError("has ")
         << op.getDims().size() << " sizes for the " << dynamic
         << " dynamic dimensions of its result";
}

LogicalResult BroadcastOp::verify() {
  auto in = getOperand().getType();
  auto out = getResult().getType();
  if (failed(verifyKeepsElementType(*this)) ||
      failed(verifyDynamicSizes(*this)))
    return failure();
  if (in.getRank() > out.getRank())
    return emitOpError("cannot broadcast shape ")
           << shapeString(in.getShape()) << " to the lower-rank shape "
           << shapeString(out.getShape());
  int64_t lead = out.getRank() - in.getRank();
  for (auto [i, dim] : llvm::enumerate(in.getShape())) {
    int64_t target = out.getDimSize(lead + i);
    if (dim == 1 || dim == target || ShapedType::isDynamic(dim) ||
        ShapedType::isDynamic(target))
      continue;
    return emitOpError("cannot broadcast shape ")
           << shapeString(in.getShape()) << " to "
           << shapeString(out.getShape()) << ": operand dimension " << i
           << " has size " << dim << " but the result has " << target;
  }
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = getOperand().getType();
  auto out = getResult().getType();
  if (failed(verifyKeepsElementType(*this)) ||
      failed(verifyDynamicSizes(*this)))
    return failure();
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << shapeString(in.getShape()) << " (" << in.getNumElements()
           << " elements) into " << shapeString(out.getShape()) << " ("
           << out.getNumElements() << " elements)";
  return success();
}

LogicalResult IotaOp::verify() {
  if (getType().getRank() != 1)
    return emitOpError("result must be 1-D, not of rank ")
           << getType().getRank();
  return verifyDynamicSizes(*this);
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  auto type = tensorType(adaptor.getOperand());
  if (!type)
    return failure();
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if (static_cast<int64_t>(perm.size()) != type.getRank())
    return emitOptionalError(loc, "'ml.transpose' op permutation has ",
                             perm.size(), " entries but the operand has rank ",
                             type.getRank());
  if (failed(verifyAxes(loc, "ml.transpose", perm, type.getRank())))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t axis : perm)
    shape.push_back(type.getDimSize(axis));
  inferredReturnTypes.push_back(
      RankedTensorType::get(shape, type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

/// The shape `x[start:limit:stride]` selects from a tensor of `type`, with
/// diagnostics (for `opName`) for ranges out of bounds.
static LogicalResult sliceShape(std::optional<Location> loc, StringRef opName,
                                RankedTensorType type, ArrayRef<int64_t> start,
                                ArrayRef<int64_t> limit,
                                ArrayRef<int64_t> stride,
                                SmallVectorImpl<int64_t> &shape) {
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(start.size()) != rank ||
      static_cast<int64_t>(limit.size()) != rank ||
      static_cast<int64_t>(stride.size()) != rank)
    return emitOptionalError(
        loc, "'", opName, "' op needs one start:limit:stride per dimension (",
        rank, "), got ", start.size(), ", ", limit.size(), " and ",
        stride.size());
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = type.getDimSize(d);
    int64_t lo = start[d], hi = limit[d], step = stride[d];
    if (step == 0)
      return emitOptionalError(loc, "'", opName, "' op stride of dimension ",
                               d, " is zero");
    bool dynamic = ShapedType::isDynamic(size);
    if (ShapedType::isDynamic(hi)) {
      if (!dynamic || lo != 0 || step != 1)
        return emitOptionalError(loc, "'", opName, "' op a limit of ? takes "
                                 "a dynamic dimension whole (0:?:1); dimension ",
                                 d, " has ", lo, ":?:", step, " of size ",
                                 dynamic ? std::string("?")
                                         : std::to_string(size));
      shape.push_back(ShapedType::kDynamic);
      continue;
    }
    // A dynamic size is still an int64, which bounds the span below.
    int64_t maxSize = dynamic ? std::numeric_limits<int64_t>::max() : size;
    bool inBounds = step > 0 ? 0 <= lo && lo <= hi && hi <= maxSize
                             : -1 <= hi && hi <= lo && lo <= maxSize - 1;
    if (!inBounds)
      return emitOptionalError(
          loc, "'", opName, "' op range ", lo, ":", hi, ":", step,
          " is out of bounds for dimension ", d, " of size ",
          dynamic ? std::string("?") : std::to_string(size),
          step > 0 ? " (a positive stride needs 0 <= start <= limit <= size)"
                   : " (a negative stride needs -1 <= limit <= start <= "
                     "size - 1)");
    // Unsigned: |INT64_MIN| is a valid step, and the rounded-up quotient must
    // not overflow for spans near INT64_MAX.
    uint64_t span = step > 0 ? hi - lo : lo - hi;
    uint64_t absStep = step > 0 ? step : 0 - static_cast<uint64_t>(step);
    shape.push_back(span == 0 ? 0 : (span - 1) / absStep + 1);
  }
  return success();
}

LogicalResult SliceOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  auto type = tensorType(adaptor.getOperand());
  if (!type)
    return failure();
  SmallVector<int64_t> shape;
  if (failed(sliceShape(loc, "ml.slice", type, adaptor.getStart(),
                        adaptor.getLimit(), adaptor.getStride(), shape)))
    return failure();
  inferredReturnTypes.push_back(
      RankedTensorType::get(shape, type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// DynamicSliceOp and DynamicUpdateSliceOp
//===----------------------------------------------------------------------===//

/// One start per dimension of `type`, and a slice shape no larger than it
/// where both are known.
template <typename OpTy>
static LogicalResult verifyDynamicRanges(OpTy op, RankedTensorType type,
                                         RankedTensorType slice,
                                         StringRef sliceName) {
  if (static_cast<int64_t>(op.getStarts().size()) != type.getRank())
    return op.emitOpError("needs one start per dimension (")
           << type.getRank() << "), got " << op.getStarts().size();
  if (slice.getRank() != type.getRank())
    return op.emitOpError() << sliceName << " rank " << slice.getRank()
                            << " differs from the operand's "
                            << type.getRank();
  if (slice.getElementType() != type.getElementType())
    return op.emitOpError() << sliceName << " element type "
                            << slice.getElementType()
                            << " differs from the operand's "
                            << type.getElementType();
  for (auto [d, size, bound] :
       llvm::enumerate(slice.getShape(), type.getShape()))
    if (!ShapedType::isDynamic(size) && !ShapedType::isDynamic(bound) &&
        size > bound)
      return op.emitOpError()
             << sliceName << " shape " << shapeString(slice.getShape())
             << " does not fit in the operand's "
             << shapeString(type.getShape()) << " (dimension " << d << ")";
  return success();
}

LogicalResult DynamicSliceOp::verify() {
  if (failed(verifyDynamicSizes(*this)))
    return failure();
  return verifyDynamicRanges(*this, getOperand().getType(), getType(),
                             "result");
}

LogicalResult DynamicUpdateSliceOp::verify() {
  return verifyDynamicRanges(*this, getOperand().getType(),
                             getUpdate().getType(), "update");
}

//===----------------------------------------------------------------------===//
// UpdateSliceOp
//===----------------------------------------------------------------------===//

LogicalResult UpdateSliceOp::verify() {
  RankedTensorType type = getOperand().getType();
  if (llvm::any_of(getStride(), [](int64_t s) { return s <= 0; }))
    return emitOpError("strides must be positive (write a reversed update "
                       "through the ascending slice instead)");
  SmallVector<int64_t> shape;
  if (failed(sliceShape(getLoc(), getOperationName(), type, getStart(),
                        getLimit(), getStride(), shape)))
    return failure();
  RankedTensorType update = getUpdate().getType();
  if (update.getElementType() != type.getElementType())
    return emitOpError("update element type ")
           << update.getElementType() << " differs from the operand's "
           << type.getElementType();
  if (update.getShape() != ArrayRef<int64_t>(shape))
    return emitOpError("update shape ")
           << shapeString(update.getShape()) << " differs from the slice's "
           << shapeString(shape);
  return success();
}

//===----------------------------------------------------------------------===//
// ScatterOp
//===----------------------------------------------------------------------===//

LogicalResult ScatterOp::verify() {
  RankedTensorType type = getOperand().getType();
  int64_t axis = getAxis();
  if (failed(verifyAxes(getLoc(), getOperationName(), {axis}, type.getRank())))
    return failure();
  RankedTensorType updates = getUpdates().getType();
  if (updates.getElementType() != type.getElementType())
    return emitOpError("updates element type ")
           << updates.getElementType() << " differs from the operand's "
           << type.getElementType();
  SmallVector<int64_t> shape(type.getShape().take_front(axis));
  llvm::append_range(shape, getIndices().getType().getShape());
  llvm::append_range(shape, type.getShape().drop_front(axis + 1));
  if (updates.getShape() != ArrayRef<int64_t>(shape))
    return emitOpError("updates shape ")
           << shapeString(updates.getShape())
           << " differs from the gathered shape " << shapeString(shape);
  return success();
}

/// Parses `[0:4:2, 3:-1:-1, 0:?:1]` into the three per-dimension arrays (a
/// limit of `?`, a dynamic dimension taken whole, is ShapedType::kDynamic).
static ParseResult parseSliceRanges(OpAsmParser &parser,
                                    DenseI64ArrayAttr &start,
                                    DenseI64ArrayAttr &limit,
                                    DenseI64ArrayAttr &stride) {
  SmallVector<int64_t> starts, limits, strides;
  auto parseRange = [&]() -> ParseResult {
    int64_t lo, hi = ShapedType::kDynamic, step;
    if (parser.parseInteger(lo) || parser.parseColon() ||
        (failed(parser.parseOptionalQuestion()) && parser.parseInteger(hi)) ||
        parser.parseColon() || parser.parseInteger(step))
      return failure();
    starts.push_back(lo);
    limits.push_back(hi);
    strides.push_back(step);
    return success();
  };
  if (parser.parseCommaSeparatedList(AsmParser::Delimiter::Square, parseRange,
                                     " in slice ranges"))
    return failure();
  MLIRContext *ctx = parser.getContext();
  start = DenseI64ArrayAttr::get(ctx, starts);
  limit = DenseI64ArrayAttr::get(ctx, limits);
  stride = DenseI64ArrayAttr::get(ctx, strides);
  return success();
}

static void printSliceRanges(OpAsmPrinter &p, Operation *,
                             DenseI64ArrayAttr start, DenseI64ArrayAttr limit,
                             DenseI64ArrayAttr stride) {
  p << '[';
  for (size_t d = 0, e = start.size(); d < e; ++d) {
    if (d)
      p << ", ";
    p << start[d] << ':';
    if (ShapedType::isDynamic(limit[d]))
      p << '?';
    else
      p << limit[d];
    p << ':' << stride[d];
  }
  p << ']';
}

//===----------------------------------------------------------------------===//
// ConcatenateOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatenateOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  ValueRange inputs = adaptor.getInputs();
  // The verifier never gets here without operands (SameOperandsElementType
  // rejects them first); builders do, and get that trait's words.
  if (inputs.empty())
    return emitOptionalError(loc, "'ml.concatenate' op expected 1 or more "
                                  "operands, but found 0");
  auto first = tensorType(inputs.front());
  if (!first)
    return failure();
  int64_t rank = first.getRank();
  int64_t dim = adaptor.getDimension();
  if (dim < 0 || dim >= rank)
    return emitOptionalError(loc, "'ml.concatenate' op dimension ", dim,
                             " is out of range for operands of rank ", rank);
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, input] : llvm::enumerate(inputs.drop_front())) {
    auto type = tensorType(input);
    if (!type)
      return failure();
    if (type.getRank() != rank)
      return emitOptionalError(loc, "'ml.concatenate' op operand ", i + 1,
                               " has rank ", type.getRank(),
                               " but operand 0 has rank ", rank);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t size = type.getDimSize(d);
      if (d == dim) {
        if (ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(size)) {
          shape[d] = ShapedType::kDynamic;
          continue;
        }
        std::optional<int64_t> sum = llvm::checkedAdd(shape[d], size);
        if (!sum)
          return emitOptionalError(loc, "'ml.concatenate' op the sizes along "
                                        "dimension ",
                                   dim, " add up to more than 2^63 - 1");
        shape[d] = *sum;
        continue;
      }
      if (ShapedType::isDynamic(shape[d]))
        shape[d] = size;
      else if (!ShapedType::isDynamic(size) && size != shape[d])
        return emitOptionalError(
            loc, "'ml.concatenate' op operand ", i + 1, " has shape ",
            shapeString(type.getShape()), " which differs from operand 0 (",
            shapeString(first.getShape()), ") in dimension ", d,
            ", not only in the concatenated dimension ", dim);
    }
  }
  inferredReturnTypes.push_back(
      RankedTensorType::get(shape, first.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// GatherOp
//===----------------------------------------------------------------------===//

LogicalResult
GatherOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           Adaptor adaptor,
                           SmallVectorImpl<Type> &inferredReturnTypes) {
  auto type = tensorType(adaptor.getOperand());
  auto indices = tensorType(adaptor.getIndices());
  if (!type || !indices)
    return failure();
  int64_t axis = adaptor.getAxis();
  if (failed(verifyAxes(loc, "ml.gather", {axis}, type.getRank())))
    return failure();
  if (type.getDimSize(axis) == 0 && indices.hasStaticShape() &&
      indices.getNumElements() != 0)
    return emitOptionalError(loc, "'ml.gather' op gathers from axis ", axis,
                             " of size zero (shape ",
                             shapeString(type.getShape()),
                             "): every index is out of bounds");
  SmallVector<int64_t> shape(type.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, type.getShape().drop_front(axis + 1));
  inferredReturnTypes.push_back(
      RankedTensorType::get(shape, type.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// CumsumOp
//===----------------------------------------------------------------------===//

LogicalResult CumsumOp::verify() {
  return verifyAxes(getLoc(), "ml.cumsum", {getAxisAttr().getInt()},
                    getType().getRank());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult
MatmulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           Adaptor adaptor,
                           SmallVectorImpl<Type> &inferredReturnTypes) {
  auto lhs = tensorType(adaptor.getLhs());
  auto rhs = tensorType(adaptor.getRhs());
  if (!lhs || !rhs)
    return failure();
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOptionalError(loc, "'ml.matmul' op operands need rank 2 or "
                                  "more, got shapes ",
                             shapeString(lhs.getShape()), " and ",
                             shapeString(rhs.getShape()));
  ArrayRef<int64_t> l = lhs.getShape(), r = rhs.getShape();
  int64_t k1 = l[l.size() - 1], k2 = r[r.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOptionalError(loc, "'ml.matmul' op contracting dimensions "
                                  "differ: lhs ",
                             shapeString(l), " has K = ", k1, " but rhs ",
                             shapeString(r), " has K = ", k2);
  ArrayRef<int64_t> lb = l.drop_back(2), rb = r.drop_back(2);
  size_t batchRank = std::max(lb.size(), rb.size());
  SmallVector<int64_t> shape(batchRank);
  for (size_t i = 0; i < batchRank; ++i) {
    int64_t a = i < batchRank - lb.size() ? 1 : lb[i - (batchRank - lb.size())];
    int64_t b = i < batchRank - rb.size() ? 1 : rb[i - (batchRank - rb.size())];
    std::optional<int64_t> dim = broadcastDim(a, b);
    if (!dim)
      return emitOptionalError(loc, "'ml.matmul' op batch dimensions of ",
                               shapeString(l), " and ", shapeString(r),
                               " do not broadcast");
    shape[i] = *dim;
  }
  shape.push_back(l[l.size() - 2]);
  shape.push_back(r[r.size() - 1]);
  inferredReturnTypes.push_back(
      RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// ReduceOp, ArgMaxOp, ArgMinOp
//===----------------------------------------------------------------------===//

/// The shape left after reducing `axes` (kept as size 1 under keepdims).
static SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> axes,
                                         bool keepdims) {
  SmallVector<int64_t> result;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
      result.push_back(size);
    else if (keepdims)
      result.push_back(1);
  }
  return result;
}

LogicalResult
ReduceOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           Adaptor adaptor,
                           SmallVectorImpl<Type> &inferredReturnTypes) {
  auto type = tensorType(adaptor.getOperand());
  if (!type)
    return failure();
  ArrayRef<int64_t> axes = adaptor.getAxes();
  if (failed(verifyAxes(loc, "ml.reduce", axes, type.getRank())))
    return failure();
  ReduceKind kind = adaptor.getKind();
  bool isBool = type.getElementType().isInteger(1);
  if (isBool && (kind == ReduceKind::Sum || kind == ReduceKind::Prod))
    return emitOptionalError(loc, "'ml.reduce' op ", stringifyEnum(kind),
                             " is not defined on i1; cast to an integer type "
                             "first");
  if (kind == ReduceKind::Max || kind == ReduceKind::Min) {
    if (isa<ComplexType>(type.getElementType()))
      return emitOptionalError(loc, "'ml.reduce' op ", stringifyEnum(kind),
                               " is not defined on complex numbers");
    for (int64_t axis : axes)
      if (type.getDimSize(axis) == 0)
        return emitOptionalError(
            loc, "'ml.reduce' op ", stringifyEnum(kind),
            " over axis ", axis, " of size zero has no identity (shape ",
            shapeString(type.getShape()), ")");
  }
  inferredReturnTypes.push_back(RankedTensorType::get(
      reducedShape(type.getShape(), axes, adaptor.getKeepdims()),
      type.getElementType()));
  return success();
}

template <typename AdaptorT>
static LogicalResult inferArgReduce(StringRef opName,
                                    std::optional<Location> loc,
                                    AdaptorT adaptor,
                                    SmallVectorImpl<Type> &inferredReturnTypes) {
  auto type = tensorType(adaptor.getOperand());
  if (!type)
    return failure();
  int64_t axis = adaptor.getAxis();
  if (failed(verifyAxes(loc, opName, {axis}, type.getRank())))
    return failure();
  if (isa<ComplexType>(type.getElementType()))
    return emitOptionalError(loc, "'", opName,
                             "' op is not defined on complex numbers");
  if (type.getDimSize(axis) == 0)
    return emitOptionalError(loc, "'", opName, "' op axis ", axis,
                             " has size zero, so there is no element to "
                             "pick (shape ",
                             shapeString(type.getShape()), ")");
  inferredReturnTypes.push_back(RankedTensorType::get(
      reducedShape(type.getShape(), {axis}, adaptor.getKeepdims()),
      IntegerType::get(type.getContext(), 64)));
  return success();
}

LogicalResult
ArgMaxOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           Adaptor adaptor,
                           SmallVectorImpl<Type> &inferredReturnTypes) {
  return inferArgReduce("ml.argmax", loc, adaptor, inferredReturnTypes);
}

LogicalResult
ArgMinOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                           Adaptor adaptor,
                           SmallVectorImpl<Type> &inferredReturnTypes) {
  return inferArgReduce("ml.argmin", loc, adaptor, inferredReturnTypes);
}

//===----------------------------------------------------------------------===//
// VJPOp and JVPOp
//===----------------------------------------------------------------------===//

/// What ml.vjp and ml.jvp share: a body on the primals that yields the
/// results, and `derived` (cotangents, result tangents) of the types of the
/// first results.
static LogicalResult verifyDerivative(Operation *op, ValueRange primals,
                                      TypeRange results, TypeRange derived,
                                      StringRef derivedMismatch) {
  Block &body = op->getRegion(0).front();
  if (body.getArgumentTypes() != primals.getTypes())
    return op->emitOpError("body arguments must have the primals' types");
  auto yield = body.empty() ? nullptr : dyn_cast<YieldOp>(body.back());
  if (!yield)
    return op->emitOpError("body must end in ml.yield");
  if (yield.getResults().getTypes() != results)
    return op->emitOpError("yields ")
           << yield.getResults().getTypes().size()
           << " values whose types differ from its results'";
  if (derived.size() > results.size() ||
      derived != results.take_front(derived.size()))
    return op->emitOpError(derivedMismatch)
           << derived.size() << " results";
  return success();
}

LogicalResult VJPOp::verify() {
  if (failed(verifyDerivative(
          *this, getPrimals(), getResults().getTypes(),
          getCotangents().getTypes(),
          "needs a cotangent of the type of each of its first ")))
    return failure();
  if (getGradients().getTypes() != getPrimals().getTypes())
    return emitOpError("gradients must have the primals' types");
  return success();
}

LogicalResult JVPOp::verify() {
  if (getTangents().getTypes() != getPrimals().getTypes())
    return emitOpError("needs a tangent of the type of each primal");
  return verifyDerivative(*this, getPrimals(), getResults().getTypes(),
                          getResultTangents().getTypes(),
                          "result tangents must have the types of its first ");
}

//===----------------------------------------------------------------------===//
// CheckpointOp and OptimizationBarrierOp
//===----------------------------------------------------------------------===//

LogicalResult CheckpointOp::verify() {
  Block &body = getBody().front();
  auto yield = body.empty() ? nullptr : dyn_cast<YieldOp>(body.back());
  if (!yield)
    return emitOpError("body must end in ml.yield");
  if (yield.getResults().getTypes() != getResultTypes())
    return emitOpError("yields ")
           << yield.getResults().size()
           << " values whose types differ from its results'";
  return success();
}

LogicalResult OptimizationBarrierOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, Adaptor adaptor,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  llvm::append_range(inferredReturnTypes, adaptor.getValues().getTypes());
  return success();
}

// In bufferization the barrier is its operands' buffers: it neither reads
// nor writes them, and each result is its operand.
bool OptimizationBarrierOp::bufferizesToMemoryRead(
    OpOperand &, const bufferization::AnalysisState &) {
  return false;
}

bool OptimizationBarrierOp::bufferizesToMemoryWrite(
    OpOperand &, const bufferization::AnalysisState &) {
  return false;
}

bufferization::AliasingValueList OptimizationBarrierOp::getAliasingValues(
    OpOperand &operand, const bufferization::AnalysisState &) {
  return {{getResult(operand.getOperandNumber()),
           bufferization::BufferRelation::Equivalent}};
}

LogicalResult OptimizationBarrierOp::bufferize(
    RewriterBase &rewriter, const bufferization::BufferizationOptions &options,
    bufferization::BufferizationState &state) {
  SmallVector<Value> buffers;
  for (Value value : getValues()) {
    FailureOr<Value> buffer =
        bufferization::getBuffer(rewriter, value, options, state);
    if (failed(buffer))
      return failure();
    buffers.push_back(*buffer);
  }
  bufferization::replaceOpWithBufferizedValues(rewriter, *this, buffers);
  return success();
}

#define GET_OP_CLASSES
#include "dialects/ml/MLOps.cpp.inc"
