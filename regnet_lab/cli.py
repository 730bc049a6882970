"""Command line: ``python -m regnet_lab sweep ...`` and ``python -m regnet_lab analyze ...``.

Exit codes: 0 done; 2 bad input (unknown space or dataset, ``n < 1``, an output path that cannot
be written, ...), with a one-line reason on stderr; 130 interrupted (finished models are kept:
run the same command again to continue).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Optional, Sequence

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m regnet_lab", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("sweep", help="train a sampled population of one design space (resumable)")
    s.add_argument("--space", required=True, help="design space, e.g. AnyNetX_A, RegNet")
    s.add_argument("--n", type=int, required=True, help="number of models")
    s.add_argument("--budget", default=None, help="ci, cpu or gpu (default: cpu, or gpu with CUDA)")
    s.add_argument("--dataset", default="fashion-mnist", help="fashion-mnist or cifar-10")
    s.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    s.add_argument("--out", required=True, help="JSON Lines results file (resumed if it exists)")
    s.add_argument("--workers", type=int, default=None, help="worker processes (default: the budget's)")
    s.add_argument("--threads", type=int, default=None, help="torch threads per worker")
    s.add_argument("--executor", choices=["local", "slurm", "submitit-local"], default="local")
    s.add_argument("--flops", type=float, nargs=2, metavar=("LOW", "HIGH"), default=None,
                   help="flops band in multiply-adds (default: the budget's band)")
    s.add_argument("--partition", default=None, help="SLURM partition (with --executor slurm)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")

    a = sub.add_parser("analyze", help="write an HTML + PNG report of sweep results")
    a.add_argument("files", nargs="+", help="JSON Lines results files")
    a.add_argument("--out", default="report", help="output folder (default: ./report)")
    return p


def _sweep(args: argparse.Namespace) -> int:
    import shlex

    from .budget import current_budget
    from .sweep import check_output_path, plan_sweep, read_results, record_run, run_sweep

    budget = current_budget(args.budget)
    plan = plan_sweep(args.space, args.n, budget=budget.name, dataset=args.dataset, seed=args.seed,
                      flops=args.flops)
    workers = args.workers if args.workers is not None else budget.workers
    threads = args.threads if args.threads is not None else budget.threads_per_worker
    slurm = {"slurm_partition": args.partition} if args.partition else {}
    start = time.time()
    check_output_path(args.out)
    before = len(read_results(args.out))
    command = "python -m regnet_lab " + " ".join(shlex.quote(a) for a in args.argv)
    completed = False
    try:
        records = run_sweep(plan, args.out, workers=workers, executor=args.executor, threads=threads,
                            progress=not args.no_progress, slurm=slurm)
        completed = True
    finally:
        after = len(read_results(args.out))
        if after > before or completed:
            record_run(args.out, command, start, before, after, workers, threads, completed)
    ok = [r for r in records if r.get("status") == "ok"]
    best = min((r["error"] for r in ok), default=float("nan"))
    print(f"{plan.space}: {len(records)}/{plan.n} models in {args.out} ({len(ok)} ok, "
          f"best error {best:.2f}%), {time.time() - start:.0f} s this run")
    return 0


def _analyze(args: argparse.Namespace) -> int:
    from .report import write_report

    index = write_report(args.files, args.out)
    print(f"report written to {index}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    from .sweep import SweepDeviceError

    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    args.argv = argv
    try:
        return {"sweep": _sweep, "analyze": _analyze}[args.command](args)
    except (ValueError, OSError) as e:
        print(f"python -m regnet_lab {args.command}: error: {e}", file=sys.stderr)
        return 2
    except SweepDeviceError as e:
        print(f"python -m regnet_lab {args.command}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: finished models are saved; run the same command again to continue",
              file=sys.stderr)
        return 130
