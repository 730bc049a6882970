"""Open every page of the built book in headless Chromium and fail on anything a reader would see
as broken.

Run by ``make test`` after the book is built::

    .venv/bin/python tests/browser/check_book.py            # checks _build/html

It serves ``_build/html`` on 127.0.0.1, opens each HTML page with Python playwright driving the
system Chromium (Debian's ``chromium`` package; ``playwright install`` is never used) and fails
when a page

- logs a console error or throws a JavaScript error, or a request for one of its files fails;
- asks for anything that is not on this local server (a CDN, web fonts...): the book must work
  offline;
- shows a cell output of error type (traceback, error, stderr) or a Sphinx error message;
- has an image that did not load, or a widget view that was not rendered (or is not visible);
- is a chapter (other than the quick tour) without an explorer (``rl.explore``'s static HTML);
- has an explorer control that changes nothing: every control of every explorer is operated
  (slider keys, options picked, buttons clicked) and must change the figure or the text, and
  each explorer must show, in one state, the values regnet_lab computes for its settings
  (:data:`EXPECTED`, computed here independently of the chapter's code);
- weighs 10 MB or more (the HTML and every file it loads), or takes 3 s or more from the
  request to interactive (load event and every explorer set up).

The page weights and load times are printed as a table at the end.

It also checks that every page listed in ``_toc.yml`` was built, and saves a full-page screenshot
of each page to ``_build/screenshots/<page>.png``. The last line is ``N passed, M failed``.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from explorer_expectations import EXPECTED  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
# Pages Sphinx generates that are not part of the reading experience.
SKIP_PAGES = {"genindex.html", "search.html", "py-modindex.html"}
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "_sphinx_design_static"}
# Error-type outputs as myst-nb renders them, and Sphinx's own error markers.
ERROR_SELECTORS = [
    ".output.error",
    ".output.traceback",
    ".output.stderr",
    ".cell_output .stderr",
    ".system-message",
    ".problematic",
]
WIDGET_VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
EXPLORER = ".rl-explorer"
MAX_PAGE_BYTES = 10_000_000
MAX_INTERACTIVE_S = 3.0
# A few pages must have specific content, not just load.
EXPECT = {
    "book/api.html": ('a[href^="api_"]', "the API index links to no module page"),
    **{f"book/api_{m}.html": ("dl.py", f"the API page of regnet_lab.{m} has no documented objects")
       for m in ("quantization", "design_spaces", "counting", "analysis", "claims", "explorer",
                 "sweep", "validation")},
}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test log readable
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def html_pages(html_dir: Path) -> list[str]:
    pages = []
    for path in sorted(html_dir.rglob("*.html")):
        rel = path.relative_to(html_dir)
        if rel.name in SKIP_PAGES or set(rel.parts[:-1]) & SKIP_DIRS:
            continue
        pages.append(rel.as_posix())
    return pages


def toc_pages(toc_file: Path) -> list[str]:
    """HTML paths of every file listed in _toc.yml."""
    toc = yaml.safe_load(toc_file.read_text(encoding="utf-8"))
    found = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                found.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(toc.get("parts", toc.get("chapters", [])))
    return [f"{Path(f).with_suffix('').as_posix()}.html" for f in found]


PAGE_STATE_JS = """
async ({errorSelectors, widgetView}) => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const images = [];
  for (const img of document.querySelectorAll('img')) {
    img.scrollIntoView();
    try { await img.decode(); } catch (e) { /* reported below */ }
    images.push({src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0});
  }
  window.scrollTo(0, 0);
  const errors = [];
  for (const sel of errorSelectors) {
    for (const el of document.querySelectorAll(sel)) {
      errors.push(sel + ': ' + el.textContent.trim().slice(0, 300));
    }
  }
  const views = Array.from(document.querySelectorAll(widgetView));
  const widgets = views.map((script) => {
    const area = script.previousElementSibling;
    const el = area && area.querySelector('.jupyter-widgets');
    // A widget whose own layout says `visibility: hidden` (e.g. a finished progress bar that
    // removes itself) is rendered as its program asked; it is not a rendering failure.
    const hiddenByLayout = !!el && el.style.visibility === 'hidden';
    return {rendered: !!el, visible: !!el && visible(el), hiddenByLayout};
  });
  return {images, errors, widgets,
          outputImages: document.querySelectorAll('.cell_output img').length,
          textLength: (document.querySelector('main') || document.body).innerText.length};
}
"""

WIDGETS_RENDERED_JS = """
(widgetView) => Array.from(document.querySelectorAll(widgetView)).every((script) => {
  const area = script.previousElementSibling;
  return !!(area && area.querySelector('.jupyter-widgets'));
})
"""


OUTPUT_JS = """
(root) => ({
  images: Array.from(root.querySelectorAll('.rl-figures img')).map((i) => i.src),
  alts: Array.from(root.querySelectorAll('.rl-figures img')).map((i) => i.alt),
  text: root.querySelector('pre.rl-text').textContent,
  values: JSON.parse(root.getAttribute('data-values')),
})
"""

READY_JS = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const roots = Array.from(document.querySelectorAll('.rl-explorer'))
    .filter((r) => r.getAttribute('data-live-only') !== 'true');
  const ready = roots.map((r) => +(r.getAttribute('data-ready-ms') || 0));
  return {load: nav ? nav.loadEventEnd : 0, dom: nav ? nav.domContentLoadedEventEnd : 0,
          ready: Math.max(0, ...ready),
          all: ready.every((t) => t > 0)};
}
"""


