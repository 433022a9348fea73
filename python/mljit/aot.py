"""Ahead-of-time compilation: a function as a folder that runs without MLIR,
LLVM or mljit (loader.py reads it).

`export` does it for a Python function traced like `jit`; `ml-compile` (the
`main` below) for a function of an `.mlir` file, for ml-opt users.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from typing import Callable, Sequence

from mlir import ir
from mlir.passmanager import PassManager

from . import _native, compiler, cuda, dtypes, executable, loader, pytree, symbolic
from .api import JitFunction, jit
from .signature import generalize, name_sizes, symbolic_ints
from .errors import CompileError, MljitError, UnsupportedError
from .target import DEFAULT_CHIP, Target
from .tracing import ArgSpec


def write_artifact(path: str, module: ir.Module, name: str, in_specs: Sequence[ArgSpec],
                   out_specs: Sequence[ArgSpec], in_tree, out_tree, target: Target,
                   title: str, guards: Sequence = ()) -> str:
    """Writes the folder `path` for function `name` of the LLVM-dialect
    `module`, compiled for `target`: its shared library, the runtime
    library, the loader and `manifest.json` (signature and pytree
    structures, in loader.py's form). Symbolic sizes: an input's are the
    symbols' names (an int argument's value names one too), a result's
    their expressions, and `guards` the conditions the sizes must meet."""
    os.makedirs(path, exist_ok=True)
    shutil.copyfile(_native.RUNTIME_LIBRARY_PATH,
                    os.path.join(path, loader.RUNTIME_LIBRARY_FILE))
    library = f"{name}.so"
    with tempfile.TemporaryDirectory() as scratch:
        # Not run: GPU code needs no GPU to be built.
        object_paths = executable.compile_objects(module, name, scratch, target.device)
        executable.link_shared_library(object_paths, os.path.join(path, library), "$ORIGIN")
    shutil.copyfile(loader.__file__, os.path.join(path, "mljit_loader.py"))
    shutil.copyfile(cuda.__file__, os.path.join(path, "mljit_cuda.py"))

    def describe(spec, size):
        entry = {"shape": [size(d) for d in spec.shape], "dtype": spec.dtype.name}
        if isinstance(spec.value, symbolic.Dim):
            entry["symbol"] = repr(spec.value)
        return entry

    # Inputs' symbolic sizes are plain symbols (signature.generalize).
    inputs = [describe(s, lambda d: repr(d) if isinstance(d, symbolic.Dim) else d)
              for s in in_specs]
    outputs = [describe(s, symbolic.to_json) for s in out_specs]
    manifest = {
        "format": loader.FORMAT,
        "function": title,
        "library": library,
        "symbol": f"_mlir_ciface_{name}",
        "inputs": inputs,
        "outputs": outputs,
        "in_tree": in_tree,
        "out_tree": out_tree,
        "pipeline": target.pipeline,
        "cpu": compiler.host_cpu(),
        "device": target.device,
    }
    if guards:
        manifest["guards"] = [[symbolic.to_json(g.lhs), g.op, symbolic.to_json(g.rhs),
                               g.expected, str(g)] for g in guards]
    with open(os.path.join(path, loader.MANIFEST), "w") as file:
        json.dump(manifest, file, indent=1)
    return path


def export(fun: Callable, *args, path: str, device: str | None = None,
           chip: str | None = None, dynamic: bool = False, dynamic_shapes: dict | None = None,
           **kwargs) -> str:
    """Compiles `fun` for the signature of `args`/`kwargs` and writes it to
    the folder `path`: the function as a shared library, the runtime library
    it calls, `manifest.json` (its signature), `mljit_loader.py` and
    `mljit_cuda.py`.

    `mljit.load(path)` (or `mljit_loader.load(path)` where mljit is not
    installed) returns a callable needing only NumPy and ctypes, plus the
    NVIDIA driver for `device="cuda"` (default: the jitted function's
    device), which builds for `chip` (default "sm_90") without needing a GPU
    here. Static arguments are fixed at their values here; the loaded
    function takes the other arguments, in the same structure. Arrays `fun`
    reaches otherwise (closures, globals) are exported as constants.

    One artifact can serve every size: with `dynamic_shapes` (as `jit`'s,
    or the jitted function's own), the dimensions it names are symbolic;
    with `dynamic=True`, every size of 2 or more is (equal sizes, one
    symbol). Python int arguments are symbolic then too. The examples'
    sizes decide what the traced code decides on sizes (`if n > 1:`, sizes
    0 and 1 apart): the artifact serves the sizes for which those decisions
    hold, and a call with others raises ValueError naming the condition.
    """
    # An exported function cannot read the caller's state: it is constant.
    jitted = (fun if isinstance(fun, JitFunction)
              else jit(fun, device=device or "cpu", capture="constants"))
    dynamic_shapes = dynamic_shapes or getattr(jitted, "_dynamic_shapes", None)
    if dynamic or dynamic_shapes:
        signature, _, snapshot = jitted.signature(args, kwargs)
        general = (name_sizes(signature, dynamic_shapes, jitted._positional_names)
                   if dynamic_shapes else generalize(signature, None))
        general = symbolic_ints(general or signature) or general or signature
        lowered = jitted._lower(general, snapshot)
    else:
        lowered = jitted.lower(*args, **kwargs)
    if lowered.signature.device_arrays:
        raise TypeError("export takes NumPy arrays (or shapes' examples), not DeviceArrays")
    if len(lowered.signature.specs) > lowered.signature.tree.num_leaves:
        raise UnsupportedError(
            "export: the function reads arrays it does not take as arguments "
            "(attributes, closure cells or globals); pass them as arguments, or "
            "jit it with capture='constants' to export them as constants")
    if lowered.traced.effects is not None and lowered.traced.effects.any():
        raise UnsupportedError(
            "export: the function writes into arrays, binds attributes, draws random "
            "numbers or prints; an exported function only computes its results")
    device = device or lowered.target.device
    # GPU code is built for `chip`, not for whatever GPU is here.
    target = Target(device, chip or (DEFAULT_CHIP if device == "cuda" else None),
                    custom_pipeline=lowered.target.custom_pipeline).resolved()
    traced = lowered.traced
    module = compiler.lower(traced, target.pipeline)
    return write_artifact(path, module, traced.name, lowered.signature.specs, traced.out_specs,
                          pytree.to_json(lowered.signature.tree),
                          pytree.to_json(traced.out_tree), target,
                          getattr(jitted, "__qualname__", traced.name), traced.guards)


def _specs(types, what: str) -> list:
    specs = []
    for index, type_ in enumerate(types):
        try:
            tensor = ir.RankedTensorType(type_)
        except ValueError:
            raise MljitError(f"{what} {index} has type {type_}; only ranked tensors can be "
                             "passed to and from an exported function") from None
        if not tensor.has_static_shape:
            raise MljitError(f"{what} {index} has type {type_}; only static shapes can be "
                             "exported")
        try:
            dtype = dtypes.from_mlir(tensor.element_type)
        except KeyError:
            raise MljitError(f"{what} {index} has element type {tensor.element_type}, "
                             "which has no NumPy dtype mljit supports") from None
        specs.append(ArgSpec(tuple(tensor.shape), dtype))
    return specs


def compile_file(source: str, path: str, function: str | None = None,
                 target: Target = Target()) -> str:
    """The artifact of one function of the `ml` IR in file `source`,
    compiled for `target`."""
    with open(source) as file:
        text = file.read()
    context = _native.new_context()
    with context, ir.Location.unknown():
        try:
            module = ir.Module.parse(text)
        except ir.MLIRError as error:
            raise MljitError(f"{source}: {error}") from None
        functions = [op for op in module.body.operations if op.operation.name == "func.func"
                     and "sym_visibility" not in op.attributes]
        if function is not None:
            functions = [f for f in functions if f.attributes["sym_name"].value == function]
        if len(functions) != 1:
            names = [f.attributes["sym_name"].value for f in functions]
            raise MljitError(f"{source}: name the function to export with --function "
                             f"(public functions found: {names or 'none'})")
        entry = functions[0]
        name = entry.attributes["sym_name"].value
        entry.attributes["llvm.emit_c_interface"] = ir.UnitAttr.get()
        signature = ir.FunctionType(ir.TypeAttr(entry.attributes["function_type"]).value)
        in_specs = _specs(signature.inputs, f"argument of @{name}:")
        out_specs = _specs(signature.results, f"result of @{name}:")
        pipeline = target.pipeline
        try:
            PassManager.parse(f"builtin.module({pipeline})").run(module.operation)
        except ValueError as error:
            raise CompileError(f"invalid pipeline '{pipeline}': {error}") from None
        except ir.MLIRError as error:
            raise CompileError(f"{source}: {pipeline} failed:\n"
                               f"{compiler.describe(error.error_diagnostics)}") from None
        out_tree = "*" if len(out_specs) == 1 else {"tuple": ["*"] * len(out_specs)}
        in_tree = {"tuple": [{"tuple": ["*"] * len(in_specs)}, {"dict": []}]}
        return write_artifact(path, module, name, in_specs, out_specs, in_tree, out_tree,
                              target, name)


def main(argv: Sequence[str] | None = None) -> int:
    """`ml-compile`: an `.mlir` file's function as an artifact folder that
    `mljit.load` (or the folder's own `mljit_loader.py`) runs."""
    parser = argparse.ArgumentParser(prog="ml-compile", description=main.__doc__.split("\n")[0])
    parser.add_argument("input", help="an .mlir file in the ml dialect")
    parser.add_argument("-o", "--output", required=True, help="the artifact folder to write")
    parser.add_argument("--function", help="the function to export (default: the only public one)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu",
                        help="where the function runs (default: %(default)s)")
    parser.add_argument("--chip", help="the GPU architecture for --device=cuda "
                        f"(default: {DEFAULT_CHIP})")
    parser.add_argument("--pipeline", help="passes from ml to the LLVM dialect (default: "
                        f"{Target().pipeline}, or ml-gpu-pipeline for --device=cuda)")
    options = parser.parse_args(argv)
    try:
        chip = options.chip or (DEFAULT_CHIP if options.device == "cuda" else None)
        target = Target(options.device, chip, custom_pipeline=options.pipeline).resolved()
        compile_file(options.input, options.output, options.function, target)
    except (MljitError, OSError, ValueError) as error:
        print(f"ml-compile: {error}", file=sys.stderr)
        return 1
    return 0
