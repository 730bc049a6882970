"""Train a fixed list of networks with several seeds each, resumably (Section 5).

A sweep (:mod:`regnet_lab.sweep`) trains *samples* of a design space, one seed each, to compare
populations. Section 5 of the paper compares *single networks*: for each flop regime it picks
the best of 25 random RegNet settings and retrains it 5 times, and compares it with standard
networks (ResNe(X)t, EfficientNet) trained the same way. This module does the second kind of
run at our scale:

* a :class:`Network` is a name and either a description (an AnyNet or RegNet description,
  e.g. from :mod:`regnet_lab.baselines` or a reference population) or one of torchvision's
  mobile networks of :mod:`regnet_lab.torchvision_baselines` with its width multiplier;
* :func:`read_networks` and :func:`write_networks` keep the list in a JSON file, so that the
  choice of networks is a committed, reviewable input (with a note on how it was made);
* :func:`retrain` trains every (network, seed) pair that the JSON Lines results file does not
  hold yet, one line per finished run (the same durability rules as a sweep: a finished run is
  never lost or trained twice, one writer per file, an interrupted last line is repaired);
* :func:`load_retrain` reads the results as a DataFrame (one row per run).

The command line is ``python -m regnet_lab retrain --networks FILE --seeds N --out FILE``.
"""

from __future__ import annotations

import json
import socket
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

from . import validation as check

__all__ = ["Network", "read_networks", "write_networks", "retrain", "load_retrain",
           "RETRAIN_FORMAT"]

#: Version of the records :func:`retrain` writes.
RETRAIN_FORMAT = 1

PathLike = Union[str, Path]


@dataclass(frozen=True)
class Network:
    """One network to retrain: a name and exactly one of ``description`` and ``mobile``.

    Attributes:
        name: the network's name in the results (letters, digits and ``-_.@+``).
        description: an AnyNet/RegNet description as its ``to_dict()`` (see
            :func:`~regnet_lab.configs.config_from_dict`).
        mobile: ``{"network": "mobilenet_v2" | "efficientnet_b0", "width_mult": float}`` for
            :func:`~regnet_lab.torchvision_baselines.mobile_baseline`.
        note: how the network was chosen (kept with the list, not used for training).
    """

    name: str
    description: Optional[dict] = None
    mobile: Optional[dict] = None
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name or not all(
                ch.isalnum() or ch in "-_.@+" for ch in self.name):
            raise ValueError(f"name must be a non-empty string of letters, digits and -_.@+, got "
                             f"{self.name!r}")
        if (self.description is None) == (self.mobile is None):
            raise ValueError(f"network {self.name!r}: give exactly one of description and mobile")
        if self.description is not None:
            from .configs import config_from_dict

            config_from_dict(self.description)  # a bad description fails here, not in a worker
        else:
            if not isinstance(self.mobile, dict) or set(self.mobile) != {"network", "width_mult"}:
                raise ValueError(f"network {self.name!r}: mobile must be a dict with the keys "
                                 f"'network' and 'width_mult', got {self.mobile!r}")
            from .torchvision_baselines import MOBILE_BASELINES

            check.choice(self.mobile["network"], "mobile['network']", MOBILE_BASELINES, "network")
            check.number(self.mobile["width_mult"], "mobile['width_mult']", 0, 4, open_low=True)
        if not isinstance(self.note, str):
            raise TypeError(f"note must be a string, got {type(self.note).__name__}")

    def to_json(self) -> dict[str, Any]:
        """The network as plain JSON types (what :func:`write_networks` stores)."""
        d: dict[str, Any] = {"name": self.name}
        d.update({"description": self.description} if self.description is not None
                 else {"mobile": dict(self.mobile or {})})
        if self.note:
            d["note"] = self.note
        return d

    @classmethod
    def from_json(cls, d: Any) -> "Network":
        """The network written by :meth:`to_json`."""
        if not isinstance(d, dict):
            raise TypeError(f"a network must be a JSON object, got {type(d).__name__}")
        unknown = set(d) - {"name", "description", "mobile", "note"}
        if unknown:
            raise ValueError(f"network {d.get('name')!r} has unknown fields {sorted(unknown)}")
        return cls(d.get("name"), d.get("description"), d.get("mobile"), d.get("note", ""))

    def build(self, dataset: str):
        """The untrained module (mobile networks) or the description (``rl.train`` builds it
        for the data set), and its complexity at the data set's resolution."""
        from .counting import complexity
        from .configs import config_from_dict
        from .data import dataset_info

        info = dataset_info(dataset)
        if self.description is not None:
            desc = config_from_dict(self.description)
            return desc, complexity(desc, resolution=info.resolution)
        from .torchvision_baselines import count_module, mobile_baseline

        net = mobile_baseline(self.mobile["network"], self.mobile["width_mult"], regime=dataset)
        return net, count_module(net, info.resolution, info.channels)


