"""Drive a real JupyterLab in Chromium the way a learner does, and report what went wrong.

Three pieces, used by ``conftest.py`` / ``test_jupyterlab.py`` and by ``make bench``:

- :class:`LabServer` starts ``jupyter lab`` as ``make lab`` does (localhost, a free port,
  token authentication on, no browser) on a *copy* of the notebooks, so nothing the
  browser does can ever write outputs back into the repository;
- :func:`run_notebook` opens one notebook, runs every cell through the Run menu and
  returns a :class:`NotebookRun` whose ``failures`` list every problem found: a
  kernel-selection dialog, an error output, a cell left unexecuted, a widget that did
  not render;
- :func:`exercise_explorers` drags every slider handle with the mouse and moves every
  dropdown, toggle and tick box of each ``dlnotes`` explorer on the page, checks that its
  figure or status changed and that the figure kept its size, timing input -> new image;
  it also checks the look: controls beside the figure, the figure at its natural size,
  no label cut off, slider tracks long enough for the mouse;
- :func:`contact_sheet` puts the explorers' screenshots on one page for a reviewer.

The checking functions never assert: they return failures, so a test can require
"no failures" for the course notebooks and "these failures" for the broken fixtures.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = Path(os.environ.get("DLNOTES_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--mute-audio",
]
VIEWPORT = {"width": 1280, "height": 900}

# JupyterLab settings for the test server only (a private settings folder):
# render every cell (no virtual scrolling, so every output is in the DOM), never
# autosave (the copy is thrown away anyway), no news / update toasts over the page.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}

WIDGET_ERROR_TEXTS = ("Error displaying widget", "Error creating widget", "model not found")
WIDGET_LOADING_TEXT = "Loading widget..."
WIDGET_SETTLE_S = 10.0  # a widget still "Loading widget..." this long after the run never renders


# --------------------------------------------------------------------------- server

def _name(path) -> str:
    """A notebook's name in screenshot files and test ids: its stem, with ``zh-`` for the Chinese edition."""
    path = Path(path)
    return f"zh-{path.stem}" if path.parent.name == "zh" else path.stem


def record_name(path) -> str:
    """A notebook's name in the latency results: ``01_perceptron.ipynb`` or ``zh/01_perceptron.ipynb``."""
    path = Path(path)
    return f"zh/{path.name}" if path.parent.name == "zh" else path.name

