"""The shared explorer helper (explorers/base.py); every registered explorer passes tests/test_explorer_contract.py."""

from __future__ import annotations

import base64
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances as live_widgets

from dlnotes.explorers import base as ex
from explorer_checks import live_figures, randomize


def _sine(expensive=False):
    fig, ax = ex.figure(figsize=(3, 2))
    (line,) = ax.plot([], [])
    ax.set_xlim(0, 6)
    ax.set_ylim(-1, 1)
    x = np.linspace(0, 6, 50)
    calls = []

    def update(freq, kind, lr, progress=None):
        if kind == "bad":
            raise ValueError("a bad kind was chosen")
        if progress:
            progress(1, 2, "half way")
        calls.append(freq)
        line.set_data(x, np.sin(freq * x))
        return f"freq={freq}"

    controls = {
        "freq": ex.slider("frequency", 0.5, 5, 0.5, 1.0, unit="Hz"),
        "kind": ex.dropdown("kind", ["sin", "bad"]),
        "lr": ex.log_slider("learning rate", 1e-4, 1.0, 1e-2),
    }
    return ex.Explorer(update, controls, fig, expensive=expensive), line, calls


def test_moving_a_slider_redraws_the_same_figure_in_place():
    before = len(plt.get_fignums())
    e, line, calls = _sine()
    fig, png = e.figure, e.png
    e.controls["freq"].value = 2.0
    assert e.figure is fig and e.png != png and calls[-1] == 2.0
    assert np.allclose(line.get_ydata(), np.sin(2.0 * np.linspace(0, 6, 50)))
    assert len(plt.get_fignums()) == before, "an explorer must not open pyplot figures"
    assert e.status == "freq=2.0" and "freq=2.0" in e.message.value


def test_an_exception_shows_a_message_instead_of_escaping():
    e, _, _ = _sine()
    e.controls["kind"].value = "bad"
    assert e.error == "ValueError: a bad kind was chosen"
    assert "cannot be drawn" in e.message.value
    e.controls["kind"].value = "sin"
    assert e.error is None and "cannot" not in e.message.value


def test_learning_rate_slider_is_logarithmic():
    e, _, _ = _sine()
    lr = e.controls["lr"]
    assert lr.base == 10 and lr.min == pytest.approx(-4) and lr.max == pytest.approx(0)


def test_cheap_explorers_update_continuously_expensive_ones_on_release():
    cheap, _, _ = _sine()
    costly, _, _ = _sine(expensive=True)
    assert cheap.controls["freq"].continuous_update is True
    assert costly.controls["freq"].continuous_update is False
    assert costly.progress.layout.visibility == "visible" and costly.progress_text.value == "half way"


def test_progress_never_shows_an_earlier_runs_numbers():
    fig, _ = ex.figure(figsize=(3, 2))
    runs = []

    def update(n, progress):
        if n == 1:  # a run that trains and reports ...
            progress(3, 3, "epoch 3/3 · accuracy 0.923")
        runs.append(n)  # ... and one recalled from a cache, which reports nothing

    e = ex.Explorer(update, {"n": ex.int_slider("n", 0, 2, 1)}, fig, expensive=True)
    assert e.progress_text.value == "epoch 3/3 · accuracy 0.923"
    e.controls["n"].value = 2
    assert e.progress_text.value == "" and e.progress.value == 0


# --- the look: natural size, labels, notices --------------------------------------------------
def test_the_figure_is_shown_at_its_natural_size_whatever_the_status_line_says():
    e, _, _ = _sine()
    w, h = (round(v * ex.CSS_DPI) for v in e.figure.get_size_inches())
    assert e.size_css == (w, h) == (288, 192)
    assert e.image.layout.width == f"{w}px" and e.image.layout.height == "auto"
    assert e.message.layout.width == f"{w}px", "a long status wraps under the figure instead of widening it"
    from PIL import Image
    import io
    assert Image.open(io.BytesIO(e.png)).size == (w * ex.PIXEL_RATIO, h * ex.PIXEL_RATIO), "rendered for 2x screens"


def test_a_figure_too_wide_to_sit_beside_the_controls_is_refused():
    with pytest.raises(ValueError, match="figsize must be at most"):
        ex.figure(figsize=(8.0, 3.0))


def test_labels_sit_above_their_controls_with_the_long_form_as_tooltip():
    s = ex.slider("stride S", 1, 4, 1, 1, unit="px", help="how far the window moves per step")
    assert s.description == "stride S (px)" and s.tooltip == "how far the window moves per step"
    e, _, _ = _sine()
    assert "dlnotes-explorer-controls" in e.widget.children[0]._dom_classes
    assert "flex-wrap: wrap" in ex._CSS and "width: 100% !important" in ex._CSS


