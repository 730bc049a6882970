"""The book's configuration holds together (fast checks; the real build runs in `make test`)."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
SPHINX = CONFIG["sphinx"]["config"]
STATIC = ROOT / "book" / "_static"


def test_execution_raises_on_errors_with_a_timeout():
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] in ("force", "cache")
    assert execute["allow_errors"] is False
    assert execute.get("raise_on_error", True) is True
    assert 60 <= execute["timeout"] <= 3600


def test_repository_and_colab_launch():
    assert CONFIG["repository"]["url"].startswith("https://github.com/")
    assert CONFIG["repository"]["branch"] == "main"
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"


def test_toc_is_a_jb_book_whose_parts_are_not_empty():
    # that every entry exists and every chapter is listed: tests/test_chapter_structure.py
    assert TOC["format"] == "jb-book"
    for part in TOC.get("parts", []):
        assert part.get("caption") and part.get("chapters"), f"empty part: {part}"


def test_toc_parts_come_from_the_planned_list_in_order():
    planned = ["Getting started", "Background", "From AnyNet to RegNet", "RegNet in practice",
               "Reference"]
    captions = [part["caption"] for part in TOC["parts"]]
    assert all(c in planned for c in captions), captions
    assert captions == sorted(captions, key=planned.index)


def test_bibliography_has_the_paper_and_its_predecessors():
    bibfiles = CONFIG["bibtex_bibfiles"]
    text = "".join((ROOT / f).read_text(encoding="utf-8") for f in bibfiles)
    keys = set(re.findall(r"@\w+\{([^,]+),", text))
    for key in ["radosavovic2020designing", "radosavovic2019network", "he2016deep",
                "xie2017aggregated", "hu2018squeeze", "tan2019efficientnet",
                "ma2018shufflenet", "he2019bag"]:
        assert key in keys
    assert "2003.13678" in text


def test_api_reference_is_generated_from_docstrings_and_covers_every_module():
    extensions = CONFIG["sphinx"]["extra_extensions"]
    assert "sphinx.ext.autodoc" in extensions and "sphinx.ext.napoleon" in extensions
    modules = sorted(p.stem for p in (ROOT / "regnet_lab").glob("*.py")
                     if not p.name.startswith("_"))
    # one page per module, book/api_<module>.md, listed under the index page book/api.md
    pages = {m: ROOT / "book" / f"api_{m}.md" for m in modules}
    missing = [m for m, page in pages.items() if not page.is_file()
               or f"automodule:: regnet_lab.{m}\n" not in page.read_text(encoding="utf-8")]
    assert missing == [], f"modules without their API page: {missing}"
    api_entry = next(c for part in TOC["parts"] for c in part["chapters"]
                     if c["file"] == "book/api")
    assert sorted(s["file"] for s in api_entry["sections"]) == sorted(
        f"book/api_{m}" for m in modules)
    index = (ROOT / "book" / "api.md").read_text(encoding="utf-8")
    assert all(f"<api_{m}>" in index for m in modules)


def test_everything_the_pages_load_is_served_by_the_book():
    assert "://" not in SPHINX["mathjax_path"]
    assert (STATIC / SPHINX["mathjax_path"]).is_file()
    for path in SPHINX["nb_ipywidgets_js"]:
        assert "://" not in path
        assert (STATIC / path).is_file(), path


def test_vendored_widget_renderer_matches_the_installed_ipywidgets():
    ipywidgets = pytest.importorskip("ipywidgets")
    versions = (STATIC / "vendor" / "VERSIONS.txt").read_text(encoding="utf-8")
    html_manager = re.search(r"@jupyter-widgets/html-manager (\d+)\.(\d+)", versions).groups()
    # ipywidgets 7 writes @jupyter-widgets/controls 1.5 state (html-manager 0.20.x);
    # ipywidgets 8 writes controls 2.0 state (html-manager 1.x).
    expected = ("0", "20") if ipywidgets.__version__.startswith("7.") else ("1",)
    assert html_manager[: len(expected)] == expected, (ipywidgets.__version__, html_manager)
