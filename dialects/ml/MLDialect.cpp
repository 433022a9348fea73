//===- MLDialect.cpp - the ml dialect ------------------------------------===//

#include "dialects/ml/MLDialect.h"
#include "dialects/ml/MLOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::ml;

#include "dialects/ml/MLOpsDialect.cpp.inc"
#include "dialects/ml/MLOpsEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/ml/MLOpsAttrs.cpp.inc"

void MLDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/ml/MLOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/ml/MLOpsAttrs.cpp.inc"
      >();
}

// Folders return attributes; this turns them back into ops.
Operation *MLDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements);
}
