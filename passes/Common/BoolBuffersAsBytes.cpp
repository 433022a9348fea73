//===- BoolBuffersAsBytes.cpp - the ml-bool-buffers-as-bytes pass --------===//
//
// The deallocation helper that bufferization-lower-deallocations builds keeps
// ownership flags in buffers of i1, which finalize-memref-to-llvm cannot
// lower (it asserts). Buffers of bytes hold the same flags.
//
//===----------------------------------------------------------------------===//

#include "passes/Common/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::ml {
#define GEN_PASS_DEF_BOOLBUFFERSASBYTES
#include "passes/Common/Passes.h.inc"
} // namespace mlir::ml

using namespace mlir;

namespace {

bool isBoolBuffer(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.getElementType().isInteger(1);
}

struct BytesForBools : TypeConverter {
  BytesForBools() {
    addConversion([](Type type) { return type; });
    addConversion([](MemRefType type) -> Type {
      if (!type.getElementType().isInteger(1))
        return type;
      return MemRefType::Builder(type).setElementType(
          IntegerType::get(type.getContext(), 8));
    });
  }
};

/// Ops that only allocate, free, cast or view a buffer: the same op on the
/// byte buffer.
struct Retype : ConversionPattern {
  Retype(const TypeConverter &converter, MLIRContext *context)
      : ConversionPattern(converter, MatchAnyOpTypeTag(), /*benefit=*/1,
                          context) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
             memref::CastOp, memref::SubViewOp, memref::ReinterpretCastOp,
             memref::ExtractStridedMetadataOp,
             memref::ExtractAlignedPointerAsIndexOp, memref::DimOp>(op))
      return rewriter.notifyMatchFailure(op, "not a view, cast or allocation");
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(), types)))
      return failure();
    OperationState state(op->getLoc(), op->getName(), operands, types,
                         op->getAttrs());
    rewriter.replaceOp(op, rewriter.create(state)->getResults());
    return success();
  }
};

struct LoadByte : OpConversionPattern<memref::LoadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(memref::LoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto byte = memref::LoadOp::create(rewriter, op.getLoc(),
                                       adaptor.getMemref(),
                                       adaptor.getIndices());
    rewriter.replaceOpWithNewOp<arith::TruncIOp>(op, op.getType(), byte);
    return success();
  }
};

struct StoreByte : OpConversionPattern<memref::StoreOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(memref::StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type byteType = cast<MemRefType>(adaptor.getMemref().getType())
                        .getElementType();
    Value byte = arith::ExtUIOp::create(rewriter, op.getLoc(), byteType,
                                        adaptor.getValue());
    rewriter.replaceOpWithNewOp<memref::StoreOp>(
        op, byte, adaptor.getMemref(), adaptor.getIndices());
    return success();
  }
};

struct BoolBuffersAsBytes
    : ml::impl::BoolBuffersAsBytesBase<BoolBuffersAsBytes> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    BytesForBools converter;
    ConversionTarget target(*context);
    target.markUnknownOpDynamicallyLegal([&](Operation *op) {
      if (auto function = dyn_cast<FunctionOpInterface>(op))
        return !llvm::any_of(function.getArgumentTypes(), isBoolBuffer) &&
               !llvm::any_of(function.getResultTypes(), isBoolBuffer);
      return converter.isLegal(op);
    });

    RewritePatternSet patterns(context);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    scf::populateSCFStructuralTypeConversions(converter, patterns);
    patterns.add<Retype>(converter, context);
    patterns.add<LoadByte, StoreByte>(converter, context);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