def test_a_reply_greys_out_controls_that_do_nothing_and_says_why():
    fig, _ = ex.figure(figsize=(3, 2))

    def update(kind, k):
        return ex.Reply(f"{kind} {k}", inactive={} if kind == "custom" else {"k": "only for kind = custom"})

    controls = {"kind": ex.dropdown("kind", ["named", "custom"]), "k": ex.slider("k", 0, 1, 0.1, 0.5, help="a weight")}
    e = ex.Explorer(update, controls, fig)
    assert e.controls["k"].disabled and not e.active("k")
    assert e.controls["k"].tooltip == "a weight — only for kind = custom"
    e.controls["kind"].value = "custom"
    assert not e.controls["k"].disabled and e.active("k") and e.controls["k"].tooltip == "a weight"


def test_hidden_controls_leave_the_column_and_come_back():
    fig, _ = ex.figure(figsize=(3, 2))
    controls = {"kind": ex.dropdown("kind", ["named", "custom"]), "k": ex.slider("k", 0, 1, 0.1, 0.5)}
    e = ex.Explorer(lambda kind, k: ex.Reply(hidden=() if kind == "custom" else ("k",)), controls, fig)
    assert e.controls["k"].layout.display == "none" and not e.active("k")
    e.controls["kind"].value = "custom"
    assert e.controls["k"].layout.display is None and e.active("k")


def test_a_slider_range_follows_the_state_and_its_value_moves_inside():
    fig, _ = ex.figure(figsize=(3, 2))
    seen = []

    def update(n, window):
        seen.append((n, window))
        return ex.Reply(limits={"window": (0, n * n - 1)})

    e = ex.Explorer(update, {"n": ex.int_slider("n", 1, 7, 7), "window": ex.int_slider("window", 0, 48, 40)}, fig)
    assert e.controls["window"].max == 48 and e.controls["window"].value == 40
    e.controls["n"].value = 3
    assert e.controls["window"].max == 8 and e.controls["window"].value == 8
    assert seen[-1] == (3, 8), "the figure is redrawn with the value moved into range"
    e.controls["n"].value = 7
    assert e.controls["window"].max == 48 and e.controls["window"].value == 8


def test_a_teaching_notice_looks_different_from_an_error():
    e, _, _ = _sine()
    fig, _ = ex.figure(figsize=(3, 2))
    n = ex.Explorer(lambda s: ex.Reply("3×3 windows", notice="stride 2 does not fit"),
                    {"s": ex.int_slider("s", 1, 3, 2)}, fig)
    assert "dlnotes-notice" in n.message.value and "stride 2 does not fit" in n.message.value
    assert "cannot be drawn" not in n.message.value and "⚠" not in n.message.value
    e.controls["kind"].value = "bad"
    assert "dlnotes-error" in e.message.value and "⚠" in e.message.value


def test_a_reply_naming_an_unknown_control_is_an_error_not_a_crash():
    fig, _ = ex.figure(figsize=(3, 2))
    e = ex.Explorer(lambda s: ex.Reply(inactive=["nope"]), {"s": ex.int_slider("s", 1, 3, 2)}, fig)
    assert e.error and "nope" in e.error


# --- rendering: the caches draw what matplotlib draws ------------------------------------------------
def _pixels(canvas):
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def test_cached_text_and_axes_draw_what_plain_agg_draws():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig, ax = ex.figure(figsize=(4, 3))
    (line,) = ax.plot([0, 1], [0, 1])
    ax.set_xlabel("input x")
    ax.set_title("a title")
    cached = ex.ExplorerCanvas(fig)
    # unchanged limits are stamped from the cache, new limits redraw, earlier limits come back from the
    # cache, and tick_params (limits unchanged) redraws
    for xmax, size in ((1, 9), (1, 9), (1, 9), (5, 9), (5, 9), (5, 9), (1, 9), (1, 9), (5, 9), (5, 14), (5, 14)):
        ax.set_xlim(0, xmax)
        ax.tick_params(axis="x", labelsize=size)
        line.set_data([0, xmax], [0, 1])
        a = _pixels(cached)
        b = _pixels(FigureCanvasAgg(fig))
        fig.canvas = cached
        differs = np.abs(a - b).max(axis=-1) > 96
        assert differs.mean() < 0.003, f"xmax={xmax}: {differs.mean():.4f} of the pixels differ"
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert str(xmax) in "".join(labels)