def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """``jupyter lab`` on 127.0.0.1 with a random token, serving a copy of ``sources``.

    ``sources`` maps a folder name inside the served root to a folder to copy
    (``{"notebooks": repo/"notebooks", "fixtures": repo/"tests/fixtures"}``).
    """

    def __init__(self, workdir: Path, sources: dict[str, Path], *, jupyter: str | None = None):
        self.workdir = Path(workdir)
        self.root = self.workdir / "root"
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.jupyter = jupyter or str(Path(sys.executable).with_name("jupyter"))
        self.proc: subprocess.Popen | None = None
        self.log_path = self.workdir / "jupyter-lab.log"
        self.root.mkdir(parents=True, exist_ok=True)
        for name, src in sources.items():
            if Path(src).is_dir():
                shutil.copytree(src, self.root / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        settings = self.workdir / "settings"
        for plugin, values in LAB_SETTINGS.items():
            f = settings / f"{plugin}.jupyterlab-settings"
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(json.dumps(values))

    def start(self, timeout: float = 120.0) -> "LabServer":
        """Start the server and wait until ``/api/status`` answers (with the token)."""
        cmd = [
            self.jupyter, "lab",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--no-browser",
            f"--ServerApp.root_dir={self.root}",
            f"--IdentityProvider.token={self.token}",
            f"--LabApp.user_settings_dir={self.workdir / 'settings'}",
            f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
            # window.jupyterapp: lets the checks read the notebook model (output types,
            # kernel status) instead of guessing from pixels.
            "--LabApp.expose_app_in_browser=True",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # as `make lab` does for root (CI containers)
        env = dict(os.environ, BROWSER="true",
                   JUPYTER_CONFIG_DIR=str(self.workdir / "config"),
                   JUPYTER_RUNTIME_DIR=str(self.workdir / "runtime"))
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{self.log_tail()}")
            try:
                if self.api("GET", "/api/status", timeout=2) is not None:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 10):
        """One authenticated REST call; returns the decoded JSON (or None for no body)."""
        req = urllib.request.Request(self.base + path, method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else {}

    def shutdown_kernels(self) -> None:
        """Stop every session and kernel (between notebooks: frees the kernel's memory)."""
        try:
            for s in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{s['id']}")
            for k in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{k['id']}")
        except (OSError, urllib.error.URLError, ValueError):
            pass

    def url(self, path: str, workspace: str) -> str:
        """The address that opens ``path`` (relative to the served root) in its own workspace."""
        ws = re.sub(r"[^A-Za-z0-9_-]", "-", workspace)
        return f"{self.base}/lab/workspaces/{ws}/tree/{path}?token={self.token}"

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self) -> None:
        """Stop the server (SIGTERM to its process group, SIGKILL after 10 s)."""
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if getattr(self, "_log", None):
            self._log.close()


def launch_chromium(playwright):
    """Debian's Chromium, headless, through Playwright (its own download is not used)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


# --------------------------------------------------------------------------- notebook
@dataclass
class Failure:
    """One thing a learner would see go wrong: ``kind`` is a short tag, ``detail`` says where."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.detail}"


class LabPage:
    """One JupyterLab page, reused for notebook after notebook (loading JupyterLab costs seconds).

    The first notebook (and the next one after any trouble) is opened by its
    ``/lab/tree/...`` address in a fresh page; later ones as a double-click in the file
    browser does (``docmanager:open``). Closed notebooks are discarded, never saved.
    """

    def __init__(self, context, server: LabServer):
        self.context, self.server = context, server
        self.page = None
        self.pages_opened = 0
        self.console: list[str] = []

    def open(self, path: str):
        if self.page is None or self.page.is_closed():
            self.pages_opened += 1
            self.page = self.context.new_page()
            self.page.on("console", lambda m: self.console.append(m.text[:300]) if m.type == "error" else None)
            self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {str(e)[:300]}"))
            self.page.goto(self.server.url(path, f"{Path(path).stem}-{self.pages_opened}"),
                           wait_until="domcontentloaded", timeout=60_000)
        else:
            self.page.evaluate("p => { window.jupyterapp.commands.execute('docmanager:open', {path: p}); }", path)
        return self.page

    def close_notebook(self, path: str, *, discard_page: bool = False) -> None:
        """Close ``path`` without saving; drop the whole page after trouble (dialogs, timeouts)."""
        if self.page is None:
            return
        if not discard_page:
            try:
                self.page.evaluate("""p => { const app = window.jupyterapp;
                    for (const w of Array.from(app.shell.widgets('main'))) {
                      if (w.context && w.context.path === p) { w.context.model.dirty = false; w.dispose(); } } }""",
                                   path)
                return
            except Exception:  # noqa: BLE001 - fall through: start afresh
                pass
        self.close()

    def close(self) -> None:
        if self.page is not None:
            try:
                self.page.close()
            except Exception:  # noqa: BLE001 - the browser may be gone already
                pass
            self.page = None


@dataclass
class NotebookRun:
    """What happened when one notebook was opened and run in the page."""

    path: str
    lab: LabPage | None = None
    page: object = None
    failures: list[Failure] = field(default_factory=list)
    open_s: float = float("nan")
    run_s: float = float("nan")
    shot_s: float = 0.0
    cells: list[dict] = field(default_factory=list)
    screenshot: Path | None = None
    console_errors: list[str] = field(default_factory=list)

    def kinds(self) -> set[str]:
        return {f.kind for f in self.failures}

    def close(self) -> None:
        """Close the notebook (its page too when something went wrong with the page itself)."""
        if self.lab is not None and self.page is not None:
            trouble = self.kinds() & {"kernel-dialog", "dialog", "open-timeout", "timeout", "kernel-dead"}
            self.lab.close_notebook(self.path, discard_page=bool(trouble))
        self.page = None


_JS_STATE = """() => {
  const app = window.jupyterapp;
  if (!app) return {ready: false};
  const dialogs = Array.from(document.querySelectorAll('.jp-Dialog')).map(d => d.innerText.trim());
  const panel = app.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.content || !panel.content.model) return {ready: false, dialogs};
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = [];
  const widgets = panel.content.widgets;
  for (let i = 0; i < widgets.length; i++) {
    const cell = widgets[i], model = cell.model;
    if (model.type !== 'code') continue;
    const src = model.sharedModel.getSource();
    const prompt = cell.node.querySelector('.jp-InputArea-prompt');
    const outs = [];
    for (let j = 0; j < model.outputs.length; j++) {
      const o = model.outputs.get(j);
      const raw = o.toJSON();
      const child = cell.outputArea ? cell.outputArea.widgets[j] : null;
      const node = child ? child.node.querySelector('.jp-OutputArea-output') : null;
      outs.push({
        type: o.type,
        mimes: Object.keys(o.data || {}),
        ename: raw.ename || null, evalue: raw.evalue || null,
        plain: (o.data && typeof o.data['text/plain'] === 'string') ? o.data['text/plain'].slice(0, 300) : null,
        text: node ? node.innerText.slice(0, 2000) : null,
        empty: node ? (node.childElementCount === 0 && node.innerText.trim() === '') : null,
        widgetError: node ? node.querySelectorAll('.jupyter-widgets-error-widget, .widget-error').length : 0,
      });
    }
    cells.push({index: i, count: model.executionCount, prompt: prompt ? prompt.innerText.trim() : '',
                src: src.slice(0, 400), empty: src.trim() === '', outputs: outs});
  }
  return {ready: true, path: panel.context.path, kernel: kernel ? kernel.status : null,
          kernelSpec: kernel ? kernel.name : null,
          kernelName: panel.sessionContext.kernelDisplayName, dialogs, cells};
}"""


def _widget_class_names() -> set[str]:
    import ipywidgets

    names = set()
    for name in dir(ipywidgets):
        obj = getattr(ipywidgets, name)
        if isinstance(obj, type) and issubclass(obj, ipywidgets.Widget):
            names.add(obj.__name__)
    return names


_WIDGET_REPR = None


def _is_widget_repr(text: str | None) -> bool:
    """True for the text/plain fallback of a widget (``IntSlider(value=0)``, ``HBox(children=...``)."""
    global _WIDGET_REPR
    if not text:
        return False
    if _WIDGET_REPR is None:
        names = sorted(_widget_class_names(), key=len, reverse=True)
        _WIDGET_REPR = re.compile(r"^(%s)\(" % "|".join(map(re.escape, names)))
    return bool(_WIDGET_REPR.match(text.strip()))


def _state(page) -> dict:
    return page.evaluate(_JS_STATE)


def _first_line(src: str) -> str:
    return (src.strip().splitlines() or [""])[0][:80]


def inspect_outputs(state: dict) -> list[Failure]:
    """Failures visible in the outputs of an executed notebook (error outputs, broken widgets)."""
    fails = []
    for cell in state.get("cells", []):
        where = f"cell {cell['index']} ({_first_line(cell['src'])!r})"
        for out in cell["outputs"]:
            text = out.get("text") or ""
            if out["type"] == "error":
                fails.append(Failure("error-output", f"{where}: {out['ename']}: {out['evalue']}"))
            elif out["type"] == "stream" and "Traceback (most recent call last)" in text:
                fails.append(Failure("traceback-text", f"{where}: a traceback was printed:\n{text[-600:]}"))
            if any(t in text for t in WIDGET_ERROR_TEXTS) or out.get("widgetError"):
                fails.append(Failure("widget-error", f"{where}: {text.strip()[:300]!r}"))
            elif text.strip().startswith(WIDGET_LOADING_TEXT):
                fails.append(Failure("widget-error", f"{where}: still {WIDGET_LOADING_TEXT!r} "
                                     f"{WIDGET_SETTLE_S:.0f} s after the run (its model never arrived)"))
            elif "application/vnd.jupyter.widget-view+json" in out["mimes"] and out.get("empty"):
                fails.append(Failure("widget-empty", f"{where}: a widget output rendered nothing"))
            elif out["type"] in ("display_data", "execute_result") and out["mimes"] == ["text/plain"] \
                    and _is_widget_repr(out.get("plain")):
                fails.append(Failure("widget-as-text", f"{where}: a widget was shown as text "
                                     f"{out['plain'][:120]!r} (closed widget or no widget front-end)"))
    return fails


def run_notebook(lab: LabPage, path: str, *, timeout: float = 300.0,
                 screenshot_dir: Path | None = None) -> NotebookRun:
    """Open ``path`` (relative to the served root), run all cells via the Run menu, check it.

    Returns a :class:`NotebookRun` with its page still open (for the explorer checks);
    call ``close()`` when done. Never raises for a problem in the notebook.
    """
    run = NotebookRun(path, lab=lab)
    n_console = len(lab.console)
    t0 = time.perf_counter()
    page = run.page = lab.open(path)
    server = lab.server

    # 1. The notebook opens and its kernel starts -- or a kernel-selection dialog appears.
    opened = _poll(page, lambda s: s.get("dialogs") or (s.get("ready") and s.get("kernel") == "idle"
                                                          and s.get("path") == path), timeout=90)
    run.open_s = time.perf_counter() - t0
    if opened is None:
        st = _safe_state(page)
        run.failures.append(Failure("open-timeout", f"{path}: kernel not idle after 90 s "
                                    f"(kernel={st.get('kernel')!r}, ready={st.get('ready')})"))
        _shoot(run, screenshot_dir)
        return run
    if opened.get("dialogs"):
        run.failures.append(Failure("kernel-dialog", f"{path}: a dialog asked the learner: "
                                    f"{opened['dialogs'][0][:200]!r} -- is the kernelspec 'python3'?"))
        _shoot(run, screenshot_dir)
        page.keyboard.press("Escape")
        return run

    # JupyterLab silently falls back to the one kernel of the notebook's language when the
    # kernelspec is unknown (console: "No exact match found"); the file is still wrong.
    wanted = _saved_kernelspec(server.root / path)
    if wanted != opened.get("kernelSpec"):
        run.failures.append(Failure("kernel-mismatch", f"{path}: the notebook asks for kernelspec "
                                    f"{wanted!r}, JupyterLab started {opened.get('kernelSpec')!r}"))

    # 2. Run > Run All Cells, as a learner would.
    page.locator(".lm-MenuBar-itemLabel").filter(has_text=re.compile(r"^Run$")).first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(r"^Run All Cells$")).first.click()
    t1 = time.perf_counter()

    def finished(s):
        if not s.get("ready") or s.get("dialogs"):
            return bool(s.get("dialogs"))
        if s.get("kernel") in ("dead", "unknown"):
            return True
        if s.get("kernel") != "idle" or any("*" in c["prompt"] for c in s["cells"]):
            return False
        errored = any(o["type"] == "error" for c in s["cells"] for o in c["outputs"])
        return errored or all(c["count"] is not None for c in s["cells"] if not c["empty"])

    done = _poll(page, finished, timeout=timeout, stable=2)
    run.run_s = time.perf_counter() - t1
    state = done or _safe_state(page)
    run.cells = state.get("cells", [])
    if done is None:
        running = [c for c in run.cells if "*" in c["prompt"]]
        at = f"cell {running[0]['index']} ({_first_line(running[0]['src'])!r})" if running else "?"
        run.failures.append(Failure("timeout", f"{path}: not finished after {timeout:.0f} s; running {at}"))
    if state.get("dialogs"):
        run.failures.append(Failure("dialog", f"{path}: {state['dialogs'][0][:200]!r}"))
    if state.get("kernel") in ("dead", "unknown"):
        run.failures.append(Failure("kernel-dead", f"{path}: the kernel died (out of memory?)"))
    run.failures += [f for f in inspect_outputs(state) if not f.kind.startswith("widget")]
    if done is not None and not any(f.kind == "error-output" for f in run.failures):
        skipped = [c for c in run.cells if not c["empty"] and c["count"] is None]
        for c in skipped:
            run.failures.append(Failure("not-executed", f"cell {c['index']} ({_first_line(c['src'])!r}) never ran"))
    # Widgets render asynchronously: give "Loading widget..." outputs time to settle, then look again.
    _poll(page, lambda s: not any((o.get("text") or "").strip().startswith(WIDGET_LOADING_TEXT)
                                  for c in s.get("cells", []) for o in c["outputs"]), timeout=WIDGET_SETTLE_S)
    run.failures += [f for f in inspect_outputs(_safe_state(page)) if f.kind.startswith("widget")]
    t_shot = time.perf_counter()
    _shoot(run, screenshot_dir)
    run.shot_s = time.perf_counter() - t_shot
    run.console_errors = lab.console[n_console:]
    return run


