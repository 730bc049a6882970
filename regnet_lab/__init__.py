"""regnet_lab: sample, build, count and compare the design spaces of RegNet.

A small library for re-doing "Designing Network Design Spaces" (Radosavovic, Kosaraju, Girshick,
He and Dollar, CVPR 2020) on one machine. The stable public names are listed in ``__all__`` and
documented in the book's API reference.

>>> import regnet_lab as rl
>>> rl.zoo_config("RegNetX-200MF").widths
(24, 56, 152, 368)
"""

from .quantization import QuantizedWidths, make_compatible, quantize_widths
from .configs import AnyNetConfig, RegNetConfig, as_anynet, config_from_dict
from .zoo import zoo_config, zoo_names
from .network import AnyNet, build
from .complexity import Complexity, Summary, complexity, summary

# --- torchvision interop ---

# --- design spaces, analysis ---

# --- data, budgets, training ---

# --- sweeps ---

__version__ = "0.1.0"

__all__ = [
    "QuantizedWidths", "quantize_widths", "make_compatible",
    "AnyNetConfig", "RegNetConfig", "as_anynet", "config_from_dict",
    "zoo_names", "zoo_config",
    "AnyNet", "build",
    "Complexity", "complexity", "Summary", "summary",
]
