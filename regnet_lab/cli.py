"""Command line: ``python -m regnet_lab sweep ...``, ``... retrain ...`` and ``... analyze ...``.

``retrain`` trains a network list with several seeds (:mod:`regnet_lab.retraining`).

Exit codes: 0 done; 1 the GPU failed (finished models are kept); 2 bad input (unknown space or
dataset, ``n < 1``, an output path that cannot be written, a results file of another sweep, a
file that another run is writing, ...), with a one-line reason on stderr; 130 interrupted by
Ctrl-C, 143 stopped by SIGTERM (finished models are kept: run the same command again to
continue).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

__all__ = ["main"]

PROG = "python -m regnet_lab"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


class _Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C so the workers are stopped and the run recorded."""


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("sweep", help="train a sampled population of one design space (resumable)")
    s.add_argument("--space", required=True, help="design space, e.g. AnyNetX_A, RegNetX_6param")
    s.add_argument("--n", type=int, required=True, help="number of models")
    s.add_argument("--budget", default=None, help="ci, cpu, gpu or cpu-long (default: cpu, or gpu with CUDA)")
    s.add_argument("--dataset", default="fashion-mnist", help="fashion-mnist or cifar-10")
    s.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    s.add_argument("--out", required=True, help="JSON Lines results file (resumed if it exists)")
    s.add_argument("--workers", type=int, default=None, help="worker processes (default: the budget's)")
    s.add_argument("--threads", type=int, default=None, help="torch threads per worker")
    s.add_argument("--executor", choices=["local", "slurm", "submitit-local"], default="local")
    s.add_argument("--flops", type=float, nargs=2, metavar=("LOW", "HIGH"), default=None,
                   help="flops band in multiply-adds (default: the budget's band)")
    s.add_argument("--resolution", type=int, default=None, metavar="PIXELS",
                   help="train, sample and count at this input side, 8-224 (images resized; "
                        "Fig. 14's resolution test; default: the dataset's own, 28 or 32)")
    s.add_argument("--partition", default=None, help="SLURM partition (with --executor slurm)")
    s.add_argument("--wait", action="store_true",
                   help="if another run is writing --out, wait for it instead of exiting")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")

    r = sub.add_parser("retrain", help="train a list of networks with several seeds (resumable)")
    r.add_argument("--networks", required=True, help="JSON network list (regnet_lab.retraining)")
    r.add_argument("--seeds", type=int, required=True, help="training seeds per network")
    r.add_argument("--budget", default=None, help="ci, cpu, gpu or cpu-long (default: cpu, or gpu with CUDA)")
    r.add_argument("--dataset", default="fashion-mnist", help="fashion-mnist or cifar-10")
    r.add_argument("--out", required=True, help="JSON Lines results file (resumed if it exists)")
    r.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    r.add_argument("--threads", type=int, default=None, help="torch threads per worker")
    r.add_argument("--wait", action="store_true",
                   help="if another run is writing --out, wait for it instead of exiting")

    a = sub.add_parser("analyze", help="write an HTML + PNG report of sweep results")
    a.add_argument("files", nargs="+", help="JSON Lines results files")
    a.add_argument("--out", default="report", help="output folder (default: ./report)")
    return p


def _sweep(args: argparse.Namespace) -> int:
    import shlex

    from . import validation as check
    from .budget import current_budget
    from .sweep import MAX_WORKERS, _read, check_output_path, plan_sweep, record_run, run_sweep

    if args.partition is not None and args.executor != "slurm":
        raise ValueError("--partition needs --executor slurm")
    budget = current_budget(args.budget)
    plan = plan_sweep(args.space, args.n, budget=budget.name, dataset=args.dataset, seed=args.seed,
                      flops=args.flops, resolution=args.resolution)
    workers = args.workers if args.workers is not None else budget.workers
    threads = args.threads if args.threads is not None else budget.threads_per_worker
    check.positive_int(workers, "--workers", MAX_WORKERS, "processes on one machine")
    if threads is not None:
        check.positive_int(threads, "--threads", MAX_WORKERS, "threads of one process")
    slurm = {"slurm_partition": args.partition} if args.partition else {}
    start = time.time()
    out = check_output_path(args.out, "--out")
    before = len(_read(out, repair=False, quiet=True).records)
    command = f"{PROG} " + " ".join(shlex.quote(a) for a in args.argv)
    completed = False
    records = []
    try:
        records = run_sweep(plan, out, workers=workers, executor=args.executor, threads=threads,
                            progress=not args.no_progress, slurm=slurm, wait=args.wait)
        completed = True
    finally:
        try:
            after = len(_read(out, repair=False, quiet=True).records) if out.is_file() else 0
            if after > before or completed:
                record_run(out, command, start, before, after, workers, threads, completed,
                           resolution=plan.resolution)
        except (ValueError, OSError) as e:
            print(f"{PROG} sweep: warning: the run was not added to manifest.json ({e})",
                  file=sys.stderr)
    ok = [r for r in records if r.get("status") == "ok"]
    best = min((r["error"] for r in ok), default=float("nan"))
    print(f"{plan.space}: {len(records)}/{plan.n} models in {args.out} ({len(ok)} ok, "
          f"best error {best:.2f}%), {time.time() - start:.0f} s this run")
    return 0


def _retrain(args: argparse.Namespace) -> int:
    import shlex

    from .retraining import _read_runs, read_networks, retrain
    from .sweep import check_output_path, record_run

    networks = read_networks(args.networks)
    out = check_output_path(args.out, "--out")
    before = len(_read_runs(out, repair=False)) if out.is_file() else 0
    command = f"{PROG} " + " ".join(shlex.quote(a) for a in args.argv)
    start = time.time()
    completed = False
    records: list = []
    try:
        records = retrain(networks, args.seeds, out, budget=args.budget, dataset=args.dataset,
                          workers=args.workers, threads=args.threads, wait=args.wait)
        completed = True
    finally:
        try:
            after = len(_read_runs(out, repair=False)) if out.is_file() else 0
            if after > before or completed:
                record_run(out, command, start, before, after, args.workers, args.threads,
                           completed)
        except (ValueError, OSError) as e:
            print(f"{PROG} retrain: warning: the run was not added to manifest.json ({e})",
                  file=sys.stderr)
    ok = [r for r in records if r.get("status") == "ok"]
    print(f"{len(records)}/{len(networks) * args.seeds} runs in {args.out} ({len(ok)} ok), "
          f"{time.time() - start:.0f} s this run")
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from .report import write_report

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {args.out!r} is a file; give a folder for the report")
    index = write_report(args.files, out)
    print(f"report written to {index}")
    return 0


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated()


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave SIGTERM alone
        previous = None
    command = "sweep"
    try:
        argv = list(sys.argv[1:] if argv is None else argv)
        args = _parser().parse_args(argv)
        args.argv = argv
        command = args.command
        from .sweep import SweepDeviceError

        try:
            return {"sweep": _sweep, "retrain": _retrain, "analyze": _analyze}[args.command](args)
        except SweepDeviceError as e:
            print(f"{PROG} {args.command}: {e}", file=sys.stderr)
            return 1
    except (ValueError, TypeError, OSError) as e:
        text = " ".join(str(e).split())
        print(f"{PROG} {command}: error: {text}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished models are saved; run the same command again to continue",
              file=sys.stderr)
        return 130
    except _Terminated:
        print("stopped (SIGTERM): finished models are saved; run the same command again to "
              "continue", file=sys.stderr)
        return 143
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
