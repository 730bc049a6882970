"""Sweeps: train a sampled population of one design space, resumably, and load the results.

The paper's method (Section 2) is to sample ``n`` models from a design space, train each with the
same low-epoch recipe and compare the error distributions of whole populations. A sweep here does
exactly that for one design space:

1. draw ``n`` descriptions with ``design_space(space).sample(n, seed=seed, flops=band, regime=...)``
   (the same seed always draws the same models);
2. train each one with :func:`regnet_lab.train.train` under one budget;
3. append one JSON object per finished model to a JSON Lines file, flushed and ``fsync``-ed.

Running the same command again continues where it stopped: models already in the file are kept and
never trained twice, a half-written last line (power loss, ``SIGKILL``) is reported, removed and
redone. Work runs in local worker processes (``executor="local"``) or as SLURM jobs through
``submitit`` (``executor="slurm"``); the parent process is the only one that writes the file.

A model that fails or diverges is a result (``status`` ``"failed"`` or ``"diverged"``). A GPU
failure is different: the model is recorded as failed with ``device_error=True`` and the sweep
stops with :class:`SweepDeviceError`, because the worker's CUDA context is lost; the same command
continues. Several sweeps may write into one folder at once (one per design space): their shared
``manifest.json`` is updated under a file lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import socket
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

__all__ = ["SweepPlan", "plan_sweep", "run_sweep", "read_results", "load_sweep", "record_run",
           "SweepDeviceError", "SWEEP_FORMAT"]

#: Version of the record layout written to the JSON Lines files.
SWEEP_FORMAT = 1

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
    """

    space: str
    n: int
    seed: int
    budget: str
    dataset: str
    flops: Optional[tuple[int, int]]

    def model_id(self, index: int) -> str:
        """The stable id of model ``index`` of this sweep."""
        return f"{self.space}-s{self.seed}-{index:04d}"

    def train_seed(self, index: int) -> int:
        """The training seed of model ``index``."""
        return self.seed * 100_003 + index

    def key(self) -> dict[str, Any]:
        """The fields a results file must agree on to be resumed by this plan."""
        return {"space": self.space, "seed": self.seed, "budget": self.budget, "dataset": self.dataset}


def plan_sweep(space: str, n: int, budget: str = "cpu", dataset: str = "fashion-mnist", seed: int = 0,
               flops: Optional[Sequence[int]] = None) -> SweepPlan:
    """Check a sweep's parameters and fix its plan (ValueError for anything invalid).

    ``flops=None`` takes the budget's band (``Budget.flops_range``) or, if it has none, the
    regime's default band.
    """
    from .budget import current_budget
    from .data import canonical_dataset_name
    from .design_spaces import design_space

    space_obj = design_space(space)  # ValueError listing valid names
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive integer (number of models), got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    bud = current_budget(budget)
    dataset = canonical_dataset_name(dataset)
    band = flops if flops is not None else bud.flops_range
    if band is None:
        from .design_spaces import regime

        band = regime(dataset).flops_band
    if band is not None:
        band = tuple(int(x) for x in band)
        if len(band) != 2 or band[0] > band[1] or band[0] < 0:
            raise ValueError(f"flops must be (low, high) with 0 <= low <= high, got {flops!r}")
    return SweepPlan(space_obj.name, n, seed, bud.name, dataset, band)  # type: ignore[arg-type]


def _descriptions(plan: SweepPlan) -> list:
    from .design_spaces import design_space

    space = design_space(plan.space)
    flops = plan.flops if plan.flops is not None else "default"
    return space.sample(plan.n, seed=plan.seed, flops=flops, regime=plan.dataset)


# --------------------------------------------------------------------------- the results file

