"""Make the student notebooks of the coursework and grade a folder of submissions (otter-grader).

Each assignment has one master notebook in ``coursework/instructor/`` (solutions and tests,
hidden ones included, in otter-grader's notebook format). From a master, ``otter assign``
makes the student notebook (solutions and hidden tests removed) and the autograder (every
test). This script wraps the two steps an instructor needs:

    python coursework/course.py publish                 # rewrite the student notebooks and
                                                        # their public checks from the masters
    python coursework/course.py grade a submissions/ --csv scores.csv
                                                        # grade every .ipynb in submissions/

Grading runs locally, without Docker and without a network: every submission is executed in a
fresh Python kernel of the current environment (``otter.api.grade_submission``), with the
master's tests, hidden ones included; the CSV has one row per submission, the points of every
autograded question, the total and the possible total. Written answers (the questions marked
"graded by hand") are not in the CSV: grade them with the rubric in the notebook.

Run it with the book's environment (``.venv/bin/python``), where ``otter-grader`` is installed
from ``requirements.txt``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import importlib.util
import io
import logging
import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHECKS = HERE / "coursework_checks.py"


@dataclass(frozen=True)
class Assignment:
    key: str  # "a", "b", "c"
    name: str  # otter's assignment name and the folder of its public tests
    student: str  # file name of the student notebook in coursework/

    @property
    def master(self) -> Path:
        return HERE / "instructor" / f"{self.name}_master.ipynb"

    @property
    def student_path(self) -> Path:
        return HERE / self.student

    @property
    def tests_dir(self) -> Path:
        return HERE / "tests" / self.name


ASSIGNMENTS = {
    "a": Assignment("a", "assignment_a", "assignment_a_quantization.ipynb"),
    "b": Assignment("b", "assignment_b", "assignment_b_design_space_comparison.ipynb"),
    "c": Assignment("c", "assignment_c", "assignment_c_complexity.ipynb"),
}


def assignment(key: str) -> Assignment:
    """The assignment called ``key`` ("a", "b" or "c", any case)."""
    try:
        return ASSIGNMENTS[str(key).lower()]
    except KeyError:
        raise ValueError(f"assignment must be one of {sorted(ASSIGNMENTS)}, got {key!r}") from None


@contextlib.contextmanager
def _quiet():
    """Silence otter's banner, prints and deprecation warnings (its pkg_resources import)."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        logging.getLogger("otter").setLevel(logging.ERROR)
        yield


@dataclass(frozen=True)
class Assigned:
    """What ``otter assign`` made from a master: the student notebook, its public tests, and
    the autograder zip with every test."""

    student_notebook: Path
    student_tests: Path
    autograder_zip: Path
    autograder_tests: Path


def otter_assign(a: Assignment, out_dir: Path, run_tests: bool = False) -> Assigned:
    """Run ``otter assign`` on ``a``'s master into ``out_dir`` (a fresh folder).

    ``run_tests=True`` also executes the master and checks that it passes its own tests.
    """
    with _quiet():
        from otter.assign import main as assign_main
    work = Path(out_dir) / "master"
    work.mkdir(parents=True)
    shutil.copy(a.master, work / f"{a.name}.ipynb")
    shutil.copy(CHECKS, work / CHECKS.name)
    dist = Path(out_dir) / "dist"
    with _quiet():
        assign_main(str(work / f"{a.name}.ipynb"), str(dist), no_run_tests=not run_tests)
    (zip_path,) = (dist / "autograder").glob("*.zip")
    return Assigned(dist / "student" / f"{a.name}.ipynb", dist / "student" / "tests",
                    zip_path, dist / "autograder" / "tests")