def write_networks(networks: Iterable[Network], path: PathLike, made_by: str) -> Path:
    """Write a network list (JSON, with ``made_by``: the command or reasoning that chose it)."""
    nets = list(networks)
    for n in nets:
        if not isinstance(n, Network):
            raise TypeError(f"networks must hold Network objects, got {type(n).__name__}")
    names = [n.name for n in nets]
    if len(set(names)) != len(names):
        raise ValueError(f"network names must be unique, got {names}")
    if not isinstance(made_by, str) or not made_by.strip():
        raise ValueError("made_by must say how the list was made (a non-empty string)")
    path = check.output_file(path, "path")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"made_by": made_by, "networks": [n.to_json() for n in nets]},
                               indent=1) + "\n", encoding="utf-8")
    return path


def read_networks(path: PathLike) -> list[Network]:
    """The networks of a file written by :func:`write_networks`."""
    path = check.path(path, "path", must_exist=True)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise ValueError(f"{path} is not JSON ({e}); expected a network list") from None
    if not isinstance(data, dict) or not isinstance(data.get("networks"), list):
        raise ValueError(f"{path} is not a network list: expected an object with 'networks'")
    nets = [Network.from_json(d) for d in data["networks"]]
    names = [n.name for n in nets]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: network names must be unique, got {names}")
    return nets


def _run_id(name: str, seed: int) -> str:
    return f"{name}@seed{seed}"


def _train_run(task: dict[str, Any]) -> dict[str, Any]:
    """Train one (network, seed) pair and return its record (runs in a worker process)."""
    import torch

    from .budget import Budget
    from .sweep import _device_name, _json_safe, _versions
    from .training import train

    if task.get("threads"):
        torch.set_num_threads(int(task["threads"]))
    net = Network.from_json(task["network"])
    record: dict[str, Any] = {"format": RETRAIN_FORMAT, "id": task["id"], "name": net.name,
                              "seed": task["seed"], "dataset": task["dataset"],
                              "budget": task["budget"], "budget_settings": task["budget_settings"],
                              "network": task["network"]}
    start = time.time()
    try:
        model, cx = net.build(task["dataset"])
        record["complexity"] = {"flops": cx.flops, "params": cx.params, "acts": cx.acts}
        result = train(model, dataset=task["dataset"], budget=Budget(**task["budget_settings"]),
                       seed=task["seed"])
        record.update({"status": result.status, "error": result.error,
                       "best_error": result.best_error, "curves": result.curves,
                       "seconds": round(result.seconds, 3), "device": str(result.device)})
        if result.status != "ok":
            record["failure"] = result.message
    except Exception as e:  # noqa: BLE001 - a failed run is a result, not a crash of the run
        record.update({"status": "failed", "error": None, "best_error": None,
                       "seconds": round(time.time() - start, 3), "device": "cpu",
                       "failure": f"{type(e).__name__}: {e}",
                       "traceback": traceback.format_exc(limit=5)})
    record.update({"device_name": _device_name(record["device"]), "host": socket.gethostname(),
                   "versions": _versions(), "finished_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")})
    return _json_safe(record)


