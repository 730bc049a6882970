"""One place for checking parameters, shared by the public API and the command line.

Every public function of ``regnet_lab`` checks what it is given with these helpers, so a bad value
is refused the same way everywhere: a :class:`TypeError` when the value has the wrong type, a
:class:`ValueError` when it has the right type but is out of range, and in both cases a message
that names the parameter, says what is valid and shows what was given. The rules:

* ``bool`` is never an integer or a number (``True`` is not a depth), while numpy integers and
  floats are accepted where Python's are;
* NaN and infinity are refused wherever a finite number is meant;
* sizes have upper bounds, given with their reason, so that a typo such as ``depth=10**12``
  fails at once instead of running out of memory or never returning;
* names are looked up with the valid names in the message.
"""

from __future__ import annotations

import math
import os
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

import numpy as np

__all__ = ["integer", "positive_int", "seed", "number", "finite", "fraction", "flag", "one_of_types",
           "optional_flag", "choice", "int_sequence", "number_sequence", "path", "output_file",
           "MAX_SEED", "ParameterTypeError", "MAX_DEPTH", "MAX_WIDTH", "MAX_REPS", "no_bools"]

#: The largest accepted seed. numpy's generators take any non-negative int, torch's manual_seed
#: takes at most 2**64 - 1 and a sweep derives ``seed * 100_003 + i`` from it.
MAX_SEED = 2**32 - 1

#: The most blocks a network description may have. It is far beyond any network that can be built
#: (the paper's design spaces stop at 16 blocks per stage), small enough never to exhaust memory.
MAX_DEPTH = 10_000

#: The widest layer (channels) a description may have, for the same reason.
MAX_WIDTH = 1_000_000


class ParameterTypeError(TypeError, ValueError):
    """A parameter of the wrong type. Both a TypeError and a ValueError, so that code written
    when regnet_lab raised ValueError for every bad parameter still catches it."""


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_int(value: Any) -> bool:
    return type(value) is int or (isinstance(value, Integral) and not isinstance(value, (bool, np.bool_)))


