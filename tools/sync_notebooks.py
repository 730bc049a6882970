"""Keep the chapters' first two cells and their stored form in sync with ``_config.yml``.

Every chapter (``chapters/*.ipynb``) starts with

1. a Markdown cell with the "Open in Colab" badge for that notebook, and
2. a code cell that, on Colab only, installs regnet_lab from the repository (Colab's torch is
   kept: the package only sets lower bounds that Colab already satisfies).

Both are generated from ``repository.url``, ``repository.branch`` and ``launch_buttons.colab_url``
in ``_config.yml``, the one place where the repository URL is written down. This script
rewrites those two cells (inserting them if missing) and strips outputs, execution counts and
saved widget state, so notebooks are stored clean::

    python tools/sync_notebooks.py            # rewrite chapters/ and coursework/ notebooks in place
    python tools/sync_notebooks.py --check    # only report; exit 1 if anything is out of sync

``tests/test_notebooks_clean.py`` uses the same functions and fails when a notebook differs.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"

BADGE_ID = "colab-badge"
SETUP_ID = "colab-setup"
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"


def load_config(root: Path = ROOT) -> dict:
    """Return the parsed ``_config.yml`` of the book."""
    with open(root / "_config.yml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def repository(config: dict) -> tuple[str, str]:
    """Return ``(url, branch)`` of the repository, e.g. ``("https://github.com/o/r", "main")``."""
    repo = config["repository"]
    url = str(repo["url"]).rstrip("/")
    if url.endswith(".git"):
        url = url[: -len(".git")]
    return url, str(repo.get("branch", "main"))


def colab_link(config: dict, notebook: str) -> str:
    """Colab URL that opens ``notebook`` (a path relative to the repository root) from GitHub."""
    url, branch = repository(config)
    prefix = "https://github.com/"
    if not url.startswith(prefix):
        raise ValueError(f"repository.url must be a GitHub URL, got {url!r}")
    colab = str(config.get("launch_buttons", {}).get("colab_url") or "https://colab.research.google.com")
    return f"{colab.rstrip('/')}/github/{url[len(prefix):]}/blob/{branch}/{notebook}"


def badge_cell(config: dict, notebook: str) -> nbformat.NotebookNode:
    """The first cell: the "Open in Colab" badge (removed from the web book, which has its own
    launch button and loads no external images)."""
    source = f"[![Open In Colab]({BADGE_IMAGE})]({colab_link(config, notebook)})"
    cell = nbformat.v4.new_markdown_cell(source, metadata={"tags": ["remove-cell"]})
    cell.id = BADGE_ID
    return cell


def setup_cell(config: dict) -> nbformat.NotebookNode:
    """The second cell: installs regnet_lab on Colab only; does nothing anywhere else (removed
    from the web book, where it would show nothing)."""
    url, branch = repository(config)
    raw_url = f"https://raw.githubusercontent.com/{url[len('https://github.com/'):]}/{branch}"
    source = "\n".join(
        [
            "# Setup: on Google Colab, install regnet_lab from the book's repository.",
            "# Colab's torch and torchvision already meet its requirements and are kept.",
            "# Anywhere else (your machine, the book's build) this cell does nothing.",
            "import sys",
            "",
            'if "google.colab" in sys.modules:',
            "    import subprocess",
            "",
            f'    package = "regnet_lab @ git+{url}@{branch}"',
            '    subprocess.run([sys.executable, "-m", "pip", "install", "-q", package],',
            "                   check=True)",
            "    # The book's reference results (trained populations) are read from the repository.",
            "    import os",
            "",
            f'    os.environ["REGNET_LAB_REFERENCE"] = "{raw_url}/data/sweeps"',
        ]
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["remove-cell"]})
    cell.id = SETUP_ID
    return cell


def expected_head(config: dict, notebook: str) -> list[nbformat.NotebookNode]:
    """The two generated cells that ``notebook`` must start with."""
    return [badge_cell(config, notebook), setup_cell(config)]


def _cell_key(cell) -> tuple:
    return (
        cell.get("cell_type"),
        cell.get("id"),
        cell.get("source"),
        tuple(cell.get("metadata", {}).get("tags", [])),
    )


def problems(path: Path, config: dict, root: Path = ROOT) -> list[str]:
    """Everything that is wrong with the stored notebook at ``path`` (empty if it is clean)."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    nb = nbformat.read(path, as_version=4)
    found = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as err:
        found.append(f"{rel}: not a valid notebook: {err.message}")
    head = expected_head(config, rel)
    if len(nb.cells) < len(head) or any(
        _cell_key(have) != _cell_key(want) for have, want in zip(nb.cells, head)
    ):
        found.append(f"{rel}: the Colab badge and setup cells are missing or out of date")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            found.append(f"{rel}: cell {i} is stored with outputs")
        if cell.get("execution_count") is not None:
            found.append(f"{rel}: cell {i} is stored with an execution count")
    if "widgets" in nb.metadata:
        found.append(f"{rel}: saved widget state in the notebook metadata")
    return found


def sync(path: Path, config: dict, root: Path = ROOT) -> bool:
    """Rewrite ``path`` in its clean form; return True if the file changed."""
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    before = path.read_text(encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    body = [c for c in nb.cells if c.get("id") not in (BADGE_ID, SETUP_ID)]
    nb.cells = expected_head(config, rel) + body
    for cell in nb.cells:
        if not cell.get("id"):
            cell.id = uuid.uuid4().hex[:8]
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.nbformat, nb.nbformat_minor = 4, max(5, nb.get("nbformat_minor", 5))
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    """All chapter notebooks, sorted."""
    return sorted((root / "chapters").glob("*.ipynb"))


def coursework_notebooks(root: Path = ROOT) -> list[Path]:
    """The coursework starter notebooks (they open on Colab like the chapters), sorted."""
    return sorted((root / "coursework").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 when out of sync")
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="default: chapters/*.ipynb and coursework/*.ipynb")
    args = parser.parse_args(argv)
    config = load_config()
    paths = args.notebooks or chapter_notebooks() + coursework_notebooks()
    status = 0
    for path in paths:
        if args.check:
            for line in problems(path, config):
                print(line)
                status = 1
        elif sync(path, config):
            print(f"updated {path.resolve().relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
