"""Signals and hangs: mljit installs no signal handlers (LLVM's are taken
back), Ctrl-C stays a KeyboardInterrupt, and a forked child can still run
compiled code."""

import os
import subprocess
import sys
import textwrap

import pytest

SIGNAL_STATE = textwrap.dedent("""
    import ctypes, signal
    libc = ctypes.CDLL(None)

    def handlers():
        # The handler of every signal: the first field of struct sigaction.
        state = {}
        for number in range(1, signal.NSIG):
            action = ctypes.create_string_buffer(512)
            if libc.sigaction(number, None, action) == 0:
                state[number] = action.raw[:ctypes.sizeof(ctypes.c_void_p)]
        return state
""")


def run(script: str, **environment) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SIGNAL_STATE + textwrap.dedent(script)],
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **environment))


def test_no_signal_handler_changes(tmp_path):
    process = run(f"""
        before = handlers()
        import numpy as np, mljit
        f = mljit.jit(lambda x: np.tanh(x) @ x.T)
        f(np.ones((200, 200), np.float32))                        # compile, store in the cache
        mljit.jit(lambda x: x + 1).lower(np.ones(3)).as_text("llvm-ir")
        mljit.export(lambda x: x * 2, np.ones(2), path={str(tmp_path / "artifact")!r})
        mljit.load({str(tmp_path / "artifact")!r})(np.ones(2))
        changed = [n for n in before if handlers()[n] != before[n]]
        print("changed:", changed)
    """, MLJIT_CACHE_DIR=str(tmp_path / "cache"))
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "changed: []"


def test_ctrl_c_is_a_keyboard_interrupt_after_compiling(tmp_path):
    # Python handles SIGINT only if it starts with the default disposition,
    # which a child of a test run need not inherit: the script sets Python's
    # handler itself, then checks that compiling leaves it in place. The
    # signal is raised in the main thread, where Python runs handlers.
    process = run("""
        import os, sys, numpy as np
        print("inherited:", signal.getsignal(signal.SIGINT),
              signal.pthread_sigmask(signal.SIG_BLOCK, []), file=sys.stderr)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        before = handlers()[signal.SIGINT]
        import mljit
        mljit.jit(lambda x: np.exp(x).sum())(np.ones(1000))
        assert handlers()[signal.SIGINT] == before, "compiling replaced the SIGINT handler"
        try:
            signal.raise_signal(signal.SIGINT)
            for _ in range(10**8):
                pass
        except KeyboardInterrupt:
            print("KeyboardInterrupt")
    """, MLJIT_CACHE_DIR=str(tmp_path))
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "KeyboardInterrupt", process.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_forked_child_runs_compiled_parallel_code(tmp_path):
    # The child has none of the parent's pool threads: its parallel loops
    # must run on its one thread instead of waiting for them.
    process = run("""
        import os, numpy as np, mljit
        f = mljit.jit(lambda x: np.exp(x).sum(axis=1))
        x = np.ones((4096, 512), np.float32)
        f(x)  # starts the parent's pool
        pid = os.fork()
        if pid == 0:
            ok = np.allclose(f(x), np.exp(x).sum(axis=1), rtol=1e-5)
            g = mljit.jit(lambda x: np.tanh(x).sum(axis=0))  # compiles in the child
            ok = ok and np.allclose(g(x), np.tanh(x).sum(axis=0), rtol=1e-5)
            os._exit(0 if ok else 1)
        _, status = os.waitpid(pid, 0)
        print("child exit", os.waitstatus_to_exitcode(status))
    """, MLJIT_CACHE_DIR=str(tmp_path))
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == "child exit 0"
