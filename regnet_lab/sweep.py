"""Sweeps: train a sampled population of one design space, resumably, and load the results.

The paper's method (Section 2) is to sample ``n`` models from a design space, train each with the
same low-epoch recipe and compare the error distributions of whole populations. A sweep here does
exactly that for one design space:

1. draw ``n`` descriptions with ``design_space(space).sample(n, seed=seed, flops=band, regime=...)``
   (the same seed always draws the same models);
2. train each one with :func:`regnet_lab.train` under one budget;
3. append one JSON object per finished model (a :class:`SweepRecord`) to a JSON Lines file,
   flushed and ``fsync``-ed, after a first header line that says which sweep the file holds.

Running the same command again continues where it stopped: models already in the file are kept and
never trained twice, a half-written last line (power loss, ``SIGKILL``) is reported, removed and
redone. A resume is the same experiment or nothing: the space, seed, budget, recipe, data set,
input resolution and flops band of the file (its header, and every record) must be those of the
command, and every model already in the file must be the one the command samples at its index;
otherwise the run is refused, naming the field that differs. One run at a time writes a results
file (a file lock held for the whole run). Work runs in local worker processes
(``executor="local"``) or as SLURM jobs through ``submitit`` (``executor="slurm"``); the parent
process is the only one that writes.

A sweep may train at another input side than the data set's own (``resolution``, for the
resolution test of Fig. 14, Section 4): the images are resized, and the flops band, the sampler
and every recorded complexity are counted at that side. Every record and header of this version
says its ``resolution``; those written before it existed are read as the data set's own side
(28 px for Fashion-MNIST), so they are never resumed by a sweep at another side.

A model that fails or diverges is a result (``status`` ``"failed"`` or ``"diverged"``). A GPU
failure is different: the model is recorded as failed with ``device_error=True`` and the sweep
stops with :class:`SweepDeviceError`, because the worker's CUDA context is lost; the same command
continues. Several sweeps may write into one folder at once (one per design space): their shared
``manifest.json`` is updated under a file lock.

Kept hand-written, and why: the torn-line repair of the JSON Lines file (no library repairs an
append-only log in place), the local process pool that is terminated on Ctrl-C (the standard
pools wait for running tasks).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import platform
import signal
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from . import validation as check

__all__ = ["SweepPlan", "SweepTask", "SweepRecord", "plan_sweep", "run_sweep", "read_results",
           "read_records", "load_sweep", "record_run", "SweepDeviceError", "SweepLockedError",
           "SWEEP_FORMAT", "MAX_MODELS"]

#: Version of the layout of the JSON Lines files. Version 1 holds records only (files written
#: before the header existed; still read and resumed); version 2 adds a header line, and the
#: flops band and thread count in every record.
SWEEP_FORMAT = 2

#: The most models one sweep may plan. The descriptions of a sweep are all drawn before training
#: starts; 100,000 models take about 2 s to draw and would take months to train on one machine.
MAX_MODELS = 100_000

#: The most local worker processes or torch threads per worker a sweep accepts.
MAX_WORKERS = 1024

#: The key that marks the header line of a results file.
_HEADER_KEY = "regnet_lab_sweep"

PathLike = Union[str, os.PathLike]


@dataclass(frozen=True)
class SweepPlan:
    """Everything that identifies a sweep; two runs with the same plan produce the same models.

    Attributes:
        space: design space name (see :func:`regnet_lab.design_space_names`).
        n: number of models.
        seed: sampling seed; model ``i`` is also trained with seed ``seed * 100_003 + i``.
        budget: budget name (``ci``, ``cpu``, ``gpu``), fixing the training recipe.
        dataset: ``fashion-mnist`` or ``cifar-10``; also selects the design-space regime.
        flops: the complexity band models are sampled in (multiply-adds), or ``None``.
        resolution: the input side in pixels that models are trained, sampled and counted at
            (Fig. 14's resolution test, Section 4); ``None`` becomes the data set's own side
            (28 for Fashion-MNIST, 32 for CIFAR-10).
    """

    space: str
    n: int
    seed: int
    budget: str
    dataset: str
    flops: Optional[tuple[int, int]]
    resolution: Optional[int] = None

    def __post_init__(self) -> None:
        if self.resolution is None:
            object.__setattr__(self, "resolution", _native_resolution(self.dataset))

    def model_id(self, index: int) -> str:
        """The stable id of model ``index`` of this sweep."""
        return f"{self.space}-s{self.seed}-{index:04d}"

    def train_seed(self, index: int) -> int:
        """The training seed of model ``index``."""
        return self.seed * 100_003 + index

    def key(self) -> dict[str, Any]:
        """The fields every record of a results file must agree on to be resumed by this plan."""
        return {"space": self.space, "seed": self.seed, "budget": self.budget, "dataset": self.dataset,
                "resolution": self.resolution}

    def regime(self):
        """The design-space :class:`~regnet_lab.design_spaces.Regime` of the data set at this
        plan's input side: the sampler's bounds and stem, with flops counted at ``resolution``."""
        from .design_spaces import regime

        reg = regime(self.dataset)
        return reg if reg.resolution == self.resolution else dataclasses.replace(
            reg, resolution=self.resolution)


def _native_resolution(dataset: str) -> int:
    """The side of ``dataset``'s own images (torch-free: the design-space regime's)."""
    from .design_spaces import regime

    return regime(dataset).resolution


def plan_sweep(space: str, n: int, budget: str = "cpu", dataset: str = "fashion-mnist", seed: int = 0,
               flops: Optional[Sequence[int]] = None,
               resolution: Optional[int] = None) -> SweepPlan:
    """Check a sweep's parameters and fix its plan (ValueError/TypeError for anything invalid).

    ``flops=None`` takes the budget's band (``Budget.flops_range``) or, if it has none, the
    regime's default band. ``n`` is at most :data:`MAX_MODELS`. ``resolution`` (8 to 224 px;
    ``None``: the data set's own) is the input side for Fig. 14's resolution test (Section 4):
    the band is then counted at that side.
    """
    from .budget import budget_names, current_budget
    from .data import _check_resolution, canonical_dataset_name
    from .design_spaces import design_space

    if not isinstance(space, str):
        raise TypeError(f"space must be a design space name, one of "
                        f"{', '.join(_space_names())}; got {type(space).__name__} {space!r}")
    space_obj = design_space(space)  # ValueError listing valid names
    n = check.positive_int(n, "n", MAX_MODELS,
                           "the number of models; all are drawn before training starts")
    seed = check.seed(seed)
    if not isinstance(budget, str):
        raise TypeError(f"budget must be a budget name, one of {', '.join(budget_names())}; got "
                        f"{type(budget).__name__} {budget!r}")
    bud = current_budget(budget)
    dataset = canonical_dataset_name(dataset)
    if resolution is not None:
        resolution = _check_resolution(resolution)
    if flops is not None:
        lo, hi = check.number_sequence(flops, "flops (low, high)", minimum=0, length=2)
        if lo > hi or hi > 10**15:
            raise ValueError(f"flops must be (low, high) multiply-adds with 0 <= low <= high <= "
                             f"1e15, got {tuple(flops)!r}")
        band: Optional[tuple[int, int]] = (int(lo), int(hi))
    else:
        band = bud.flops_range
        if band is None:
            from .design_spaces import regime

            band = regime(dataset).flops_band
        band = None if band is None else (int(band[0]), int(band[1]))
    return SweepPlan(space_obj.name, n, seed, bud.name, dataset, band, resolution)


def _space_names() -> list[str]:
    from .design_spaces import design_space_names

    return design_space_names()


def _descriptions(plan: SweepPlan) -> list:
    from .design_spaces import design_space

    space = design_space(plan.space)
    flops = plan.flops if plan.flops is not None else "default"
    return space.sample(plan.n, seed=plan.seed, flops=flops, regime=plan.regime())


# --------------------------------------------------------------------------- typed task and record

@dataclass(frozen=True)
class SweepTask:
    """One model to train: what a worker process or SLURM job receives (JSON-ready).

    ``budget_settings`` is the budget's ``to_dict()``; ``description`` the model's ``to_dict()``;
    ``flops`` the band it was sampled in; ``threads`` the torch threads to use (``None``: torch's
    default); ``resolution`` the input side to train and count at (``None``: the data set's own).
    """

    id: str
    index: int
    space: str
    seed: int
    train_seed: int
    dataset: str
    budget: str
    budget_settings: dict
    description: dict
    threads: Optional[int] = None
    flops: Optional[tuple[int, int]] = None
    format: int = SWEEP_FORMAT
    resolution: Optional[int] = None

    def to_json(self) -> dict[str, Any]:
        """A dict of plain JSON types."""
        d = dataclasses.asdict(self)
        d["flops"] = None if self.flops is None else list(self.flops)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "SweepTask":
        """The task written by :meth:`to_json` (unknown keys are an error)."""
        if not isinstance(d, dict):
            raise TypeError(f"task must be a dict, got {type(d).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ValueError(f"task has unknown fields {sorted(unknown)}")
        d = dict(d)
        if d.get("flops") is not None:
            d["flops"] = tuple(d["flops"])
        return cls(**d)


#: Record fields every record has, with their JSON types.
_REQUIRED = {"id": str, "index": int, "space": str, "seed": int, "dataset": str, "budget": str,
             "budget_settings": dict, "description": dict, "complexity": dict, "status": str}
_STATUSES = ("ok", "failed", "diverged")


@dataclass
class SweepRecord:
    """One trained model of a sweep, as one line of the results file.

    Format 1 records (files from before the header) lack ``flops_band`` and ``threads``; they read
    as ``None``. Records written before ``resolution`` existed lack it too (``None``): they were
    trained at the data set's own side (:attr:`input_resolution`). Keys this version does not
    know are kept in ``extra`` and written back.
    """

    id: str
    index: int
    space: str
    seed: int
    dataset: str
    budget: str
    budget_settings: dict
    description: dict
    complexity: dict
    status: str
    error: Optional[float] = None
    best_error: Optional[float] = None
    train_seed: Optional[int] = None
    format: int = SWEEP_FORMAT
    flops_band: Optional[list] = None
    threads: Optional[int] = None
    regnet: Optional[dict] = None
    curves: dict = field(default_factory=dict)
    train_settings: dict = field(default_factory=dict)
    seconds: Optional[float] = None
    images_per_second: Optional[float] = None
    device: Optional[str] = None
    failure: Optional[str] = None
    traceback: Optional[str] = None
    device_error: Optional[bool] = None
    device_name: Optional[str] = None
    host: Optional[str] = None
    versions: Optional[dict] = None
    finished_at: Optional[str] = None
    resolution: Optional[int] = None
    extra: dict = field(default_factory=dict)

    @property
    def input_resolution(self) -> Optional[int]:
        """The input side the model was trained and counted at (``resolution``, or the data
        set's own side for records written before that field existed; ``None`` for a data set
        this version does not know)."""
        if self.resolution is not None:
            return self.resolution
        try:
            return _native_resolution(self.dataset)
        except ValueError:
            return None

    def to_json(self) -> dict[str, Any]:
        """The record as written to the file: fields that are ``None`` (unset) are left out."""
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "extra"}
        d = {k: v for k, v in d.items() if v is not None or k in ("error", "best_error")}
        d.update(self.extra)
        return d

    @classmethod
    def from_json(cls, d: Any) -> "SweepRecord":
        """Check one parsed line and make the record (ValueError saying what is wrong)."""
        if not isinstance(d, dict):
            raise ValueError(f"expected a JSON object (one trained model), got "
                             f"{type(d).__name__} {json.dumps(d)[:40]}")
        for key, kind in _REQUIRED.items():
            if key not in d:
                raise ValueError(f"the record has no {key!r} field (not a record of a sweep, or "
                                 "damaged)")
            value = d[key]
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ValueError(f"the record's {key!r} must be a {kind.__name__}, got "
                                 f"{type(value).__name__}")
        fmt = d.get("format", 1)
        if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
            raise ValueError(f"the record's 'format' must be a positive integer, got {fmt!r}")
        if fmt > SWEEP_FORMAT:
            raise ValueError(f"the record has format {fmt}, newer than this regnet_lab reads "
                             f"({SWEEP_FORMAT}); update regnet_lab")
        if d["status"] not in _STATUSES:
            raise ValueError(f"the record's 'status' must be one of {', '.join(_STATUSES)}, got "
                             f"{d['status']!r}")
        for key in ("error", "best_error"):
            if d.get(key) is not None and (isinstance(d[key], bool) or
                                           not isinstance(d[key], (int, float))):
                raise ValueError(f"the record's {key!r} must be a number or null, got {d[key]!r}")
        if d["index"] < 0:
            raise ValueError(f"the record's 'index' must be >= 0, got {d['index']}")
        side = d.get("resolution")
        if side is not None and (isinstance(side, bool) or not isinstance(side, int) or side < 1):
            raise ValueError(f"the record's 'resolution' must be a positive integer, got {side!r}")
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        kwargs = {k: v for k, v in d.items() if k in known}
        kwargs.setdefault("format", 1)
        return cls(**kwargs, extra={k: v for k, v in d.items() if k not in known})


def _header(plan: SweepPlan, recipe: dict[str, Any]) -> dict[str, Any]:
    return {_HEADER_KEY: SWEEP_FORMAT, "space": plan.space, "seed": plan.seed, "budget": plan.budget,
            "dataset": plan.dataset, "resolution": plan.resolution,
            "flops": None if plan.flops is None else list(plan.flops), "recipe": recipe,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z")}


# --------------------------------------------------------------------------- the results file

_WHAT = "a JSON Lines results file written by `python -m regnet_lab sweep`"


@dataclass
class _Contents:
    header: Optional[dict[str, Any]]
    records: list[SweepRecord]
    torn_at: Optional[int]  # byte offset of an incomplete last line
    missing_newline: bool
    duplicates: list[str]


def _parse(path: Path) -> _Contents:
    if path.exists() and not path.is_file():
        raise ValueError(f"{path} is not a regular file; expected {_WHAT}")
    if not path.exists():
        return _Contents(None, [], None, False, [])
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    header: Optional[dict[str, Any]] = None
    records: list[SweepRecord] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    offset = 0
    for i, line in enumerate(lines):
        if line.strip():
            try:
                obj = json.loads(line)
            except ValueError as e:  # JSONDecodeError or UnicodeDecodeError
                binary = isinstance(e, UnicodeDecodeError) or b"\x00" in line
                ours = header is not None or bool(records)
                if i == last and ours and not binary:
                    return _Contents(header, records, offset, False, duplicates)
                if not ours:
                    kind = "binary or not UTF-8 text" if binary else "not JSON"
                    raise ValueError(f"{path} is not a results file of a sweep (line {i + 1} is "
                                     f"{kind}); expected {_WHAT}; give --out a new file or that "
                                     "sweep's results file") from None
                raise ValueError(f"{path}: line {i + 1} is not valid JSON; the file is damaged "
                                 "in the middle: fix or remove that line by hand") from None
            if i == 0 and isinstance(obj, dict) and _HEADER_KEY in obj:
                header = _check_header(path, obj)
            else:
                try:
                    record = SweepRecord.from_json(obj)
                except ValueError as e:
                    raise ValueError(f"{path}: line {i + 1}: {e}; expected {_WHAT}") from None
                if record.id in seen:
                    duplicates.append(record.id)
                else:
                    seen.add(record.id)
                    records.append(record)
        offset += len(line) + 1
    return _Contents(header, records, None, bool(raw) and not raw.endswith(b"\n"), duplicates)


def _check_header(path: Path, obj: dict[str, Any]) -> dict[str, Any]:
    fmt = obj[_HEADER_KEY]
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 2:
        raise ValueError(f"{path}: the header's format must be an integer >= 2, got {fmt!r}")
    if fmt > SWEEP_FORMAT:
        raise ValueError(f"{path} has format {fmt}, newer than this regnet_lab reads "
                         f"({SWEEP_FORMAT}); update regnet_lab")
    for key in ("space", "seed", "budget", "dataset", "recipe"):
        if key not in obj:
            raise ValueError(f"{path}: the header has no {key!r} field; expected {_WHAT}")
    return obj


def _read(path: Path, repair: bool, quiet: bool = False) -> _Contents:
    contents = _parse(path)
    if contents.torn_at is not None and not quiet:
        print(f"regnet_lab: {path}: the last line is incomplete (an interrupted write); "
              f"{'removed, that model will be trained again' if repair else 'ignored'}",
              file=sys.stderr)
    if contents.duplicates and not quiet:
        print(f"regnet_lab: {path}: {len(contents.duplicates)} duplicate record(s) of models "
              f"already in the file ignored ({', '.join(sorted(set(contents.duplicates))[:3])})",
              file=sys.stderr)
    if repair and contents.torn_at is not None:
        _rewrite_end(path, truncate_at=contents.torn_at)
    elif repair and contents.missing_newline:
        _rewrite_end(path, append=b"\n")  # complete last record without its newline
    return contents


def read_records(path: PathLike, repair: bool = False) -> list[SweepRecord]:
    """The records of a results file as :class:`SweepRecord` objects (see :func:`read_results`)."""
    return _read(check.path(path, "path"), check.flag(repair, "repair")).records


def read_results(path: PathLike, repair: bool = False) -> list[dict[str, Any]]:
    """Read a JSON Lines results file: one dict per trained model (the header line is skipped).

    A last line that is not complete JSON (an interrupted write) is skipped with a warning on
    stderr; with ``repair=True`` it is also cut off the file, so the model is trained again. That
    is done only in a file recognisable as a sweep's (a header or earlier valid records); any
    other file, a damaged line elsewhere, or a line that is not a record raises ValueError. A
    record of a model already in the file is reported and ignored. A missing file reads as no
    records.
    """
    return [r.to_json() for r in read_records(path, repair)]


def _rewrite_end(path: Path, truncate_at: Optional[int] = None, append: bytes = b"") -> None:
    with open(path, "r+b") as f:
        if truncate_at is not None:
            f.truncate(truncate_at)
        f.seek(0, os.SEEK_END)
        f.write(append)
        f.flush()
        os.fsync(f.fileno())


def _disk_error(path: Path, e: OSError) -> ValueError:
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return ValueError(f"cannot write {path}: no space left on the device; the finished "
                          "results are kept: free some space and run the same command again")
    return ValueError(f"cannot write {path}: {e.strerror or e}; the finished results are kept: "
                      "run the same command again once it is writable")


def _append_line(path: Path, obj: dict[str, Any]) -> None:
    """Append one line, or nothing at all: a failed write (disk full) is cut off again."""
    line = (json.dumps(obj, separators=(",", ":"), allow_nan=False) + "\n").encode()
    with open(path, "ab") as f:
        start = f.tell()
        try:
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        except OSError as e:
            with contextlib.suppress(OSError):
                f.truncate(start)
            raise _disk_error(path, e) from None


def check_output_path(path: PathLike, name: str = "out") -> Path:
    """Raise ValueError unless ``path`` is a regular file or can be created; create nothing.

    A folder, a named pipe or a device (``/dev/full``) is refused: appending to them fails late,
    blocks or never ends.
    """
    path = check.output_file(path, name)
    if path.exists():
        if not os.access(path, os.W_OK):
            raise ValueError(f"cannot write the results file {str(path)!r}: permission denied")
        return path
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"cannot write the results file {str(path)!r}: {str(parent)!r} is not "
                         "a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"cannot write the results file {str(path)!r}: permission denied in "
                         f"{str(parent)!r}")
    return path


# --------------------------------------------------------------------------- one model

def _versions() -> dict[str, str]:
    from . import __version__

    try:
        import torch

        torch_version = torch.__version__
    except ImportError:
        torch_version = "none"
    return {"regnet_lab": __version__, "torch": torch_version, "python": platform.python_version()}


def _device_name(device: str) -> str:
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return platform.processor() or platform.machine()


def train_one(task: Union[SweepTask, dict[str, Any]]) -> dict[str, Any]:
    """Train one planned model and return its JSON record (runs in a worker process or job).

    Never raises for a training problem: an exception becomes ``status="failed"`` with the
    message, a NaN/inf loss ``status="diverged"`` (decided by the trainer).
    """
    import torch

    from .counting import complexity
    from .configs import config_from_dict
    from .data import dataset_info
    from .budget import Budget
    from .training import train

    if isinstance(task, dict):
        task = SweepTask.from_json(task)
    if task.threads:
        torch.set_num_threads(int(task.threads))
    desc = config_from_dict(task.description)
    native = dataset_info(task.dataset).resolution
    side = task.resolution if task.resolution is not None else native
    cx = complexity(desc, resolution=side)
    record: dict[str, Any] = {
        "format": SWEEP_FORMAT, "id": task.id, "index": task.index, "space": task.space,
        "seed": task.seed, "train_seed": task.train_seed, "dataset": task.dataset,
        "resolution": side, "budget": task.budget, "budget_settings": task.budget_settings,
        "flops_band": None if task.flops is None else list(task.flops), "threads": task.threads,
        "description": task.description,
        "complexity": {"flops": cx.flops, "params": cx.params, "acts": cx.acts},
    }
    if task.description.get("type") == "regnet":
        record["regnet"] = {k: getattr(desc, k) for k in ("d", "w0", "wa", "wm", "b", "g")}
    start = time.time()
    try:
        budget = Budget(**task.budget_settings)
        # resized images only for another side (Fig. 14); at the data set's own, the plain call
        resized = {} if side == native else {"resolution": side}
        result = train(desc, dataset=task.dataset, budget=budget, seed=task.train_seed, **resized)
        record.update({
            "status": result.status, "error": result.error, "best_error": result.best_error,
            "curves": result.curves, "train_settings": result.settings,
            "seconds": round(result.seconds, 3), "images_per_second": result.images_per_second,
            "device": str(result.device),
        })
        if result.status != "ok":
            record["failure"] = result.message
    except Exception as e:  # noqa: BLE001 - a failed model is a result, not a crash of the sweep
        record.update({"status": "failed", "error": None, "best_error": None, "curves": {},
                       "train_settings": {}, "seconds": round(time.time() - start, 3),
                       "failure": f"{type(e).__name__}: {e}",
                       "traceback": traceback.format_exc(limit=5), "device": "cpu"})
    if record["status"] == "failed" and _is_device_error(record.get("failure") or ""):
        record["device_error"] = True
    record["device_name"] = _device_name(record["device"])
    record["host"] = socket.gethostname()
    record["versions"] = _versions()
    record["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return _json_safe(record)


#: Messages of errors that come from the GPU or its libraries, not from the model being trained.
_DEVICE_ERROR_MARKERS = ("CUDA error", "AcceleratorError", "CUDNN_STATUS", "CUBLAS_STATUS",
                         "cuDNN error", "CUDA driver error", "device-side assert")


def _is_device_error(message: str) -> bool:
    return any(m in message for m in _DEVICE_ERROR_MARKERS)


class SweepDeviceError(RuntimeError):
    """The GPU failed during a sweep (e.g. "illegal memory access", a cuDNN execution failure).

    The model being trained is recorded with ``status="failed"`` and ``device_error=True`` (so a
    model that reproducibly breaks the GPU does not block the sweep forever), then the sweep
    stops: a process whose CUDA context failed would fail every model after it, and under
    NVIDIA MPS one failing process breaks the others too. Finished models are kept; the same
    command continues with fresh processes."""


class SweepLockedError(ValueError):
    """Another run is writing the results file (one writer per file; ``wait=True`` waits)."""


def _json_safe(x: Any) -> Any:
    """Replace NaN/inf (a diverged run's curves) by None so every line is strict JSON."""
    if isinstance(x, float):
        return x if x == x and x not in (float("inf"), float("-inf")) else None
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    return x


# Budget fields that do not change how one model is trained (sweep size, parallelism, prose).
_NOT_RECIPE = {"name", "note", "n_models", "workers", "threads_per_worker", "n_seeds", "flops_range",
               "live_models", "live_epochs", "live_train_subset"}


def _recipe(settings: dict[str, Any]) -> dict[str, Any]:
    """The training recipe part of a budget's settings (what must agree to resume a sweep)."""
    return {k: v for k, v in settings.items() if k not in _NOT_RECIPE}


# --------------------------------------------------------------------------- resuming

def _refuse(out: Path, field_name: str, there: Any, here: Any, where: str) -> ValueError:
    return ValueError(f"{out} holds another sweep: {field_name} is {there!r} in {where} but "
                      f"{here!r} in this command; use another --out, or the command that made "
                      "the file")


def _check_resume(plan: SweepPlan, out: Path, contents: _Contents, recipe: dict[str, Any],
                  descriptions: list) -> None:
    """Refuse to add models of another experiment to ``out`` (ValueError naming the field)."""
    from .configs import config_from_dict

    band = None if plan.flops is None else list(plan.flops)
    h = contents.header
    if h is not None:
        # a header from before the resolution field: the data set's own side
        h = {"resolution": _native_resolution(plan.dataset), **h}
        for key, value in (*plan.key().items(), ("flops", band)):
            if h.get(key) != value:
                raise _refuse(out, key, h.get(key), value, "its header")
        if h["recipe"] != recipe:
            diff = sorted(k for k in set(h["recipe"]) | set(recipe)
                          if h["recipe"].get(k) != recipe.get(k))
            raise _refuse(out, f"the budget's recipe ({', '.join(diff)})",
                          {k: h["recipe"].get(k) for k in diff}, {k: recipe.get(k) for k in diff},
                          "its header")
    for r in contents.records:
        where = f"record {r.id}"
        for key, value in plan.key().items():
            theirs = r.input_resolution if key == "resolution" else getattr(r, key)
            if theirs != value:
                raise _refuse(out, key, theirs, value, where)
        theirs = _recipe(r.budget_settings)
        if theirs != recipe:
            diff = sorted(k for k in set(theirs) | set(recipe) if theirs.get(k) != recipe.get(k))
            raise _refuse(out, f"the budget's recipe ({', '.join(diff)})",
                          {k: theirs.get(k) for k in diff}, {k: recipe.get(k) for k in diff}, where)
        if r.flops_band is not None and r.flops_band != band:
            raise _refuse(out, "flops", r.flops_band, band, where)
        if r.id != plan.model_id(r.index):
            raise ValueError(f"{out}: record {r.id} has index {r.index}, whose id in this sweep "
                             f"is {plan.model_id(r.index)}; the file was edited or mixed")
        if r.index < len(descriptions):
            try:
                same = config_from_dict(r.description) == descriptions[r.index]
            except (TypeError, ValueError):
                same = False
            if not same:
                raise ValueError(
                    f"{out} holds another sweep: model {r.index}'s description differs from "
                    f"the one this command samples (field description: another flops band "
                    f"(--flops), or a sampler of another regnet_lab version); use another "
                    f"--out, or the command that made the file")


# --------------------------------------------------------------------------- one writer per file

def _owner_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock.owner")


@contextlib.contextmanager
def _exclusive(out: Path, wait: bool) -> Iterator[None]:
    """Hold the lock of results file ``out`` for the ``with`` block (one writer per file)."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(out.with_name(out.name + ".lock")), timeout=-1 if wait else 0)
    try:
        lock.acquire()
    except Timeout:
        holder = "another process"
        with contextlib.suppress(OSError, ValueError):
            info = json.loads(_owner_path(out).read_text())
            holder = (f"process {info['pid']} on {info['host']} (started {info['started']}: "
                      f"{info['command']})")
        raise SweepLockedError(f"{out} is being written by {holder}; wait for it to finish, or "
                               "pass --wait (wait=True) to start after it") from None
    owner = _owner_path(out)
    try:
        with contextlib.suppress(OSError):
            owner.write_text(json.dumps({
                "pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "command": " ".join(sys.argv[:1] + sys.argv[1:])[:300]}))
        yield
    finally:
        with contextlib.suppress(OSError):
            owner.unlink()
        lock.release()


# --------------------------------------------------------------------------- executors

def _worker_start() -> None:
    # Workers leave Ctrl-C to the parent, which stops them (and prints the one line).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_local(tasks: list, workers: int, job: Any = train_one) -> Iterator[dict[str, Any]]:
    """Run ``job(task)`` (default :func:`train_one`) for every task in ``workers`` processes; a
    worker that dies or cannot start ends the run (``BrokenProcessPool`` becomes a ValueError)
    instead of being started again forever. ``job`` must be a module-level function."""
    if workers == 1:
        for task in tasks:
            yield job(task)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(min(workers, len(tasks)), mp_context=get_context("spawn"),
                               initializer=_worker_start)
    try:
        # The workers start while SIGINT is ignored, so they inherit that from birth: a Ctrl-C
        # during their start-up interrupts only the parent.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            futures = [pool.submit(job, task) for task in tasks]
        finally:
            signal.signal(signal.SIGINT, previous)
        try:
            for future in as_completed(futures):
                yield future.result()
        except BrokenProcessPool:
            raise ValueError("a worker process of the sweep stopped or could not start (out of "
                             "memory, killed, or a broken installation); finished models are "
                             "kept: run the same command again, with fewer --workers if it "
                             "recurs") from None
        pool.shutdown(wait=True)
    except BaseException:
        _terminate(pool)  # Ctrl-C or an error: stop the workers now; finished models are on disk
        raise


def _terminate(pool: Any) -> None:
    stop = getattr(pool, "terminate_workers", None)  # Python >= 3.14
    if stop is not None:
        stop()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for p in processes:
        with contextlib.suppress(Exception):
            p.terminate()
    pool.shutdown(wait=True, cancel_futures=True)
    for p in processes:
        with contextlib.suppress(Exception):
            p.join(5)


def _submitit_executor(folder: Path, cluster: str, workers: int, threads: Optional[int],
                       slurm: dict[str, Any]) -> Any:
    try:
        import submitit
    except ImportError:
        raise ValueError("executor 'slurm' needs submitit: pip install 'regnet_lab[slurm]'") from None
    try:
        executor = submitit.AutoExecutor(folder=str(folder), cluster=cluster)
    except RuntimeError as e:  # "Could not detect srun, are you indeed on a slurm cluster?"
        raise ValueError(f"executor {'slurm' if cluster == 'slurm' else 'submitit-local'} is not "
                         f"available here ({e}); use --executor local") from None
    params = {"timeout_min": 60, "cpus_per_task": max(1, threads or 1)}
    params.update(slurm)
    if executor.cluster == "slurm":
        params.setdefault("slurm_array_parallelism", workers)
    try:
        executor.update_parameters(**params)
    except (TypeError, ValueError) as e:
        raise ValueError(f"slurm parameters {sorted(slurm)}: {e}") from None
    return executor


def _run_submitit(tasks: list[SweepTask], executor: Any) -> Iterator[dict[str, Any]]:
    import submitit

    jobs = executor.map_array(train_one, tasks)
    try:
        for job in submitit.helpers.as_completed(jobs, poll_frequency=1.0):
            yield job.result()
    except BaseException:
        for job in jobs:
            with contextlib.suppress(Exception):
                job.cancel(check=False)
        raise


# --------------------------------------------------------------------------- the sweep

def run_sweep(plan: SweepPlan, out: PathLike, workers: int = 1, executor: str = "local",
              threads: Optional[int] = None, progress: bool = True,
              slurm: Optional[dict[str, Any]] = None,
              on_result: Optional[Callable[[dict[str, Any]], None]] = None,
              wait: bool = False) -> list[dict[str, Any]]:
    """Train every model of ``plan`` not already in ``out``; return all records of the sweep.

    Args:
        plan: from :func:`plan_sweep`.
        out: the JSON Lines file (created if missing; resumed if present). Only a results file
            of this same sweep is resumed; anything else is refused (ValueError).
        workers: local worker processes, or SLURM array parallelism.
        executor: ``"local"`` (processes on this machine), ``"slurm"`` (submitit on a SLURM
            cluster) or ``"submitit-local"`` (submitit's local executor, for testing).
        threads: torch threads per worker (default: the CPU cores divided among the workers; on
            a GPU several small models share the device).
        progress: show a ``tqdm.auto`` bar with the ETA and the best error so far.
        slurm: extra ``submitit`` parameters (partition, gpus_per_node, timeout_min, ...).
        on_result: called with each new record after it is safely on disk.
        wait: if another run is writing ``out``, wait for it instead of refusing
            (:class:`SweepLockedError`).
    """
    if not isinstance(plan, SweepPlan):
        raise TypeError(f"plan must be a SweepPlan from plan_sweep(space, n, ...), got "
                        f"{type(plan).__name__} {plan!r:.60}")
    out = check_output_path(out)
    workers = check.positive_int(workers, "workers", MAX_WORKERS, "processes on one machine")
    executor = check.choice(executor, "executor", ("local", "slurm", "submitit-local"))
    if threads is not None:
        threads = check.positive_int(threads, "threads", MAX_WORKERS, "threads of one process")
    progress = check.flag(progress, "progress")
    wait = check.flag(wait, "wait")
    if slurm is not None and not isinstance(slurm, dict):
        raise TypeError(f"slurm must be a dict of submitit parameters, got {type(slurm).__name__}")
    if slurm and executor != "slurm":
        raise ValueError(f"slurm parameters ({', '.join(sorted(slurm))}) need executor='slurm' "
                         f"(--executor slurm), got executor={executor!r}")
    if on_result is not None and not callable(on_result):
        raise TypeError(f"on_result must be a function of one record, got {type(on_result).__name__}")
    from .budget import current_budget

    budget_settings = current_budget(plan.budget).to_dict()
    recipe = _recipe(budget_settings)
    sub = None
    if executor != "local":  # refused (no cluster, no submitit) before anything is written
        if threads is None:
            threads = max(1, (os.cpu_count() or 1) // workers)
        sub = _submitit_executor(out.parent / (out.stem + "_submitit"),
                                 "slurm" if executor == "slurm" else "local", workers, threads,
                                 slurm or {})
    with _exclusive(out, wait):
        contents = _read(out, repair=True)
        descriptions = _descriptions(plan)
        _check_resume(plan, out, contents, recipe, descriptions)
        return _train_missing(plan, out, contents, descriptions, budget_settings, recipe, workers,
                              sub, threads, progress, on_result)


def _train_missing(plan: SweepPlan, out: Path, contents: _Contents, descriptions: list,
                   budget_settings: dict[str, Any], recipe: dict[str, Any], workers: int,
                   sub: Any, threads: Optional[int], progress: bool,
                   on_result: Optional[Callable[[dict[str, Any]], None]]) -> list[dict[str, Any]]:
    from tqdm.auto import tqdm

    done_ids = {r.id for r in contents.records}
    if threads is None:
        threads = max(1, (os.cpu_count() or 1) // workers)
    tasks = [SweepTask(id=plan.model_id(i), index=i, space=plan.space, seed=plan.seed,
                       train_seed=plan.train_seed(i), dataset=plan.dataset, budget=plan.budget,
                       budget_settings=budget_settings, description=d.to_dict(), threads=threads,
                       flops=plan.flops, resolution=plan.resolution)
             for i, d in enumerate(descriptions) if plan.model_id(i) not in done_ids]
    records = [r.to_json() for r in contents.records if r.index < plan.n]
    if not tasks:
        return sorted(records, key=lambda r: r["index"])
    out.parent.mkdir(parents=True, exist_ok=True)
    if contents.header is None and (not out.exists() or out.stat().st_size == 0):
        _append_line(out, _header(plan, recipe))
    errors = [r["error"] for r in records if r.get("error") is not None]
    bar = tqdm(total=plan.n, initial=len(records), desc=plan.space, unit="model",
               disable=not progress, dynamic_ncols=True)
    if errors:
        bar.set_postfix(best=f"{min(errors):.2f}%")
    stream = _run_local(tasks, workers) if sub is None else _run_submitit(tasks, sub)
    try:
        for record in stream:
            _append_line(out, record)
            if record.get("device_error"):
                raise SweepDeviceError(
                    f"the GPU failed while training model {record['index']} of {plan.space} "
                    f"({record['failure'].splitlines()[0]}); it is recorded as failed, and the "
                    f"sweep stops because a process whose GPU failed cannot train more models; "
                    f"{len(records)} finished models are in {out}; run the same command again "
                    f"to continue (delete that model's line first to try it again)")
            records.append(record)
            if record.get("error") is not None:
                errors.append(record["error"])
                bar.set_postfix(best=f"{min(errors):.2f}%")
            bar.update(1)
            if on_result is not None:
                on_result(record)
    finally:
        stream.close()  # on an error or Ctrl-C: stop the workers now
        bar.close()
    return sorted(records, key=lambda r: r["index"])


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _manifest_problem(manifest: Any) -> Optional[str]:
    """Why ``manifest`` is not a manifest (a dict of entries with a list of runs), or None."""
    if not isinstance(manifest, dict):
        return f"it is a JSON {type(manifest).__name__}, not an object"
    for name, entry in manifest.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("runs", []), list):
            return f"its entry {name!r} is not an object with a list of runs"
    return None


def record_run(out: PathLike, command: str, started: float, models_before: int, models_after: int,
               workers: int, threads: Optional[int], completed: bool,
               resolution: Optional[int] = None) -> Path:
    """Add one run of a sweep to ``manifest.json`` beside its results file and return its path.

    The manifest says how the results were made: the exact command, every run's start, end,
    wall time and number of models added, the machine (CPU model, cores, GPU), and versions.
    Reruns that resume a sweep add a run, so the total wall time is the sum over runs. A rerun
    that had nothing left to do (every planned model already finished) changes nothing: the
    manifest keeps the command that made the results. A manifest that is not valid JSON or not
    of the manifest's shape is kept aside (``manifest.json.damaged-<time>``) and a fresh one
    started, so the run's record is never lost. ``resolution`` (a sweep's input side, Fig. 14's
    resolution test) is written into the file's entry when given.
    """
    from filelock import FileLock

    out = check.path(out, "out")
    manifest_path = out.parent / "manifest.json"
    if completed and models_after == models_before and manifest_path.exists():
        return manifest_path
    try:
        import torch

        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    except ImportError:
        gpu = None
    run = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "wall_seconds": round(time.time() - started, 1),
        "models_before": models_before, "models_after": models_after, "completed": completed,
        "workers": workers, "threads_per_worker": threads, "cpu": _cpu_model(),
        "cores": os.cpu_count(), "gpu": gpu, "host": socket.gethostname(), "versions": _versions(),
    }
    # Sweeps of several spaces may run at once into one folder (one process per space): the
    # read-modify-write of the shared manifest happens under an exclusive lock, so no run is lost.
    with FileLock(str(manifest_path.with_name("manifest.json.lock"))):
        manifest: Any = {}
        if manifest_path.exists():
            try:
                manifest = json.loads(manifest_path.read_text())
                problem = _manifest_problem(manifest)
            except ValueError:
                problem = "it is not valid JSON"
            if problem:
                # Keep the damaged file for a person to repair; start a fresh manifest beside it.
                kept = manifest_path.with_name(f"manifest.json.damaged-{int(time.time())}")
                os.replace(manifest_path, kept)
                print(f"warning: {manifest_path} was not a manifest ({problem}); kept it as "
                      f"{kept.name}", file=sys.stderr)
                manifest = {}
        entry = manifest.setdefault(out.name, {"command": command, "runs": []})
        entry["command"] = command
        if resolution is not None:
            entry["resolution"] = resolution
        entry.setdefault("runs", []).append(run)
        entry["total_wall_seconds"] = round(sum(r.get("wall_seconds", 0) for r in entry["runs"]
                                                if isinstance(r, dict)), 1)
        entry["models"] = models_after
        tmp = manifest_path.with_name(f"manifest.json.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            os.replace(tmp, manifest_path)
        except OSError as e:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise _disk_error(manifest_path, e) from None
    return manifest_path


# --------------------------------------------------------------------------- loading

def _paths(paths: Any) -> list[Path]:
    if isinstance(paths, (str, os.PathLike)):
        return [check.path(paths, "paths")]
    if isinstance(paths, bytes) or not isinstance(paths, Iterable):
        raise TypeError(f"paths must be a results file path or a list of them, got "
                        f"{type(paths).__name__} {paths!r:.60}")
    result = [check.path(p, f"paths[{i}]") for i, p in enumerate(paths)]
    if not result:
        raise ValueError("paths must name at least one results file, got an empty list")
    return result


def load_sweep(paths: Union[PathLike, Iterable[PathLike]]):
    """Results of one or more sweep files as the analysis DataFrame (one row per model).

    Columns: ``id, space, seed, dataset, resolution, budget, status, error, best_error, seconds,
    flops, params, acts`` (``resolution`` is the input side, see
    :attr:`SweepRecord.input_resolution`), per-stage ``d1.., w1.., b1.., g1..``, ``num_stages``,
    the RegNet parameters ``d, w0, wa, wm, b, g`` where present, and ``description`` (the config
    object itself).

    Raises:
        ValueError: a missing file, a file that is not a sweep's results, or no records at all.
    """
    import pandas as pd

    from .analysis import stage_columns
    from .configs import config_from_dict

    rows = []
    for path in _paths(paths):
        if not path.is_file():
            raise ValueError(f"no sweep results at {str(path)!r}" if not path.exists() else
                             f"{path} is not a regular file; expected {_WHAT}")
        for r in _read(path, repair=False).records:
            try:
                desc = config_from_dict(r.description)
            except (TypeError, ValueError) as e:
                raise ValueError(f"{path}: record {r.id}: its description is not a network "
                                 f"description ({e})") from None
            row: dict[str, Any] = {"id": r.id, "space": r.space, "seed": r.seed,
                                   "dataset": r.dataset, "resolution": r.input_resolution,
                                   "budget": r.budget, "status": r.status,
                                   "error": r.error, "best_error": r.best_error,
                                   "seconds": r.seconds}
            row.update(r.complexity)
            row.update(stage_columns(desc))
            row.update(r.regnet or {})
            row["description"] = desc
            row["file"] = str(path)
            rows.append(row)
    if not rows:
        raise ValueError(f"no trained models in {', '.join(str(p) for p in _paths(paths))} yet "
                         "(the files hold no records)")
    return pd.DataFrame(rows)
