//===- NativeCode.cpp - LLVM-dialect modules to loaded machine code ------===//
//
// MLIR's ExecutionEngine compiles one module on one thread at one
// optimization level. Here a module outlined by ml-outline-kernels is split
// into partitions, each translated into an LLVM context of its own, then
// optimized and compiled to object files concurrently: the kernels (the
// loops) at O3, the glue that allocates buffers and calls them (functions
// marked `ml.outlined`, thousands of calls in a model) at O0, where O3 buys
// nothing but time. The objects are linked in-process by ORC's LLJIT, or
// written out for the disk cache and export to link into a library.
//
//===----------------------------------------------------------------------===//

#include "mlir-c/IR.h"
#include "mlir-c/RegisterEverything.h"
#include "mlir-c/Support.h"
#include "mlir/CAPI/IR.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#define MLJIT_EXPORT __attribute__((visibility("default")))

using namespace mlir;

namespace {

constexpr llvm::StringLiteral kOutlined = "ml.outlined";
constexpr llvm::StringLiteral kCInterfacePrefix = "_mlir_ciface_";
// Kernel partitions are about this many LLVM-dialect ops: enough work per
// thread to pay for a target machine and a pass pipeline.
constexpr int64_t kOpsPerPartition = 800;
constexpr int64_t kMaxPartitions = 8;

/// One object file's worth of the module and what it took.
struct Partition {
  bool glue = false;
  std::vector<std::string> functions;
  int64_t ops = 0;
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
  llvm::SmallVector<char, 0> object;
};

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                       start)
      .count();
}

/// Runs `task(i)` for i in [0, count) on `threads` threads, largest first
/// (the caller orders them).
template <typename Task>
void runConcurrently(size_t count, int threads, Task task) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next++; i < count; i = next++)
      task(i);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::min<int>(threads, count); ++t)
    pool.emplace_back(worker);
  worker();
  for (std::thread &thread : pool)
    thread.join();
}

bool isGlue(LLVM::LLVMFuncOp function, const llvm::StringSet<> &outlined) {
  StringRef name = function.getName();
  return outlined.contains(name) ||
         (name.starts_with(kCInterfacePrefix) &&
          outlined.contains(name.drop_front(kCInterfacePrefix.size())));
}

