"""The RegNetX and RegNetY model zoo of the paper (Tables in Appendix C; pycls's model zoo).

Each entry is the six-number RegNet description ``(d, w0, wa, wm, g)`` plus whether the blocks use
Squeeze-and-Excitation (RegNetY, ``se_ratio = 0.25``). The networks themselves follow from the
quantized linear rule, so the stage depths and widths are never typed in here.
"""

from __future__ import annotations

from .configs import RegNetConfig

__all__ = ["zoo_names", "zoo_config", "ZOO_PARAMETERS"]

# name: (depth, w0, wa, wm, group_width); Y models add SE with ratio 0.25.
ZOO_PARAMETERS: dict[str, tuple[int, int, float, float, int]] = {
    "RegNetX-200MF": (13, 24, 36.44, 2.49, 8),
    "RegNetX-400MF": (22, 24, 24.48, 2.54, 16),
    "RegNetX-600MF": (16, 48, 36.97, 2.24, 24),
    "RegNetX-800MF": (16, 56, 35.73, 2.28, 16),
    "RegNetX-1.6GF": (18, 80, 34.01, 2.25, 24),
    "RegNetX-3.2GF": (25, 88, 26.31, 2.25, 48),
    "RegNetX-4.0GF": (23, 96, 38.65, 2.43, 40),
    "RegNetX-6.4GF": (17, 184, 60.83, 2.07, 56),
    "RegNetX-8.0GF": (23, 80, 49.56, 2.88, 120),
    "RegNetX-12GF": (19, 168, 73.36, 2.37, 112),
    "RegNetX-16GF": (22, 216, 55.59, 2.1, 128),
    "RegNetX-32GF": (23, 320, 69.86, 2.0, 168),
    "RegNetY-200MF": (13, 24, 36.44, 2.49, 8),
    "RegNetY-400MF": (16, 48, 27.89, 2.09, 8),
    "RegNetY-600MF": (15, 48, 32.54, 2.32, 16),
    "RegNetY-800MF": (14, 56, 38.84, 2.4, 16),
    "RegNetY-1.6GF": (27, 48, 20.71, 2.65, 24),
    "RegNetY-3.2GF": (21, 80, 42.63, 2.66, 24),
    "RegNetY-4.0GF": (22, 96, 31.41, 2.24, 64),
    "RegNetY-6.4GF": (25, 112, 33.22, 2.27, 72),
    "RegNetY-8.0GF": (17, 192, 76.82, 2.19, 56),
    "RegNetY-12GF": (19, 168, 73.36, 2.37, 112),
    "RegNetY-16GF": (18, 200, 106.23, 2.48, 112),
    "RegNetY-32GF": (20, 232, 115.89, 2.53, 232),
}

_BY_KEY = {name.lower(): name for name in ZOO_PARAMETERS}


def zoo_names() -> list[str]:
    """The 24 model names of the paper, RegNetX-200MF ... RegNetY-32GF, in increasing flops."""
    return list(ZOO_PARAMETERS)


def zoo_config(name: str) -> RegNetConfig:
    """The :class:`~regnet_lab.configs.RegNetConfig` of a paper model (name case-insensitive).

    >>> zoo_config("regnetx-200mf").depths
    (1, 1, 4, 7)
    """
    key = str(name).strip().lower().replace("_", "-")
    if key not in _BY_KEY:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(ZOO_PARAMETERS)}")
    canonical = _BY_KEY[key]
    d, w0, wa, wm, g = ZOO_PARAMETERS[canonical]
    se = 0.25 if canonical.startswith("RegNetY") else 0.0
    return RegNetConfig(depth=d, w0=w0, wa=wa, wm=wm, group_width=g, se_ratio=se)