def _signature(root) -> tuple:
    out = root.evaluate(OUTPUT_JS)
    return (tuple(out["images"]), out["text"])


def _n_options(control) -> int:
    kind = control.get_attribute("data-kind")
    if kind == "slider":
        return int(control.locator("input").get_attribute("max")) + 1
    if kind == "dropdown":
        return control.locator("option").count()
    return control.locator("button").count()


def _choose(page, control, i: int) -> None:
    """Operate a control the way a reader does, until it shows option ``i``."""
    kind = control.get_attribute("data-kind")
    if kind == "slider":
        handle = control.locator("input")
        current = int(handle.input_value())
        handle.focus()
        for _ in range(abs(i - current)):
            page.keyboard.press("ArrowRight" if i > current else "ArrowLeft")
    elif kind == "dropdown":
        control.locator("select").select_option(str(i))
    else:
        control.locator("button").nth(i).click()


def _current(control) -> int:
    kind = control.get_attribute("data-kind")
    if kind == "slider":
        return int(control.locator("input").input_value())
    if kind == "dropdown":
        return int(control.locator("select").input_value())
    pressed = control.locator("button").evaluate_all(
        "(bs) => bs.map((b) => b.getAttribute('aria-pressed'))")
    return pressed.index("true")


def _expected_shown(page_path: str, root) -> tuple[bool | None, str]:
    """Whether the explorer's output shows what regnet_lab computes for its settings
    (None: EXPECTED has no rule for these settings)."""
    name = root.get_attribute("data-explorer")
    rule = EXPECTED.get((Path(page_path).stem, name))
    if rule is None:
        return False, f"no expected values written for explorer {name!r} in EXPECTED"
    out = root.evaluate(OUTPUT_JS)
    wanted = rule(out["values"])
    if wanted is None:
        return None, ""
    shown = out["text"] + "\n" + "\n".join(out["alts"])
    missing = [w for w in wanted if w not in shown]
    if missing:
        return False, (f"explorer {name!r} at {out['values']} should show {missing} "
                       f"(regnet_lab), shows {shown[:300]!r}")
    return True, f"{name} at {out['values']}"


