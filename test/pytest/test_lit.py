"""Runs the lit suite (FileCheck tests of the dialect, passes, pipelines,
ml-opt and the tracer), so that one pytest command runs every test."""

import os
import subprocess
import sys

TEST_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_lit_suite():
    result = subprocess.run(
        [sys.executable, "-c", "import lit.main; lit.main.main()", "-sv", TEST_DIR],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, f"lit failed:\n{result.stdout}\n{result.stderr}"
