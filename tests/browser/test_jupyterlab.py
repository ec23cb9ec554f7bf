"""Every notebook, run as a learner runs it: in JupyterLab, in Chromium, with the mouse and keys.

nbval executes notebooks without a front-end: no slider is ever moved and a widget that
cannot render still passes. Here each notebook in ``notebooks/`` (found at collection
time) is opened in a real JupyterLab, run with Run > Run All Cells, and checked for a
kernel-selection dialog, error outputs and widgets that did not render; then every
enabled control of every explorer on the page is moved with the mouse and its figure or
status must change, and each explorer must look as the collection promises: controls
beside the figure, the figure at its natural size while dragging, no label cut off.
Screenshots of every explorer and one contact sheet of them all go to ``test-artifacts/``.

The fixtures in ``tests/fixtures/`` are broken on purpose; the last tests show that
each kind of breakage is detected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import labdriver
from browser_run import EXPLORER_BUDGET, MOVE_TIMEOUT, MOVES, NOTEBOOK_TIMEOUT, RECORD, REPO

__all__ = [  # what the other browser modules take (``from test_jupyterlab import *``): the checks of one notebook
    "explorer_checks", "notebook_run", "test_every_explorer_redraws_when_its_controls_move",
    "test_every_explorer_shows_its_figure_beside_the_controls_at_natural_size", "test_every_widget_renders",
    "test_notebook_opens_with_its_kernel_and_no_dialog", "test_run_all_cells_finishes_without_errors",
]

NOTEBOOKS = [p for p in sorted((REPO / "notebooks").glob("*.ipynb")) if p.name < "06"]
"""The notebooks this module runs: chapters 00-05 (conftest.py parametrizes ``notebook_run`` with
them). The same tests run chapters 06-11 in test_jupyterlab_en_06_11.py and the Chinese edition in
test_jupyterlab_zh_*.py: four modules of about the same length, so that pytest-xdist keeps both
test workers busy."""

OPEN_KINDS = {"kernel-dialog", "kernel-mismatch", "dialog", "open-timeout"}
WIDGET_KINDS = {"widget-error", "widget-empty", "widget-as-text"}


def _fmt(failures) -> str:
    return "\n".join(f"  - {f}" for f in failures)


@pytest.fixture(scope="module")
def notebook_run(request, lab, lab_page, screenshots):
    """One notebook opened and run through Run > Run All Cells (its page stays open for the checks)."""
    path = str(request.param.relative_to(REPO))
    run = labdriver.run_notebook(lab_page, path, timeout=NOTEBOOK_TIMEOUT,
                                 screenshot_dir=screenshots)
    RECORD.notebooks.append({
        "notebook": labdriver.record_name(request.param), "open_s": round(run.open_s, 2), "run_all_s": round(run.run_s, 2),
        "screenshot_s": round(run.shot_s, 2),
        "failures": [str(f) for f in run.failures],
        "screenshot": str(run.screenshot) if run.screenshot else None,
    })
    yield run
    run.close()
    lab.shutdown_kernels()


def test_notebook_opens_with_its_kernel_and_no_dialog(notebook_run):
    bad = [f for f in notebook_run.failures if f.kind in OPEN_KINDS]
    assert not bad, f"{notebook_run.path} did not open cleanly:\n{_fmt(bad)}"


def test_run_all_cells_finishes_without_errors(notebook_run):
    bad = [f for f in notebook_run.failures if f.kind not in OPEN_KINDS | WIDGET_KINDS]
    assert not bad, (f"{notebook_run.path}: Run All Cells went wrong in the browser "
                     f"(screenshot {notebook_run.screenshot}):\n{_fmt(bad)}")


def test_every_widget_renders(notebook_run):
    bad = [f for f in notebook_run.failures if f.kind in WIDGET_KINDS]
    assert not bad, (f"{notebook_run.path}: widgets did not render "
                     f"(screenshot {notebook_run.screenshot}):\n{_fmt(bad)}")


@pytest.fixture(scope="module")
def explorer_checks(request, notebook_run, screenshots):
    """Every explorer of the notebook measured and moved once (shared by the two tests below)."""
    blocking = {"kernel-dialog", "dialog", "open-timeout", "timeout", "kernel-dead"}
    if notebook_run.kinds() & blocking:
        pytest.skip(f"{notebook_run.path} did not run, so its explorers cannot be moved "
                    "(reported by the tests above)")
    checks = labdriver.exercise_explorers(
        notebook_run.page, notebook_run.path, moves_per_control=MOVES,
        move_timeout=MOVE_TIMEOUT, budget_s=getattr(request.module, "EXPLORER_BUDGET", EXPLORER_BUDGET), screenshot_dir=screenshots / "explorers",
    )
    RECORD.explorers += [c.as_dict() for c in checks]
    if not checks:
        pytest.skip(f"{notebook_run.path} shows no dlnotes explorer")
    return checks


def test_every_explorer_redraws_when_its_controls_move(explorer_checks, notebook_run):
    """Each enabled control, dragged or switched with the mouse, changes the figure or the status line."""
    bad = [f for c in explorer_checks for f in c.moving_failures()]
    unmoved = [c.name for c in explorer_checks if not c.moves]
    assert not bad, f"{notebook_run.path}: explorers did not respond:\n{_fmt(bad)}"
    assert not unmoved, f"{notebook_run.path}: explorers without a control the test could move: {unmoved}"


def test_every_explorer_shows_its_figure_beside_the_controls_at_natural_size(explorer_checks, notebook_run):
    """At 1280x900 with the file browser open: figure beside the controls, at its natural size while
    dragging, no label cut off, slider tracks long enough for the mouse."""
    assert all(c.layout.get("file_browser_open") for c in explorer_checks), "the test expects the file browser open"
    bad = [f for c in explorer_checks for f in c.look_failures()]
    shots = [str(c.screenshot) for c in explorer_checks if c.screenshot]
    assert not bad, f"{notebook_run.path}: explorers look wrong (screenshots {shots}):\n{_fmt(bad)}"


PLAY_CONFIGS = {
    "circle (default)": "{}",
    "spiral, 4x8 ReLU": "{'dataset': 'spiral', 'hidden_layers': 4, 'neurons': 8, 'activation': 'relu'}",
}
_FIND = ("import gc, json, statistics as _st\n"
         "_pg = [o for o in gc.get_objects() if type(o).__name__ == 'Playground' and not getattr(o, 'closed', False)][-1]\n")


def test_playground_plays_and_its_frame_rate_is_recorded(notebook_run):
    """Press play on chapter 04's playground (the whole network picture drawn) and count frames.

    The frame rate is recorded (benchmarks/results/browser_latency.json, "playing") with the
    kernel's per-frame cost, not asserted: speed is measured, not tested (a shared machine).
    """
    if notebook_run.path != "notebooks/04_backprop.ipynb":
        pytest.skip("the playground is in chapter 04 (its frame rate is measured once, in English)")
    if notebook_run.kinds() & {"kernel-dialog", "dialog", "open-timeout", "timeout", "kernel-dead"}:
        pytest.skip(f"{notebook_run.path} did not run")
    page = notebook_run.page
    explorers = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .dlnotes-explorer")
    playground = explorers.filter(has=page.locator(".widget-play")).first
    playground.scroll_into_view_if_needed()
    for name, settings in PLAY_CONFIGS.items():
        setup = (_FIND + "from dlnotes.explorers.playground import DEFAULTS\n"
                 f"_pg.set(**{{**DEFAULTS, **{settings}}}); _pg.buttons['reset'].click(); _pg.frame_costs.clear()\n"
                 "print('ready', _pg.error)")
        report = (_FIND + "_c = list(_pg.frame_costs)\n"
                  "print(json.dumps({k: round(_st.median(f[k] for f in _c), 2) for k in (_c[0] if _c else {})}"
                  " | {'kernel_frames': len(_c), 'error': _pg.error}))")
        row = labdriver.measure_playing(page, playground, setup, report)
        row["config"] = name
        RECORD.playing.append(row)
        assert row["frames"] > 3, f"the playground did not animate for {name}: {row}"
        assert row["frames_after_pause"] == 0, f"the playground went on drawing after pause for {name}: {row}"
        assert row["kernel"].get("error") is None, row


# --------------------------------------------------------------------------- broken on purpose
def _run_fixture(lab_page, screenshots, name, timeout=90):
    return labdriver.run_notebook(lab_page, f"fixtures/{name}", timeout=timeout,
                                  screenshot_dir=screenshots / "fixtures")


def test_wrong_kernelspec_is_reported_as_a_kernel_dialog(lab, lab_page, screenshots):
    run = _run_fixture(lab_page, screenshots, "broken_kernelspec.ipynb")
    try:
        assert "kernel-dialog" in run.kinds(), f"not detected; found: {run.failures}"
    finally:
        run.close()
        lab.shutdown_kernels()


def test_unknown_kernelspec_silently_replaced_is_reported(lab, lab_page, screenshots):
    # With language_info "python", JupyterLab starts the only Python kernel without asking.
    run = _run_fixture(lab_page, screenshots, "wrong_kernelspec_same_language.ipynb")
    try:
        assert "kernel-mismatch" in run.kinds(), f"not detected; found: {run.failures}"
    finally:
        run.close()
        lab.shutdown_kernels()


def test_missing_widget_model_closed_widget_and_error_are_reported(lab, lab_page, screenshots):
    run = _run_fixture(lab_page, screenshots, "broken_widget.ipynb")
    try:
        kinds = run.kinds()
        assert "widget-error" in kinds, f"missing widget model not detected; found: {run.failures}"
        assert "widget-as-text" in kinds, f"closed widget not detected; found: {run.failures}"
        assert "error-output" in kinds, f"ZeroDivisionError not detected; found: {run.failures}"
        assert not kinds & OPEN_KINDS, f"the fixture itself should open fine: {run.failures}"
    finally:
        run.close()
        lab.shutdown_kernels()


def test_explorer_whose_figure_never_changes_is_reported(lab, lab_page, screenshots):
    run = _run_fixture(lab_page, screenshots, "frozen_explorer.ipynb")
    try:
        assert not run.failures, f"the fixture should run cleanly: {run.failures}"
        checks = labdriver.exercise_explorers(run.page, run.path, move_timeout=5,
                                              screenshot_dir=screenshots / "fixtures")
        assert len(checks) == 1, f"expected one explorer on the page, found {len(checks)}"
        kinds = {f.kind for f in checks[0].moving_failures()}
        assert kinds == {"explorer-unchanged"}, f"frozen figure not detected: {checks[0].failures}"
        assert not checks[0].look_failures(), f"the fixture itself should look right: {checks[0].look_failures()}"
    finally:
        run.close()
        lab.shutdown_kernels()
