"""Check a built book (``make book`` runs it; ``make book-check`` alone): every page, every problem named.

``python notebooks/_book/check.py build/book/full/html`` reads every HTML page of the book and
reports, page by page:

- an image whose file is missing (``<img src>`` that is neither a data URI nor a file of the book);
- an internal link to a page that does not exist, or to an anchor the page does not have;
- math left unrendered: ``\\(...\\)``, or ``$...$`` on a page whose MathJax is not told to typeset
  it, in the text outside code and math elements (MyST did not parse it);
- an explorer left as a widget view (a static page cannot draw one: it must show its still).

Exits 1 if anything is found. Standard library only, so it runs without the book's extra.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_MATH_LEFT = re.compile(r"(?<![\\$\w])\$[^$\s][^$]*?(?<!\s)\$(?![\w$])|\\\(.+?\\\)")
_SKIP_TEXT = {"code", "pre", "script", "style", "textarea", "kbd", "samp"}


class _Page(HTMLParser):
    """The links, images, anchors and stray math text of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.images: list[str] = []
        self.math_text: list[str] = []
        self.widget_views = 0
        self.dollar_math = False  # the page's MathJax typesets $...$ too
        self._skip: list[str] = []  # open elements whose text is not prose (code, math)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and a.get("src") is not None:
            self.images.append(a["src"])
        if tag == "script" and a.get("type") == WIDGET_VIEW:
            self.widget_views += 1
        classes = (a.get("class") or "").split()
        if tag in _SKIP_TEXT or "math" in classes or "highlight" in classes:
            self._skip.append(tag)
        elif self._skip and tag == self._skip[-1]:
            self._skip.append(tag)  # nested same tag: closed in turn

    def handle_endtag(self, tag):
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()

    def handle_data(self, data):
        if self.lasttag == "script" and "MathJax" in data and re.search(r'\["\$",\s*"\$"\]', data):
            self.dollar_math = True
        if not self._skip:
            self.math_text += [m[0] for m in _MATH_LEFT.finditer(data)]


def _read(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def check_book(html_dir: Path) -> list[str]:
    """Every problem in the book at ``html_dir``, as ``page: problem`` lines (none for a good book)."""
    html_dir = Path(html_dir).resolve()
    pages = sorted(p.resolve() for p in html_dir.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
    if not pages:
        return [f"{html_dir}: no pages (build the book first: make book)"]
    parsed = {p: _read(p) for p in pages}
    problems = []
    for page, info in parsed.items():
        name = page.relative_to(html_dir).as_posix()
        for src in info.images:
            if src.startswith("data:"):
                continue
            parts = urlsplit(src)
            if parts.scheme or parts.netloc:
                problems.append(f"{name}: image from outside the book: {src[:80]}")
            elif not (page.parent / unquote(parts.path)).is_file():
                problems.append(f"{name}: missing image {src[:80]}")
        for href in info.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{name}: broken link {href}")
            elif parts.fragment and target.suffix == ".html":
                known = parsed.get(target) or _read(target)
                if unquote(parts.fragment) not in known.ids:
                    problems.append(f"{name}: link to a missing anchor {href}")
        problems += [f"{name}: unrendered math {text[:60]!r}" for text in info.math_text
                     if not (info.dollar_math and text.startswith("$"))]
        if info.widget_views:
            problems.append(f"{name}: {info.widget_views} widget view(s) a static page cannot draw")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python notebooks/_book/check.py BUILD/html", file=sys.stderr)
        return 2
    problems = check_book(Path(argv[0]))
    for line in problems:
        print(line)
    pages = len(list(Path(argv[0]).rglob("*.html")))
    print(f"book check: {pages} pages, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