def integer(value: Any, name: str, minimum: Optional[int] = None, maximum: Optional[int] = None,
            reason: str = "") -> int:
    """``value`` as a Python int in ``[minimum, maximum]`` (TypeError for bools and non-integers).

    A float with an integral value (``2.0``) is refused too: a depth or a count is an int.
    ``reason`` explains the upper bound in the message.
    """
    if not _is_int(value):
        raise ParameterTypeError(f"{name} must be an integer{_range(minimum, maximum)}, got "
                        f"{type(value).__name__} {_show(value)}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        why = f" ({reason})" if reason and maximum is not None and value > maximum else ""
        raise ValueError(f"{name} must be an integer{_range(minimum, maximum)}{why}, got "
                         f"{_show(value)}")
    return value


def positive_int(value: Any, name: str, maximum: Optional[int] = None, reason: str = "") -> int:
    """An integer >= 1 (at most ``maximum``, whose ``reason`` the message gives)."""
    return integer(value, name, 1, maximum, reason)


def seed(value: Any, name: str = "seed") -> int:
    """A random seed: an integer in ``[0, MAX_SEED]``."""
    return integer(value, name, 0, MAX_SEED, "the range numpy and torch seeds share")


def _range(minimum: Any, maximum: Any, open_low: bool = False, open_high: bool = False) -> str:
    lo = ">" if open_low else ">="
    hi = "<" if open_high else "<="
    if minimum is not None and maximum is not None:
        return f" {lo} {minimum:g} and {hi} {maximum:g}" if not isinstance(minimum, int) or \
            not isinstance(maximum, int) else f" {lo} {minimum} and {hi} {maximum}"
    if minimum is not None:
        return f" {lo} {minimum}"
    if maximum is not None:
        return f" {hi} {maximum}"
    return ""


def number(value: Any, name: str, minimum: Optional[float] = None, maximum: Optional[float] = None,
           open_low: bool = False, open_high: bool = False, allow_inf: bool = False) -> float:
    """``value`` as a finite float in the given range (NaN always refused; inf only if allowed).

    Python and numpy ints and floats are accepted, bools and strings are not (TypeError). An int
    too large for a float (``8 * 10**400``) is a ValueError, not an OverflowError.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        raise ParameterTypeError(f"{name} must be a real number{_range(minimum, maximum, open_low, open_high)}"
                        f", got {type(value).__name__} {_show(value)}")
    try:
        x = float(value)
    except OverflowError:
        raise ValueError(f"{name} is too large for a floating-point number, got "
                         f"{_show(value)}") from None
    if math.isnan(x) or (math.isinf(x) and not allow_inf):
        raise ValueError(f"{name} must be a finite number{_range(minimum, maximum, open_low, open_high)}"
                         f", got {x!r}")
    if minimum is not None and (x < minimum or (open_low and x == minimum)) or \
            maximum is not None and (x > maximum or (open_high and x == maximum)):
        raise ValueError(f"{name} must be{_range(minimum, maximum, open_low, open_high)}, "
                         f"got {_show(value)}")
    return x


def finite(value: Any, name: str, minimum: Optional[float] = None,
           maximum: Optional[float] = None) -> float:
    """A finite real number in ``[minimum, maximum]``."""
    return number(value, name, minimum, maximum)


def fraction(value: Any, name: str, open_low: bool = True, open_high: bool = False) -> float:
    """A number in ``(0, 1]`` (by default), e.g. the best quarter ``frac`` or a confidence level."""
    return number(value, name, 0.0, 1.0, open_low=open_low, open_high=open_high)


def flag(value: Any, name: str) -> bool:
    """A boolean: ``True``/``False`` or a numpy bool; ``1``, ``'no'`` and ``None`` are refused."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterTypeError(f"{name} must be True or False, got {type(value).__name__} {_show(value)}")
    return bool(value)


def optional_flag(value: Any, name: str) -> Optional[bool]:
    """``None`` (meaning "decide for me") or a boolean."""
    return None if value is None else flag(value, name)


def choice(value: Any, name: str, valid: Iterable[str], what: str = "") -> str:
    """``value`` if it is one of the ``valid`` names, else an error listing them."""
    valid = list(valid)
    if not isinstance(value, str):
        raise ParameterTypeError(f"{name} must be a {what or 'name'} given as a string, one of "
                        f"{', '.join(valid)}; got {type(value).__name__} {_show(value)}")
    if value not in valid:
        raise ValueError(f"unknown {what or name} {value!r}; valid: {', '.join(valid)}")
    return value


def _sequence(value: Any, name: str, length: Optional[int], min_length: int,
              max_length: Optional[int]) -> Sequence[Any]:
    if type(value) not in (tuple, list) and (isinstance(value, (str, bytes, dict))
                                             or not isinstance(value, (Sequence, np.ndarray))):
        raise ParameterTypeError(f"{name} must be a list or tuple, got {type(value).__name__} {_show(value)}")
    if isinstance(value, np.ndarray) and value.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got an array of shape {value.shape}")
    n = len(value)
    if length is not None and n != length:
        raise ValueError(f"{name} must have {length} entries, got {n}: {_show(value)}")
    if n < min_length or (max_length is not None and n > max_length):
        bound = f"between {min_length} and {max_length}" if max_length is not None else \
            f"at least {min_length}"
        raise ValueError(f"{name} must have {bound} entries, got {n}")
    return value


def int_sequence(value: Any, name: str, minimum: Optional[int] = None,
                 maximum: Optional[int] = None, length: Optional[int] = None, min_length: int = 0,
                 max_length: Optional[int] = None, reason: str = "") -> tuple[int, ...]:
    """A list/tuple/1-d array of integers, each checked as :func:`integer` (``name[i]``)."""
    seq = _sequence(value, name, length, min_length, max_length)
    lo = -math.inf if minimum is None else minimum
    hi = math.inf if maximum is None else maximum
    if all(type(v) is int and lo <= v <= hi for v in seq):  # the common case, without a message per entry
        return tuple(seq)
    return tuple(integer(v, f"{name}[{i}]", minimum, maximum, reason) for i, v in enumerate(seq))


def number_sequence(value: Any, name: str, minimum: Optional[float] = None,
                    maximum: Optional[float] = None, length: Optional[int] = None,
                    min_length: int = 0, max_length: Optional[int] = None,
                    open_low: bool = False) -> tuple[float, ...]:
    """A list/tuple/1-d array of finite numbers, each checked as :func:`number` (``name[i]``)."""
    seq = _sequence(value, name, length, min_length, max_length)
    return tuple(number(v, f"{name}[{i}]", minimum, maximum, open_low=open_low)
                 for i, v in enumerate(seq))


def path(value: Any, name: str, must_exist: bool = False, kind: str = "file") -> Path:
    """A filesystem path given as ``str`` or ``os.PathLike`` (``must_exist``: it must be there)."""
    if isinstance(value, bytes) or not isinstance(value, (str, os.PathLike)):
        raise ParameterTypeError(f"{name} must be a path (str or pathlib.Path), got "
                        f"{type(value).__name__} {_show(value)}")
    p = Path(value)
    if not str(value):
        raise ValueError(f"{name} must be a path, got an empty string")
    if "\0" in str(value):
        raise ValueError(f"{name} must be a path without NUL characters, got {_show(str(value))}")
    if must_exist and not p.exists():
        raise ValueError(f"{name}: no {kind} at {str(p)!r}")
    return p


def output_file(value: Any, name: str) -> Path:
    """A path a results file may be written to: missing, or an existing regular file.

    Named pipes, devices (``/dev/full``) and folders are refused, because appending to them blocks,
    never ends or fails late.
    """
    p = path(value, name)
    if p.exists() and not p.is_file():
        what = "a folder" if p.is_dir() else "not a regular file (a pipe, device or socket)"
        raise ValueError(f"{name} {str(p)!r} is {what}; give the path of a results file")
    return p


def one_of_types(value: Any, name: str, types: Union[type, tuple], what: str) -> Any:
    """``value`` if it is an instance of ``types``, else a TypeError saying ``what`` is expected."""
    if not isinstance(value, types):
        raise ParameterTypeError(f"{name} must be {what}, got {type(value).__name__} {_show(value)}")
    return value


def no_bools(values: Any, name: str) -> None:
    """Refuse booleans among ``values`` (a list, tuple or array meant to hold numbers)."""
    if isinstance(values, (bool, np.bool_)) or getattr(values, "dtype", None) == np.bool_:
        raise ParameterTypeError(f"{name} must hold numbers, got booleans")
    if isinstance(values, (list, tuple)) and any(isinstance(v, (bool, np.bool_)) for v in values):
        raise ParameterTypeError(f"{name} must hold numbers, got booleans in {_show(values)}")
    if isinstance(values, (str, bytes, dict)) or (isinstance(values, (list, tuple)) and any(
            isinstance(v, (str, bytes)) or v is None for v in values)):
        raise ParameterTypeError(f"{name} must be a list of numbers, got {_show(values)}")


#: The most bootstrap resamples one call may draw (each is held in memory at once).
MAX_REPS = 10_000_000