/// The partitions of `module`: the glue, and the other defined functions in
/// groups of about kOpsPerPartition ops (largest first, each to the lightest
/// group: deterministic for a module). One partition holds everything when
/// a mutable global would be copied into several.
std::vector<Partition> partition(ModuleOp module) {
  llvm::StringSet<> outlined;
  for (auto function : module.getOps<LLVM::LLVMFuncOp>())
    if (function->hasAttr(kOutlined))
      outlined.insert(function.getName());
  Partition glue;
  glue.glue = true;
  std::vector<std::pair<int64_t, std::string>> kernels;
  int64_t kernelOps = 0;
  for (auto function : module.getOps<LLVM::LLVMFuncOp>()) {
    if (function.isExternal())
      continue;
    int64_t ops = 0;
    function.walk([&](Operation *) { ++ops; });
    if (isGlue(function, outlined)) {
      glue.functions.push_back(function.getName().str());
      glue.ops += ops;
    } else {
      kernels.emplace_back(ops, function.getName().str());
      kernelOps += ops;
    }
  }
  bool mutableGlobals = llvm::any_of(
      module.getOps<LLVM::GlobalOp>(),
      [](LLVM::GlobalOp global) { return !global.getConstant(); });
  int64_t count = mutableGlobals ? 1
                                 : std::clamp<int64_t>(
                                       (kernelOps + kOpsPerPartition - 1) /
                                           kOpsPerPartition,
                                       1, kMaxPartitions);
  std::vector<Partition> partitions(count);
  llvm::sort(kernels, [](const auto &a, const auto &b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (auto &[ops, name] : kernels) {
    Partition &lightest = *std::min_element(
        partitions.begin(), partitions.end(),
        [](const Partition &a, const Partition &b) { return a.ops < b.ops; });
    lightest.functions.push_back(name);
    lightest.ops += ops;
  }
  if (mutableGlobals) {
    llvm::append_range(partitions[0].functions, glue.functions);
    partitions[0].ops += glue.ops;
  } else if (!glue.functions.empty()) {
    partitions.push_back(std::move(glue));
  }
  llvm::erase_if(partitions,
                 [](const Partition &p) { return p.functions.empty(); });
  llvm::stable_sort(partitions, [](const Partition &a, const Partition &b) {
    return a.ops > b.ops;
  });
  return partitions;
}

/// `module` with only `keep`'s function bodies: the others become
/// declarations, every definition is visible to the other partitions (but
/// hidden outside the program), and private constants nothing uses go.
OwningOpRef<ModuleOp> extract(ModuleOp module, const Partition &keep) {
  OwningOpRef<ModuleOp> copy = module.clone();
  llvm::StringSet<> kept;
  for (const std::string &name : keep.functions)
    kept.insert(name);
  for (auto function : copy->getOps<LLVM::LLVMFuncOp>()) {
    if (function.isExternal())
      continue;
    if (!kept.contains(function.getName())) {
      function.getBody().dropAllReferences();
      function.getBody().getBlocks().clear();
    }
    if (function.getLinkage() == LLVM::Linkage::Private ||
        function.getLinkage() == LLVM::Linkage::Internal ||
        SymbolTable::getSymbolVisibility(function) ==
            SymbolTable::Visibility::Private) {
      function.setLinkage(LLVM::Linkage::External);
      function.setVisibility_(LLVM::Visibility::Hidden);
      SymbolTable::setSymbolVisibility(function,
                                       SymbolTable::Visibility::Public);
    }
  }
  llvm::StringSet<> used;
  copy->walk([&](Operation *op) {
    if (isa<LLVM::GlobalOp>(op))
      return;
    for (NamedAttribute attribute : op->getAttrs())
      attribute.getValue().walk([&](SymbolRefAttr reference) {
        used.insert(reference.getRootReference().getValue());
      });
  });
  for (auto global :
       llvm::make_early_inc_range(copy->getOps<LLVM::GlobalOp>()))
    if (!used.contains(global.getSymName()))
      global.erase();
  return copy;
}

/// `_mlir_<name>(void **args)` for each exported C interface function
/// `name` of `module`: the packed form mljit calls (mljit._call, the disk
/// cache), as MLIR's ExecutionEngine adds it.
void addPackedWrappers(llvm::Module &module) {
  std::vector<llvm::Function *> functions;
  for (llvm::Function &function : module)
    if (!function.isDeclaration() &&
        function.getName().starts_with(kCInterfacePrefix) &&
        function.getVisibility() == llvm::GlobalValue::DefaultVisibility)
      functions.push_back(&function);
  llvm::LLVMContext &context = module.getContext();
  auto *pointer = llvm::PointerType::get(context, 0);
  for (llvm::Function *function : functions) {
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(context),
                                         {pointer}, /*isVarArg=*/false);
    auto *wrapper =
        llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                               "_mlir_" + function->getName(), module);
    llvm::IRBuilder<> builder(
        llvm::BasicBlock::Create(context, "entry", wrapper));
    llvm::Value *packed = wrapper->getArg(0);
    llvm::SmallVector<llvm::Value *> arguments;
    for (auto [index, argument] : llvm::enumerate(function->args())) {
      llvm::Value *slot = builder.CreateLoad(
          pointer, builder.CreateConstGEP1_64(pointer, packed, index));
      arguments.push_back(builder.CreateLoad(argument.getType(), slot));
    }
    llvm::Value *result = builder.CreateCall(function, arguments);
    if (!function->getReturnType()->isVoidTy()) {
      llvm::Value *slot = builder.CreateLoad(
          pointer,
          builder.CreateConstGEP1_64(pointer, packed, function->arg_size()));
      builder.CreateStore(result, slot);
    }
    builder.CreateRetVoid();
  }
}

