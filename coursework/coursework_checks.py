"""Helpers of the coursework's otter-grader checks (tests/<assignment>/q*.py import this file).

Two things every check needs:

* :func:`unavailable`: while a check runs, the library functions the student re-implements
  raise a ``RuntimeError`` that says so, wherever the student's code reaches them from
  (``rl.quantize_widths``, ``from regnet_lab.quantization import quantize_widths``, a method
  of a class). The function's code object is swapped for the duration of the check and
  restored afterwards, so the rest of the notebook keeps the real library.
* :func:`agree`: call the student's function on a list of inputs and fail on the *first*
  input whose result differs from the expected one, naming that input, what was expected and
  what came back.

This file holds no solutions; it is handed out with the student notebooks.
"""

from __future__ import annotations

import contextlib
import types
from typing import Any, Callable, Iterable, Iterator, Sequence

__all__ = ["unavailable", "module_functions", "agree", "call_text"]


def _stub_code(message: str) -> types.CodeType:
    namespace: dict = {}
    exec(f"def stub(*args, **kwargs):\n    raise RuntimeError({message!r})\n", namespace)
    return namespace["stub"].__code__


@contextlib.contextmanager
def unavailable(functions: Sequence[Callable], question: str, instead: str) -> Iterator[None]:
    """Make ``functions`` raise for the duration of the ``with`` block.

    Args:
        functions: plain Python functions (module functions or methods) without closures.
        question: the question whose check this is, e.g. ``"q1"``.
        instead: what the student should do instead, e.g. ``"write eqs. 2-4 yourself"``.

    Raises:
        TypeError: an entry that is not a plain function without a closure.
    """
    saved = []
    for f in functions:
        if not isinstance(f, types.FunctionType) or f.__closure__:
            raise TypeError(f"unavailable() needs plain functions without closures, got {f!r}")
        name = f"{f.__module__}.{f.__qualname__}"
        message = (f"{question} checks your own code, so {name} is unavailable while it runs: "
                   f"{instead}")
        saved.append((f, f.__code__, _stub_code(message)))
    try:
        for f, _, stub in saved:
            f.__code__ = stub
        yield
    finally:
        for f, code, _ in saved:
            f.__code__ = code


def module_functions(module: types.ModuleType) -> list:
    """Every plain function defined in ``module`` (to make a whole module unavailable)."""
    return [f for f in vars(module).values() if isinstance(f, types.FunctionType)
            and f.__module__ == module.__name__ and not f.__closure__]


def call_text(name: str, args: dict) -> str:
    """``name(a=1, b=2)``: how a failing input is named in a message."""
    return f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in args.items()) + ")"


def agree(function: Any, name: str, cases: Iterable[dict], expected: Iterable[Any],
          normalize: Callable[[Any], Any] = lambda x: x,
          same: Callable[[Any, Any], bool] = lambda a, b: a == b) -> int:
    """Check ``function(**case) == expected`` for every case; fail at the first mismatch.

    ``normalize`` turns the student's result into the expected form (e.g. a list of ints); a
    result it cannot convert is reported as it came back. Returns the number of cases checked.

    Raises:
        AssertionError: ``function`` is missing, or the first case where the results differ,
            with the input, the expected value and the value that came back.
    """
    if not callable(function):
        raise AssertionError(f"{name} is not defined yet: run the cell that defines it")
    count = 0
    for case, want in zip(cases, expected):
        raw = function(**case)
        try:
            got = normalize(raw)
        except Exception:  # noqa: BLE001 - a result of the wrong shape is a mismatch, shown as is
            got = raw
        if not same(got, want):
            note = "  (no return value: is the function written yet?)" if raw is None else ""
            raise AssertionError(f"first wrong input: {call_text(name, case)}\n"
                                 f"    expected {want!r}\n    got      {raw!r}{note}")
        count += 1
    return count