def test_text_is_laid_out_from_cached_pairs_exactly_as_freetype_lays_it_out():
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import FontProperties

    renderer = ex._TextCachingRenderer(50, 50, 200)
    prop = FontProperties(size=9)
    latin = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZTVAYWŷäé")
    common = list("0123456789 ,.:;-+=/%→×−–—·'_₁²，。：；、（）()【】[]{}《》「」")
    greek, han = list("ηλσμνθΔ"), list("学习率批量大小暂退概率正则化迭代周期数激活函数输出隐藏层神经元损失训练测试准确")
    pools = [latin + common, han + common, latin + common + han, latin + common + greek, latin + common + greek + han]
    rng = np.random.default_rng(0)
    strings = ["Adam, learning rate 0.34, batch 12", "AV To, Ty. 1.0e-3", "学习率 η = 0.1，批量 12（Adam）", " "]
    strings += ["".join(rng.choice(pools[i % 5], rng.integers(1, 30))) for i in range(600)]
    fast = 0
    for s in strings:
        layout = renderer._fast_layout(s, prop)
        if layout is None:
            continue
        fast += 1
        font = renderer._prepare_font(prop)
        xs = [round(item.x * 64) for item in font._layout(s, flags=get_hinting_flag())]
        font.set_text(s, 0.0, flags=get_hinting_flag())
        assert [g[3] for g in layout[0]] == xs, s
        assert layout[1] == (*font.get_width_height(), font.get_descent()), s
    assert fast > 450  # most strings take the fast path
    # a ligature, a direction mark, a combining accent, Hebrew, quotation marks in a line of two scripts
    for s in ("flow", "a\u200fb", "e\u0301", "שלום", "“a” 学"):
        assert renderer._fast_layout(s, prop) is None, s


def test_opaque_images_are_copied_into_the_canvas_exactly_where_agg_would_blend_them():
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.transforms import Bbox

    rng = np.random.default_rng(0)
    for trial in range(200):
        W, H = 120, 90
        agg, ours = RendererAgg(W, H, 100), ex._TextCachingRenderer(W, H, 100)
        background = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
        background[..., 3] = 255
        for r in (agg, ours):
            np.asarray(r.buffer_rgba())[...] = background
        h, w = rng.integers(1, 60, 2)
        im = rng.integers(0, 256, (h, w, 4), dtype=np.uint8)
        im[..., 3] = (255, 0, 128)[trial % 3] if trial % 4 else (rng.random((h, w)) < 0.5) * 255  # opaque, holes
        x, y = rng.uniform(-20, 110, 2)
        if trial % 7 == 3:
            x, y = round(x) + 0.5, round(y) + 0.5  # halfway: the rounding must be Agg's
        gcs = agg.new_gc(), ours.new_gc()
        if trial % 5:
            (x0, x1), (y0, y1) = sorted(rng.uniform(-10, 120, 2)), sorted(rng.uniform(-10, 100, 2))
            for gc in gcs:
                gc.set_clip_rectangle(Bbox([[x0, y0], [x1, y1]]))
        agg.draw_image(gcs[0], x, y, im)
        ours.draw_image(gcs[1], x, y, im)
        assert np.array_equal(np.asarray(agg.buffer_rgba()), np.asarray(ours.buffer_rgba())), trial


def test_encode_png_decodes_to_the_rgb_it_was_given():
    import io

    from PIL import Image

    rgba = np.random.default_rng(0).integers(0, 256, (37, 53, 4), dtype=np.uint8)
    for image in (rgba, rgba[::-1, ::2]):  # also a view that is not contiguous
        decoded = np.asarray(Image.open(io.BytesIO(ex.encode_png(image))))
        assert decoded.shape == image.shape[:2] + (3,) and np.array_equal(decoded, image[..., :3])


def test_frames_are_valid_pngs_of_the_canvas():
    import io

    from PIL import Image

    e, _, _ = _sine()
    decoded = np.asarray(Image.open(io.BytesIO(e.png)).convert("RGB"))
    assert np.array_equal(decoded, np.asarray(e._canvas.buffer_rgba())[..., :3])


def test_set_changes_several_controls_with_one_redraw():
    e, _, calls = _sine()
    n = len(calls)
    e.set(freq=3.0, lr=0.1)
    assert len(calls) == n + 1 and e.values["freq"] == 3.0