std::unique_ptr<llvm::TargetMachine>
targetMachine(const std::string &cpu, const std::string &features,
              llvm::CodeGenOptLevel level, std::string &error) {
  llvm::Triple triple(llvm::sys::getProcessTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  // PIC: the same objects become the disk cache's shared libraries.
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, level));
}

void optimize(llvm::Module &module, llvm::TargetMachine &machine, bool glue) {
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopUnrolling = true;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  // As compiler.LLVM_OPTIONS: LLVM 22's SLP vectorizer miscompiles and
  // aborts on programs the fuzzer found.
  tuning.SLPVectorization = false;
  llvm::PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::ModulePassManager pipeline =
      glue ? builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
           : builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  pipeline.run(module, modules);
}

bool emitObject(llvm::Module &module, llvm::TargetMachine &machine,
                llvm::SmallVector<char, 0> &object) {
  llvm::raw_svector_ostream stream(object);
  llvm::legacy::PassManager passes;
  if (machine.addPassesToEmitFile(passes, stream, nullptr,
                                  llvm::CodeGenFileType::ObjectFile))
    return false;
  passes.run(module);
  return true;
}

void initializeTarget() {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
}

} // namespace

/// Object files compiled from one module, and how long each phase took.
struct MljitObjects {
  std::vector<Partition> partitions;
  // translate, optimize, codegen: wall-clock seconds.
  double seconds[3] = {0, 0, 0};
  std::string error;
};

/// Code loaded into this process.
struct MljitLoaded {
  std::unique_ptr<llvm::orc::LLJIT> jit;
};

