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

from dlnotes import language
from dlnotes.explorers import base
from dlnotes.language import english_words, set_language, tr, untranslated
from explorer_checks import other_values, randomize
from test_explorer_contract import IN_MODE, REGISTRY, build, cnn_and_digits  # noqa: F401 - a fixture

NAMES = sorted(REGISTRY)


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
    missing = {}
    glyphs = set()
    for where in _settings(e, name):
        assert e.error is None, f"{name} failed {where}: {e.error}"
        glyphs |= {w for w in e.warnings if "Glyph" in w}
        left = english_left(shown_texts(e))
        for line in left:
            missing.setdefault(line, where)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        e.figure.savefig(io.BytesIO(), format="png")
    glyphs |= {str(w.message) for w in caught if "Glyph" in str(w.message)}
    glyphs |= _mathtext_glyphs(caplog)
    e.close()
    assert not glyphs, f"{name}: glyphs missing from the font: {sorted(glyphs)}"
    assert not missing, f"{name} shows English in Chinese:\n" + "\n".join(
        f"  {line}  ({where})" for line, where in missing.items())


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
