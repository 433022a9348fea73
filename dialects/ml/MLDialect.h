//===- MLDialect.h - the ml dialect and its attributes ----------*- C++ -*-===//

#ifndef MLJIT_DIALECTS_ML_MLDIALECT_H
#define MLJIT_DIALECTS_ML_MLDIALECT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Dialect.h"

#include "dialects/ml/MLOpsDialect.h.inc"
#include "dialects/ml/MLOpsEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/ml/MLOpsAttrs.h.inc"

#endif // MLJIT_DIALECTS_ML_MLDIALECT_H
