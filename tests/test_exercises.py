"""Every exercise's worked solution passes its self-check; untouched exercises say "not attempted".

An exercise is a code cell starting with ``# Exercise N.M``, followed by a code cell
starting with ``# Self-check N.M`` and a markdown ``<details>`` block holding a
```python solution (see CONTRIBUTING.md). Exercises are self-contained, so they run
here without the rest of the notebook.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import matplotlib
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


matplotlib.use("Agg")

EX = re.compile(r"^#\s*Exercise\s+(\d+\.\d+)")
CHECK = re.compile(r"^#\s*Self-check\s+(\d+\.\d+)")
SOLUTION = re.compile(r"<details>.*?```python\n(.*?)```", re.S)


def _exercises():
    found = []
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            m = EX.match(cell.source) if cell.cell_type == "code" else None
            if not m:
                continue
            number = m.group(1)
            check = next((c for c in cells[i + 1 :] if c.cell_type == "code" and CHECK.match(c.source)), None)
            sol = next((SOLUTION.search(c.source) for c in cells[i + 1 :] if c.cell_type == "markdown" and SOLUTION.search(c.source)), None)
            found.append(pytest.param(path.name, number, cell.source, check and check.source, sol and sol.group(1), id=f"{path.stem}-{number}"))
    return found


EXERCISES = _exercises()


def _run(*sources):
    ns: dict = {"__name__": "__exercise__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for src in sources:
            exec(compile(src, "<exercise>", "exec"), ns)
    import matplotlib.pyplot as plt

    plt.close("all")
    return out.getvalue()


@pytest.mark.parametrize("notebook,number,exercise,check,solution", EXERCISES)
def test_solution_passes_its_self_check(notebook, number, exercise, check, solution):
    assert check, f"{notebook}: Exercise {number} has no '# Self-check {number}' cell"
    assert solution, f"{notebook}: Exercise {number} has no folded ```python solution"
    out = _run(solution, check)
    assert "✓" in out, f"{notebook}: Exercise {number}'s solution did not pass its self-check:\n{out}"


@pytest.mark.parametrize("notebook,number,exercise,check,solution", EXERCISES)
def test_untouched_exercise_says_not_attempted(notebook, number, exercise, check, solution):
    out = _run(exercise, check)
    assert "not attempted" in out, f"{notebook}: untouched Exercise {number} should report 'not attempted':\n{out}"


def test_every_chapter_has_two_to_six_exercises():
    # A few exercises per chapter; a chapter whose derivations each carry an exercise
    # (03: softmax + cross-entropy, maximum likelihood) reaches six, and no more.
    per_nb = {}
    for p in EXERCISES:
        per_nb.setdefault(p.values[0], 0)
        per_nb[p.values[0]] += 1
    for path in NOTEBOOKS:
        if path.name.startswith("00_"):
            continue
        assert 2 <= per_nb.get(path.name, 0) <= 6, f"{path.name} has {per_nb.get(path.name, 0)} exercises (want 2-6)"


def test_check_returns_nothing_so_a_self_check_cell_shows_no_stray_value(capsys):
    from dlnotes.exercises import check

    def test(ans):
        assert ans == 2, "two"

    def todo(ans):
        raise NotImplementedError

    assert check(..., test, name="E") is None
    assert check(2, test, name="E") is None
    assert check(lambda: 0, todo, name="E") is None
    with pytest.raises(AssertionError, match="two"):
        check(3, test, name="E")
    assert capsys.readouterr().out.count("not attempted") == 2