def _saved_kernelspec(file: Path) -> str | None:
    try:
        return json.loads(Path(file).read_text())["metadata"]["kernelspec"]["name"]
    except (OSError, KeyError, TypeError, ValueError):
        return None


def _safe_state(page) -> dict:
    try:
        return _state(page)
    except Exception:  # noqa: BLE001
        return {}


def _poll(page, predicate, *, timeout: float, interval: float = 0.4, stable: int = 1):
    """Poll the page state until ``predicate`` holds ``stable`` times in a row; the state or None."""
    deadline = time.monotonic() + timeout
    hits = 0
    while time.monotonic() < deadline:
        s = _safe_state(page)
        if predicate(s):
            hits += 1
            if hits >= stable:
                return s
        else:
            hits = 0
        page.wait_for_timeout(int(interval * 1000))
    return None


def _shoot(run: NotebookRun, folder: Path | None) -> None:
    """Screenshot the whole notebook: the viewport is made as tall as the notebook for a moment."""
    if folder is None or run.page is None:
        return
    page = run.page
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{_name(run.path)}.png"
    try:
        height = page.evaluate("""() => { const o = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
            return o ? o.scrollHeight : 0; }""")
        tall = int(min(max(VIEWPORT["height"], height + 200), 16000))
        page.set_viewport_size({"width": VIEWPORT["width"], "height": tall})
        page.wait_for_timeout(200)
        # Run All leaves the notebook scrolled to its end: show it from the top.
        page.evaluate("""() => { const o = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer'); if (o) o.scrollTop = 0; }""")
        page.wait_for_timeout(300)
        page.screenshot(path=str(target))
        page.set_viewport_size(VIEWPORT)
        run.screenshot = target
    except Exception as exc:  # noqa: BLE001 - a screenshot must never hide the real result
        run.console_errors.append(f"screenshot failed: {exc}")