def test_buttons_run_guarded_actions():
    fig, ax = ex.figure()
    clicks = []

    def boom(freq):
        clicks.append(freq)
        raise RuntimeError("button failed")

    e = ex.Explorer(lambda freq: None, {"freq": ex.slider("f", 0, 1, 0.1, 0.5)}, fig, buttons={"go": (ex.button("Go"), boom)})
    e.buttons["go"].click()
    assert clicks == [0.5] and e.error == "RuntimeError: button failed"


def test_randomize_stays_inside_each_control():
    e, _, _ = _sine()
    rng = np.random.default_rng(0)
    for _ in range(50):
        v = randomize(e, rng)
        assert 0.5 <= v["freq"] <= 5 and 1e-4 * 0.999 <= v["lr"] <= 1.0001 and v["kind"] in ("sin", "bad")


def test_animate_runs_one_guarded_frame_per_tick_and_drops_ticks_that_queued_up():
    e, _, calls = _sine()
    play, frames, halt = ex.play_button(interval_ms=200), [], []
    e.animate(play, lambda **values: frames.append(values["freq"]), stop=lambda: bool(halt))
    play.value += 1
    assert frames == [1.0] and e.renders >= 2
    play.playing = True
    play.value += 1  # arrives right after a frame while playing: queued up, dropped
    assert len(frames) == 1
    time.sleep(e.min_tick_gap)
    play.value += 1
    assert len(frames) == 2
    play.value = 0  # the stop button rewinds: not a frame
    assert len(frames) == 2
    halt.append(True)
    time.sleep(e.min_tick_gap)
    play.value += 1
    assert not play.playing, "stop() switches playing off"


def test_animation_frames_are_drawn_at_one_pixel_per_css_pixel_and_the_pause_is_crisp():
    import io

    from PIL import Image

    e, _, _ = _sine()
    play = ex.play_button(interval_ms=200)
    e.animate(play, lambda **values: None)
    size = lambda: Image.open(io.BytesIO(e.png)).size  # noqa: E731
    w, h = e.size_css
    assert size() == (w * ex.PIXEL_RATIO, h * ex.PIXEL_RATIO)
    play.playing = True
    play.value += 1
    assert size() == (w * ex.ANIMATION_PIXEL_RATIO, h * ex.ANIMATION_PIXEL_RATIO)
    assert e.image.layout.width == f"{w}px", "the figure keeps its size on the page"
    play.playing = False
    assert size() == (w * ex.PIXEL_RATIO, h * ex.PIXEL_RATIO) and e.error is None


def test_free_figure_has_no_axes_and_no_layout_engine():
    fig = ex.free_figure(figsize=(2, 1))
    assert fig.axes == [] and fig.get_layout_engine() is None


# --- what a notebook stores: the live widget and a still of it -------------------------------------
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_the_display_bundle_holds_the_widget_and_a_still_of_the_current_figure():
    e, _, _ = _sine()
    e.controls["freq"].value = 2.5
    data, metadata = e._repr_mimebundle_()
    assert data[WIDGET_VIEW]["model_id"] == e.widget.model_id, "JupyterLab shows the live widget"
    assert base64.b64decode(data["image/png"]) == e.png, "the still is the picture shown now"
    assert metadata["image/png"] == {"width": e.size_css[0], "height": e.size_css[1]}, "shown at its natural size"
    html = data["text/html"]
    assert html.count(f'src="data:image/png;base64,{data["image/png"]}"') == 1 and "freq=2.5" in html
    assert data["text/plain"] == "freq=2.5", "the status line as text"
    e.controls["kind"].value = "bad"  # an error keeps the last picture and says why under it
    data, _ = e._repr_mimebundle_()
    assert "cannot be drawn" in data["text/html"] and "a bad kind was chosen" in data["text/plain"]


def test_ipython_stores_the_bundle_with_the_widget_view_first_for_jupyterlab():
    from IPython.core.formatters import DisplayFormatter

    e, _, _ = _sine()
    data, metadata = DisplayFormatter().format(e)
    assert {WIDGET_VIEW, "image/png", "text/html", "text/plain"} <= set(data)
    assert metadata["image/png"]["width"] == e.size_css[0]


# --- close() and re-running a cell -------------------------------------------------------------
def _in_cell(monkeypatch, cell, run):
    """Pretend the notebook runs ``cell`` (request ``run``), as JupyterLab's execute requests say."""
    monkeypatch.setattr(ex, "_running_cell", lambda: (cell, run))


