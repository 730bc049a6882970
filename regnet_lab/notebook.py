"""Numbers from a chapter's computation into its prose: a glue that also works outside the book.

The book's chapters put computed numbers into their text with MyST-NB's ``glue`` (written as
``{glue:text}`name:.2f``` in Markdown), so no number in the prose is typed by hand. MyST-NB is
installed where the book is built but not on Colab; :func:`glue` calls it when it is there and
otherwise does nothing, so the same notebook runs in both places.

>>> from regnet_lab.notebook import glue
>>> glue("n_models", 100)   # stores the value for the book; invisible in the notebook
"""

from __future__ import annotations

from typing import Any

from . import validation as check

__all__ = ["glue", "scientific"]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def glue(name: str, value: Any, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's Markdown (``{glue:text}`name```).

    Args:
        name: the key, unique within the notebook (letters, digits and underscores).
        value: a number, a string, or a figure / DataFrame (then use ``{glue:figure}``).
        display: also show the value in the notebook (MyST-NB's ``display``).

    Raises:
        ValueError: when ``name`` is empty or has characters other than letters, digits, ``_``
            and ``-``.
    """
    if not isinstance(name, str) or not name or not all(ch.isalnum() or ch in "_-" for ch in name):
        raise ValueError(f"glue name must be letters, digits, '_' or '-', got {name!r}")
    check.flag(display, "display")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:  # e.g. on Colab: the book's glue has no meaning there
        return
    myst_glue(name, value, display=display)


def scientific(x: float, digits: int = 2) -> str:
    """A large (or small) number as text for prose, in the form ``m × 10ⁿ`` with ``digits``
    significant digits, e.g. a design space's size (Section 3.1's 1.8 × 10¹⁸).

    >>> scientific(1.847e18)
    '1.8 × 10¹⁸'
    >>> scientific(1.3822e13, digits=3)
    '1.38 × 10¹³'

    Raises:
        ValueError: ``digits`` below 1, or ``x`` not a finite number.
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"digits must be a positive integer, got {digits!r}")
    value = check.finite(x, "x")
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"