extern "C" {

/// Compiles the LLVM-dialect `module` for the host CPU `cpu` with
/// `features` into object files, on up to `threads` threads. Never null:
/// check mljitObjectsError.
MLJIT_EXPORT MljitObjects *mljitCompileObjects(MlirOperation module,
                                               const char *cpu,
                                               const char *features,
                                               int threads) {
  initializeTarget();
  auto *result = new MljitObjects;
  ModuleOp source = cast<ModuleOp>(unwrap(module));
  mlirRegisterAllLLVMTranslations(wrap(source.getContext()));
  result->partitions = partition(source);
  auto start = std::chrono::steady_clock::now();
  for (Partition &part : result->partitions) {
    OwningOpRef<ModuleOp> piece = extract(source, part);
    part.context = std::make_unique<llvm::LLVMContext>();
    part.module = translateModuleToLLVMIR(*piece, *part.context);
    if (!part.module) {
      result->error = "the LLVM dialect module could not be translated to "
                      "LLVM IR (see the diagnostics above)";
      return result;
    }
    addPackedWrappers(*part.module);
  }
  result->seconds[0] = secondsSince(start);

  std::mutex errorLock;
  auto fail = [&](const std::string &message) {
    std::lock_guard<std::mutex> lock(errorLock);
    if (result->error.empty())
      result->error = message;
  };
  auto machineFor = [&](const Partition &part) {
    std::string error;
    auto machine = targetMachine(cpu, features,
                                 part.glue ? llvm::CodeGenOptLevel::None
                                           : llvm::CodeGenOptLevel::Aggressive,
                                 error);
    if (!machine)
      fail("no LLVM target for this host: " + error);
    return machine;
  };
  std::string cpuName(cpu), featureText(features);
  start = std::chrono::steady_clock::now();
  runConcurrently(result->partitions.size(), threads, [&](size_t i) {
    Partition &part = result->partitions[i];
    if (auto machine = machineFor(part)) {
      part.module->setTargetTriple(machine->getTargetTriple());
      part.module->setDataLayout(machine->createDataLayout());
      optimize(*part.module, *machine, part.glue);
    }
  });
  result->seconds[1] = secondsSince(start);
  if (!result->error.empty())
    return result;
  start = std::chrono::steady_clock::now();
  runConcurrently(result->partitions.size(), threads, [&](size_t i) {
    Partition &part = result->partitions[i];
    if (auto machine = machineFor(part))
      if (!emitObject(*part.module, *machine, part.object))
        fail("LLVM cannot emit object files for this host");
    part.module.reset();
    part.context.reset();
  });
  result->seconds[2] = secondsSince(start);
  return result;
}

/// The error of a failed compile, or the empty string.
MLJIT_EXPORT void mljitObjectsError(MljitObjects *objects,
                                    MlirStringCallback callback,
                                    void *userData) {
  callback(mlirStringRefCreate(objects->error.data(), objects->error.size()),
           userData);
}

MLJIT_EXPORT size_t mljitObjectsCount(MljitObjects *objects) {
  return objects->partitions.size();
}

/// The bytes of object file `index`.
MLJIT_EXPORT void mljitObjectsGet(MljitObjects *objects, size_t index,
                                  MlirStringCallback callback,
                                  void *userData) {
  const auto &object = objects->partitions[index].object;
  callback(mlirStringRefCreate(object.data(), object.size()), userData);
}

/// Wall-clock seconds of phase `phase`: 0 translation to LLVM IR, 1
/// optimization, 2 code generation.
MLJIT_EXPORT double mljitObjectsSeconds(MljitObjects *objects, int phase) {
  return objects->seconds[phase];
}

MLJIT_EXPORT void mljitObjectsDestroy(MljitObjects *objects) {
  delete objects;
}

/// Links the `count` object files `objects` (of `sizes` bytes) into this
/// process, resolving the symbols they call in the library `runtime` and
/// then in the process; null (and the reason passed to `callback`) on
/// failure.
MLJIT_EXPORT MljitLoaded *mljitLoadObjects(const char *const *objects,
                                           const size_t *sizes, size_t count,
                                           const char *runtime,
                                           MlirStringCallback callback,
                                           void *userData) {
  initializeTarget();
  auto report = [&](llvm::Error error) -> MljitLoaded * {
    std::string message = llvm::toString(std::move(error));
    callback(mlirStringRefCreate(message.data(), message.size()), userData);
    return nullptr;
  };
  auto jit = llvm::orc::LLJITBuilder().create();
  if (!jit)
    return report(jit.takeError());
  llvm::orc::JITDylib &library = (*jit)->getMainJITDylib();
  char prefix = (*jit)->getDataLayout().getGlobalPrefix();
  auto runtimeSymbols =
      llvm::orc::DynamicLibrarySearchGenerator::Load(runtime, prefix);
  if (!runtimeSymbols)
    return report(runtimeSymbols.takeError());
  library.addGenerator(std::move(*runtimeSymbols));
  auto processSymbols =
      llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(prefix);
  if (!processSymbols)
    return report(processSymbols.takeError());
  library.addGenerator(std::move(*processSymbols));
  for (size_t index = 0; index < count; ++index) {
    auto buffer = llvm::MemoryBuffer::getMemBufferCopy(
        llvm::StringRef(objects[index], sizes[index]),
        "mljit-object-" + std::to_string(index));
    if (llvm::Error error = (*jit)->addObjectFile(std::move(buffer)))
      return report(std::move(error));
  }
  return new MljitLoaded{std::move(*jit)};
}

/// The address of `symbol` in the loaded code, linking what it needs; 0
/// (and the reason passed to `callback`) if it cannot be found or linked.
MLJIT_EXPORT uint64_t mljitLoadedLookup(MljitLoaded *loaded,
                                        const char *symbol,
                                        MlirStringCallback callback,
                                        void *userData) {
  auto address = loaded->jit->lookup(symbol);
  if (!address) {
    std::string message = llvm::toString(address.takeError());
    callback(mlirStringRefCreate(message.data(), message.size()), userData);
    return 0;
  }
  return address->getValue();
}

MLJIT_EXPORT void mljitLoadedDestroy(MljitLoaded *loaded) { delete loaded; }

} // extern "C"