def _read_runs(out: Path, repair: bool) -> dict[str, dict[str, Any]]:
    """The finished runs of a results file by id; a torn last line is cut off with ``repair``."""
    from .sweep import _rewrite_end

    if not out.exists():
        return {}
    raw = out.read_bytes()
    runs: dict[str, dict[str, Any]] = {}
    offset = 0
    lines = raw.split(b"\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    for i, line in enumerate(lines):
        if line.strip():
            try:
                rec = json.loads(line)
            except ValueError:
                if i == last and runs:
                    if repair:
                        _rewrite_end(out, truncate_at=offset)
                    break
                raise ValueError(f"{out}: line {i + 1} is not valid JSON; expected a results file "
                                 "of `python -m regnet_lab retrain`") from None
            if not isinstance(rec, dict) or not isinstance(rec.get("id"), str) or \
                    "network" not in rec or rec.get("format") != RETRAIN_FORMAT:
                raise ValueError(f"{out}: line {i + 1} is not a record of `python -m regnet_lab "
                                 "retrain`; give --out a new file or that run's results file")
            runs.setdefault(rec["id"], rec)
        offset += len(line) + 1
    return runs


def retrain(networks: Sequence[Network], seeds: int, out: PathLike, budget: Any = None,
            dataset: str = "fashion-mnist", workers: int = 1, threads: Optional[int] = None,
            wait: bool = False) -> list[dict[str, Any]]:
    """Train each network with seeds ``0 .. seeds - 1``; skip the pairs ``out`` already holds.

    Args:
        networks: the :class:`Network` list (e.g. from :func:`read_networks`).
        seeds: training seeds per network (the paper retrains 5 times, Section 5).
        out: the JSON Lines results file, created or resumed.
        budget: a budget name or :class:`~regnet_lab.budget.Budget` (default: the current one).
        dataset: ``"fashion-mnist"`` or ``"cifar-10"``.
        workers: processes training at once.
        threads: torch threads per worker (``None``: the budget's).
        wait: if another run is writing ``out``, wait for it instead of failing.

    Returns:
        every record in ``out`` for these networks and seeds (finished before or now).

    Raises:
        ValueError: bad arguments; ``out`` not a retrain results file; ``out`` holding a run of
            the same name and seed that was made with another network, data set or recipe
            (a different run must go to a different file); another run writing ``out``.
    """
    from .budget import current_budget
    from .data import canonical_dataset_name
    from .sweep import MAX_WORKERS, _append_line, _exclusive, _run_local, check_output_path

    nets = list(networks)
    if not nets:
        raise ValueError("networks is empty: give at least one Network")
    for n in nets:
        if not isinstance(n, Network):
            raise TypeError(f"networks must hold Network objects, got {type(n).__name__}")
    if len({n.name for n in nets}) != len(nets):
        raise ValueError("network names must be unique")
    seeds = check.positive_int(seeds, "seeds")
    bud = current_budget(budget)
    name = canonical_dataset_name(dataset)
    workers = check.positive_int(workers, "workers", MAX_WORKERS, "processes on one machine")
    threads = bud.threads_per_worker if threads is None else check.positive_int(threads, "threads")
    check.flag(wait, "wait")
    out = check_output_path(out, "out")
    out.parent.mkdir(parents=True, exist_ok=True)
    settings = bud.to_dict()
    with _exclusive(out, wait):
        done = _read_runs(out, repair=True)
        tasks = []
        for net in nets:
            for seed in range(seeds):
                rid = _run_id(net.name, seed)
                task = {"id": rid, "seed": seed, "dataset": name, "budget": bud.name,
                        "budget_settings": settings, "network": net.to_json(), "threads": threads}
                have = done.get(rid)
                if have is None:
                    tasks.append(task)
                    continue
                for key in ("network", "dataset", "budget_settings"):
                    if have.get(key) != task[key]:
                        raise ValueError(f"{out} holds run {rid!r} made with another {key}; a "
                                         "different run needs a different --out file")
        for record in _run_local(tasks, min(workers, max(1, len(tasks))), job=_train_run):
            _append_line(out, record)
            done[record["id"]] = record
    wanted = [_run_id(n.name, s) for n in nets for s in range(seeds)]
    return [done[r] for r in wanted if r in done]


def load_retrain(path: PathLike, ok_only: bool = True):
    """The runs of a retrain results file as a DataFrame: one row per (network, seed), with
    ``name, seed, status, error, best_error, seconds, flops, params, acts, network``."""
    import pandas as pd

    path = check.path(path, "path", must_exist=True)
    rows = []
    for rec in _read_runs(path, repair=False).values():
        cx = rec.get("complexity", {})
        rows.append({"name": rec["name"], "seed": rec["seed"], "status": rec["status"],
                     "error": rec.get("error"), "best_error": rec.get("best_error"),
                     "seconds": rec.get("seconds"), "flops": cx.get("flops"),
                     "params": cx.get("params"), "acts": cx.get("acts"),
                     "network": rec["network"]})
    frame = pd.DataFrame(rows, columns=["name", "seed", "status", "error", "best_error",
                                        "seconds", "flops", "params", "acts", "network"])
    if check.flag(ok_only, "ok_only"):
        frame = frame[frame["status"] == "ok"].reset_index(drop=True)
    return frame
