"""The Chinese edition speaks Chinese: every text a learner sees in an explorer, a figure or a
self-check verdict is translated by :mod:`dlnotes.language`, and English mode is untouched.

For every registered explorer, in Chinese: build it, visit a handful of settings (each option of
each dropdown and toggle, the ends of each slider, each button; a training explorer only its
default and one more setting), and after each collect every text it shows (visible figure text,
control labels, option labels, tooltips, its title, status line and progress line). No English
word may be left (names in :data:`dlnotes.language.KEPT` stay English), and no glyph may be
missing from the font.
"""

from __future__ import annotations

import html
import io
import re
import warnings

import ipywidgets as W
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from dlnotes import data as datasets
from dlnotes import language
from dlnotes.explorers import base
from dlnotes.language import english_words, set_language, tr, untranslated
from explorer_checks import other_values, randomize
from test_explorer_contract import IN_MODE, REGISTRY, build, cnn_and_digits  # noqa: F401 - a fixture

NAMES = sorted(REGISTRY)
REAL_DOWNLOAD = datasets._download  # the conftest guard replaces it in every test


@pytest.fixture
def zh():
    """Chinese for the test, English again afterwards (whatever the test did)."""
    set_language("zh")
    try:
        yield
    finally:
        set_language("en")


# --- what a learner sees --------------------------------------------------------------------------
def _markup_text(value: str) -> str:
    """The text an HTML widget shows: tags and style sheets dropped, entities read."""
    value = re.sub(r"<style>.*?</style>", " ", value, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", value))


def figure_texts(fig: Figure) -> list[tuple[str, str]]:
    """(where, text) for every visible, non-empty text of ``fig``."""
    return [(f"figure {type(t).__name__}", t.get_text()) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()]


def widget_texts(root: W.Widget) -> list[tuple[str, str]]:
    """(where, text) for every label, option, tooltip and HTML/Label value in the widget tree under ``root``."""
    out = []
    for w in base._widget_tree(root):
        kind = type(w).__name__
        for attr in ("description", "tooltip"):
            value = getattr(w, attr, None)
            if isinstance(value, str) and value.strip():
                out.append((f"{kind}.{attr}", _markup_text(value)))
        for label in getattr(w, "_options_labels", ()):
            out.append((f"{kind} option", label))
        for tip in getattr(w, "tooltips", None) or ():
            out.append((f"{kind} option tooltip", tip))
        if isinstance(w, (W.HTML, W.Label)) and w.value:
            out.append((f"{kind}.value", _markup_text(w.value)))
    return out


def shown_texts(e: base.Explorer) -> list[tuple[str, str]]:
    return [*figure_texts(e.figure), *widget_texts(e.widget), ("progress line", _markup_text(e.progress_text.value))]


def titles_cut_off(e: base.Explorer) -> list[str]:
    """Titles wider than the figure (Chinese punctuation is full-width: a title that fits in English may not)."""
    fig, renderer = e.figure, e._canvas.get_renderer()
    titles = [t for ax in fig.axes if ax.get_visible() for t in (ax.title, ax._left_title, ax._right_title)]
    titles += [fig._suptitle] if fig._suptitle is not None else []
    out = []
    for t in titles:
        if t.get_visible() and t.get_text().strip():
            bb = t.get_window_extent(renderer)
            if bb.x0 < -1 or bb.x1 > fig.bbox.width + 1:
                out.append(f"{t.get_text()!r} spans x = {bb.x0:.0f}..{bb.x1:.0f} px of {fig.bbox.width:.0f}")
    return out


def english_left(texts) -> list[str]:
    """'where: text  [words]' for each text that still shows English words."""
    out = []
    for where, text in texts:
        for line in text.splitlines():
            words = english_words(line)
            if words:
                out.append(f"{where}: {line!r}  {words}")
    return sorted(set(out))


def _mathtext_glyphs(caplog) -> set[str]:
    """Glyphs that mathtext could not find (it logs them rather than warning): Chinese inside $...$."""
    return {r.getMessage() for r in caplog.records if "does not have a glyph" in r.getMessage()}


# --- explorers ----------------------------------------------------------------------------------------
def _settings(e: base.Explorer, name: str):
    """Yield after each setting visited: every other value of each control (one at a time), each button."""
    yield "default"
    if e.expensive:
        randomize(e, np.random.default_rng(1), extreme_prob=0.5)
        yield f"at {e.values}"
        return
    in_mode, mode = IN_MODE.get(REGISTRY[name].__name__, (set(), {}))
    start = e.values
    for control, widget in e.controls.items():
        if control in in_mode:
            e.set(**mode)
        for value in other_values(widget)[:2]:  # each option; a slider's ends
            e.set(**{control: value})
            yield f"at {control}={value!r}"
        e.set(**start)
    for button_name, button in e.buttons.items():
        if isinstance(button, W.Button):
            button.click()
            yield f"after pressing {button_name!r}"


@pytest.mark.parametrize("name", NAMES)
def test_every_explorer_speaks_chinese(name, request, zh, caplog):
    e = build(name, request)
    missing, cut = {}, {}
    glyphs = set()
    for where in _settings(e, name):
        assert e.error is None, f"{name} failed {where}: {e.error}"
        glyphs |= {w for w in e.warnings if "Glyph" in w}
        left = english_left(shown_texts(e))
        for line in left:
            missing.setdefault(line, where)
        for title in titles_cut_off(e):
            cut.setdefault(title, where)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e.figure.savefig(io.BytesIO(), format="png")
    glyphs |= {str(w.message) for w in caught if "Glyph" in str(w.message)}
    glyphs |= _mathtext_glyphs(caplog)
    e.close()
    assert not glyphs, f"{name}: glyphs missing from the font: {sorted(glyphs)}"
    assert not missing, f"{name} shows English in Chinese:\n" + "\n".join(
        f"  {line}  ({where})" for line, where in missing.items())
    assert not cut, f"{name}: titles cut off at the figure's edge in Chinese:\n" + "\n".join(
        f"  {title}  ({where})" for title, where in cut.items())


# --- the language setting ---------------------------------------------------------------------------
def test_english_mode_changes_nothing():
    set_language("en")
    for text in ["learning rate", "epoch 3/10 · loss 0.25", "Note", "", "3.14"]:
        assert tr(text) == text
    assert tr(None) is None and tr(3) == 3


@pytest.mark.parametrize("bad", ["fr", "ZH", "", None, 1, ["zh"]])
def test_set_language_rejects_bad_input(bad):
    with pytest.raises(ValueError, match=r"set_language: lang must be one of \('en', 'zh'\), got"):
        set_language(bad)
    assert language.language() == "en"


def test_exercise_verdicts_are_chinese(zh, capsys):
    from dlnotes.exercises import check

    def passes(answer):
        assert answer == 2

    def not_written(answer):
        raise NotImplementedError

    check(2, passes, name="Exercise 3.1")
    check(..., passes, name="Exercise 3.2")
    check(None, not_written, name="Exercise 3.3")
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✓ 练习 3.1：正确！",
                     "⏳ 练习 3.2：尚未作答——请在上面填写 `answer`，然后重新运行本单元格。",
                     "⏳ 练习 3.3：尚未作答——请把 `raise NotImplementedError` 换成你的代码。"], lines
    assert not [w for line in lines for w in untranslated(line)]