def test_close_releases_the_widgets_and_the_figure(monkeypatch):
    widgets, figures = len(live_widgets), live_figures()
    e, _, _ = _sine()
    assert len(live_widgets) > widgets and live_figures() == figures + 1
    e.close()
    assert e.closed and len(live_widgets) == widgets and live_figures() == figures
    e.refresh()  # a closed explorer ignores late events
    e._guarded(lambda: None, progress=False)  # a click or Play tick that was already on its way
    e.close()  # closing twice is harmless
    shown = e._repr_mimebundle_()
    assert "was closed" in shown["text/html"] and "was closed" in shown["text/plain"], \
        "displaying a closed explorer says what happened"
    assert WIDGET_VIEW not in shown and "image/png" not in shown


def test_rerunning_a_cell_closes_what_it_built_before_and_only_that(monkeypatch):
    _in_cell(monkeypatch, "cell A", "run 1")
    a1, _, _ = _sine()
    a1_twin, _, _ = _sine()  # two explorers built by one run of a cell both stay
    _in_cell(monkeypatch, "cell B", "run 2")
    b, _, _ = _sine()  # another cell showing the same explorer keeps its own
    assert not (a1.closed or a1_twin.closed or b.closed)
    _in_cell(monkeypatch, "cell A", "run 3")  # cell A runs again
    a2, _, _ = _sine()
    assert a1.closed and a1_twin.closed
    assert not a2.closed and not b.closed and b.error is None


def test_outside_a_notebook_nothing_is_closed_behind_the_callers_back():
    first, _, _ = _sine()
    second, _, _ = _sine()
    assert ex._running_cell() is None
    assert not first.closed and not second.closed


def test_discover_registers_every_explorer_module_under_its_dotted_name():
    import pkgutil
    import sys

    import dlnotes.explorers

    registry = ex.discover()
    modules = {m.name for m in pkgutil.iter_modules(dlnotes.explorers.__path__)}
    assert all(f"dlnotes.explorers.{m}" in sys.modules for m in modules)
    assert {name.split(".")[1] for name in registry} == modules - {"base", "blit"}
    assert all(name.startswith("explorers.") and name.count(".") == 2 for name in registry)
    assert "explorers.activations.activation_explorer" in registry


def test_pixel_image_scales_by_pixel_centres_as_bilinear_and_nearest_interpolation_define_them():
    from dlnotes.explorers.blit import PixelImage

    rng = np.random.default_rng(0)
    data = rng.random((5, 7, 3))
    for origin in ("upper", "lower"):
        for interpolation in ("bilinear", "nearest"):
            fig = ex.free_figure(figsize=(3, 2))
            ax = fig.add_axes([0.1, 0.1, 0.8, 0.8])
            ax.set_xlim(-1, 8)
            ax.set_ylim(-0.5, 6)
            image = PixelImage(ax, data, (0, 7, 0, 5), origin=origin, interpolation=interpolation)
            canvas = ex.ExplorerCanvas(fig)
            canvas.draw()
            got = np.asarray(canvas.buffer_rgba())[..., :3].astype(float)
            (ox0, oy0), (ox1, oy1) = ax.transData.transform([(0, 0), (7, 5)])
            H = got.shape[0]
            px, py = np.arange(round(ox0) + 1, round(ox1) - 1), np.arange(round(oy0) + 1, round(oy1) - 1)
            # each pixel's centre in source pixels (pixel centres at .0), rows counted from the top
            sx = (px + 0.5 - ox0) / (ox1 - ox0) * 7 - 0.5
            sy = (oy1 - (py + 0.5)) / (oy1 - oy0) * 5 - 0.5
            src = data if origin == "upper" else data[::-1]
            if interpolation == "nearest":
                rows, cols = np.clip(np.floor(sy + 0.5), 0, 4).astype(int), np.clip(np.floor(sx + 0.5), 0, 6).astype(int)
                want = src[rows][:, cols]
            else:
                def weights(pos, n):
                    pos = np.clip(pos, 0, n - 1)
                    lo = np.floor(pos).astype(int)
                    m = np.zeros((len(pos), n))
                    m[np.arange(len(pos)), lo] += 1 - (pos - lo)
                    m[np.arange(len(pos)), np.minimum(lo + 1, n - 1)] += pos - lo
                    return m
                want = np.einsum("yh,hwc,xw->yxc", weights(sy, 5), src, weights(sx, 7))
            region = got[H - 1 - py][:, px]  # canvas rows count from the top; py from the bottom
            gap = np.abs(region - want * 255)
            assert gap.max() <= (2 if interpolation == "bilinear" else 0.51), (origin, interpolation, gap.max())
            assert image.get_array() is not None
            plt.close(fig)
