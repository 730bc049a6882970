"""The claims registry, check_claim, and the figure map: the map and the chapters cannot disagree."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

import regnet_lab as rl
import regnet_lab.claims as claims_module
import regnet_lab.reference as reference_module

ROOT = Path(__file__).resolve().parent.parent
CPU = ROOT / "data" / "sweeps" / "cpu"
MAP_PAGE = ROOT / "book" / "paper_map.md"
IDS = ["A~B", "B~C", "C>D", "D>E", "E>6param", "6param>refined", "A>E", "w_equal>D",
       "w_decreasing>D", "d_equal>E", "d_decreasing>E", "6param>wm2", "6param>w0=wa",
       "A>E@band-6-18MF", "E>6param@band-6-18MF", "A>E@epochs-10", "E>6param@epochs-10",
       "A>E@block-R", "E>6param@block-R",
       "A>E@block-V", "E>6param@block-V", "A>E@stages-5", "E>6param@stages-5",
       "6param>constrained", "inverted>6param", "depthwise>6param", "6param>Y", "20px>28px",
       "36px>28px", "6param~fixed_depth", "3stages>6param@6-18MF"]


def _path(space: str, experiment: str | None = None) -> Path:
    return (CPU / experiment if experiment else CPU) / f"{space}.jsonl"


def _have(*spaces: str, claim: rl.PaperClaim | None = None) -> bool:
    sources = claim.sources if claim else [None] * len(spaces)
    paths = [_path(s, e) for s, e in zip(spaces, sources)]
    return all(len(p.read_text().splitlines()) >= 2 if p.is_file() else False for p in paths)


def _available_claims():
    return [c for c in rl.paper_claims() if _have(c.space_a, c.space_b, claim=c)]


# ------------------------------------------------------------------ the registry


def test_registry_ids_spaces_and_chapters():
    claims = rl.paper_claims()
    assert [c.id for c in claims] == IDS
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for c in claims:
        assert c.expect in ("better", "same")
        assert {c.space_a, c.space_b} <= set(rl.design_space_names()) | set(rl.variant_space_names())
        assert (ROOT / "chapters" / f"{c.chapter}.ipynb").is_file(), c.chapter
        assert f"file: chapters/{c.chapter}\n" in toc
        assert c.where and c.quote
    assert [c.expect for c in claims].count("same") == 3
    assert claims[0].statement == "AnyNetX_A and AnyNetX_B alike"
    assert claims[2].statement == "AnyNetX_D better than AnyNetX_C"


def test_unknown_claim_or_budget_is_a_value_error():
    with pytest.raises(ValueError, match="A~B"):
        rl.check_claim("A<B")
    with pytest.raises(ValueError, match="budget"):
        rl.check_claim("A~B", budget="tpu")
    with pytest.raises(ValueError, match="budget"):
        claims_module.paper_map_markdown(budget="tpu")


# ------------------------------------------------------------------ check_claim


@pytest.mark.parametrize("claim", _available_claims(), ids=lambda c: c.id)
def test_check_claim_is_compare_populations_on_the_reference_data(claim):
    result = rl.check_claim(claim.id)
    a, b = (rl.load_reference(s, experiment=e)["error"].to_numpy()
            for s, e in zip((claim.space_a, claim.space_b), claim.sources))
    assert result.comparison == rl.compare_populations(a, b)  # the chapters' data and defaults
    assert result.verdict == result.comparison.verdict(claim.expect)
    assert result.verdict in rl.verdict_words(claim.expect)
    assert result.claim is claim or result.claim == claim
    s = result.sentence
    assert f"n = {a.size} vs {b.size}" in s and "KS p = " in s and s.endswith(f"{result.verdict}.")
    assert f"{result.comparison.mean_diff:.2f}" in s
    if claim.expect == "same":
        assert result.tost_pvalue == result.comparison.tost_pvalue()
        assert "TOST p = " in s and f"+-{rl.EQUIVALENCE_MARGIN:.2f}" in s
    else:
        assert result.tost_pvalue is None and "TOST" not in s
    assert result.scale == f"{result.recipe}, n = {a.size} vs {b.size}"
    assert "cpu budget" in result.recipe and "MF" in result.recipe


def _folder_with(tmp_path: Path, files: dict[str, int | None]) -> Path:
    """A reference folder holding the first ``n`` lines (all if None) of some cpu files."""
    folder = tmp_path / "cpu"
    folder.mkdir()
    for space, n in files.items():
        lines = (CPU / f"{space}.jsonl").read_text().splitlines(keepends=True)
        (folder / f"{space}.jsonl").write_text("".join(lines if n is None else lines[:n]))
    return folder


def test_a_missing_file_fails_one_claim_clearly_and_leaves_the_others(tmp_path, monkeypatch):
    _folder_with(tmp_path, {"AnyNetX_A": None, "AnyNetX_B": None, "AnyNetX_E": 1})
    monkeypatch.setattr(reference_module, "_candidates", lambda: [tmp_path])
    monkeypatch.delenv(reference_module.REFERENCE_ENV, raising=False)
    assert rl.check_claim("A~B").verdict in rl.verdict_words("same")
    with pytest.raises(FileNotFoundError, match=r"'E>6param'.*RegNetX_6param"):
        rl.check_claim("E>6param")
    with pytest.raises(ValueError, match=r"'A>E'.*at least 2.*AnyNetX_E"):
        rl.check_claim("A>E")  # a file with one model so far
    # the map still builds, and says why a claim has no verdict
    text = claims_module.paper_map_markdown()
    assert "E>6param: no verdict yet" in text and "A>E: no verdict yet" in text


# ------------------------------------------------------------------ the verdict rules on data


def test_tost_decides_same_claims_on_the_reference_data():
    claim = next(c for c in rl.paper_claims() if c.id == "A~B")
    r = rl.check_claim(claim.id)
    p = r.comparison.tost_pvalue()
    # the verdict follows the TOST: equivalence shown exactly when p < 0.05 and KS is quiet
    shown = p < 0.05 and r.comparison.ks_pvalue >= 0.05
    if r.verdict != "contradicted":
        assert (r.verdict == "holds") == shown
    # a wide enough margin decides the same data the other way
    assert r.comparison.verdict("same", margin=5.0) == "holds"


# ------------------------------------------------------------------ the map


def test_map_lists_every_figure_and_table_once():
    items = [it.item for it in claims_module.paper_items()]
    wanted = [f"Fig. {i}" for i in range(1, 21)] + [f"Table {i}" for i in range(1, 8)]
    for w in wanted:
        assert items.count(w) == 1, w
    assert "Appendix A" in items and "Appendix B" in items
    for it in claims_module.paper_items():
        if it.shows == claims_module.NOT_STATED:
            assert not it.chapters and not it.claims  # nothing is guessed
        for ch in it.chapters:
            assert (ROOT / "chapters" / f"{ch}.ipynb").is_file(), ch


def test_every_claim_has_a_map_row_that_links_its_own_chapter():
    for c in rl.paper_claims():
        rows = [it for it in claims_module.paper_items() if c.id in it.claims]
        assert rows, f"claim {c.id} has no row in the map"
        for it in rows:
            assert c.chapter in it.chapters, (c.id, it.item)


def _rows(markdown: str) -> dict[str, list[str]]:
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("| paper |") and "---" not in line:
            cells = [x.strip() for x in re.split(r"(?<!\\)\|", line)[1:-1]]
            assert len(cells) == 5, line
            rows[cells[0]] = cells
    return rows


def test_map_verdicts_come_from_check_claim(monkeypatch):
    real = rl.check_claim

    def marked(claim_id, budget="cpu"):
        r = real(claim_id, budget)
        return claims_module.ClaimResult(r.claim, r.comparison, f"VERDICT-OF-{claim_id}",
                                         r.sentence, r.scale, r.tost_pvalue, r.recipe)

    monkeypatch.setattr(claims_module, "check_claim", marked)
    available = {c.id for c in _available_claims()}
    rows = _rows(claims_module.paper_map_markdown())
    assert set(rows) == {it.item for it in claims_module.paper_items()}
    for it in claims_module.paper_items():
        for cid in it.claims:
            claim = next(c for c in rl.paper_claims() if c.id == cid)
            book, verdict = rows[it.item][2], rows[it.item][4]
            assert f"(../chapters/{claim.chapter}.ipynb)" in book
            if cid in available:
                assert f"{cid}: **VERDICT-OF-{cid}**" in verdict


def test_map_shows_the_current_verdicts():
    text = claims_module.paper_map_markdown()
    rows = _rows(text)
    for c in _available_claims():
        r = rl.check_claim(c.id)
        row = next(rows[it.item] for it in claims_module.paper_items() if c.id in it.claims)
        assert f"{c.id}: **{r.verdict}**" in row[4]
        assert r.sentence in text.replace("\\|", "|")


def test_map_page_is_generated_and_in_the_reference_part():
    text = MAP_PAGE.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "file_format: mystnb" in text.split("---")[1]
    cells = re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", text, flags=re.S)
    assert any("paper_map_markdown(" in cell for cell in cells)
    assert not re.search(r"^\| Fig\. ", text, flags=re.M)  # the table is not written by hand
    for word in ("**holds**", "**contradicted**", "**not shown"):
        assert word not in text
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    reference = next(p for p in toc["parts"] if p["caption"] == "Reference")
    assert {"file": "book/paper_map"} in reference["chapters"]


# ------------------------------------------------------------------ the chapters


def _code(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


@pytest.mark.parametrize("claim", rl.paper_claims(), ids=lambda c: c.id)
def test_each_claims_chapter_states_its_verdict_through_check_claim(claim):
    # The chapter's verdict and the map's both come from check_claim(id) on the same data, so
    # they agree; a chapter that computed its own verdict could drift from the map.
    code = _code(ROOT / "chapters" / f"{claim.chapter}.ipynb")
    pattern = r"check_claim\(\s*([\"'])" + re.escape(claim.id) + r"\1"
    assert re.search(pattern, code), (
        f"chapters/{claim.chapter}.ipynb must state the verdict of claim {claim.id!r} with "
        f"rl.check_claim({claim.id!r}) (see /work/coord/VERDICTS_API.md)")


def test_claims_with_sides_name_where_each_population_is():
    res = next(c for c in rl.paper_claims() if c.id == "20px>28px")
    assert res.space_a == res.space_b == "RegNetX_6param"
    assert res.sources == ("resolution-20", None)
    assert res.statement == ("RegNetX_6param (reference set) better than RegNetX_6param "
                             "(experiment 'resolution-20')")
    with pytest.raises(ValueError, match="itself"):
        res.experiment_of("RegNetX_6param")   # ambiguous: the same space on both sides
    three = next(c for c in rl.paper_claims() if c.id == "3stages>6param@6-18MF")
    assert three.sources == ("appendix-b-6-18MF", "band-6-18MF")
    assert three.experiment_of("RegNetX_6param") == "band-6-18MF"
    plain = next(c for c in rl.paper_claims() if c.id == "6param>Y")
    assert plain.sources == (None, "alternate-designs") and plain.labels == (
        "RegNetX_6param", "RegNetY_6param")
    for c in rl.paper_claims():   # every named experiment exists
        assert all(e is None or e in rl.experiment_names() for e in c.sources)
