"""The output check that runs with nbval (notebooks/conftest.py) catches what a learner should not see.

``make test`` executes every notebook under nbval once; ``notebooks/conftest.py`` reads
the outputs nbval collected for each cell and fails the cell on stderr output (library
logs, warnings, C-level writes) or a stray ``True``/``False``. Here that hook runs on
the deliberately noisy ``tests/fixtures/noisy_outputs.ipynb`` and must fail exactly the
noisy cells, naming the notebook, the cell and the text.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HOOK = REPO / "notebooks" / "conftest.py"
FIXTURE = REPO / "tests" / "fixtures" / "noisy_outputs.ipynb"


@pytest.fixture(scope="module")
def hook():
    spec = importlib.util.spec_from_file_location("notebook_output_hook", HOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stream(name, text):
    return {"output_type": "stream", "name": name, "text": text}


def _result(text):
    return {"output_type": "execute_result", "data": {"text/plain": text}, "metadata": {}}


def test_stderr_and_stray_flags_are_found_stdout_and_values_are_not(hook):
    outputs = [_stream("stdout", "hello\n"), _stream("stderr", "W0000 oneDNN\n\n"), _result("False"), _result("42")]
    assert hook.unexpected_output("x.ipynb", outputs) == [
        "stderr: W0000 oneDNN", "stray value: False (end the line with ';' or print a sentence)"]
    assert hook.unexpected_output("x.ipynb", [_stream("stdout", "x"), _result("array([True])")]) == []


def test_the_allow_list_is_explicit_and_per_notebook(hook, monkeypatch):
    assert hook.ALLOWED_STDERR == {}, "no chapter is expected to write to stderr"
    monkeypatch.setitem(hook.ALLOWED_STDERR, "x.ipynb", [r"^expected: "])
    outputs = [_stream("stderr", "expected: this one\nbut not this one\n")]
    assert hook.unexpected_output("x.ipynb", outputs) == ["stderr: but not this one"]
    assert len(hook.unexpected_output("y.ipynb", outputs)) == 2


def test_the_noisy_fixture_notebook_fails_cell_by_cell(tmp_path):
    shutil.copy(HOOK, tmp_path / "conftest.py")
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist", "--nbval-lax", "-q",
         f"--rootdir={tmp_path}", "-o", "addopts=", FIXTURE.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env,
    )
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "5 failed, 2 passed" in out, out
    failed = sorted(line.split("::")[1].split(" - ")[0] for line in out.splitlines() if line.startswith("FAILED"))
    assert failed == ["Cell 1", "Cell 2", "Cell 3", "Cell 4", "Cell 5"], out
    for text in ("noisy_outputs.ipynb, code cell 1 (id noisy-2) showed output a learner should not see",
                 "stderr: a stray message on sys.stderr",
                 "UserWarning: a warning the learner did not cause",
                 "stderr: C library chatter written to file descriptor 2",  # C-level: seen as in JupyterLab
                 "stderr: 5 out of the last 5 calls triggered retracing",
                 "stray value: True"):
        assert text in out, f"{text!r} not reported:\n{out}"
