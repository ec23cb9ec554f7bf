"""The two editions teach the same thing: every chapter in ``notebooks/`` has a Chinese twin in
``notebooks/zh/`` with the same cells, in the same order, running the same code.

What may differ: prose, comments and string literals (translated text: labels, messages,
docstrings). What may not: the cell sequence and types, the parsed code, the exercises and
their self-checks, the explorers a chapter shows, the headings of each cell, and the numbers a
cell quotes. A chapter changed in one edition only fails here with the cells that differ.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ZH = NOTEBOOKS / "zh"
CHAPTERS = sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))

CJK = re.compile(r"[\u4e00-\u9fff]")
EXERCISE = {"en": re.compile(r"^# Exercise (\d+\.\d+)\b", re.M), "zh": re.compile(r"^# 练习 (\d+\.\d+)\b", re.M)}
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?!\.?\d)")
"""Numbers with a decimal point (94.24, 0.25): a figure quoted in one edition is quoted in the other."""


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


class _Strings(ast.NodeTransformer):
    """Replaces every string literal (f-strings' literal parts included) by one placeholder."""

    def visit_Constant(self, node):
        if isinstance(node.value, str):
            return ast.copy_location(ast.Constant("…"), node)
        return node

    def visit_JoinedStr(self, node):
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):  # {value!r:.3f}: the value and its format are code
                parts.append(ast.FormattedValue(self.visit(v.value), v.conversion, v.format_spec))
        return ast.copy_location(ast.JoinedStr(parts), node)


def code_shape(text: str) -> str:
    """The code with comments and string literals set aside: what both editions must share.

    IPython lines (``%matplotlib inline``, ``!pip``) are compared as they are."""
    magics = [line.strip() for line in text.splitlines() if line.lstrip().startswith(("%", "!"))]
    python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines())
    tree = _Strings().visit(ast.parse(python))
    return "\n".join(magics + [ast.dump(tree, include_attributes=False)])


def headings(text: str) -> list[int]:
    """The level of each Markdown heading, in order (lines inside code fences are not headings)."""
    levels, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and (m := re.match(r"(#{1,6}) ", line)):
            levels.append(len(m.group(1)))
    return levels


def differences(en_path: Path, zh_path: Path) -> list[str]:
    """Every way the Chinese notebook departs from the English one, one line each."""
    en, zh = cells(en_path), cells(zh_path)
    found = []
    if [c["cell_type"] for c in en] != [c["cell_type"] for c in zh]:
        found.append(f"cell sequence differs: English {len(en)} cells "
                     f"{''.join(c['cell_type'][0] for c in en)}, Chinese {len(zh)} cells "
                     f"{''.join(c['cell_type'][0] for c in zh)} (c = code, m = markdown)")
        return found
    for i, (e, z) in enumerate(zip(en, zh)):
        where = f"cell {i} ({e['cell_type']}, id {e.get('id', '?')})"
        es, zs = source(e), source(z)
        if e["cell_type"] == "code":
            try:
                same = code_shape(es) == code_shape(zs)
            except SyntaxError as err:
                found.append(f"{where}: does not parse: {err}")
                continue
            if not same:
                found.append(f"{where}: the code differs (only comments and strings may):\n"
                             f"  English: {es[:300]!r}\n  Chinese: {zs[:300]!r}")
            ex_en, ex_zh = EXERCISE["en"].findall(es), EXERCISE["zh"].findall(zs)
            if ex_en != ex_zh:
                found.append(f"{where}: exercises differ: English {ex_en}, Chinese {ex_zh} ('# 练习 N.M')")
        else:
            if headings(es) != headings(zs):
                found.append(f"{where}: headings differ: English levels {headings(es)}, Chinese {headings(zs)}")
            if re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}\s+[A-Za-z]{3,}", es) and not CJK.search(zs):
                found.append(f"{where}: not translated: {zs[:120]!r}")
            missing = sorted(set(DECIMAL.findall(es)) - set(DECIMAL.findall(zs)))
            if missing:
                found.append(f"{where}: numbers quoted in English but not in Chinese: {missing}")
        if e.get("metadata", {}).get("tags", []) != z.get("metadata", {}).get("tags", []):
            found.append(f"{where}: tags differ")
    return found


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_chinese_edition_has_every_chapter_in_step(chapter):
    zh = ZH / chapter
    assert zh.exists(), f"{chapter} has no Chinese edition: write notebooks/zh/{chapter}"
    found = differences(NOTEBOOKS / chapter, zh)
    assert not found, f"{chapter}: the editions differ in {len(found)} places:\n" + "\n".join(found)