# --------------------------------------------------------------------------- explorers
@dataclass
class Move:
    """One control moved: what, how, and how long until the figure changed (None: it did not)."""

    control: str
    kind: str
    action: str
    ms: float | None
    response: str | None = None  # "image": the figure changed; "status": only the status line did;
    # "image after 'step'": the figure changed once the explorer's button was pressed
    sizes: list = field(default_factory=list)  # the figure's rendered (width, height) during and after the move


@dataclass
class ExplorerCheck:
    """The result of moving the controls of one explorer."""

    notebook: str
    index: int
    factory: str
    cell: int
    moves: list[Move] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    inactive: list[str] = field(default_factory=list)  # disabled when their turn came (no effect then)
    failures: list[Failure] = field(default_factory=list)
    screenshot: Path | None = None
    layout: dict = field(default_factory=dict)  # geometry measured before any move (see _JS_GEOMETRY)

    @property
    def name(self) -> str:
        return f"{_name(self.notebook)}#{self.index} {self.factory}"

    def moving_failures(self) -> list[Failure]:
        """Controls that changed nothing, broken images."""
        return [f for f in self.failures if f.kind not in LOOK_KINDS]

    def look_failures(self) -> list[Failure]:
        """Layout, size and label problems."""
        return [f for f in self.failures if f.kind in LOOK_KINDS]

    def latencies(self, drags: bool | None = False) -> list[float]:
        """Latencies of key presses, selections and clicks (``drags`` False), of slider drags (True),
        or of every move (None)."""
        return [m.ms for m in self.moves
                if m.ms is not None and (drags is None or m.action.startswith("drag") == drags)]

    def as_dict(self) -> dict:
        lat, drag = self.latencies(), self.latencies(drags=True)
        return {
            "notebook": record_name(self.notebook), "index": self.index, "factory": self.factory,
            "cell": self.cell, "samples": len(lat),
            "median_ms": round(statistics.median(lat), 1) if lat else None,
            "p95_ms": round(percentile(lat, 95), 1) if lat else None,
            "max_ms": round(max(lat), 1) if lat else None,
            "drag_samples": len(drag),
            "drag_median_ms": round(statistics.median(drag), 1) if drag else None,
            "drag_p95_ms": round(percentile(drag, 95), 1) if drag else None,
            "moves": [m.__dict__ for m in self.moves],
            "status_only": sum(m.response is not None and m.response != "image" for m in self.moves),
            "skipped_for_time": self.skipped,
            "disabled_when_reached": self.inactive,
            "failures": [str(f) for f in self.failures],
            "layout": self.layout,
            "screenshot": str(self.screenshot) if self.screenshot else None,
        }


