"""Every notebook in notebooks/ is committed clean and follows the chapter shape."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(ROOT.glob("*.ipynb")) + sorted((ROOT / "zh").glob("*.ipynb"))
"""Both editions: the English chapters, then the Chinese ones (notebooks/zh/)."""
SECTIONS = {
    "en": {"learn": "What you will learn", "exercises": "Exercises", "summary": "Summary"},
    "zh": {"learn": "本章你将学到", "exercises": "练习", "summary": "小结"},
}
"""The headings every chapter has, in each edition."""


def _edition(path: Path) -> str:
    return "zh" if path.parent.name == "zh" else "en"



def _ids():
    return [str(p.relative_to(ROOT)) for p in NOTEBOOKS]


@pytest.fixture(params=NOTEBOOKS, ids=_ids())
def nb(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb files"
    assert NOTEBOOKS[0].name == "00_index.ipynb"
    assert (ROOT / "zh" / "00_index.ipynb").is_file(), "the Chinese edition has no index"


def test_valid_nbformat(nb):
    path, book = nb
    nbformat.validate(book)


def test_committed_without_outputs(nb):
    path, book = nb
    dirty = [i for i, c in enumerate(book.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"


def test_python3_kernelspec(nb):
    path, book = nb
    ks = book.metadata.get("kernelspec", {})
    assert ks.get("name") == "python3", f"{path.name}: kernelspec is {ks!r}"


def test_imports_dlnotes_from_the_installed_package(nb):
    path, book = nb
    code = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    assert re.search(r"^\s*(from|import) dlnotes", code, re.M), f"{path.name} does not import dlnotes"
    assert "sys.path" not in code, f"{path.name} edits sys.path; import the installed package instead"


def test_first_cell_is_a_title(nb):
    path, book = nb
    first = book.cells[0]
    assert first.cell_type == "markdown" and first.source.lstrip().startswith("# "), f"{path.name}: first cell must be '# Title'"


def test_has_what_you_will_learn(nb):
    path, book = nb
    text = "\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    learn = SECTIONS[_edition(path)]["learn"]
    assert re.search(rf"^##+ {learn}", text, re.M | re.I), f"{path.name} lacks a '{learn}' section"


def test_chapters_have_exercises_and_a_bilingual_summary(nb):
    path, book = nb
    if path.name.startswith("00_"):
        pytest.skip("the index is not a chapter")
    text = "\n".join(c.source for c in book.cells if c.cell_type == "markdown")
    names = SECTIONS[_edition(path)]
    assert re.search(rf"^##+ {names['exercises']}", text, re.M), f"{path.name} lacks an {names['exercises']} section"
    assert re.search(rf"^##+ {names['summary']}", text, re.M), f"{path.name} lacks a {names['summary']} section"
    assert re.search(r"[\u4e00-\u9fff]", text), f"{path.name} has no Chinese terms"
    assert "<details>" in text, f"{path.name}: solutions belong in a folded <details> block"