def check_explorers(page, page_path: str) -> tuple[list[str], list[str]]:
    """Operate every control of every explorer of the page; return (failures, notes)."""
    failures, notes = [], []
    roots = page.locator(EXPLORER)
    for n in range(roots.count()):
        root = roots.nth(n)
        name = root.get_attribute("data-explorer")
        if root.get_attribute("data-live-only") == "true":
            note = root.locator(".rl-live-only a")
            if note.count() == 0 or "colab" not in (note.get_attribute("href") or ""):
                failures.append(f"live-only explorer {name!r} has no link to Colab")
            continue
        controls = root.locator(".rl-control")
        start = [_current(controls.nth(k)) for k in range(controls.count())]
        for k in range(controls.count()):
            control = controls.nth(k)
            label = control.get_attribute("data-name")
            before, here = _signature(root), _current(control)
            changed = False
            for i in [j for j in range(_n_options(control)) if j != here]:
                _choose(page, control, i)
                if _current(control) != i:
                    failures.append(f"explorer {name!r}: control {label!r} did not move to "
                                    f"option {i}")
                    break
                if _signature(root) != before:
                    changed = True
                    break
            if not changed:
                failures.append(f"explorer {name!r}: operating control {label!r} changes "
                                "neither the figure nor the text")
        ok, message = _expected_shown(page_path, root)
        if ok is None:  # no rule for this state: go back to the start state and check there
            for k, i in enumerate(start):
                _choose(page, controls.nth(k), i)
            ok, message = _expected_shown(page_path, root)
        if ok:
            notes.append(message)
        else:
            failures.append(message or f"explorer {name!r}: no expected values at its start")
    return failures, notes


def page_weight(html_dir: Path, base: str, urls: list[str]) -> int:
    """Bytes of the page and every file it loaded from the book (each file counted once)."""
    total = 0
    for url in dict.fromkeys(urls):
        if not url.startswith(base):
            continue
        path = html_dir / urlsplit(url).path.lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            total += path.stat().st_size
    return total