def percentile(values, q: float) -> float:
    """The ``q``-th percentile (linear interpolation), as numpy.percentile does."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


_JS_INSTRUMENT = """() => {
  if (window.__dl) return;
  window.__dl = {t0: null, t1: null, target: null, busyAt: 0, idleAt: 0, hold: false};
  // hold: during a drag only its pointerdown counts (the click a release fires must not restart the clock)
  const stamp = () => { if (window.__dl.hold) return; window.__dl.t0 = performance.now(); window.__dl.t1 = null; };
  document.addEventListener('keydown', stamp, true);
  document.addEventListener('change', stamp, true);
  document.addEventListener('click', stamp, true);
  document.addEventListener('pointerdown', stamp, true);
  const obs = new MutationObserver(ms => { for (const m of ms) {
      if (m.attributeName === 'src' && m.target === window.__dl.target && window.__dl.t1 === null)
        window.__dl.t1 = performance.now(); } });
  obs.observe(document.body, {attributes: true, subtree: true, attributeFilter: ['src']});
}"""

_JS_EXPLORERS = """() => {
  const PANEL = '.jp-NotebookPanel:not(.lm-mod-hidden)';
  const cells = Array.from(document.querySelectorAll(PANEL + ' .jp-Notebook .jp-Cell'));
  return Array.from(document.querySelectorAll(PANEL + ' .dlnotes-explorer')).map(ex => {
    const cell = ex.closest('.jp-Cell');
    const idx = cells.indexOf(cell);
    let src = '';
    try { src = window.jupyterapp.shell.currentWidget.content.widgets[idx].model.sharedModel.getSource(); } catch (e) {}
    return {cell: idx, src};
  });
}"""


def _factory_name(src: str) -> str:
    lines = [ln for ln in src.strip().splitlines() if ln.strip() and not ln.strip().startswith("#")]
    for ln in reversed(lines):
        calls = re.findall(r"([A-Za-z_]\w*)\s*\(", ln)
        if calls:
            return calls[-1]
    return lines[-1].strip()[:40] if lines else "?"


LOOK_KINDS = {"explorer-layout", "explorer-size", "explorer-label-cut", "explorer-short-track"}
MIN_TRACK_PX = 150  # a slider track shorter than this is too coarse to drag to a chosen value


def _pixel_ratio() -> int:
    """Device pixels per CSS pixel of an explorer figure (dlnotes.explorers.base.PIXEL_RATIO)."""
    from dlnotes.explorers.base import PIXEL_RATIO

    return PIXEL_RATIO


_JS_GEOMETRY = """(ex, img) => {
  const rect = e => { const b = e.getBoundingClientRect();
                      return {x: Math.round(b.x), y: Math.round(b.y), w: Math.round(b.width), h: Math.round(b.height)}; };
  const shown = e => e.offsetParent !== null && e.getClientRects().length > 0;
  const side = ex.querySelector('.dlnotes-explorer-controls');
  const cut = [];
  for (const label of ex.querySelectorAll('.widget-label, .widget-label-basic')) {
    const text = label.textContent.trim();
    const style = getComputedStyle(label);
    if (!text || !shown(label) || style.display === 'inline' || style.overflowX === 'visible') continue;
    const range = document.createRange();  // the whole text's width, however much of it is shown
    range.selectNodeContents(label);
    if (range.getBoundingClientRect().width > label.clientWidth + 1) cut.push(text);
  }
  const tracks = Array.from(ex.querySelectorAll('.slider-container')).filter(shown)
    .map(t => Math.round(t.getBoundingClientRect().width));
  const browser = document.querySelector('.jp-FileBrowser');
  return {controls: side ? rect(side) : null, figure: rect(img), natural: [img.naturalWidth, img.naturalHeight],
          cut, tracks, file_browser_open: !!(browser && shown(browser)), viewport: [innerWidth, innerHeight]};
}"""

_JS_SIZE = "i => { const b = i.getBoundingClientRect(); return [Math.round(b.width), Math.round(b.height)]; }"


def _look_failures(check: "ExplorerCheck", geo: dict) -> list[Failure]:
    """The explorer's layout against what the collection promises (see the module docstring)."""
    fails = []
    ratio = _pixel_ratio()
    fig, side = geo["figure"], geo["controls"]
    natural = [round(n / ratio) for n in geo["natural"]]
    if side is None:
        fails.append(Failure("explorer-layout", f"{check.name}: no controls column found"))
    elif fig["x"] < side["x"] + side["w"] - 1 or fig["y"] >= side["y"] + side["h"]:
        fails.append(Failure("explorer-layout", f"{check.name}: the figure {fig} is not beside the controls {side} "
                             f"at {geo['viewport']} (file browser open: {geo['file_browser_open']})"))
    if abs(fig["w"] - natural[0]) > 1 or abs(fig["h"] - natural[1]) > 1:
        fails.append(Failure("explorer-size", f"{check.name}: the figure is shown at {fig['w']}x{fig['h']} px, "
                             f"not at its natural {natural[0]}x{natural[1]} px"))
    if geo["cut"]:
        fails.append(Failure("explorer-label-cut", f"{check.name}: labels cut off: {geo['cut']}"))
    short = [t for t in geo["tracks"] if t < MIN_TRACK_PX]
    if short:
        fails.append(Failure("explorer-short-track", f"{check.name}: slider tracks of {short} px (< {MIN_TRACK_PX})"))
    return fails


