"""The book's reference results: trained populations of every design space, made with the CLI.

The reference sweeps live in the repository as ``data/sweeps/<budget>/<space>.jsonl`` (one JSON
object per trained model, see :mod:`regnet_lab.sweep`) with a ``manifest.json`` and a
``README.md`` that say how they were made. :func:`load_reference` finds them

1. in the directory or URL named by the environment variable ``REGNET_LAB_REFERENCE`` (the
   chapters' Colab set-up cell points it at the repository's raw files on GitHub; files fetched
   from a URL are cached in ``~/.cache/regnet_lab/reference``);
2. in ``data/sweeps`` of the repository checkout this package was installed from (an editable
   install, as in the book's build);
3. in ``data/sweeps`` of the working directory or one of its parents.

>>> import regnet_lab as rl
>>> frame = rl.load_reference("RegNetX_refined")            # doctest: +SKIP
>>> frame[["error", "flops", "d", "wm"]].describe()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterable, Optional, Union

from . import validation as check
from .design_spaces import design_space, design_space_names

__all__ = ["REFERENCE_ENV", "RETRAINING_SETS", "reference_budgets", "reference_dir", "load_reference",
           "reference_manifest", "retraining_reference_dir", "seed_noise_runs"]

#: Environment variable naming a directory or an http(s) URL that holds ``<budget>/<space>.jsonl``.
REFERENCE_ENV = "REGNET_LAB_REFERENCE"

_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "regnet_lab" / "reference"


def reference_budgets() -> tuple[str, ...]:
    """Budgets whose reference results can be asked for (``cpu``, and ``gpu`` once it exists)."""
    return ("cpu", "gpu")


def _check_budget(budget: str) -> str:
    if budget not in reference_budgets():
        raise ValueError(f"unknown reference budget {budget!r}: use one of {', '.join(reference_budgets())}")
    return budget


def _candidates() -> list[Path]:
    found = []
    env = os.environ.get(REFERENCE_ENV, "")
    if env and not env.startswith(("http://", "https://")):
        found.append(Path(env).expanduser())
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():  # a checkout (editable install), not site-packages
        found.append(checkout / "data" / "sweeps")
    cwd = Path.cwd().resolve()
    found.extend(p / "data" / "sweeps" for p in (cwd, *cwd.parents))
    return found


def _download(url_base: str, budget: str, names: Iterable[str]) -> Path:
    target = _CACHE / budget
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        url = f"{url_base.rstrip('/')}/{budget}/{name}"
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
        except (urllib.error.URLError, OSError) as err:
            if name == "manifest.json":
                continue
            raise FileNotFoundError(f"could not fetch the reference results {url}: {err}") from err
        tmp = target / (name + ".part")
        tmp.write_bytes(data)
        tmp.replace(target / name)
    return target


def _subfolder(budget: str, experiment: Optional[str]) -> str:
    """``<budget>`` or ``<budget>/<experiment>`` (an experiment of
    :func:`~regnet_lab.experiments.experiments`)."""
    _check_budget(budget)
    if experiment is None:
        return budget
    from .experiments import experiment as lookup

    return f"{budget}/{lookup(experiment).name}"


def reference_dir(budget: str = "cpu", spaces: Optional[Iterable[str]] = None,
                  experiment: Optional[str] = None) -> Path:
    """The directory holding the reference results of ``budget`` (see the module docstring), or
    of one of its experiments (``data/sweeps/<budget>/<experiment>``).

    Raises:
        ValueError: for an unknown budget or experiment.
        FileNotFoundError: when no reference results are found, with what to do about it.
    """
    sub = _subfolder(budget, experiment)
    if spaces is not None:
        wanted = list(spaces)
    elif experiment is None:
        wanted = list(design_space_names())
    else:
        from .experiments import experiment as lookup

        wanted = list(lookup(experiment).spaces)
    return _find(sub, [f"{s}.jsonl" for s in wanted])


def _find(sub: str, files: list[str]) -> Path:
    """The first folder ``<root>/<sub>`` holding every one of ``files`` (roots in the order of
    the module docstring), else a download of them (and the manifest) from the URL in
    :data:`REFERENCE_ENV`."""
    for root in _candidates():
        folder = root / sub
        if folder.is_dir() and all((folder / f).is_file() for f in files):
            return folder
    env = os.environ.get(REFERENCE_ENV, "")
    if env.startswith(("http://", "https://")):
        return _download(env, sub, files + ["manifest.json"])
    raise FileNotFoundError(
        f"no reference results for {sub!r} ({', '.join(files) or 'manifest.json'}): run from a "
        f"clone of the book's repository (they are in data/sweeps/{sub}), or set {REFERENCE_ENV} "
        "to a folder or URL that holds <budget>/<space>.jsonl and <budget>/<experiment>/<space>.jsonl")


#: The committed retraining sets (:mod:`regnet_lab.retraining`): fixed networks trained over
#: seeds, in ``data/sweeps/<budget>/<name>/`` as ``networks.json`` and ``runs.jsonl``.
RETRAINING_SETS: tuple[str, ...] = ("section-5",)


def retraining_reference_dir(name: str = "section-5", budget: str = "cpu") -> Path:
    """The folder of a committed retraining set, found like every reference result (the
    checkout, the working directory's parents, or downloaded from :data:`REFERENCE_ENV`).

    ``section-5`` holds the networks of the paper's Section 5 comparison at our scale (chapter
    16): read them with :func:`~regnet_lab.retraining.read_networks` (``networks.json``) and
    :func:`~regnet_lab.retraining.load_retrain` (``runs.jsonl``).

    Raises:
        ValueError: for an unknown budget or set name (the message lists the valid ones).
        FileNotFoundError: when the files are nowhere to be found, with what to do about it.
    """
    _check_budget(budget)
    name = check.choice(name, "name", RETRAINING_SETS, what="retraining set")
    return _find(f"{budget}/{name}", ["networks.json", "runs.jsonl"])


def load_reference(spaces: Union[str, Iterable[str], None] = None, budget: str = "cpu",
                   ok_only: bool = True, experiment: Optional[str] = None):
    """The reference results of one or more design spaces as the analysis DataFrame.

    Args:
        spaces: a design-space name (e.g. ``"AnyNetX_E"``), several, or None for all seven (all
            of the experiment's, with ``experiment``).
        budget: which reference set (``"cpu"``; ``"gpu"`` where it has been made).
        ok_only: keep only models whose training finished normally (status ``ok``); diverged
            or failed runs have no meaningful error.
        experiment: read the populations of one experiment of
            :func:`~regnet_lab.experiments.experiments` instead (``data/sweeps/<budget>/
            <experiment>/``), e.g. ``load_reference("AnyNetX_A", experiment="band-6-18MF")``.

    Returns:
        The DataFrame of :func:`regnet_lab.load_sweep`, one row per trained model, with a
        ``space`` column.

    Raises:
        ValueError: for an unknown design space or budget.
        FileNotFoundError: when the results cannot be found (the message says what to do).
    """
    from .sweep import load_sweep

    ok_only = check.flag(ok_only, "ok_only")
    if experiment is not None:
        from .experiments import experiment as lookup

        known_list = list(lookup(experiment).spaces)
    else:
        known_list = list(design_space_names())
    if spaces is None:
        names = list(known_list)
    elif isinstance(spaces, str):
        names = [spaces]
    else:
        if not isinstance(spaces, Iterable):
            raise check.ParameterTypeError(f"spaces must be a design-space name or a list of them, "
                                           f"got {type(spaces).__name__} {spaces!r}")
        names = list(spaces)
    known = set(known_list)
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise TypeError(f"spaces must be design-space names (str), got {name!r}")
        if name not in known:
            try:  # case, '-'/'_' and the old names ("RegNet", "RegNetX", with a FutureWarning)
                names[i] = design_space(name).name
            except ValueError:
                names[i] = None
            if names[i] not in known:
                where = f"experiment {experiment!r}" if experiment is not None else "budget"
                raise ValueError(f"unknown design space {name!r} for the {where}: use one of "
                                 f"{', '.join(known_list)}") from None
    if not names:
        raise ValueError("spaces must name at least one design space")
    folder = reference_dir(budget, names, experiment)
    frame = load_sweep([folder / f"{s}.jsonl" for s in names])
    if ok_only:
        frame = frame[frame["status"] == "ok"].reset_index(drop=True)
    return frame


def reference_manifest(budget: str = "cpu", experiment: Optional[str] = None) -> dict[str, Any]:
    """The ``manifest.json`` of a reference set or of one of its experiments (commands, machine,
    versions, wall time).

    Returns an empty dict when the set has no manifest.
    """
    path = reference_dir(budget, [], experiment) / "manifest.json"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


#: The seed-noise measurements shipped with the package (``regnet_lab/pilots``), by budget.
_SEED_NOISE_FILES = {"cpu": "seed_noise_cpu.jsonl"}


def seed_noise_runs(budget: str = "cpu"):
    """The pilot runs that measured the training noise of a budget's recipe, as a DataFrame.

    For the ``cpu`` budget: 8 AnyNetX_A samples of the Fashion-MNIST regime's 2-6 MF band, each
    trained with the reference sweeps' recipe (4 epochs on 10,000 images, lr 0.1) with two to five
    seeds (``benchmarks/pilots/rC.jsonl`` in the repository, described in ``benchmarks/README.md``).
    One row per training run, with the columns ``model`` (0-7), ``seed``, ``error`` (test error,
    %), ``mflops``, ``status``, ``cpu`` and ``seconds``. The file ships inside the package, so this
    works wherever ``regnet_lab`` is installed, without the repository or a network.

    The paper reports no such measurement for its 10-epoch populations; this is the book's own,
    used to choose the ``cpu`` budget.

    Raises:
        ValueError: for a budget without shipped measurements (only ``"cpu"`` has them).
    """
    import pandas as pd

    if budget not in _SEED_NOISE_FILES:
        raise ValueError(f"no seed-noise measurements for budget {budget!r}: use one of "
                         f"{', '.join(_SEED_NOISE_FILES)}")
    path = Path(__file__).resolve().parent / "pilots" / _SEED_NOISE_FILES[budget]
    frame = pd.read_json(path, lines=True)
    return frame.drop(columns=["recipe", "test_errors"], errors="ignore")
