"""Chapters are stored clean and start with the generated Colab badge and setup cell.

Fix a failure with ``python tools/sync_notebooks.py`` (it strips outputs and rewrites the first
two cells from ``_config.yml``).
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location("sync_notebooks", ROOT / "tools" / "sync_notebooks.py")
sync_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sync_notebooks)

CONFIG = sync_notebooks.load_config(ROOT)
NOTEBOOKS = sync_notebooks.chapter_notebooks(ROOT)


def test_there_are_chapters():
    assert NOTEBOOKS, "no chapters/*.ipynb found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_clean_and_in_sync(path):
    assert sync_notebooks.problems(path, CONFIG, ROOT) == []


def test_badge_points_at_this_notebook_on_the_configured_branch():
    url, branch = sync_notebooks.repository(CONFIG)
    cell = sync_notebooks.badge_cell(CONFIG, "chapters/00_x.ipynb")
    owner_repo = url.split("github.com/", 1)[1]
    assert f"colab.research.google.com/github/{owner_repo}/blob/{branch}/chapters/00_x.ipynb" in cell.source


def test_setup_cell_does_nothing_outside_colab():
    # Run the generated cell in a fresh interpreter without google.colab: it must not call pip.
    code = sync_notebooks.setup_cell(CONFIG).source
    probe = (
        "import subprocess\n"
        "def refuse(*a, **k):\n"
        "    raise AssertionError('setup cell ran a command outside Colab')\n"
        "subprocess.run = refuse\n" + code
    )
    subprocess.run([sys.executable, "-c", probe], check=True)


def test_setup_cell_installs_from_the_repository_without_touching_torch():
    url, branch = sync_notebooks.repository(CONFIG)
    code = sync_notebooks.setup_cell(CONFIG).source
    assert f"regnet_lab @ git+{url}@{branch}" in code
    assert "google.colab" in code
    for forbidden in ("torch==", "--upgrade", " -U", "--force-reinstall", "ipywidgets>=8"):
        assert forbidden not in code


def _text_files():
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.split()
        files = [ROOT / f for f in out]
    except (OSError, subprocess.CalledProcessError):
        files = [p for p in ROOT.rglob("*") if ".venv" not in p.parts and "_build" not in p.parts]
    skip_suffixes = {".png", ".jpg", ".svg", ".gz", ".woff", ".woff2", ".npz", ".pt"}
    return [f for f in files if f.is_file() and f.suffix not in skip_suffixes and "_static" not in f.parts]


def test_repository_url_is_written_only_in_config():
    url, _ = sync_notebooks.repository(CONFIG)
    needle = url.split("://", 1)[1].lower()
    offenders = []
    for path in _text_files():
        if path.name == "_config.yml" and path.parent == ROOT:
            continue
        if path.suffix == ".ipynb" and path.parent.name in ("chapters", "coursework"):
            cells = nbformat.read(path, as_version=4).cells
            ids = {sync_notebooks.BADGE_ID, sync_notebooks.SETUP_ID}
            text = "\n".join(c.source for c in cells if c.get("id") not in ids)
        else:
            try:
                text = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
        if needle in text.lower():
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == [], f"repository URL written outside _config.yml in: {offenders}"
