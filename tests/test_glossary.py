"""One glossary, one notation, one correction form, across every chapter.

- every row of a chapter's Summary table is an entry of ``dlnotes.glossary.TERMS``, word for
  word, and every term lists in the summary of the chapter that teaches it;
- no chapter writes a symbol the one notation bans (ŷ for the prediction, h for anything but
  the step of a numerical derivative, ...);
- every correction of the source notes uses the one form
  ``> **The notes say** ... — **in fact** ...``, and every known mistake of the notes has one.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from dlnotes import glossary

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
CHAPTERS = {int(path.name[:2]) for path in NOTEBOOKS}
ZH_NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks" / "zh").glob("*.ipynb"))


def _book(path):
    return nbformat.read(path, as_version=4)


def _markdown(path) -> list[str]:
    return [c.source for c in _book(path).cells if c.cell_type == "markdown"]


def _summary_rows(path, section: str = "## Summary", header: str = "| English | 中文 | meaning |") -> list[str]:
    """The rows of the glossary table in the notebook's summary section (its header excluded);
    the Chinese edition's is ``## 小结`` with ``| 中文 | English | 含义 |``."""
    text = "\n".join(_markdown(path))
    start = text.rfind(section)
    assert start >= 0, f"{path.parent.name}/{path.name} has no '{section}' section"
    lines = text[start:].splitlines()
    first = next((i for i, line in enumerate(lines) if line.startswith(header)), None)
    assert first is not None, f"{path.parent.name}/{path.name}: the {section} has no '{header}' table"
    rows = []
    for line in lines[first + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line.strip())
    return rows


def _first_cell(row: str) -> str:
    return row.strip("|").split("|")[0].strip()


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return request.param


def test_glossary_has_one_entry_per_term():
    names = [t.en for t in glossary.TERMS]
    assert len(names) == len(set(names)), f"duplicate English terms: {sorted({n for n in names if names.count(n) > 1})}"
    for term in glossary.TERMS:
        assert term.en and term.zh and term.meaning, f"incomplete entry {term}"
        assert term.chapter in CHAPTERS, f"{term.en}: chapter {term.chapter} has no notebook"
        assert "|" not in term.en + term.zh + term.meaning, f"{term.en}: '|' would break the table"


def test_summary_rows_are_glossary_entries(notebook):
    for row in _summary_rows(notebook):
        en = _first_cell(row)
        assert en in glossary.BY_EN, f"{notebook.name}: '{en}' is not in dlnotes.glossary.TERMS"
        expected = glossary.BY_EN[en].row()
        assert row == expected, f"{notebook.name}: the summary row\n  {row}\ndiffers from the glossary:\n  {expected}"


def test_every_term_is_in_the_summary_of_its_chapter(notebook):
    chapter = int(notebook.name[:2])
    listed = {_first_cell(row) for row in _summary_rows(notebook)}
    missing = [t.en for t in glossary.chapter_terms(chapter) if t.en not in listed]
    assert not missing, f"{notebook.name}: its Summary table lacks the terms it teaches: {missing}"


def test_summary_table_helper_matches_the_glossary():
    table = glossary.summary_table(3, recap=("epoch",))
    assert table.splitlines()[2] == glossary.chapter_terms(3)[0].row()
    assert table.splitlines()[-1] == glossary.BY_EN["epoch"].row()
    with pytest.raises(KeyError, match="not in the glossary"):
        glossary.summary_table(3, recap=("no such term",))


def test_index_shows_the_glossary_and_the_notation():
    code = "\n".join(c.source for c in _book(NOTEBOOKS[0]).cells if c.cell_type == "code")
    assert "glossary_table()" in code and "notation_table()" in code, "00_index must show the glossary and the notation"
    assert len(glossary.glossary_table().splitlines()) == len(glossary.TERMS) + 2