def _sync_module():
    spec = importlib.util.spec_from_file_location("sync_notebooks", ROOT / "tools" / "sync_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def publish(keys=None) -> list[Path]:
    """Rewrite the student notebook and public tests of each assignment from its master.

    The notebook gets the book's Colab badge and set-up cells (``tools/sync_notebooks.py``)
    and is stored without outputs. Returns the paths written.
    """
    import nbformat

    sync = _sync_module()
    config = sync.load_config(ROOT)
    written = []
    for key in keys or sorted(ASSIGNMENTS):
        a = assignment(key)
        with tempfile.TemporaryDirectory() as tmp:
            made = otter_assign(a, Path(tmp))
            nb = nbformat.read(made.student_notebook, as_version=4)
            for i, cell in enumerate(nb.cells):  # stable ids: publishing twice changes nothing
                cell.id = f"{a.key}{i:02d}"
            nbformat.write(nb, a.student_path)
            sync.sync(a.student_path, config, ROOT)
            if a.tests_dir.exists():
                shutil.rmtree(a.tests_dir)
            shutil.copytree(made.student_tests, a.tests_dir)
        written += [a.student_path, a.tests_dir]
    return written


@dataclass(frozen=True)
class Score:
    """One graded submission: points per autograded question, and otter's messages."""

    submission: str
    points: dict  # question -> points scored
    possible: dict  # question -> points possible
    messages: dict  # question -> otter's text for the failed test cases ("" when all passed)

    @property
    def total(self) -> float:
        return float(sum(self.points.values()))

    @property
    def total_possible(self) -> float:
        return float(sum(self.possible.values()))


def _score(path: Path, results) -> Score:
    points, possible, messages = {}, {}, {}
    for name in sorted(results.results):
        tf = results.results[name]
        points[name], possible[name] = float(tf.score), float(tf.possible)
        messages[name] = "\n".join(r.message for r in tf.test_case_results if not r.passed)
    return Score(path.name, points, possible, messages)


def grade(key: str, submissions, csv_path=None, zip_path=None) -> list[Score]:
    """Grade every ``.ipynb`` in ``submissions`` (a folder, or a list of notebook paths).

    Args:
        key: the assignment ("a", "b" or "c").
        submissions: a folder of submitted notebooks, or a list of paths.
        csv_path: where to write the score table (one row per submission); ``None``: nowhere.
        zip_path: an autograder zip made before (by :func:`otter_assign`); default: made now
            from the master.

    Returns:
        one :class:`Score` per submission, in file-name order.
    """
    a = assignment(key)
    if isinstance(submissions, (str, os.PathLike)):
        folder = Path(submissions)
        if not folder.is_dir():
            raise ValueError(f"submissions must be a folder of .ipynb files, got {folder}")
        paths = sorted(folder.glob("*.ipynb"))
    else:
        paths = sorted(Path(p) for p in submissions)
    if not paths:
        raise ValueError(f"no .ipynb submissions found in {submissions}")
    with _quiet():
        from otter.api import grade_submission
    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        if zip_path is None:
            zip_path = otter_assign(a, Path(tmp)).autograder_zip
        for path in paths:
            with _quiet():
                results = grade_submission(str(path.resolve()), str(zip_path), quiet=True)
            scores.append(_score(path, results))
    if csv_path is not None:
        write_csv(scores, csv_path)
    return scores


def write_csv(scores: list[Score], csv_path) -> None:
    """The score table: file, one column per question, total, possible."""
    questions = sorted({q for s in scores for q in s.possible})
    with open(csv_path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["file", *questions, "total", "possible"])
        for s in scores:
            w.writerow([s.submission, *(f"{s.points.get(q, 0):g}" for q in questions),
                        f"{s.total:g}", f"{s.total_possible:g}"])


def score_table(scores: list[Score]) -> str:
    """The scores as a plain-text table (what ``grade`` prints)."""
    questions = sorted({q for s in scores for q in s.possible})
    rows = [["file", *questions, "total"]]
    for s in scores:
        rows.append([s.submission, *(f"{s.points.get(q, 0):g}/{s.possible.get(q, 0):g}"
                                     for q in questions), f"{s.total:g}/{s.total_possible:g}"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(wd) for c, wd in zip(r, widths)) for r in rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("publish", help="rewrite the student notebooks and public tests")
    p.add_argument("assignments", nargs="*", help="a, b, c (default: all)")
    g = sub.add_parser("grade", help="grade a folder of submissions, write a CSV of scores")
    g.add_argument("assignment", help="a, b or c")
    g.add_argument("submissions", help="folder of submitted .ipynb files")
    g.add_argument("--csv", default="scores.csv", help="score table to write (default scores.csv)")
    g.add_argument("--feedback", action="store_true", help="also print each failed check")
    args = parser.parse_args(argv)
    if args.command == "publish":
        for path in publish(args.assignments):
            print("wrote", path.relative_to(ROOT))
        return 0
    scores = grade(args.assignment, args.submissions, args.csv)
    print(score_table(scores))
    if args.feedback:
        for s in scores:
            for q, text in s.messages.items():
                if text:
                    print(f"\n== {s.submission} {q}\n{text}")
    print(f"\nwrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
