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
from .interop import (PaperComparison, compare_with_paper, from_torchvision, torchvision_builder_names,
                      torchvision_config, torchvision_differences)

# --- design spaces, analysis ---
from .design_spaces import (REGIMES, DesignSpace, Regime, SampleReport, design_space, design_space_names,
                            find_regnet_parameters, regime, regime_names)
from .analysis import (Comparison, GoodRange, WidthFit, bootstrap_good_range, compare_populations, edf,
                       fit_quantized_linear, good_range_frame, population_quarter, results_frame)
from .plotting import (STYLE, plot_edfs, plot_error_vs_param, plot_quantized_rule, plot_widths,
                       use_style)

# --- data, budgets, training ---
from .data import (DATASETS, DatasetCorruptError, DatasetInfo, DatasetNotFoundError, dataset_info,
                   load_dataset)
from .budget import BUDGETS, Budget, budget_names, current_budget
from .train import TrainResult, train

# --- sweeps ---
from .sweep import load_sweep, plan_sweep, read_results, run_sweep
from .reference import load_reference, reference_dir, reference_manifest

# --- measured speed, notebooks ---
from .speed import SpeedResult, time_models
from .notebook import glue, scientific

__version__ = "0.1.0"

__all__ = [
    "DATASETS", "DatasetInfo", "DatasetNotFoundError", "DatasetCorruptError", "dataset_info",
    "load_dataset", "Budget", "BUDGETS", "budget_names", "current_budget", "TrainResult", "train",
    "load_sweep", "plan_sweep", "run_sweep", "read_results",
    "load_reference", "reference_dir", "reference_manifest",
    "SpeedResult", "time_models", "glue", "scientific",
    "QuantizedWidths", "quantize_widths", "make_compatible",
    "AnyNetConfig", "RegNetConfig", "as_anynet", "config_from_dict",
    "zoo_names", "zoo_config",
    "AnyNet", "build",
    "Complexity", "complexity", "Summary", "summary",
    # torchvision interop
    "from_torchvision", "torchvision_config", "torchvision_builder_names", "compare_with_paper",
    "torchvision_differences", "PaperComparison",
    # design spaces, analysis
    "design_space", "design_space_names", "DesignSpace", "SampleReport", "Regime", "REGIMES",
    "regime", "regime_names", "find_regnet_parameters",
    "edf", "bootstrap_good_range", "GoodRange", "compare_populations", "Comparison",
    "fit_quantized_linear", "WidthFit", "results_frame", "good_range_frame", "population_quarter",
    "STYLE", "use_style", "plot_edfs", "plot_error_vs_param", "plot_widths", "plot_quantized_rule",
]
