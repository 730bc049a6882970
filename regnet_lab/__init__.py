"""regnet_lab: sample, build, count and compare the design spaces of RegNet.

A small library for re-doing "Designing Network Design Spaces" (Radosavovic, Kosaraju, Girshick,
He and Dollar, CVPR 2020) on one machine. The stable public names are listed in ``__all__`` and
documented in the book's API reference.

>>> import regnet_lab as rl
>>> rl.zoo_config("RegNetX-200MF").widths
(24, 56, 152, 368)
"""

from .quantization import QuantizedWidths, make_compatible, quantize_widths
from .configs import ACTIVATIONS, BLOCK_TYPES, AnyNetConfig, Description, RegNetConfig, config_from_dict
from .zoo import zoo_config, zoo_names
from .resolve import as_anynet
from .counting import Complexity, Summary, complexity, summary

# --- design spaces, analysis ---
from .design_spaces import (REGIMES, DesignSpace, Regime, SampleReport, design_space, design_space_names,
                            find_regnet_parameters, regime, regime_names, variant_space_names)
from .analysis import (Comparison, GoodRange, WidthFit, bootstrap_good_range, compare_populations, edf,
                       fit_quantized_linear, good_range_frame, population_quarter, results_frame)
from .analysis import EQUIVALENCE_MARGIN, format_pvalue, verdict_words
from .analysis import (GoodRangeCheck, TREND_WORDS, check_good_range, random_search_curve,
                       trend_across_regimes)
from .claims import ClaimResult, PaperClaim, check_claim, paper_claims
from .experiments import Experiment, experiment, experiment_names, experiments
from .baselines import RESNET50_DEPTHS, RESNET_FAMILIES, match_complexity, resnet_style
from .retraining import Network, load_retrain, read_networks, retrain, write_networks
from .plotting import (STYLE, label_points, plot_edfs, plot_error_vs_param, plot_quantized_rule,
                       plot_widths, use_style)
from .chapter_tools import stage_mflops, with_shared_block

# --- budgets ---
from .budget import BUDGETS, Budget, budget_names, current_budget

# --- sweeps ---
from .sweep import load_sweep, plan_sweep, read_results, run_sweep
from .reference import (RETRAINING_SETS, load_reference, reference_dir, reference_manifest,
                        retraining_reference_dir, seed_noise_runs)

# --- notebooks ---
from .notebook import glue, scientific
from .explorer import ExplorerError, dropdown, explore, slider, toggle

# Names that need PyTorch (building, converting, training and timing networks, loading image
# data) are imported on first use, so that the rest of the package works without torch.
_NEEDS_TORCH = {
    "AnyNet": "network", "build": "network",
    "PaperComparison": "interop", "compare_with_paper": "interop", "from_torchvision": "interop",
    "torchvision_builder_names": "interop", "torchvision_config": "interop",
    "torchvision_differences": "interop",
    "DATASETS": "data", "DatasetCorruptError": "data", "DatasetInfo": "data",
    "DatasetNotFoundError": "data", "dataset_info": "data", "load_dataset": "data",
    "TrainResult": "training", "train": "training",
    "SpeedResult": "speed", "time_models": "speed", "fit_runtime": "speed", "RuntimeFit": "speed",
    "MOBILE_BASELINES": "torchvision_baselines", "count_module": "torchvision_baselines",
    "match_mobile": "torchvision_baselines", "mobile_baseline": "torchvision_baselines",
}
_TORCH_MODULES = ("blocks", "network", "interop", "data", "training", "speed",
                  "torchvision_baselines")


def __getattr__(name: str):
    """Import a PyTorch-backed name or submodule (``rl.build``, ``rl.blocks``) when first used."""
    import importlib

    if name in _NEEDS_TORCH:
        value = getattr(importlib.import_module(f".{_NEEDS_TORCH[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _TORCH_MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list:
    return sorted(set(globals()) | set(_NEEDS_TORCH) | set(_TORCH_MODULES))


__version__ = "0.1.0"

__all__ = [
    "DATASETS", "DatasetInfo", "DatasetNotFoundError", "DatasetCorruptError", "dataset_info",
    "load_dataset", "Budget", "BUDGETS", "budget_names", "current_budget", "TrainResult", "train",
    "load_sweep", "plan_sweep", "run_sweep", "read_results",
    "load_reference", "reference_dir", "reference_manifest", "retraining_reference_dir",
    "RETRAINING_SETS", "seed_noise_runs",
    "SpeedResult", "time_models", "fit_runtime", "RuntimeFit", "glue", "scientific",
    "explore", "slider", "dropdown", "toggle", "ExplorerError",
    "QuantizedWidths", "quantize_widths", "make_compatible",
    "AnyNetConfig", "RegNetConfig", "Description", "as_anynet", "config_from_dict",
    "BLOCK_TYPES", "ACTIVATIONS",
    "zoo_names", "zoo_config",
    "AnyNet", "build",
    "Complexity", "complexity", "Summary", "summary",
    # torchvision interop
    "from_torchvision", "torchvision_config", "torchvision_builder_names", "compare_with_paper",
    "torchvision_differences", "PaperComparison",
    # design spaces, analysis
    "design_space", "design_space_names", "variant_space_names", "DesignSpace", "SampleReport", "Regime", "REGIMES",
    "regime", "regime_names", "find_regnet_parameters",
    "edf", "bootstrap_good_range", "GoodRange", "compare_populations", "Comparison",
    "fit_quantized_linear", "WidthFit", "results_frame", "good_range_frame", "population_quarter",
    "GoodRangeCheck", "check_good_range", "random_search_curve", "trend_across_regimes",
    "TREND_WORDS",
    "EQUIVALENCE_MARGIN", "verdict_words", "format_pvalue",
    "paper_claims", "check_claim", "PaperClaim", "ClaimResult",
    "experiments", "experiment", "experiment_names", "Experiment",
    # Section 5's baselines
    "resnet_style", "match_complexity", "RESNET_FAMILIES", "RESNET50_DEPTHS",
    "mobile_baseline", "match_mobile", "count_module", "MOBILE_BASELINES",
    "retrain", "Network", "read_networks", "write_networks", "load_retrain",
    "STYLE", "use_style", "plot_edfs", "plot_error_vs_param", "plot_widths", "plot_quantized_rule",
    "label_points",
    "with_shared_block", "stage_mflops",
]