def _size_failures(check: "ExplorerCheck", natural: list, moves: list) -> list[Failure]:
    """Moves during which the figure's rendered size left its natural size."""
    fails = []
    for m in moves:
        off = sorted({tuple(s) for s in m.sizes if abs(s[0] - natural[0]) > 1 or abs(s[1] - natural[1]) > 1})
        if off:
            fails.append(Failure("explorer-size", f"{check.name}: while moving {m.control!r} ({m.action}) the figure "
                                 f"was drawn at {off}, not {natural[0]}x{natural[1]} px"))
    return fails


def exercise_explorers(page, notebook: str, *, moves_per_control: int = 1, move_timeout: float = 60.0,
                       budget_s: float = float("inf"),
                       screenshot_dir: Path | None = None) -> list[ExplorerCheck]:
    """Move every enabled control of every explorer on the page; check the figure or status answers.

    Sliders: drag the handle with the mouse 60 % of the track towards its farther end
    (so later moves alternate and none pushes against an end), sampling the figure's rendered size on the
    way; with several moves per control, every other move is instead one arrow-key press on the
    focused handle (one step, towards the farther end). Dropdowns: select the next option.
    Checkboxes and toggle buttons: click. Latency is input (key press, change event, click) -> new
    image ``src``; a drag's is pointer down -> its first new image, kept apart (``drag_*``).

    A control may answer with the status line only (a training explorer that waits for
    its Train button, a setting that applies from the next step); that counts as a
    response, without a latency. Greyed-out and hidden controls are not moved: they say
    they do nothing now. Before any move, the explorer's look is measured
    (:data:`LOOK_KINDS` failures). After ``budget_s`` seconds on one explorer its remaining
    controls are listed in ``skipped`` instead of moved (CI keeps the suite short; every
    explorer still gets at least one move).
    """
    page.evaluate(_JS_INSTRUMENT)
    found = page.evaluate(_JS_EXPLORERS)
    checks = []
    explorers = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .dlnotes-explorer")
    for k, info in enumerate(found):
        check = ExplorerCheck(notebook, k, _factory_name(info["src"]), info["cell"])
        checks.append(check)
        ex = explorers.nth(k)
        img = ex.locator("img.dlnotes-explorer-figure").first
        if img.count() == 0:
            check.failures.append(Failure("explorer-no-figure", f"{check.name}: no figure image rendered"))
            continue
        ex.scroll_into_view_if_needed()
        check.layout = ex.evaluate(_JS_GEOMETRY, img.element_handle())
        check.failures += _look_failures(check, check.layout)
        natural = [round(n / _pixel_ratio()) for n in check.layout["natural"]]
        controls = _controls(ex)
        switches = [c for c in controls if c[0] in ("dropdown", "toggle", "checkbox")]
        msg = ex.locator(".dlnotes-explorer-message").first
        status = msg if msg.count() else None
        t_start = time.perf_counter()
        for kind, loc, label in controls:
            if check.moves and time.perf_counter() - t_start > budget_s:
                check.skipped.append(label)
                continue
            if _is_disabled(kind, loc) or not loc.first.is_visible():  # an earlier move switched it off or hid it
                check.inactive.append(label)
                continue
            for m in range(moves_per_control):
                # sliders: with several moves, a key press (one step) and a drag in turn; one move: a drag
                via = "key" if kind == "slider" and moves_per_control > 1 and m % 2 == 0 else "drag"
                move = _move_once(page, img, kind, loc, label, move_timeout, status, via=via)
                if move.response is None and status is not None:
                    # A training explorer may show nothing until you press step / train.
                    move = _press_buttons(page, img, ex, move, move_timeout)
                if move.response is None and m == 0:
                    # Some controls matter only in one mode (kernel sliders when kernel =
                    # "custom"): try the explorer's other modes before calling it inert.
                    move = _move_in_other_modes(page, img, (kind, loc, label), switches, move_timeout) or move
                check.moves.append(move)
                if move.response is None:
                    msg = ex.locator(".dlnotes-explorer-message").first
                    text = msg.inner_text().strip() if msg.count() else ""
                    check.failures.append(Failure(
                        "explorer-unchanged",
                        f"{check.name}: {kind} {label!r} ({move.action}) changed neither the figure nor the "
                        f"status, in any mode of its dropdowns" + (f"; message: {text[:200]!r}" if text else "")))
                    break
        check.failures += _size_failures(check, natural, check.moves)
        ok = img.evaluate("i => i.complete && i.naturalWidth > 0")
        if not ok:
            check.failures.append(Failure("explorer-broken-image", f"{check.name}: the figure image does not load"))
        if screenshot_dir is not None:
            screenshot_dir.mkdir(parents=True, exist_ok=True)
            target = screenshot_dir / f"{_name(notebook)}__{k}_{re.sub(r'[^A-Za-z0-9_]', '_', check.factory)}.png"
            try:
                ex.screenshot(path=str(target))
                check.screenshot = target
            except Exception:  # noqa: BLE001
                pass
    return checks


def _controls(ex):
    """(kind, locator, label) for each enabled control of one explorer, top to bottom."""
    out = []
    for sel, kind in ((".widget-slider", "slider"), (".widget-dropdown", "dropdown"),
                      (".widget-checkbox", "checkbox"), (".widget-toggle-buttons", "toggle")):
        boxes = ex.locator(sel)
        for i in range(boxes.count()):
            box = boxes.nth(i)
            if not box.is_visible():
                continue  # hidden: it does nothing in this state
            label = box.locator(".widget-label").first
            name = label.inner_text().strip() if label.count() else f"{kind}{i}"
            if kind == "slider":
                loc = box.locator(".noUi-handle").first
                if box.locator("[disabled]").count() or box.evaluate("b => b.classList.contains('mod-disabled')"):
                    continue
            elif kind == "dropdown":
                loc = box.locator("select").first
                if loc.is_disabled() or loc.locator("option").count() < 2:
                    continue
            elif kind == "checkbox":
                loc = box.locator("input[type=checkbox]").first
                if loc.is_disabled():
                    continue
            else:
                loc = box.locator("button")
                if loc.count() < 2:
                    continue
            out.append((kind, loc, name))
    return out