def test_every_chinese_chapter_has_an_english_one():
    orphans = sorted(p.name for p in ZH.glob("*.ipynb") if not (NOTEBOOKS / p.name).exists())
    assert not orphans, f"Chinese chapters with no English edition: {orphans}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_chinese_edition_sets_the_language(chapter):
    first_code = next(source(c) for c in cells(ZH / chapter) if c["cell_type"] == "code") if (ZH / chapter).exists() else ""
    assert 'set_language("zh")' in first_code, f"notebooks/zh/{chapter}: the first code cell must say set_language(\"zh\")"


def _notebook(path: Path, sources: list[tuple[str, str]]) -> Path:
    path.write_text(json.dumps({"cells": [{"cell_type": t, "id": f"c{i}", "metadata": {}, "source": s,
                                          **({"outputs": [], "execution_count": None} if t == "code" else {})}
                                         for i, (t, s) in enumerate(sources)],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    return path


@pytest.fixture
def pair(tmp_path):
    en = [("markdown", "# 01 · The perceptron\n\nA perceptron adds weighted inputs: 0.5 + 0.5 = 1.0."),
          ("code", 'w = 0.5  # a weight\nprint(f"output {w * 2:.1f}")'),
          ("code", "# Exercise 1.1 — weights for NOR\nanswer = ...")]
    zh = [("markdown", "# 01 · 感知机\n\n感知机（perceptron）把加权输入相加：0.5 + 0.5 = 1.0。"),
          ("code", 'w = 0.5  # 一个权重\nprint(f"输出 {w * 2:.1f}")'),
          ("code", "# 练习 1.1 — 求 NOR 的权重\nanswer = ...")]
    return tmp_path, en, zh


def test_the_sync_check_passes_a_faithful_translation(pair):
    tmp, en, zh = pair
    assert differences(_notebook(tmp / "en.ipynb", en), _notebook(tmp / "zh.ipynb", zh)) == []


def test_the_sync_check_fails_a_changed_code_cell_and_names_it(pair):
    tmp, en, zh = pair
    zh[1] = ("code", 'w = 0.7  # 一个权重\nprint(f"输出 {w * 2:.1f}")')  # the Chinese edition changed a number
    found = differences(_notebook(tmp / "en.ipynb", en), _notebook(tmp / "zh.ipynb", zh))
    assert len(found) == 1 and found[0].startswith("cell 1 (code, id c1): the code differs"), found


def test_the_sync_check_fails_a_changed_format_and_a_missing_cell(pair):
    tmp, en, zh = pair
    zh[1] = ("code", 'w = 0.5  # 一个权重\nprint(f"输出 {w * 2:.3f}")')  # a format spec is code, not text
    found = differences(_notebook(tmp / "en.ipynb", en), _notebook(tmp / "zh.ipynb", zh))
    assert len(found) == 1 and "cell 1" in found[0], found
    found = differences(_notebook(tmp / "en.ipynb", en), _notebook(tmp / "zh.ipynb", zh[:2]))
    assert len(found) == 1 and "cell sequence differs: English 3 cells mcc, Chinese 2 cells mc" in found[0], found


def test_the_sync_check_fails_an_untranslated_cell_a_lost_number_and_a_lost_exercise(pair):
    tmp, en, zh = pair
    zh[0] = ("markdown", "# 01 · 感知机\n\n感知机（perceptron）把加权输入相加。")
    zh[2] = ("code", "# 练习 1.2 — 求 NOR 的权重\nanswer = ...")
    found = differences(_notebook(tmp / "en.ipynb", en), _notebook(tmp / "zh.ipynb", zh))
    assert any("numbers quoted in English but not in Chinese: ['0.5', '1.0']" in f for f in found), found
    assert any("exercises differ: English ['1.1'], Chinese ['1.2']" in f for f in found), found
    zh[0] = en[0]
    found = differences(_notebook(tmp / "en.ipynb", en), _notebook(tmp / "zh.ipynb", zh))
    assert any("not translated" in f for f in found), found
