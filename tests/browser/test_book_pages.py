"""The built book (``make book``) in a real browser: every page, as a reader opens it.

Skipped when no book is built: building executes every chapter (minutes even in smoke mode), so
``make test`` does not build it; ``make book`` and ``make book-check`` run this module after
``notebooks/_book/check.py``. The book looked at is ``build/book/smoke/html`` or
``build/book/full/html`` (the newer one), or the folder in ``DLNOTES_BOOK_HTML``.

For every page of both editions, in Chromium, served over HTTP as GitHub Pages serves it:

- every image loaded (none broken);
- every formula typeset by MathJax (no ``.math`` element left as TeX source);
- every explorer shows its picture (the still a notebook output carries), and no "Loading widget";
- a screenshot in ``test-artifacts/screenshots/book/``.

And the search page finds glossary terms of both editions: an English word, and Chinese terms of
two and three characters (Chinese has no spaces, so the book indexes pairs of characters:
``notebooks/_book/conf.py``'s ``search_terms``), each on the page that teaches it.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from pathlib import Path

import pytest

import labdriver
from browser_run import REPO, SCREENSHOTS

SEARCHES = {"softmax": "03_softmax_loss_gradient_descent.html", "残差块": "zh/09_keras_cnn.html",
            "梯度": "zh/04_backprop.html", "卷积层": "zh/06_convolutional_networks.html"}
"""Glossary terms the search must find, each with a page that must be among its results."""


def _built_book() -> Path | None:
    env = os.environ.get("DLNOTES_BOOK_HTML")
    if env:
        return Path(env)
    built = [p for p in (REPO / "build" / "book" / m / "html" for m in ("smoke", "full")) if (p / "00_index.html").is_file()]
    return max(built, key=lambda p: (p / "00_index.html").stat().st_mtime) if built else None


def _pages(html: Path) -> list[str]:
    """Every chapter page of both editions, relative to the book's root."""
    return [str(p.relative_to(html)) for folder in (html, html / "zh") for p in sorted(folder.glob("[0-9][0-9]_*.html"))]


def _shows_explorers(page: str) -> bool:
    """True if the chapter behind ``page`` displays an explorer (its notebook imports one)."""
    notebook = REPO / "notebooks" / page.replace(".html", ".ipynb")
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"] if notebook.is_file() else []
    return any("from dlnotes.explorers" in "".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.fixture(scope="module")
def book():
    """The built book served over HTTP on a free port: (base URL, its folder)."""
    html = _built_book()
    if html is None or not (html / "00_index.html").is_file():
        pytest.skip("no book built (make book SMOKE=1 builds one in a few minutes)")
    if not labdriver.CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {labdriver.CHROMIUM}")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", html
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(book):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = labdriver.launch_chromium(pw)
    context = browser.new_context(viewport=labdriver.VIEWPORT)
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()
    browser.close()
    pw.stop()


_INSPECT = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })));
  const broken = [...document.images].filter(i => i.naturalWidth === 0).map(i => i.getAttribute('src').slice(0, 80));
  const raw = [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container'))
      .map(m => m.textContent.trim().slice(0, 60));
  const stills = [...document.querySelectorAll('.dlnotes-explorer-still img')];
  return {broken, raw, stills: stills.length, stills_shown: stills.filter(i => i.naturalWidth > 0).length,
          loading: document.body.innerText.includes('Loading widget')};
}"""


def test_every_page_shows_its_images_math_and_explorer_pictures(book, page):
    base, html = book
    folder = SCREENSHOTS / "book"
    folder.mkdir(parents=True, exist_ok=True)
    problems, pages = [], _pages(html)
    assert len(pages) >= 24, f"{html}: expected both editions' chapters, found {pages}"
    for name in pages:
        page.goto(f"{base}/{name}", wait_until="load")
        seen = page.evaluate(_INSPECT)
        page.screenshot(path=str(folder / name.replace("/", "_").replace(".html", ".png")))
        if seen["broken"]:
            problems.append(f"{name}: broken images {seen['broken']}")
        if seen["raw"]:
            problems.append(f"{name}: {len(seen['raw'])} formulas left as TeX, e.g. {seen['raw'][:3]}")
        if seen["loading"]:
            problems.append(f"{name}: 'Loading widget' shows where an explorer's picture should be")
        if _shows_explorers(name) and not seen["stills"]:
            problems.append(f"{name}: the chapter shows explorers but the page has no explorer picture")
        if seen["stills_shown"] != seen["stills"]:
            problems.append(f"{name}: {seen['stills'] - seen['stills_shown']} explorer picture(s) did not load")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("term", list(SEARCHES))
def test_search_finds_a_glossary_term(book, page, term):
    base, _ = book
    page.goto(f"{base}/search.html?q={term}", wait_until="load")
    # Sphinx adds results one by one and then says how many it found.
    page.wait_for_function("/Search finished|did not match/.test(document.getElementById('search-results')?.innerText)",
                           timeout=30_000)
    links = [a.get_attribute("href") or "" for a in page.locator("#search-results li a").all()]
    assert any(link.split("#")[0].split("?")[0].endswith(SEARCHES[term]) for link in links), \
        f"searching {term!r} did not find {SEARCHES[term]}; it found {sorted(set(links))[:12]}"
    assert term.lower() in page.inner_text("#search-results").lower(), f"no result shows {term!r}"
    page.screenshot(path=str(SCREENSHOTS / "book" / f"search-{list(SEARCHES).index(term) + 1}.png"))
