//===- Targets.cpp - the functions a derivative pass works on -------------===//

#include "passes/Autodiff/Targets.h"

using namespace mlir;

FailureOr<SmallVector<func::FuncOp>>
ml::functionsToDifferentiate(ModuleOp module, ArrayRef<std::string> names,
                             StringRef suffix, StringRef pass) {
  SmallVector<func::FuncOp> targets;
  if (names.empty())
    for (auto function : module.getOps<func::FuncOp>())
      if (function.isPublic() && !function.isExternal())
        targets.push_back(function);
  for (const std::string &name : names) {
    auto function = module.lookupSymbol<func::FuncOp>(name);
    if (!function || function.isExternal())
      return module.emitError(pass)
             << ": no function named '" << name << "' with a body";
    targets.push_back(function);
  }
  for (func::FuncOp function : targets) {
    std::string name = (function.getSymName() + suffix).str();
    if (module.lookupSymbol(name))
      return function.emitOpError("cannot be differentiated into '")
             << name << "': that name is taken";
  }
  return targets;
}