def _is_disabled(kind, loc) -> bool:
    """True when the control is disabled now (explorers disable controls that have no effect)."""
    if kind == "slider":
        return loc.evaluate("h => { const b = h.closest('.widget-slider');"
                            " return !!(b.querySelector('[disabled]') || b.classList.contains('mod-disabled')); }")
    if kind in ("dropdown", "checkbox"):
        return loc.is_disabled()
    return False


def _move_in_other_modes(page, img, control, switches, timeout) -> Move | None:
    """Retry one move after switching each dropdown / toggle / checkbox to each other value."""
    kind, loc, label = control
    for skind, sloc, slabel in switches:
        if sloc == loc or _is_disabled(skind, sloc):
            continue
        n = _n_options(skind, sloc)
        for _ in range(max(n - 1, 1)):
            switched = _move_once(page, img, skind, sloc, slabel, timeout)
            if switched.ms is None and _kernel_state(page) != "idle":
                return None
            retry = _move_once(page, img, kind, loc, label, timeout)
            if retry.response is not None:
                retry.action += f" (after {slabel!r}: {switched.action})"
                return retry
    return None


def _press_buttons(page, img, ex, move: Move, timeout) -> Move:
    """Click the explorer's buttons one by one until the figure changes (a learner's next step)."""
    buttons = ex.locator(".widget-button")
    for i in range(buttons.count()):
        b = buttons.nth(i)
        if b.is_disabled():
            continue
        name = b.inner_text().strip() or f"button {i}"
        pressed = _move_once(page, img, "button", b, name, timeout)
        if pressed.ms is not None:
            return Move(move.control, move.kind, f"{move.action}, then {name!r}", None, f"image after {name!r}")
    return move


def _n_options(kind, loc) -> int:
    if kind == "dropdown":
        return loc.locator("option").count()
    if kind == "toggle":
        return loc.count()
    return 2


def _kernel_state(page) -> str | None:
    return page.evaluate("""() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
                              return k ? k.status : null; }""")


_JS_HOOK_KERNEL = """() => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
  if (!kernel || kernel.__dlHooked) return;
  kernel.__dlHooked = true;
  kernel.statusChanged.connect((_, st) => {
    if (st === 'busy') window.__dl.busyAt = performance.now();
    if (st === 'idle') window.__dl.idleAt = performance.now();
  });
}"""

# The figure changed, or: the kernel took the change (went busy after the move), is idle
# again for 1 s, and the image is still the old one -> the figure did not change.
_JS_SETTLED = """() => { const d = window.__dl;
  if (d.t0 === null) return false;
  if (d.t1 !== null) return true;
  return d.busyAt > d.t0 && d.idleAt > d.busyAt && performance.now() - d.idleAt > 1000; }"""


def _move_once(page, img, kind, loc, label, timeout, status=None, *, via: str = "drag") -> Move:
    page.evaluate(_JS_HOOK_KERNEL)
    before = status.inner_text() if status is not None else None
    # t0 is stamped again by the input event itself; this start time only guards against a lost stamp.
    page.evaluate("t => { window.__dl.target = t; window.__dl.t0 = performance.now(); window.__dl.t1 = null; }",
                  img.element_handle())
    sizes = []
    if kind == "slider" and via == "key":
        loc.scroll_into_view_if_needed()
        left, width = loc.evaluate("h => { const t = h.closest('.noUi-target').getBoundingClientRect(); "
                                   "return [t.x, t.width]; }")
        handle = loc.bounding_box()
        towards_right = (handle["x"] + handle["width"] / 2 - left) / max(width, 1) < 0.5
        key = "ArrowRight" if towards_right else "ArrowLeft"
        action = f"key {key}"
        loc.focus()
        page.keyboard.press(key)  # one step of the slider: the keydown stamps the start
    elif kind == "slider":
        loc.scroll_into_view_if_needed()
        handle = loc.bounding_box()
        left, width = loc.evaluate("h => { const t = h.closest('.noUi-target').getBoundingClientRect(); "
                                   "return [t.x, t.width]; }")
        x0, y0 = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
        towards_right = (x0 - left) / max(width, 1) < 0.5  # the farther end: so moves alternate, none hits an end
        dx = (0.6 if towards_right else -0.6) * width
        action = f"drag {dx:+.0f} px"
        page.mouse.move(x0, y0)
        page.mouse.down()
        page.evaluate("() => { window.__dl.hold = true; }")
        for k in (1, 2, 3):  # a learner's drag: several moves, the figure sampled on the way
            page.mouse.move(x0 + dx * k / 3, y0, steps=4)
            page.wait_for_timeout(60)
            sizes.append(img.evaluate(_JS_SIZE))
        page.mouse.up()
        page.evaluate("() => { window.__dl.hold = false; }")
    elif kind == "dropdown":
        n = loc.locator("option").count()
        cur = loc.evaluate("s => s.selectedIndex")
        nxt = (cur + 1) % n
        action = f"select option {nxt}"
        loc.select_option(index=nxt)
    elif kind in ("checkbox", "button"):
        action = "click"
        loc.click()
    else:
        n = loc.count()
        active = [i for i in range(n) if "mod-active" in (loc.nth(i).get_attribute("class") or "")]
        nxt = ((active[0] if active else -1) + 1) % n
        action = f"click button {nxt}"
        loc.nth(nxt).click()
    ms = None
    try:
        page.wait_for_function(_JS_SETTLED, timeout=timeout * 1000, polling=50)
        ms = page.evaluate("() => window.__dl.t1 === null ? null : window.__dl.t1 - window.__dl.t0")
    except Exception:  # noqa: BLE001 - playwright TimeoutError: nothing happened at all
        pass
    _wait_idle(page, timeout)  # a drag sends several updates: let the last one land before the next move
    sizes.append(img.evaluate(_JS_SIZE))
    if ms is not None:
        return Move(label, kind, action, round(ms, 1), "image", sizes)
    if status is not None and status.inner_text() != before:
        return Move(label, kind, action, None, "status", sizes)
    return Move(label, kind, action, None, None, sizes)