def read_results(path: PathLike, repair: bool = False) -> list[dict[str, Any]]:
    """Read a JSON Lines results file.

    A last line that is not complete JSON (an interrupted write) is skipped with a warning on
    stderr; with ``repair=True`` it is also cut off the file, so the model is trained again. A
    damaged line anywhere else raises ValueError (the file was edited or corrupted).
    """
    path = Path(path)
    if not path.exists():
        return []
    raw = path.read_bytes()
    records: list[dict[str, Any]] = []
    lines = raw.split(b"\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    offset = 0
    for i, line in enumerate(lines):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                if i != last:
                    raise ValueError(f"{path}: line {i + 1} is not valid JSON; the file is damaged "
                                     "in the middle: fix or remove that line by hand") from None
                print(f"regnet_lab: {path}: the last line is incomplete (an interrupted write); "
                      f"{'removed, that model will be trained again' if repair else 'ignored'}",
                      file=sys.stderr)
                if repair:
                    _rewrite_end(path, truncate_at=offset)
                return records
        offset += len(line) + 1
    if repair and raw and not raw.endswith(b"\n"):
        _rewrite_end(path, append=b"\n")  # complete last record without its newline
    return records


def _rewrite_end(path: Path, truncate_at: Optional[int] = None, append: bytes = b"") -> None:
    with open(path, "r+b") as f:
        if truncate_at is not None:
            f.truncate(truncate_at)
        f.seek(0, os.SEEK_END)
        f.write(append)
        f.flush()
        os.fsync(f.fileno())


def _append(path: Path, record: dict[str, Any]) -> None:
    line = json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n"
    with open(path, "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


def check_output_path(path: PathLike) -> None:
    """Raise ValueError unless ``path`` can be created or appended to."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as e:
        raise ValueError(f"cannot write the results file {str(path)!r}: {e.strerror or e}") from None


# --------------------------------------------------------------------------- one model

def _versions() -> dict[str, str]:
    import torch

    from . import __version__

    return {"regnet_lab": __version__, "torch": torch.__version__, "python": platform.python_version()}


def _device_name(device: str) -> str:
    import torch

    if device.startswith("cuda") and torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return platform.processor() or platform.machine()


def train_one(task: dict[str, Any]) -> dict[str, Any]:
    """Train one planned model and return its JSON record (runs in a worker process or job).

    Never raises for a training problem: an exception becomes ``status="failed"`` with the
    message, a NaN/inf loss ``status="diverged"`` (decided by the trainer).
    """
    import torch

    from .complexity import complexity
    from .configs import config_from_dict
    from .data import dataset_info
    from .budget import Budget
    from .train import train

    if task.get("threads"):
        torch.set_num_threads(int(task["threads"]))
    desc = config_from_dict(task["description"])
    info = dataset_info(task["dataset"])
    cx = complexity(desc, resolution=info.resolution)
    record: dict[str, Any] = {
        "format": SWEEP_FORMAT, "id": task["id"], "index": task["index"], "space": task["space"],
        "seed": task["seed"], "train_seed": task["train_seed"], "dataset": task["dataset"],
        "budget": task["budget"], "budget_settings": task["budget_settings"],
        "description": task["description"],
        "complexity": {"flops": cx.flops, "params": cx.params, "acts": cx.acts},
    }
    if task["description"].get("type") == "regnet":
        record["regnet"] = {k: getattr(desc, k) for k in ("d", "w0", "wa", "wm", "b", "g")}
    start = time.time()
    try:
        budget = Budget(**task["budget_settings"])
        result = train(desc, dataset=task["dataset"], budget=budget, seed=task["train_seed"])
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


def _init_worker(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


# --------------------------------------------------------------------------- executors

def _run_local(tasks: list[dict[str, Any]], workers: int) -> Iterator[dict[str, Any]]:
    if workers == 1:
        for task in tasks:
            yield train_one(task)
        return
    pool = get_context("spawn").Pool(workers, initializer=_init_worker, initargs=(tasks[0]["threads"],))
    try:
        yield from pool.imap_unordered(train_one, tasks, chunksize=1)
        pool.close()
    except BaseException:
        pool.terminate()  # Ctrl-C or an error: stop the workers now; finished models are on disk
        raise
    finally:
        pool.join()


def _run_submitit(tasks: list[dict[str, Any]], workers: int, folder: Path, cluster: Optional[str],
                  slurm: dict[str, Any]) -> Iterator[dict[str, Any]]:
    try:
        import submitit
    except ImportError:
        raise ValueError("--executor slurm needs submitit: pip install 'regnet_lab[slurm]'") from None
    executor = submitit.AutoExecutor(folder=str(folder), cluster=cluster)
    params = {"timeout_min": 60, "cpus_per_task": max(1, tasks[0]["threads"] or 1)}
    params.update(slurm)
    if executor.cluster == "slurm":
        params.setdefault("slurm_array_parallelism", workers)
    executor.update_parameters(**params)
    jobs = executor.map_array(train_one, tasks)
    pending = list(jobs)
    while pending:
        still = []
        for job in pending:
            if job.done():
                yield job.result()
            else:
                still.append(job)
        pending = still
        if pending:
            time.sleep(1.0)


# --------------------------------------------------------------------------- the sweep

def run_sweep(plan: SweepPlan, out: PathLike, workers: int = 1, executor: str = "local",
              threads: Optional[int] = None, progress: bool = True,
              slurm: Optional[dict[str, Any]] = None,
              on_result: Optional[Callable[[dict[str, Any]], None]] = None) -> list[dict[str, Any]]:
    """Train every model of ``plan`` not already in ``out``; return all records of the sweep.

    Args:
        plan: from :func:`plan_sweep`.
        out: the JSON Lines file (created if missing; resumed if present).
        workers: local worker processes, or SLURM array parallelism.
        executor: ``"local"`` (processes on this machine), ``"slurm"`` (submitit on a SLURM
            cluster) or ``"submitit-local"`` (submitit's local executor, for testing).
        threads: torch threads per worker (default: the CPU cores divided among the workers; on
            a GPU several small models share the device).
        progress: show a ``tqdm.auto`` bar with the ETA and the best error so far.
        slurm: extra ``submitit`` parameters (partition, gpus_per_node, timeout_min, ...).
        on_result: called with each new record after it is safely on disk.
    """
    from tqdm.auto import tqdm

    out = Path(out)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    if executor not in ("local", "slurm", "submitit-local"):
        raise ValueError(f"executor must be 'local' or 'slurm', got {executor!r}")
    check_output_path(out)
    existing = read_results(out, repair=True)
    for r in existing:
        mismatch = {k: (r.get(k), v) for k, v in plan.key().items() if r.get(k) != v}
        if mismatch:
            raise ValueError(f"{out} holds results of another sweep ({mismatch}); use another --out")
    from .budget import current_budget

    budget_settings = current_budget(plan.budget).to_dict()
    recipe = _recipe(budget_settings)
    for r in existing:
        if _recipe(r.get("budget_settings", budget_settings)) != recipe:
            raise ValueError(f"{out} was trained with another recipe for budget {plan.budget!r} "
                             f"({_recipe(r['budget_settings'])}); use another --out or restore it")
    done_ids = {r["id"] for r in existing}
    descriptions = _descriptions(plan)
    if threads is None:
        threads = max(1, (os.cpu_count() or 1) // workers)
    tasks = [
        {"id": plan.model_id(i), "index": i, "space": plan.space, "seed": plan.seed,
         "train_seed": plan.train_seed(i), "dataset": plan.dataset, "budget": plan.budget,
         "budget_settings": budget_settings, "description": d.to_dict(), "threads": threads}
        for i, d in enumerate(descriptions) if plan.model_id(i) not in done_ids
    ]
    records = [r for r in existing if r["index"] < plan.n]
    errors = [r["error"] for r in records if r.get("error") is not None]
    bar = tqdm(total=plan.n, initial=len(records), desc=plan.space, unit="model", disable=not progress,
               dynamic_ncols=True)
    if errors:
        bar.set_postfix(best=f"{min(errors):.2f}%")
    if not tasks:
        bar.close()
        return records
    if executor == "local":
        stream = _run_local(tasks, workers)
    else:
        stream = _run_submitit(tasks, workers, out.parent / (out.stem + "_submitit"),
                               "slurm" if executor == "slurm" else "local", slurm or {})
    try:
        for record in stream:
            _append(out, record)
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


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_path`` (created if missing) for the ``with`` block."""
    try:
        import fcntl
    except ImportError:  # Windows: no flock; one sweep per folder at a time there
        yield
        return
    with open(lock_path, "a") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def record_run(out: PathLike, command: str, started: float, models_before: int, models_after: int,
               workers: int, threads: Optional[int], completed: bool) -> Path:
    """Add one run of a sweep to ``manifest.json`` beside its results file and return its path.

    The manifest says how the results were made: the exact command, every run's start, end,
    wall time and number of models added, the machine (CPU model, cores, GPU), and versions.
    Reruns that resume a sweep add a run, so the total wall time is the sum over runs. A rerun
    that had nothing left to do (every planned model already finished) changes nothing: the
    manifest keeps the command that made the results.
    """
    import torch

    out = Path(out)
    manifest_path = out.parent / "manifest.json"
    if completed and models_after == models_before and manifest_path.exists():
        return manifest_path
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    run = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "wall_seconds": round(time.time() - started, 1),
        "models_before": models_before, "models_after": models_after, "completed": completed,
        "workers": workers, "threads_per_worker": threads, "cpu": _cpu_model(),
        "cores": os.cpu_count(), "gpu": gpu, "host": socket.gethostname(), "versions": _versions(),
    }
    # Sweeps of several spaces may run at once into one folder (one process per space): the
    # read-modify-write of the shared manifest happens under an exclusive lock, so no run is lost.
    with _locked(manifest_path.with_name("manifest.json.lock")):
        manifest: dict[str, Any] = {}
        if manifest_path.exists():
            try:
                manifest = json.loads(manifest_path.read_text())
            except json.JSONDecodeError:
                # Keep the damaged file for a person to repair; start a fresh manifest beside it.
                kept = manifest_path.with_name(f"manifest.json.damaged-{int(time.time())}")
                os.replace(manifest_path, kept)
                print(f"warning: {manifest_path} was not valid JSON; kept it as {kept.name}",
                      file=sys.stderr)
        entry = manifest.setdefault(out.name, {"command": command, "runs": []})
        entry["command"] = command
        entry["runs"].append(run)
        entry["total_wall_seconds"] = round(sum(r["wall_seconds"] for r in entry["runs"]), 1)
        entry["models"] = models_after
        tmp = manifest_path.with_name(f"manifest.json.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, manifest_path)
    return manifest_path


# --------------------------------------------------------------------------- loading

def load_sweep(paths: Union[PathLike, Iterable[PathLike]]):
    """Results of one or more sweep files as the analysis DataFrame (one row per model).

    Columns: ``id, space, seed, dataset, budget, status, error, best_error, seconds, flops,
    params, acts``, per-stage ``d1.., w1.., b1.., g1..``, ``num_stages``, the RegNet parameters
    ``d, w0, wa, wm, b, g`` where present, and ``description`` (the config object itself).
    """
    import pandas as pd

    from .configs import config_from_dict

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    rows = []
    for path in paths:
        if not Path(path).exists():
            raise ValueError(f"no sweep results at {str(path)!r}")
        for r in read_results(path):
            desc = config_from_dict(r["description"])
            row: dict[str, Any] = {k: r.get(k) for k in ("id", "space", "seed", "dataset", "budget",
                                                         "status", "error", "best_error", "seconds")}
            row.update(r["complexity"])
            row["num_stages"] = desc.num_stages
            for i, (d, w, b, g) in enumerate(zip(desc.depths, desc.widths, desc.bottleneck_ratios,
                                                 desc.group_widths), start=1):
                row.update({f"d{i}": d, f"w{i}": w, f"b{i}": b, f"g{i}": g})
            row.update(r.get("regnet", {}))
            row["description"] = desc
            row["file"] = str(path)
            rows.append(row)
    return pd.DataFrame(rows)
