"""Fixtures for the real-browser tests: one JupyterLab server and one Chromium per module.

Knobs (environment variables), all optional:

- ``DLNOTES_BROWSER_TIMEOUT``       seconds a notebook may take to run all cells (default 300)
- ``DLNOTES_BROWSER_MOVES``         moves per control and explorer (default 1; ``make bench`` uses more)
- ``DLNOTES_BROWSER_MOVE_TIMEOUT``  seconds to wait for a figure to change after a move (default 60)
- ``DLNOTES_BROWSER_EXPLORER_BUDGET`` seconds of moves per explorer before the rest are skipped (default 10)
- ``DLNOTES_BROWSER_ARTIFACTS``     folder for screenshots and the explorers' contact sheet (default ``test-artifacts/``)
- ``DLNOTES_BROWSER_RESULTS``       latency JSON (default ``benchmarks/results/browser_latency.json``)
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import time
from pathlib import Path

import pytest

import labdriver
from browser_run import CONTACT_SHEET, MOVES, RECORD, REPO, RESULTS, SCREENSHOTS


def pytest_generate_tests(metafunc):
    """Each browser test module runs its own ``NOTEBOOKS``: one ``notebook_run`` per notebook."""
    if "notebook_run" in metafunc.fixturenames:
        notebooks = metafunc.module.NOTEBOOKS
        metafunc.parametrize("notebook_run", notebooks, indirect=True, scope="module",
                             ids=[labdriver._name(p) for p in notebooks])


def _skip_reason() -> str | None:
    if not labdriver.CHROMIUM.exists():
        return (f"Chromium not found at {labdriver.CHROMIUM}: install it with "
                "`apt-get install -y chromium` (.ci/run does) to run the real-browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (it is in the [test] extra)"
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab as `make lab` starts it (localhost, free port, token on), on a copy of the notebooks."""
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    RECORD.used = True
    RECORD.t0 = time.perf_counter()
    server = labdriver.LabServer(
        tmp_path_factory.mktemp("jupyterlab"),
        {"notebooks": REPO / "notebooks", "fixtures": REPO / "tests" / "fixtures"},
    ).start()
    yield server
    server.stop()
    RECORD.wall_s += time.perf_counter() - RECORD.t0


@pytest.fixture(scope="module")
def browser_context(lab):
    """One headless Chromium page context, shared by every notebook in the module."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = labdriver.launch_chromium(pw)
    RECORD.chromium = browser.version
    context = browser.new_context(viewport=labdriver.VIEWPORT)
    context.set_default_timeout(60_000)
    yield context
    context.close()
    browser.close()
    pw.stop()


@pytest.fixture(scope="module")
def lab_page(lab, browser_context):
    """The JupyterLab page the notebooks are opened in, one after the other."""
    page = labdriver.LabPage(browser_context, lab)
    yield page
    page.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder the screenshots go to (reported at the end of the run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def pytest_sessionfinish(session, exitstatus):
    if not RECORD.used or not (RECORD.notebooks or RECORD.explorers):
        return
    if RECORD.explorers:
        # This run's screenshots replace their own tiles; explorers of notebooks not run keep theirs.
        RECORD.contact_sheet = labdriver.contact_sheet(sorted((SCREENSHOTS / "explorers").glob("*.png")),
                                                       CONTACT_SHEET)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    for row in RECORD.notebooks + RECORD.explorers:
        row.setdefault("measured", now)
    # A run of a few notebooks (-k 03_) keeps the other notebooks' rows from the last run.
    ran = {r["notebook"] for r in RECORD.notebooks}
    existing = {labdriver.record_name(p) for p in [*(REPO / "notebooks").glob("*.ipynb"),
                                                    *(REPO / "notebooks" / "zh").glob("*.ipynb")]}
    kept_nb, kept_ex, old = [], [], {}
    try:
        old = json.loads(RESULTS.read_text())
        kept_nb = [r for r in old.get("notebooks", []) if r["notebook"] not in ran and r["notebook"] in existing]
        kept_ex = [r for r in old.get("explorers", []) if r["notebook"] not in ran and r["notebook"] in existing]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    order = lambda r: (r["notebook"], r.get("index", 0))  # noqa: E731
    payload = {
        "generated": now,
        "kept_from_earlier_runs": sorted({r["notebook"] for r in kept_nb}),
        "smoke": os.environ.get("DLNOTES_SMOKE", ""),
        "chromium": RECORD.chromium,
        "machine": platform.node(),
        "moves_per_control": MOVES,
        "suite_wall_s": round(RECORD.wall_s, 1),  # of this run only
        "notebooks": sorted(RECORD.notebooks + kept_nb, key=order),
        "explorers": sorted(RECORD.explorers + kept_ex, key=order),
        "playing": RECORD.playing or (old.get("playing", []) if "04_backprop.ipynb" not in ran else []),
    }
    RESULTS.write_text(json.dumps(payload, indent=1))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not RECORD.used:
        return
    tr = terminalreporter
    tr.section("real-browser tests (JupyterLab + Chromium)")
    tr.write_line(f"screenshots: {SCREENSHOTS}")
    if RECORD.contact_sheet:
        tr.write_line(f"every explorer on one page: {RECORD.contact_sheet}")
    tr.write_line(f"browser suite wall time: {RECORD.wall_s:.1f} s  (Chromium {RECORD.chromium})")
    for nb in RECORD.notebooks:
        tr.write_line(f"  {nb['notebook']:<32} open {nb['open_s']:6.1f} s   run all {nb['run_all_s']:6.1f} s"
                      f"   screenshot {nb.get('screenshot_s', 0):5.1f} s   failures {len(nb['failures'])}")
    if RECORD.explorers:
        tr.write_line("explorer latency, input (drag, key, click) -> new image (ms):")
        for ex in RECORD.explorers:
            med = "-" if ex["median_ms"] is None else f"{ex['median_ms']:.0f}"
            p95 = "-" if ex["p95_ms"] is None else f"{ex['p95_ms']:.0f}"
            tr.write_line(f"  {ex['notebook'] + '#' + str(ex['index']) + ' ' + ex['factory']:<48}"
                          f" median {med:>6}  p95 {p95:>6}  n={ex['samples']}"
                          + (f"  status-only {ex['status_only']}" if ex.get("status_only") else "")
                          + (f"  not moved (time budget): {len(ex['skipped_for_time'])}"
                             if ex.get("skipped_for_time") else ""))
    for row in RECORD.playing:
        k = row.get("kernel", {})
        tr.write_line(f"  playing {row['config']:<28} {row['fps']:5.1f} frames/s in the browser "
                      f"(median frame {row['median_frame_ms']} ms; kernel per frame: "
                      + ", ".join(f"{key[:-3]} {v:.1f}" for key, v in k.items() if key.endswith("_ms")) + " ms)")
    if RECORD.notebooks or RECORD.explorers:
        tr.write_line(f"latencies written to {RESULTS}")
