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
- is a chapter (other than the quick tour) without any widget view: every chapter has a control.

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
# A few pages must have specific content, not just load.
EXPECT = {
    "book/api.html": ("dl.py", "the API reference has no documented objects"),
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


def check_page(browser, base: str, page_path: str, shots: Path) -> list[str]:
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

    try:
        page.goto(f"{base}/{page_path}", wait_until="load", timeout=60_000)
        page.wait_for_load_state("networkidle", timeout=30_000)
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
        if (page_path.startswith("chapters/") and not page_path.startswith("chapters/00_")
                and not state["widgets"]):
            failures.append("a chapter without a rendered interactive control (ipywidgets)")
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
    start = time.time()
    print(f"checking {len(pages)} pages of {html_dir} in {args.chromium}")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS,
                                         headless=True)
            try:
                for page_path in pages:
                    problems = check_page(browser, base, page_path, args.screenshots)
                    if problems:
                        failed[page_path] = problems
            finally:
                browser.close()
    finally:
        server.shutdown()

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
