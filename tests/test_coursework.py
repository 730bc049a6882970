"""The coursework: otter-grader masters, student notebooks, and the grader on test submissions.

For each assignment (A quantization, B design-space comparison, C complexity):

* ``otter assign`` on the master (``coursework/instructor/``) reproduces the stored student
  notebook and public checks exactly, and neither holds a solution or a hidden test;
* the grading command (``coursework/course.py grade``, otter-grader run locally in a Jupyter
  kernel, no Docker, no network) gives the master solution full marks, the unchanged student
  notebook zero with no crash, and a submission that calls the library functions it should
  re-implement zero on those questions (they are unavailable while the checks run);
* one deliberately wrong function per question (the rest from the master) fails that
  question's checks only, and otter's feedback names the first wrong input.

The last point runs otter's test files in this process (``ExceptionTestFile``, the code the
grader runs inside its kernel) to stay fast; the kernel-based grader runs on the others.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest

import coursework_solutions as subs
import regnet_lab as rl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "coursework"))  # course.py and coursework_checks.py
import course  # noqa: E402

KEYS = sorted(course.ASSIGNMENTS)
PAGE = ROOT / "book" / "coursework.md"


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    """``otter assign`` output per assignment, made once for the module."""
    made = {}

    def get(key):
        if key not in made:
            made[key] = course.otter_assign(course.assignment(key), tmp_path_factory.mktemp(key))
        return made[key]

    return get


def _defined(cell) -> str | None:
    """The name of the function a code cell defines first, if it starts with ``def``."""
    src = cell.source.lstrip()
    return src[4:src.index("(")] if cell.cell_type == "code" and src.startswith("def ") else None


def master_functions(made) -> dict:
    """Function name -> source, from the master's solution cells."""
    nb = nbformat.read(made.autograder_zip.parent / made.student_notebook.name, as_version=4)
    return {_defined(c): c.source for c in nb.cells if _defined(c)}


def make_submission(key: str, functions: dict, out: Path) -> Path:
    nb = nbformat.read(course.assignment(key).student_path, as_version=4)
    for cell in nb.cells:
        name = _defined(cell)
        if name in functions:
            cell.source = functions[name].strip("\n")
    nbformat.write(nb, out)
    return out


@pytest.mark.parametrize("key", KEYS)
def test_student_version_is_made_from_the_master(key, assigned):
    """Stored student notebook and public checks == what `otter assign` makes from the master
    now (run `python coursework/course.py publish` after editing a master)."""
    a, made = course.assignment(key), assigned(key)
    stored = nbformat.read(a.student_path, as_version=4)
    fresh = nbformat.read(made.student_notebook, as_version=4)
    body = [c for c in stored.cells if c.id not in ("colab-badge", "colab-setup")]
    assert [(c.cell_type, c.source) for c in body] == [(c.cell_type, c.source) for c in fresh.cells]
    public = {p.name: p.read_text() for p in sorted(made.student_tests.glob("*.py"))}
    assert {p.name: p.read_text() for p in sorted(a.tests_dir.glob("*.py"))} == public


@pytest.mark.parametrize("key", KEYS)
def test_student_material_holds_no_solution_and_no_hidden_test(key, assigned):
    a, made = course.assignment(key), assigned(key)
    text = a.student_path.read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN TESTS" not in text
    for name, source in master_functions(made).items():
        body = source.split('"""')[-1].strip()  # the code after the docstring
        assert body and body not in text, f"{name}'s solution is in {a.student_path.name}"
    hidden = [p.name for p in a.tests_dir.glob("*.py") if "hidden=True" in p.read_text()]
    assert hidden == [], f"hidden tests in the public checks: {hidden}"
    assert any("hidden=True" in p.read_text() for p in made.autograder_tests.glob("*.py"))
    assert "instructor/" not in text, "the student notebook points at the masters"


def _scores_by_file(scores):
    return {s.submission: s for s in scores}


@pytest.mark.parametrize("key", KEYS)
def test_grader_scores_master_student_and_delegating_submissions(key, assigned, tmp_path, capsys):
    made = assigned(key)
    folder = tmp_path / "submissions"
    folder.mkdir()
    (folder / "master.ipynb").write_bytes((made.autograder_zip.parent / made.student_notebook.name).read_bytes())
    (folder / "student.ipynb").write_bytes(course.assignment(key).student_path.read_bytes())
    make_submission(key, {**master_functions(made), **subs.DELEGATING[key]}, folder / "delegating.ipynb")
    csv_path = tmp_path / "scores.csv"
    scores = _scores_by_file(course.grade(key, folder, csv_path, zip_path=made.autograder_zip))
    with capsys.disabled():
        print(f"\nassignment {key.upper()}\n" + course.score_table(list(scores.values())))
    master, student, delegating = scores["master.ipynb"], scores["student.ipynb"], scores["delegating.ipynb"]
    assert master.total == master.total_possible > 0, master.messages
    assert student.total == 0 and student.total_possible == master.total_possible
    assert all(student.messages[q] for q in student.points), student.messages  # feedback, no crash
    for q in subs.DELEGATED_QUESTIONS[key]:
        assert delegating.points[q] == 0, (q, delegating.messages[q])
        assert "is unavailable while it runs" in delegating.messages[q], delegating.messages[q]
    assert delegating.total == sum(v for q, v in master.points.items()
                                   if q not in subs.DELEGATED_QUESTIONS[key])
    lines = csv_path.read_text().splitlines()
    assert lines[0] == "file," + ",".join(sorted(master.points)) + ",total,possible"
    assert len(lines) == 4


