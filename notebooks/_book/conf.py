"""Sphinx configuration of the static book (``make book``): every chapter of both editions, executed.

Why here: Sphinx reads the chapters from ``notebooks/`` (its source folder) and the
repository's top-level layout is fixed, so the book's one configuration lives beside the
chapters, in ``notebooks/_book/`` (a folder Sphinx is told to skip as a source).

``make book`` runs ``sphinx-build -c notebooks/_book notebooks build/book/<mode>/html`` with
the ``book`` extra of pyproject.toml installed. What it makes:

- every chapter of :data:`dlnotes.contents.CHAPTERS` in English and in Chinese (``zh/``), the
  English index (which holds the glossary) as the landing page, the Chinese index under it;
- the notebooks executed through myst-nb's jupyter-cache (``nb_execution_mode = "cache"``): a
  chapter whose code cells did not change is not executed again. Smoke mode
  (``DLNOTES_SMOKE=1``) and full mode build into separate folders with separate caches, and a
  change to the ``dlnotes`` package empties the mode's cache, since any chapter may use it;
- each explorer as its still picture (the widget view is never chosen: a static page has no
  kernel), math rendered by MathJax served from the book itself (it reads offline), Sphinx's
  search, and at the top of every chapter a note on running it live (``make lab``, Binder);
- links between notebooks (``01_perceptron.ipynb``) rewritten to the pages (``.html``).

The Binder links need the repository's GitHub path, which only the publisher knows: the
book uses ``GITHUB_REPOSITORY`` (``owner/name``, which GitHub's CI sets) when it is set, and
otherwise points at the README's Binder section. This module imports nothing from Sphinx at
the top, so tests read its chapter lists without Sphinx installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOTEBOOKS = HERE.parent
REPO = NOTEBOOKS.parent
sys.path.insert(0, str(REPO / "src"))

from dlnotes.config import is_smoke  # noqa: E402 - after the path to the package is known
from dlnotes.contents import CHAPTERS  # noqa: E402

EDITIONS = {"en": "", "zh": "zh/"}
"""Each edition's folder under notebooks/, as a document-name prefix."""
MODE = "smoke" if is_smoke() else "full"
BUILD = REPO / "build" / "book" / MODE
CACHE = BUILD / ".jupyter_cache"
REPOSITORY = os.environ.get("GITHUB_REPOSITORY", "").strip()
"""``owner/name`` of the repository on GitHub, when the build knows it (GitHub's CI sets it)."""


def chapters(edition: str) -> list[str]:
    """Document names of an edition's chapters, index first, as the book's navigation lists them."""
    prefix = EDITIONS[edition]
    return [f"{prefix}{Path(ch.file).stem}" for ch in CHAPTERS if (NOTEBOOKS / prefix / ch.file).is_file()]


def toctree(edition: str) -> list[str]:
    """What the edition's index page lists under it: its chapters, and (English) the Chinese index."""
    return chapters(edition)[1:] + (chapters("zh")[:1] if edition == "en" else [])


def package_hash() -> str:
    """A hash of the dlnotes package's source: the chapters' cached outputs are only valid for it."""
    h = hashlib.sha256()
    for path in sorted((REPO / "src" / "dlnotes").rglob("*.py")):
        h.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def binder_url(docname: str) -> str | None:
    """The Binder link that opens this chapter in JupyterLab, when the repository's path is known."""
    if not REPOSITORY:
        return None
    return f"https://mybinder.org/v2/gh/{REPOSITORY}/HEAD?urlpath=lab/tree/notebooks/{docname}.ipynb"