@pytest.mark.parametrize("path", NOTEBOOKS + ZH_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_banned_notation(path):
    """Both editions: the one notation holds in English and in Chinese prose alike."""
    where = f"{path.parent.name}/{path.name}"
    for cell in _book(path).cells:
        if cell.cell_type == "markdown":
            for pattern, why in glossary.BANNED_NOTATION:
                found = re.search(pattern, cell.source)
                assert not found, f"{where}: '{found.group(0)}' in cell {cell.get('id')}: {why}"
        elif re.search(r"\by_hat\b", cell.source):
            pytest.fail(f"{where}: `y_hat` in cell {cell.get('id')}: the output is `y`, the target `t`")


CORRECTION = re.compile(r"^> \*\*The notes say\*\* .*\(seed 00[0-9N][^)]*\).* — \*\*in fact\*\* ", re.M)


def _corrections() -> dict[str, list[str]]:
    found = {}
    for path in NOTEBOOKS:
        for text in _markdown(path):
            for line in text.splitlines():
                if CORRECTION.match(line):
                    found.setdefault(path.name, []).append(line)
    return found


def test_corrections_use_one_form(notebook):
    for text in _markdown(notebook):
        for line in text.splitlines():
            if re.search(r"notes say|seed \d+ (says|has a typo)|that is wrong", line, re.I):
                assert CORRECTION.match(line), (
                    f"{notebook.name}: a correction of the notes must read "
                    f"'> **The notes say** ... (seed 00N) — **in fact** ...', got:\n  {line[:160]}"
                )


SEED_MISTAKES = [
    # (seed, what the notes get wrong, a pattern its correction contains)
    ("000", "ANNModel.fit reads the global y", r"\*global\* variable"),
    ("000", "predict has a garbled signature", r"`predict`"),
    ("000", "the plot is titled SVM Linear Classification", r"SVM"),
    ("000", "b is called the threshold", r"threshold"),
    ("000", "a negative activation means an inhibited neuron", r"negative"),
    ("000", "the update uses the already-updated w1", r"updated"),
    ("001", "tensorflow.session()", r"session\(\)"),
    ("001", "batch norm after ReLU is 'the mainstream'", r"batch normali[sz]ation"),
    ("002", "softmax denominator without exp", r"denominator"),
    ("002", "'axis 0 is the column direction'", r"axis"),
    ("002", "sigmoid's range is [0, 1]", r"range"),
    ("002", "the gradient points where f decreases most", r"gradient"),
    ("003", "the perceptron rule's strict < 0", r"< 0"),
    ("003", "only networks within 5 layers use BP", r"five layers"),
    ("003", "the generator is trained alone first", r"generator"),
    ("003", "an autoencoder has one hidden layer", r"autoencoder"),
    ("003", "dropout removes neurons that are not needed", r"dropout"),
    ("003", "activations must be continuously differentiable", r"differentiable"),
    ("003", "the recurrent network called 递归神经网络 (the recursive kind)", r"递归神经网络"),
    ("004", "modeladd / input_ dim typos", r"modeladd"),
    ("004", "np_utils and keras.layers.core", r"np_utils"),
    ("004", "the dropout sweep never changes the rate", r"sweep"),
    ("004", "fig, ax = plt.figure(...)", r"plt\.figure"),
    ("004", "predict_classes / predict_probs", r"predict_classes"),
    ("004", "random_uniform samples at equal intervals", r"equal intervals"),
    ("004", "RMSprop and Adam re-compile an already trained model", r"warm start"),
    ("004", "model complexity = number of zero weights", r"zero weights"),
    ("004", "categorical cross-entropy can replace softmax", r"replace softmax"),
    ("004", "activity_regularizer acts on the output layer's activation", r"activity_regularizer"),
    ("004", "TensorFlow images are (width, height, depth)", r"width"),
]


@pytest.mark.parametrize("seed,mistake,pattern", SEED_MISTAKES, ids=[f"{s}-{m[:40]}" for s, m, _ in SEED_MISTAKES])
def test_every_known_mistake_of_the_notes_is_corrected(seed, mistake, pattern):
    lines = [line for lines in _corrections().values() for line in lines if f"(seed {seed}" in line]
    assert any(re.search(pattern, line) for line in lines), (
        f"no '> **The notes say** ... (seed {seed}) — **in fact** ...' correction mentions /{pattern}/ "
        f"for: {mistake}"
    )


# --------------------------------------------------------------------------- the Chinese edition
CORRECTION_ZH = re.compile(r"^> \*\*笔记中说\*\* .*（笔记 00[0-9N][^）]*）.*——\*\*实际上\*\* ", re.M)
"""The Chinese form of a correction: ``> **笔记中说** ...（笔记 00N）——**实际上** ...``."""


@pytest.fixture(params=ZH_NOTEBOOKS, ids=[f"zh/{p.name}" for p in ZH_NOTEBOOKS])
def zh_notebook(request):
    return request.param


def test_every_term_has_a_chinese_meaning():
    missing = [t.en for t in glossary.TERMS if t.en not in glossary.MEANINGS_ZH]
    assert not missing, f"dlnotes.glossary.MEANINGS_ZH lacks: {missing}"
    unknown = sorted(set(glossary.MEANINGS_ZH) - set(glossary.BY_EN))
    assert not unknown, f"MEANINGS_ZH has terms the glossary does not: {unknown}"
    assert all("|" not in m for m in glossary.MEANINGS_ZH.values()), "'|' would break the table"
    assert len(glossary.NOTATION_ZH) == len(glossary.NOTATION)


def test_chinese_summary_rows_are_glossary_entries_and_list_the_chapters_terms(zh_notebook):
    rows = _summary_rows(zh_notebook, "## 小结", "| 中文 | English | 含义 |")
    listed = set()
    for row in rows:
        en = row.strip("|").split("|")[1].strip()
        assert en in glossary.BY_EN, f"zh/{zh_notebook.name}: '{en}' is not in dlnotes.glossary.TERMS"
        expected = glossary.BY_EN[en].row_zh()
        assert row == expected, f"zh/{zh_notebook.name}: the summary row\n  {row}\ndiffers from the glossary:\n  {expected}"
        listed.add(en)
    missing = [t.en for t in glossary.chapter_terms(int(zh_notebook.name[:2])) if t.en not in listed]
    assert not missing, f"zh/{zh_notebook.name}: its 小结 table lacks the terms it teaches: {missing}"
    english = [_first_cell(r) for r in _summary_rows(zh_notebook.parent.parent / zh_notebook.name)]
    assert [r.strip("|").split("|")[1].strip() for r in rows] == english, (
        f"zh/{zh_notebook.name}: the 小结 table lists other terms, or another order, than the English Summary")


def test_chinese_corrections_use_one_form_and_match_the_english(zh_notebook):
    lines = [line for text in _markdown(zh_notebook) for line in text.splitlines()]
    for line in lines:
        if re.search(r"笔记中说|实际上", line) and line.startswith(">"):
            assert CORRECTION_ZH.match(line), (
                f"zh/{zh_notebook.name}: a correction of the notes must read "
                f"'> **笔记中说** ...（笔记 00N）——**实际上** ...', got:\n  {line[:160]}")
    zh_seeds = [re.search(r"（笔记 (00[0-9N])", line).group(1) for line in lines if CORRECTION_ZH.match(line)]
    en_seeds = [re.search(r"\(seed (00[0-9N])", line).group(1) for line in _corrections().get(zh_notebook.name, [])]
    assert zh_seeds == en_seeds, (
        f"zh/{zh_notebook.name}: corrections of notes {zh_seeds}, the English edition has {en_seeds}")