# --- static figures ---------------------------------------------------------------------------------
def _figure_calls():
    """Every public plotting function of dlnotes.figures, called as the chapters call it: (name, draw(fig))."""
    from dlnotes import figures
    from dlnotes.explorers.backprop import draw_graph, neuron_expression

    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    probs = rng.dirichlet(np.ones(10), size=6)
    images = rng.random((6, 784))
    history = {"accuracy": [0.8, 0.9], "val_accuracy": [0.78, 0.85], "loss": [0.5, 0.3], "val_loss": [0.55, 0.4]}
    xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    graph = neuron_expression()
    graph.backward()

    def two(fig):
        return fig.subplots(1, 2)

    return [
        ("draw_ai_ml_dl", lambda fig: figures.draw_ai_ml_dl(fig.subplots())),
        ("draw_pipelines", lambda fig: figures.draw_pipelines(fig.subplots())),
        ("plot_timeline", lambda fig: figures.plot_timeline(fig.subplots())),
        ("plot_xor_spaces", lambda fig: figures.plot_xor_spaces(two(fig), xor, np.array([[1, 0], [1, 1], [1, 1], [0, 1]]),
                                                                np.array([0, 1, 1, 0]))),
        ("draw_axis_picture", lambda fig: figures.draw_axis_picture(fig.subplots(), np.array([[1, 2, 3], [4, 5, 6]]))),
        ("draw_graph", lambda fig: draw_graph(graph, fig.subplots())),
        ("plot_decision_boundary", lambda fig: figures.plot_decision_boundary(
            fig.subplots(), lambda p: 1 / (1 + np.exp(-p[:, 0])), x, y, x_test=x[:5], y_test=y[:5]).set_legend(2)),
        ("plot_surface", lambda fig: figures.plot_surface(fig.subplots(), "bowl")),
        ("draw_im2col", lambda fig: figures.draw_im2col(two(fig), np.arange(16.0).reshape(4, 4),
                                                        np.arange(36.0).reshape(4, 9), 3, 3)),
        ("plot_filters", lambda fig: figures.plot_filters(fig.subplots(2, 4), rng.normal(size=(8, 3, 3)))),
        ("plot_history", lambda fig: [figures.plot_history(ax, history, m, ylabel=lab) for ax, m, lab in
                                      zip(two(fig), ("accuracy", "loss"), (None, "cross-entropy"))]),
        ("plot_confusion", lambda fig: figures.plot_confusion(fig.subplots(), rng.integers(0, 50, (10, 10)))),
        ("plot_mistakes", lambda fig: figures.plot_mistakes(fig.subplots(2, 3), images, np.arange(6), probs, range(6))),
        ("plot_prediction", lambda fig: figures.plot_prediction(*two(fig), images[0], probs[0], true_label=3)),
        ("plot_feature_maps", lambda fig: figures.plot_feature_maps(
            fig.subplots(2, 3), images[0].reshape(28, 28), {"conv2d": rng.random((1, 26, 26, 4)),
                                                             "max_pooling2d": rng.random((1, 13, 13, 4))})),
    ]


