"""Programs LLVM 22 (the xtc 22.1.8 wheels) crashed or miscompiled on, kept
working by compiler.WORKAROUNDS and compiler.LLVM_OPTIONS."""

import os
import subprocess
import sys
import textwrap

import llvm

from mljit import _native, compiler

# Found by the fuzzer (python test/fuzz/fuzz.py --replay 777001 561): on x86
# without AVX-512, LLVM's SLP vectorizer emitted a shuffle before the vector
# load it reads, and instruction selection aborted the process. Run in a
# child process, so that the abort fails this test instead of ending the run.
_ABORTED_ON_SLP_SPLIT_NODES = """
import numpy as np
import mljit

def fuzzed(a0):
    v0 = a0.reshape((1, -1, 1, 1))
    v1 = v0 - a0
    return v1.any(axis=1)

def differs(a):
    return (a.reshape(1, a.size, 1, 1) - a != 0).max(axis=1)

fuzzed_input = np.array([-1.3598125763480624, 9.171017567214854, -7.7966665517516525,
                         3.4457920612063226, 0.0851455685185094, -1.7059928861158387])
cases = [(fuzzed, fuzzed_input.reshape(3, 2))]
for shape in [(3, 2), (2, 3), (6, 1)]:
    a = np.arange(6.0).reshape(shape) * 1.5 - 2
    a[0, 0] = a.flat[-1]  # some differences are zero
    cases.append((differs, a))
for program, a in cases:
    got, expected = mljit.jit(program)(a), program(a)
    assert got.dtype == expected.dtype and np.array_equal(got, expected), (got, expected)
print("agree")
"""


def _agrees_in_a_child(program: str) -> None:
    """Runs `program` in a child process, so that an abort fails the test
    instead of ending the run; it prints "agree" when it matches NumPy."""
    child = subprocess.run([sys.executable, "-c", textwrap.dedent(program)],
                           capture_output=True, text=True, timeout=600)
    assert child.returncode == 0 and child.stdout.strip() == "agree", (
        f"exit status {child.returncode}\n{child.stdout}\n{child.stderr[-3000:]}")


def test_reduction_of_an_array_minus_its_own_reshape():
    _agrees_in_a_child(_ABORTED_ON_SLP_SPLIT_NODES)


# Found by the fuzzer (seed 990021, index 4683): another SLP vectorizer
# abort, in instruction selection ("Already set a value for this node").
_ABORTED_ON_SLP_BUNDLE = """
import numpy as np
import mljit

def fuzzed(a1, a2):
    return np.matmul(np.remainder(1e-3, np.arccos(a1)), a2)

a1 = np.arange(36).reshape(4, 3, 3) % 3 == 0
a2 = np.array([np.inf, 0.9046509265899658, np.inf], dtype=np.float32)
got, expected = mljit.jit(fuzzed)(a1, a2), fuzzed(a1, a2)
assert got.dtype == expected.dtype and np.allclose(got, expected, equal_nan=True)
print("agree")
"""


def test_remainder_by_arccos_of_booleans_in_a_batched_product():
    _agrees_in_a_child(_ABORTED_ON_SLP_BUNDLE)


def test_llvm_knows_the_options_set():
    # An LLVM that renamed or dropped one would only log a warning at import.
    for name, value in compiler.LLVM_OPTIONS:
        assert _native.capi.mljitSetLLVMOption(name.encode(), value.encode()), name
    assert not _native.capi.mljitSetLLVMOption(b"mljit-no-such-option", b"1")


# A loop whose comparison's mask (a k register) is both read as bits and
# used as the next iteration's select mask. LLVM 22's X86CompressEVEX folds
# vpmovd2m + kmov into vmovmskps and erases the vpmovd2m although the mask
# is read again (llvm/llvm-project#198197): the select then reads a stale
# mask.
_MASK_READ_AGAIN = """
define i32 @f(ptr %in, ptr %out, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [0, %entry], [%next, %loop]
  %mask = phi <4 x i1> [zeroinitializer, %entry], [%negative, %loop]
  %product = phi i32 [1, %entry], [%product.next, %loop]
  %from = getelementptr <4 x i32>, ptr %in, i64 %i
  %v = load <4 x i32>, ptr %from
  %f = sitofp <4 x i32> %v to <4 x float>
  %kept = select <4 x i1> %mask, <4 x float> %f, <4 x float> zeroinitializer
  %to = getelementptr <4 x float>, ptr %out, i64 %i
  store <4 x float> %kept, ptr %to
  %negative = icmp slt <4 x i32> %v, zeroinitializer
  %bits = bitcast <4 x i1> %negative to i4
  %wide = zext i4 %bits to i32
  %product.next = mul i32 %product, %wide
  %next = add i64 %i, 1
  %done = icmp eq i64 %next, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i32 %product.next
}
"""


def _x86_assembly(ir: str, features: str) -> str:
    llc = os.path.join(llvm.__path__[0], "bin", "llc")
    return subprocess.run([llc, "-O3", "-mtriple=x86_64-linux-gnu", "-mcpu=znver4",
                           f"-mattr={features}", "-o", "-"], input=ir, text=True,
                          capture_output=True, check=True).stdout


def test_no_stale_mask_with_the_workarounds():
    # A masked op must have its mask set in the loop (or there is no mask).
    assembly = _x86_assembly(_MASK_READ_AGAIN, ",".join(compiler.WORKAROUNDS))
    assert "{%k" not in assembly or "vpmovd2m" in assembly


def test_llvm_still_erases_a_mask_read_again_without_them():
    # Fails once the LLVM wheels have the fix: then AVX-512 can come back
    # (compiler.WORKAROUNDS).
    assembly = _x86_assembly(_MASK_READ_AGAIN, "+prefer-no-gather")
    assert "{%k" in assembly and "vpmovd2m" not in assembly
