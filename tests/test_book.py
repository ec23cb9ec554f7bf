"""The static book (``make book``): its configuration lists every chapter, its extra stays apart, its check works.

Building the book executes every chapter (minutes even in smoke mode), so ``make test`` does not
build it. These tests read the Sphinx configuration (``notebooks/_book/conf.py``, which imports
nothing from Sphinx at the top), the packaging files, and run the page check
(``notebooks/_book/check.py``) on small pages made here — and on a built book when there is one.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "notebooks" / "_book"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"dlnotes_book_{name}", BOOK / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


conf = _load("conf")
check = _load("check")


# --- the configuration ----------------------------------------------------------------------------
def test_search_terms_split_chinese_into_pairs_of_characters_and_keep_latin_words():
    page = conf.search_terms("用梯度下降 (gradient descent) 训练一层")
    assert {"gradient", "descent", "梯度", "度下", "下降", "层"} <= set(page)
    assert "用梯度下降" not in page, "a run of Chinese characters is not one search word"
    for query in ("梯度下降", "梯度", "层", "训练一层", "gradient"):
        terms = conf.search_terms(query, query=True)
        assert terms and set(terms) <= set(page), f"{query!r} splits to {terms}, not all on the page"
    assert conf.search_terms("梯度下降", query=True) == ["梯度", "度下", "下降"], "a query is its pairs only"
    assert "splitQuery" in conf.SPLIT_QUERY_JS, "the search page splits a query by the same rule"


@pytest.mark.parametrize("edition, folder", [("en", "notebooks"), ("zh", "notebooks/zh")])
def test_the_navigation_lists_every_chapter_of_both_editions(edition, folder):
    files = sorted(p.stem for p in (REPO / folder).glob("*.ipynb"))
    prefix = conf.EDITIONS[edition]
    assert sorted(conf.chapters(edition)) == [prefix + f for f in files], f"{folder}: a chapter is not in the book"
    assert conf.chapters(edition)[0] == prefix + "00_index", "each edition starts at its index"
    listed = conf.toctree(edition)
    assert set(listed) == set(conf.chapters(edition)[1:]) | ({"zh/00_index"} if edition == "en" else set())


def test_the_landing_page_is_the_index_and_nothing_but_chapters_is_read():
    assert conf.root_doc == "00_index"
    assert {"_book", "conftest.py"} <= set(conf.exclude_patterns)


def test_execution_is_cached_per_mode_and_explorers_show_their_picture():
    assert conf.nb_execution_mode == "cache" and conf.nb_execution_raise_on_error
    assert Path(conf.nb_execution_cache_path).parent.name == conf.MODE, "smoke and full outputs never mix"
    assert ("html", "application/vnd.jupyter.widget-view+json", None) in conf.nb_mime_priority_overrides
    assert conf.nb_ipywidgets_js == {}, "no widget JavaScript fetched from a CDN"


def test_each_chapter_says_how_to_run_it_live(monkeypatch):
    note = conf.live_note("01_perceptron")
    assert "make lab" in note and "notebooks/01_perceptron.ipynb" in note and "Binder" in note
    assert "mybinder.org" not in note, "no Binder URL without the repository's path"
    zh = conf.live_note("zh/01_perceptron")
    assert "make lab EDITION=zh" in zh and "notebooks/zh/01_perceptron.ipynb" in zh
    monkeypatch.setattr(conf, "REPOSITORY", "someone/dlnotes")
    assert ("https://mybinder.org/v2/gh/someone/dlnotes/HEAD?urlpath=lab/tree/notebooks/zh/01_perceptron.ipynb"
            in conf.live_note("zh/01_perceptron"))


def test_links_between_notebooks_become_links_between_pages():
    html = '<a href="01_perceptron.ipynb">01</a> <a href="../zh/02_activation_functions.ipynb#x">02</a> ' \
           '<a href="https://example.org/a.ipynb">ext</a>'
    context = {"body": html}
    conf.link_pages(None, "00_index", "page.html", context, None)
    assert context["body"] == ('<a href="01_perceptron.html">01</a> <a href="../zh/02_activation_functions.html#x">02</a> '
                               '<a href="https://example.org/a.ipynb">ext</a>')


def test_a_link_to_a_repository_file_outside_the_book_keeps_its_text(monkeypatch):
    text = "见 [README.zh-CN.md](../../README.zh-CN.md)，以及 [第 1 章](../01_perceptron.ipynb)"
    assert conf._outside_links("zh/00_index", text) == "见 README.zh-CN.md，以及 [第 1 章](../01_perceptron.ipynb)"
    monkeypatch.setattr(conf, "REPOSITORY", "someone/dlnotes")
    assert "(https://github.com/someone/dlnotes/blob/HEAD/README.zh-CN.md)" in conf._outside_links("zh/00_index", text)


# --- packaging: the book's own extra --------------------------------------------------------------
def test_the_book_extra_exists_and_stays_out_of_what_make_lab_installs():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    book = {Requirement(r).name.lower() for r in project["optional-dependencies"]["book"]}
    assert {"sphinx", "myst-nb", "sphinx-book-theme"} <= book
    base = {Requirement(r).name.lower() for r in project["dependencies"]}
    test = {Requirement(r).name.lower() for r in project["optional-dependencies"]["test"]}
    assert not book & (base | test), "make lab and make test must not install the book's tools"
    makefile = (REPO / "Makefile").read_text()
    install = re.search(r"^\$\(STAMP\):.*?(?=^\S)", makefile, re.M | re.S)[0]
    assert "-e '.[test]'" in install and "book" not in install
    assert re.search(r"^book:", makefile, re.M) and "-e '.[test,book]'" in makefile
    assert "-c requirements.lock" in re.search(r"^\$\(BOOK_STAMP\):.*?(?=^\S)", makefile, re.M | re.S)[0]


# --- the page check ---------------------------------------------------------------------------------
GOOD = """<html><head><script>window.MathJax = {"tex": {"inlineMath": [["$", "$"], ["\\\\(", "\\\\)"]]}}</script></head>
<body><h1 id="top">T</h1><p>See <a href="b.html#sec">b</a>, <a href="#top">top</a>,
<a href="https://example.org">out</a>.</p><p><span class="math notranslate">\\(x^2\\)</span></p>
<img src="_images/a.png"/><img src="data:image/png;base64,AAAA"/><pre>price = "$5 or $6"</pre>
<div class="output text_html"><table><tr><td>$h_t$</td></tr></table></div></body></html>"""


def _book(tmp_path, pages: dict[str, str]) -> Path:
    for name, html in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(html)
    (tmp_path / "_images").mkdir(exist_ok=True)
    (tmp_path / "_images" / "a.png").write_bytes(b"png")
    return tmp_path


def test_the_page_check_passes_a_good_book(tmp_path):
    book = _book(tmp_path, {"a.html": GOOD, "b.html": '<p id="sec">b</p>'})
    assert check.check_book(book) == []


def test_the_page_check_names_every_kind_of_problem(tmp_path):
    bad = ('<p>Broken <a href="c.html">c</a> and <a href="b.html#nowhere">anchor</a>; raw math \\(y = 2\\) and $z$.</p>'
           '<img src="_images/missing.png"/>'
           '<script type="application/vnd.jupyter.widget-view+json">{"model_id": "x"}</script>')
    book = _book(tmp_path, {"a.html": bad, "b.html": '<p id="sec">b</p>'})
    found = check.check_book(book)
    assert found == ["a.html: missing image _images/missing.png", "a.html: broken link c.html",
                     "a.html: link to a missing anchor b.html#nowhere", "a.html: unrendered math '\\\\(y = 2\\\\)'",
                     "a.html: unrendered math '$z$'", "a.html: 1 widget view(s) a static page cannot draw"]


BUILT = [REPO / "build" / "book" / mode / "html" for mode in ("full", "smoke")]


@pytest.mark.parametrize("html", BUILT, ids=lambda p: p.parent.name)
def test_a_built_book_has_no_broken_image_link_or_math(html):
    if not (html / "00_index.html").is_file():
        pytest.skip(f"no book built in {html.relative_to(REPO)} (make book)")
    assert check.check_book(html) == []
    assert (html / "zh" / "00_index.html").is_file()
    chapter = (html / "01_perceptron.html").read_text(encoding="utf-8")
    assert "dlnotes-explorer-still" in chapter and "<details" in chapter and "<details open" not in chapter