def test_every_static_figure_speaks_chinese(zh, caplog):
    from dlnotes import figures

    calls = _figure_calls()
    public = {n for n, f in vars(figures).items() if callable(f) and not n.startswith("_")
              and getattr(f, "__module__", "") == figures.__name__ and (n.startswith(("plot_", "draw_")))}
    assert public <= {n for n, _ in calls}, f"figures not covered here: {sorted(public - {n for n, _ in calls})}"
    problems = []
    for name, draw in calls:
        fig = Figure(figsize=(6, 4))
        draw(fig)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(io.BytesIO(), format="png")
        problems += [f"{name}: {w.message}" for w in caught if "Glyph" in str(w.message)]
        problems += [f"{name} {line}" for line in english_left(figure_texts(fig))]
        problems += [f"{name}: {m}" for m in _mathtext_glyphs(caplog)]
        caplog.clear()
    assert not problems, "static figures show English or miss glyphs in Chinese:\n" + "\n".join(problems)


# --- what the package prints or raises into a notebook ----------------------------------------------
def _chinese(text: str) -> str:
    """``text`` after checking that it shows no English words (paths, URLs, file names and code are not words)."""
    assert not english_words(text), f"English left in {text!r}: {english_words(text)}"
    assert re.search(r"[\u4e00-\u9fff]", text), f"no Chinese in {text!r}"
    return text


def _raised(call, error):
    with pytest.raises(error) as caught:
        call()
    return str(caught.value)