def check_page(browser, base: str, page_path: str, shots: Path, html_dir: Path,
               measures: dict, max_interactive_s: float = MAX_INTERACTIVE_S) -> list[str]:
    failures: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    host = urlsplit(base).netloc

    def route(r):
        url = urlsplit(r.request.url)
        if url.scheme in ("data", "blob") or url.netloc == host:
            r.continue_()
        else:
            failures.append(f"asked for an external resource: {r.request.url}")
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and failures.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: failures.append(f"JavaScript error: {e}"))
    page.on("requestfailed", lambda r: urlsplit(r.url).netloc == host
            and failures.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400
            and failures.append(f"HTTP {r.status} for {r.url}"))
    loaded: list[str] = []
    page.on("request", lambda r: loaded.append(r.url))

    try:
        page.goto(f"{base}/{page_path}", wait_until="load", timeout=60_000)
        page.wait_for_load_state("networkidle", timeout=30_000)
        # request to interactive: the document parsed (its deferred scripts run) and every
        # explorer's controls set up; the load event (all images and fonts) is reported too
        timing = page.evaluate(READY_JS)
        interactive_s = max(timing["dom"], timing["ready"]) / 1000
        if page.locator(WIDGET_VIEW).count():
            try:
                page.wait_for_function(WIDGETS_RENDERED_JS, arg=WIDGET_VIEW, timeout=20_000)
            except Exception:  # reported in detail below
                pass
        state = page.evaluate(PAGE_STATE_JS, {"errorSelectors": ERROR_SELECTORS,
                                              "widgetView": WIDGET_VIEW})
        failures += [f"error output on the page: {e}" for e in state["errors"]]
        failures += [f"image did not load: {i['src']}" for i in state["images"] if not i["ok"]]
        for n, w in enumerate(state["widgets"]):
            if not w["rendered"]:
                failures.append(f"widget view {n} was not rendered")
            elif not w["visible"] and not w["hiddenByLayout"]:
                failures.append(f"widget view {n} is not visible")
        if state["textLength"] < 100:
            failures.append("the page is (nearly) empty")
        n_explorers = page.locator(EXPLORER).count()
        if (page_path.startswith("chapters/") and not page_path.startswith("chapters/00_")
                and not n_explorers):
            failures.append("a chapter without an explorer (rl.explore)")
        if not timing["all"]:
            failures.append("an explorer did not set itself up (its script did not run)")
        explorer_failures, notes = check_explorers(page, page_path)
        failures += explorer_failures
        weight = page_weight(html_dir, base, loaded)
        measures[page_path] = (weight, interactive_s, timing["load"] / 1000, n_explorers)
        if weight >= MAX_PAGE_BYTES:
            failures.append(f"the page weighs {weight / 1e6:.1f} MB (limit 10 MB)")
        if interactive_s >= max_interactive_s:
            failures.append(f"the page took {interactive_s:.2f} s to be interactive "
                            f"(limit {max_interactive_s:g} s)")
        if page_path in EXPECT:
            selector, message = EXPECT[page_path]
            if page.locator(selector).count() == 0:
                failures.append(message)
        page.wait_for_timeout(200)  # let late console messages arrive
        shot = shots / (page_path[: -len(".html")] + ".png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        hidden = sum(w["hiddenByLayout"] for w in state["widgets"])
        print(f"  {page_path}: {len(state['images'])} images ({state['outputImages']} from "
              f"cell outputs), {len(state['widgets'])} widget views"
              + (f" ({hidden} hidden by their own layout)" if hidden else "")
              + f", {n_explorers} explorers"
              + "".join(f"\n    values shown as regnet_lab computes: {m}" for m in notes)
              + f" -> {shot}")
    except Exception as exc:  # a timeout or a crash is a failure of this page, not the run
        failures.append(f"could not check the page: {type(exc).__name__}: {exc}")
    finally:
        context.close()
    return failures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Check the built book in headless Chromium.")
    parser.add_argument("html_dir", nargs="?", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--screenshots", type=Path, default=ROOT / "_build" / "screenshots")
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml",
                        help="every page listed here must have been built")
    parser.add_argument("--max-interactive", type=float, default=MAX_INTERACTIVE_S,
                        help="longest time from request to interactive, in seconds")
    args = parser.parse_args(argv)

    html_dir = args.html_dir.resolve()
    if not (html_dir / "index.html").is_file():
        print(f"no built book in {html_dir}: build it first (make book)")
        return 1
    if not Path(args.chromium).exists():
        print(f"{args.chromium} not found: install Debian's chromium package")
        return 1

    pages = html_pages(html_dir)
    missing = [p for p in toc_pages(args.toc) if not (html_dir / p).is_file()]
    failed = {f"{p} (listed in _toc.yml)": ["page was not built"] for p in missing}

    server, base = serve(html_dir)
    measures: dict[str, tuple[int, float, float, int]] = {}
    start = time.time()
    print(f"checking {len(pages)} pages of {html_dir} in {args.chromium}")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS,
                                         headless=True)
            try:
                for page_path in pages:
                    problems = check_page(browser, base, page_path, args.screenshots,
                                          html_dir, measures, args.max_interactive)
                    if problems:
                        failed[page_path] = problems
            finally:
                browser.close()
    finally:
        server.shutdown()

    print(f"{'page':48} {'weight (MB)':>11} {'interactive (s)':>15} {'load (s)':>8} "
          f"{'explorers':>9}")
    for page_path, (weight, seconds, load, n) in measures.items():
        print(f"{page_path:48} {weight / 1e6:11.2f} {seconds:15.2f} {load:8.2f} {n:9d}")
    for page_path, problems in failed.items():
        print(f"FAILED {page_path}")
        for problem in dict.fromkeys(problems):
            print(f"    {problem}")
    checked = len(pages) + len(missing)
    print(f"browser check took {time.time() - start:.1f} s")
    print(f"{checked - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