def run_checks_in_process(made, namespace: dict) -> dict:
    """question -> otter ExceptionTestFile after running it (hidden tests included)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from otter.test_files.exception_test import ExceptionTestFile
    results = {}
    for path in sorted(made.autograder_tests.glob("q*.py")):
        tf = ExceptionTestFile.from_file(str(path))
        tf.run(namespace)
        results[path.stem] = tf
    return results


def _namespace(functions: dict) -> dict:
    ns = {"np": np, "rl": rl, "__name__": "__main__"}
    for source in functions.values():
        exec(compile(source, "<submission>", "exec"), ns)
    return ns


@pytest.mark.parametrize("key, question", [(k, q) for k in KEYS for q in sorted(subs.WRONG[k])])
def test_a_wrong_function_fails_its_question_and_names_the_first_wrong_input(key, question, assigned):
    made = assigned(key)
    name, source, first_input = subs.WRONG[key][question]
    results = run_checks_in_process(made, _namespace({**master_functions(made), name: source}))
    assert not results[question].passed_all
    failed = [r.message for r in results[question].test_case_results if not r.passed]
    assert f"first wrong input: {first_input}" in failed[0] or first_input in failed[0], failed[0]
    assert "expected" in failed[0] and "got" in failed[0]
    uses = subs.USES[key]
    others = {q: tf.passed_all for q, tf in results.items()
              if q != question and question not in uses.get(q, ())}
    assert all(others.values()), others


def test_each_wrong_question_is_covered():
    for key in KEYS:
        graded = {p.stem for p in course.assignment(key).tests_dir.glob("q*.py")}
        assert set(subs.WRONG[key]) == graded, key


def test_unavailable_restores_the_library_and_rejects_closures():
    from coursework_checks import unavailable

    with unavailable([rl.quantize_widths], "q1", "write it yourself"):
        with pytest.raises(RuntimeError, match="q1 checks your own code.*write it yourself"):
            rl.quantize_widths(24, 36.44, 2.49, 13)
    assert rl.quantize_widths(24, 36.44, 2.49, 13).stage_widths == (24, 56, 152, 368)
    with pytest.raises(TypeError, match="plain functions"):
        with unavailable([len], "q1", "-"):
            pass


# ------------------------------------------------------------------ the book's coursework page

_spec_args = ("sync_notebooks", ROOT / "tools" / "sync_notebooks.py")


def _load(name, path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sync_notebooks = _load(*_spec_args)
book_extension = _load("regnet_lab_book", ROOT / "book" / "_ext" / "regnet_lab_book.py")
CONFIG = sync_notebooks.load_config(ROOT)


@pytest.mark.parametrize("key", KEYS)
def test_student_notebook_is_clean_and_in_sync(key):
    assert sync_notebooks.problems(course.assignment(key).student_path, CONFIG, ROOT) == []


def page_as_built() -> str:
    """book/coursework.md with its repository placeholders filled as the book's extension does."""
    from types import SimpleNamespace

    url, branch = sync_notebooks.repository(CONFIG)
    config = SimpleNamespace(html_theme_options={
        "repository_url": CONFIG["repository"]["url"], "repository_branch": branch,
        "launch_buttons": {"colab_url": CONFIG["launch_buttons"]["colab_url"]}})
    source = [PAGE.read_text(encoding="utf-8")]
    book_extension.fill_repository_placeholders(SimpleNamespace(config=config), "book/coursework", source)
    return source[0]


def test_coursework_page_links_the_student_notebooks_only():
    page = page_as_built()
    assert "@REPOSITORY_" not in page and "@COLAB_" not in page
    url, branch = sync_notebooks.repository(CONFIG)
    assert f"pip install \"regnet_lab @ git+{url}@<tag>\"" in page
    for key in KEYS:
        rel = course.assignment(key).student_path.relative_to(ROOT).as_posix()
        assert sync_notebooks.colab_link(CONFIG, rel) in page, rel
    assert "instructor/" not in "".join(line for line in page.splitlines() if "](" in line), \
        "the page links a master notebook"
    assert "python coursework/course.py grade" in page


def test_coursework_page_lists_every_stable_name():
    page = PAGE.read_text(encoding="utf-8")
    missing = [name for name in rl.__all__ if f"`{name}`" not in page]
    assert missing == [], f"book/coursework.md does not list {missing}"