def _dataset_calls(tmp_path, monkeypatch):
    """(English words the message starts with or holds, exception class, call) for every DatasetError."""
    from dlnotes import data

    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    monkeypatch.setattr(data, "REPO_DATA", tmp_path)

    def npz(name, **arrays):
        np.savez(tmp_path / name, **arrays)
        return tmp_path / name

    x, y = np.zeros((5, 28, 28), np.uint8), np.zeros(5, np.uint8)
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 truncated zip")

    def offline(*a, **kw):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    def download_offline():
        import keras

        monkeypatch.setattr(keras.utils, "get_file", offline)
        REAL_DOWNLOAD("mnist", None)

    return [
        ("No mnist file at", data.DatasetNotFoundError, lambda: data.load_mnist(tmp_path / "missing.npz")),
        ("looked in", data.DatasetNotFoundError, lambda: data.load_mnist(download=False)),
        ("matches no known mnist file", data.DatasetCorruptError, lambda: data.load_mnist(tmp_path / "junk.npz")),
        ("could not be read", data.DatasetCorruptError, lambda: data.load_mnist(tmp_path / "junk.npz", verify=False)),
        ("lacks the arrays", data.DatasetCorruptError, lambda: data.load_mnist(npz("a.npz", images=x), verify=False)),
        ("(N, 28, 28) uint8", data.DatasetCorruptError, lambda: data.load_mnist(
            npz("b.npz", x_train=x[:, :5], y_train=y, x_test=x, y_test=y), verify=False)),
        ("integer labels", data.DatasetCorruptError, lambda: data.load_mnist(
            npz("c.npz", x_train=x, y_train=y[:4], x_test=x, y_test=y), verify=False)),
        ("outside 0..9", data.DatasetCorruptError, lambda: data.load_mnist(
            npz("d.npz", x_train=x, y_train=y + 12, x_test=x, y_test=y), verify=False)),
        ("Are you offline?", data.DatasetOfflineError, download_offline),
    ]


def test_dataset_errors_are_chinese_and_english_is_unchanged(tmp_path, monkeypatch):
    for english, error, call in _dataset_calls(tmp_path, monkeypatch):
        set_language("en")
        assert english in _raised(call, error)
        set_language("zh")
        try:
            message = _chinese(_raised(call, error))  # the same class in either language
        finally:
            set_language("en")
        assert english not in message
        if "offline" in english or "mnist file" in english or "looked" in english:
            assert "要离线使用 mnist" in message and "DLNOTES_MIRROR" in message, message


def test_the_readme_quotes_the_chinese_not_found_message(tmp_path, monkeypatch):
    from pathlib import Path

    from dlnotes import data

    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.setattr(data, "REPO_DATA", tmp_path / "data")
    set_language("zh")
    try:
        message = _raised(lambda: data.load_mnist(download=False), data.DatasetNotFoundError)
    finally:
        set_language("en")
    readme = (Path(__file__).resolve().parents[1] / "README.zh-CN.md").read_text(encoding="utf-8")
    quoted = re.search(r"```text\nDatasetNotFoundError: (.*?)\n```", readme, re.S).group(1)
    assert quoted == message.replace(str(tmp_path), "…"), (quoted, message)


def test_environment_check_is_chinese(zh):
    from dlnotes import contents

    report = contents.environment_report()
    for name, version in report.items():
        _chinese(f"{name}: {version} 版本")
    assert "ipywidgets 前端" in report and report["ipywidgets 前端"] in ("已安装", "缺失")
    broken = {"Python": "3.8.1", "numpy": "未安装", "Keras": "2.15", "ipywidgets 前端": "缺失"}
    problems = contents.environment_problems(broken)
    assert len(problems) == 4, problems
    for p in problems:
        _chinese(p)
    assert [p for p in problems if "widget" in p] == [problems[-1]], "chapter 00 lets the front-end problem pass"
    assert contents.environment_problems(report) == [p for p in contents.environment_problems(report) if "widget" in p]


def test_environment_check_in_english_is_unchanged():
    from dlnotes import contents

    set_language("en")
    report = {"Python": "3.8.1", "numpy": "missing", "Keras": "2.15", "widget front-end": "MISSING"}
    assert contents.environment_problems(report) == [
        "Python 3.8.1 is too old; the collection needs 3.10 or newer.",
        "numpy is not installed: run `make lab` (it installs everything into .venv).",
        "Keras 2.15 found; the chapters need Keras 3.",
        "The ipywidgets extension for JupyterLab is missing, so sliders will show as text. "
        "Install ipywidgets 8 in the environment that runs JupyterLab (make lab does).",
    ]
    assert "widget front-end" in contents.environment_report()


def _cache_warnings(cache, result, settings=None):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cache.run(settings or {"a": 1}, lambda: result, data={"n": 1}, seed=0)
    return [str(w.message) for w in caught]