_LIVE = {
    "en": ("Run this chapter live",
           "This page is a recording of one run: each explorer is a picture. To move its controls, "
           "open the notebook in JupyterLab: `make lab` in a copy of the repository, then "
           "`notebooks/{doc}.ipynb`; or {binder}."),
    "zh": ("在线运行本章",
           "本页是一次运行的记录：每个探索器都只是一张图片。要拖动它的控件，请在 JupyterLab 中打开笔记本："
           "在仓库副本中运行 `make lab EDITION=zh`，然后打开 `notebooks/{doc}.ipynb`；或者{binder}。"),
}
_BINDER = {"en": ("[on Binder]({url})", "on Binder (the README's Binder section)"),
           "zh": ("[在 Binder 上运行]({url})", "在 Binder 上运行（见 README 中的 Binder 一节）")}


def live_note(docname: str) -> str:
    """The note at the top of a chapter: how to run it live."""
    edition = "zh" if docname.startswith(EDITIONS["zh"]) else "en"
    title, text = _LIVE[edition]
    url = binder_url(docname)
    binder = _BINDER[edition][0].format(url=url) if url else _BINDER[edition][1]
    return f"```{{admonition}} {title}\n:class: tip\n\n{text.format(doc=docname, binder=binder)}\n```"


def _markdown_cell(source: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": source}


_RELATIVE_LINK = re.compile(r"\[([^\]]*)\]\((\.\./[^)\s]+)\)")


def _outside_links(docname: str, text: str) -> str:
    """A link from a chapter to a repository file outside notebooks/ (a README): to GitHub when the
    repository's path is known, otherwise the link's text alone (the book has no such page)."""
    here = (NOTEBOOKS / docname).parent

    def repl(m):
        target = (here / m[2]).resolve()
        if target.is_relative_to(NOTEBOOKS):
            return m[0]
        return f"[{m[1]}](https://github.com/{REPOSITORY}/blob/HEAD/{target.relative_to(REPO).as_posix()})" \
            if REPOSITORY else m[1]

    return _RELATIVE_LINK.sub(repl, text)


def add_navigation(app, docname: str, source: list[str]) -> None:
    """Sphinx ``source-read``: put the live note under each chapter's title, and each index's toctree."""
    if app.env.doc2path(docname).suffix != ".ipynb":
        return
    nb = json.loads(source[0])
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = _outside_links(docname, "".join(cell["source"]))
    cells = [_markdown_cell(live_note(docname), "dlnotes-book-live")]
    for edition in EDITIONS:
        if docname == chapters(edition)[0]:
            names = [name.removeprefix(EDITIONS[edition]) for name in toctree(edition)]
            cells.append(_markdown_cell("```{toctree}\n:hidden:\n:maxdepth: 1\n\n" + "\n".join(names) + "\n```",
                                        "dlnotes-book-toctree"))
    nb["cells"][1:1] = cells[:1]
    nb["cells"] += cells[1:]
    source[0] = json.dumps(nb)


_NOTEBOOK_LINK = re.compile(r'href="(?![a-z]+:)([^"#]*?)\.ipynb(#[^"]*)?"')


def link_pages(app, pagename, templatename, context, doctree) -> None:
    """Sphinx ``html-page-context``: a link to a notebook in an output (the index's contents table) goes to its page."""
    if "body" in context:
        context["body"] = _NOTEBOOK_LINK.sub(lambda m: f'href="{m[1]}.html{m[2] or ""}"', context["body"])


def _fresh_cache() -> None:
    """Empty this mode's execution cache when the dlnotes package changed since it was filled."""
    stamp = CACHE / "dlnotes-source.sha256"
    digest = package_hash()
    if stamp.is_file() and stamp.read_text() != digest:
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKENS = re.compile(rf"[{_CJK}]+|(?:(?![{_CJK}])\w)+")


def search_terms(text: str, *, query: bool = False) -> list[str]:
    """The search terms of a text in either edition: its Latin words, and each run of Chinese
    characters as its overlapping pairs of characters (``梯度下降`` → 梯度, 度下, 下降).

    Chinese has no spaces between words, so a whole run is not a word a reader would type. The
    page index also holds every single character, so a one-character query (层) finds its pages;
    a query's pairs must all be on a page for it to match. The search page splits a query the same
    way (:data:`SPLIT_QUERY_JS`), so what a reader types and what the index holds agree.
    """
    terms = []
    for token in _TOKENS.findall(text):
        if re.match(rf"[{_CJK}]", token):
            pairs = [token[i:i + 2] for i in range(len(token) - 1)]
            terms += pairs if query and pairs else list(dict.fromkeys(pairs + list(token)))
        else:
            terms.append(token)
    return terms


SPLIT_QUERY_JS = r"""
var splitQuery = (query) => {
  const terms = [];
  for (const token of query.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\s\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\p{P}\p{S}]+/gu) || []) {
    if (/^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u.test(token)) {
      if (token.length === 1) terms.push(token);
      for (let i = 0; i + 1 < token.length; i++) terms.push(token.slice(i, i + 2));
    } else {
      terms.push(...token.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((t) => t));
    }
  }
  return terms;
};
"""
"""The search page's query splitter, the same rule as :func:`search_terms` (Sphinx loads it in
``language_data.js``)."""


def bilingual_search_language():
    """Sphinx's English search with :func:`search_terms` as its splitter, for a book in two editions.

    Sphinx's own Chinese search needs a word-segmentation dictionary and, in Sphinx 9, breaks on
    the search page ("ChineseStemmer is not defined"); English stemming and stop words stay.
    """
    from sphinx.search.en import SearchEnglish

    class SearchBilingual(SearchEnglish):
        js_splitter_code = SPLIT_QUERY_JS

        def split(self, input: str) -> list[str]:
            return search_terms(input)

    return SearchBilingual


def setup(app):
    app.add_search_language(bilingual_search_language())
    app.connect("source-read", add_navigation)
    app.connect("html-page-context", link_pages)
    # A changed package changes every chapter's output: Sphinx re-reads every page.
    app.add_config_value("dlnotes_source_hash", "", "env")
    app.config.dlnotes_source_hash = package_hash()
    _fresh_cache()
    return {"parallel_read_safe": True}


# -- Sphinx ---------------------------------------------------------------------------------------
project = "dlnotes — deep learning, step by step"
author = "dlnotes"
copyright = "dlnotes authors (MIT licence)"
root_doc = "00_index"
language = "en"
extensions = ["myst_nb", "sphinx-mathjax-offline"]
exclude_patterns = ["_book", "**/.ipynb_checkpoints", "conftest.py"]
html_theme = "sphinx_book_theme"
html_title = "dlnotes"
html_search_language = "en"  # English stemming, Chinese split into pairs of characters (see search_terms)
html_copy_source = True  # the download button offers each chapter's notebook (as committed: no outputs)
html_show_sourcelink = False
# MathJax also typesets $...$ in HTML outputs (the glossary's notation table), as JupyterLab does.
mathjax3_config = {"tex": {"inlineMath": [["$", "$"], ["\\(", "\\)"]], "processEscapes": True}}
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,
    "use_fullscreen_button": False,
}
if REPOSITORY:
    html_theme_options |= {
        "repository_url": f"https://github.com/{REPOSITORY}",
        "path_to_docs": "notebooks",
        "use_repository_button": True,
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "notebook_interface": "jupyterlab"},
    }

# -- myst-nb: execution through jupyter-cache, one cache per mode ---------------------------------
nb_execution_mode = "cache"
nb_execution_cache_path = str(CACHE)
nb_execution_timeout = 1800  # one cell: full mode trains Keras models for minutes
nb_execution_raise_on_error = True  # a chapter that fails fails the book
nb_execution_show_tb = True
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown outputs (the notation table) with tables and $...$ math, as in JupyterLab
# A static page has no kernel: an explorer shows the still picture its bundle carries, not the widget view.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}  # no widget JavaScript from a CDN: nothing on these pages needs it
myst_enable_extensions = ["dollarmath", "amsmath", "html_image"]
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]
