"""Python `if`, `while` and `for` on traced values, compiled: the functions a
jitted function runs (and the user functions they call) are converted by
source transformation (AutoGraph's design) so that control flow on a traced
condition becomes mljit.cond and loops (control.py), while control flow on
Python values stays Python, decided while tracing.
"""

from .convert import converted, to_source, why_not_converted

__all__ = ["converted", "to_source", "why_not_converted"]