def test_run_cache_summary_and_warnings_are_chinese(tmp_path, zh):
    import json

    from dlnotes.runcache import RunCache

    good = {"history": {"loss": [1.0], "accuracy": [0.5]}, "test_accuracy": 0.5}
    cache = RunCache(tmp_path / "cache", versions={"test": 1})
    bad_results = [[1], {"history": 3, "test_accuracy": 0.5}, {"history": {"loss": [1.0]}, "test_accuracy": 0.5},
                   {"history": {"loss": ["a"], "accuracy": [0.5]}, "test_accuracy": 0.5},
                   {"history": {"loss": [1.0], "accuracy": [0.5, 0.4]}, "test_accuracy": 0.5},
                   {**good, "test_accuracy": None}, {**good, "test_loss": "a"}, {**good, "epoch_seconds": 1},
                   {**good, "params": 1.5}]
    shown = [w for result in bad_results for w in _cache_warnings(cache, result)]
    cache.run({"a": 2}, lambda: good, data={"n": 1}, seed=0)
    entry = cache.path(cache.key({"a": 2}, data={"n": 1}, seed=0))
    for text in ("{not json", json.dumps({"x": 1}), json.dumps({"description": {}, "result": 1})):
        entry.write_text(text)
        shown += _cache_warnings(cache, good, {"a": 2})
    blocked = RunCache(tmp_path / "a-file", versions={"test": 1})
    (tmp_path / "a-file").write_text("in the folder's place")
    shown += _cache_warnings(blocked, good)
    assert len(shown) == len(bad_results) + 4, shown
    for line in [*shown, cache.summary(), blocked.summary()]:
        _chinese(line.replace(str(tmp_path), "…"))
    assert cache.summary().startswith("运行缓存：") and "文件夹的位置上是一个文件" in blocked.summary()


def test_closed_explorer_note_is_chinese(zh):
    from test_explorers_base import _sine

    e, _, _ = _sine()
    e.close()
    bundle = e._repr_mimebundle_()
    assert _chinese(_markup_text(bundle["text/html"])).strip().startswith("这个探索器已经关闭")
    assert bundle["text/plain"].startswith("这个探索器已经关闭")


def test_printed_tables_and_names_are_chinese(zh):
    """What chapters 06-10 print from the package: an output-size error, the dtype tables, the seed's model names,
    Fashion-MNIST's classes (figure titles) and a GAN's progress line."""
    from dlnotes.conv import output_size
    from dlnotes.data import CLASS_NAMES
    from dlnotes.keras_models import SEED_TABLE
    from dlnotes.tfbasics import dtype_table, markdown_table

    _chinese(_raised(lambda: output_size(7, 3, P=0, S=3), ValueError))
    _chinese(_raised(lambda: output_size(2, 5), ValueError))
    for library in ("numpy", "tensorflow"):
        for line in markdown_table(dtype_table(library)).splitlines():
            _chinese(" | ".join(line.split(" | ")[1:]) + " 表")  # the first column: dtype names (code)
    for name in [n for n, _, _ in SEED_TABLE] + CLASS_NAMES["fashion_mnist"]:
        _chinese(tr(name) + " 名")
    _chinese(tr("round 100/800 · D loss 1.234 · G loss 0.567"))
    _chinese(tr("epoch 1/5 · loss 0.1234"))


def test_printed_text_in_english_is_unchanged():
    from dlnotes.conv import output_size
    from dlnotes.runcache import RunCache
    from dlnotes.tfbasics import dtype_table, markdown_table

    set_language("en")
    assert _raised(lambda: output_size(7, 3, P=0, S=3), ValueError).startswith("stride S=3 does not fit: (H + 2P - FH)")
    assert markdown_table(dtype_table("numpy", ["float32"])).splitlines()[0] == (
        "| dtype | kind | bits | min | max | digits | eps | layout |")
    assert "| float | 32 |" in markdown_table(dtype_table("numpy", ["float32"]))
    assert RunCache("/nowhere/cache", versions={}).summary().startswith("run cache: /nowhere/cache — 0 runs")
    assert base._CLOSED_NOTE.startswith("This explorer was closed")