_JS_IDLE = """() => { const d = window.__dl;
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel;
  return (!k || k.status === 'idle') && performance.now() - Math.max(d.idleAt, d.t1 || 0) > 250; }"""


def _wait_idle(page, timeout: float) -> None:
    """Wait until the kernel is idle and no new frame has arrived for a moment."""
    try:
        page.wait_for_function(_JS_IDLE, timeout=timeout * 1000, polling=50)
    except Exception:  # noqa: BLE001 - a kernel still busy is reported by the move itself
        pass


def contact_sheet(images, target: Path, *, columns: int = 2, width: int = 860) -> Path | None:
    """One PNG with every screenshot in ``images`` (paths), ``columns`` across, each captioned with its
    file name: every explorer of the collection on one page for a reviewer. Returns ``target``."""
    from PIL import Image, ImageDraw

    tiles = []
    for path in images:
        try:
            im = Image.open(path).convert("RGB")
        except OSError:
            continue
        if im.width > width:
            im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        tiles.append((Path(path).stem.replace("__", "  #"), im))
    if not tiles:
        return None
    caption, pad = 22, 12
    rows = [tiles[i:i + columns] for i in range(0, len(tiles), columns)]
    heights = [caption + max(im.height for _, im in row) + pad for row in rows]
    sheet = Image.new("RGB", (columns * (width + pad) + pad, sum(heights) + pad), "white")
    draw = ImageDraw.Draw(sheet)
    y = pad
    for row, h in zip(rows, heights):
        for c, (name, im) in enumerate(row):
            x = pad + c * (width + pad)
            draw.text((x, y + 4), name, fill=(40, 40, 40))
            sheet.paste(im, (x, y + caption))
            draw.rectangle([x - 1, y + caption - 1, x + im.width, y + caption + im.height], outline=(200, 200, 200))
        y += h
    target.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(target, optimize=True)
    return target


# --------------------------------------------------------------------------- playing (frame rate)
_JS_EXEC = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let out = '';
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}"""

_JS_FRAMES = """([img, ms]) => new Promise(resolve => {
  const times = [];
  const obs = new MutationObserver(list => { for (const m of list) if (m.target === img) times.push(performance.now()); });
  obs.observe(img, {attributes: true, attributeFilter: ['src']});
  setTimeout(() => { obs.disconnect(); resolve(times); }, ms);
})"""


def kernel_exec(page, code: str) -> str:
    """Run ``code`` in the open notebook's kernel (not in a cell) and return what it printed."""
    return page.evaluate(_JS_EXEC, code)


def measure_playing(page, explorer, setup: str, report: str, *, seconds: float = 6.0,
                    warmup: float = 1.5) -> dict:
    """Press the Play button of ``explorer`` (a locator) and count new figure images for ``seconds``.

    ``setup`` runs in the kernel first (e.g. set the controls), ``report`` after pausing; its
    printed JSON is returned under "kernel". Returns frames per second in the browser, the
    median interval between frames (ms), and the frames that still arrived 0.3-1.0 s after pause.
    """
    import json

    before = kernel_exec(page, setup)
    img = explorer.locator("img.dlnotes-explorer-figure").first
    buttons = explorer.locator(".widget-play button")
    buttons.nth(0).click()  # play
    page.wait_for_timeout(warmup * 1000)
    times = page.evaluate(_JS_FRAMES, [img.element_handle(), seconds * 1000])
    buttons.nth(1).click()  # pause
    page.wait_for_timeout(300)  # the crisp frame drawn on pause arrives
    after_pause = page.evaluate(_JS_FRAMES, [img.element_handle(), 700])
    out = kernel_exec(page, report)
    gaps = [b - a for a, b in zip(times, times[1:])]
    fps = (len(times) - 1) / ((times[-1] - times[0]) / 1000) if len(times) > 2 else 0.0
    try:
        kernel = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    except ValueError:
        kernel = {"output": out[-500:]}
    return {"frames": len(times), "seconds": seconds, "fps": round(fps, 2),
            "median_frame_ms": round(statistics.median(gaps), 1) if gaps else None,
            "p95_frame_ms": round(percentile(gaps, 95), 1) if gaps else None,
            "frames_after_pause": len(after_pause),
            "setup_output": before[-300:], "kernel": kernel}
