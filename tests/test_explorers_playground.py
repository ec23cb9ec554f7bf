"""Chapter 04 playground: controls change what they should, next-step settings keep the weights,
data / features / architecture restart, the network picture, regression, settings round trip."""

from __future__ import annotations

import time

import numpy as np
import pytest

from dlnotes.explorers.base import REGISTRY
from dlnotes.explorers.playground import DEFAULTS, Playground, PlaygroundState, playground
from dlnotes.layers import Dropout, Identity, InputFeatures, ReLU, Sigmoid, Tanh


@pytest.fixture(scope="module")
def pg():
    return playground()


def _tick(ex: Playground, n: int = 1):
    """What the Play widget does while playing: advance its value once per frame."""
    for _ in range(n):
        ex.play.value += 1


def _weights(ex):
    return {k: v.copy() for k, v in ex.state.net.params.items()}


def _same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_playground_is_registered_and_starts_clean():
    assert "explorers.playground.playground" in REGISTRY
    ex = playground()
    assert ex.error is None and ex.warnings == [] and ex.png
    assert ex.state.epoch == 0 and ex.state.steps == 0
    assert "epoch 0.0" in ex.status
    assert isinstance(ex.state.net.layers[0], InputFeatures) and ex.state.net.layers[0].features == ("x1", "x2")


def test_play_ticks_train_and_redraw_and_record_the_cost_of_each_frame(pg):
    pg.set(dataset="circle", hidden_layers=2, neurons=4, activation="tanh", learning_rate=0.1)
    steps, png = pg.state.steps, pg.png
    _tick(pg, 3)
    assert pg.error is None
    assert pg.state.steps > steps and pg.state.epoch == pytest.approx(3.0)
    assert pg.png != png
    assert len(pg.state.history["train_loss"]) == 4 and len(pg.state.history["test_loss"]) == 4
    cost = pg.frame_costs[-1]
    assert set(cost) == {"train_ms", "update_ms", "render_ms", "encode_ms", "other_ms", "total_ms"}
    assert cost["train_ms"] > 0 and cost["encode_ms"] > 0
    assert cost["total_ms"] == pytest.approx(sum(v for k, v in cost.items() if k != "total_ms"))


def test_stopping_the_play_widget_does_not_train(pg):
    _tick(pg, 2)
    steps = pg.state.steps
    pg.play.value = 0  # what the widget's stop button does
    assert pg.state.steps == steps


def test_ticks_queued_by_a_busy_kernel_are_dropped_while_playing():
    ex = playground()
    ex.play.playing = True
    _tick(ex, 3)  # three ticks arriving back to back: only the first trains
    assert ex.state.epoch == pytest.approx(1.0)
    time.sleep(ex.min_tick_gap)
    _tick(ex)
    assert ex.state.epoch == pytest.approx(2.0), "a tick that arrives on time trains"


def test_in_a_live_kernel_the_kernel_clocks_the_frames_and_pause_stops_them(monkeypatch):
    """In JupyterLab a tick comes only after the kernel answered the last one (about 70 ms apart here):
    while playing, the kernel runs the frames on its own event loop instead, and ignores the ticks."""
    import asyncio

    from dlnotes.explorers import base

    loop = asyncio.new_event_loop()
    monkeypatch.setattr(base, "_kernel_loop", lambda: loop)
    try:
        ex = playground()
        interval = ex.play.interval
        ex.play.playing = True
        assert ex.play.interval == base.CLOCKED_TICK_MS, "the Play widget's ticks slow down: the kernel clocks"
        loop.run_until_complete(asyncio.sleep(0.6))
        frames = ex.state.epoch
        assert frames >= 6, f"the kernel should have run many frames in 0.6 s, ran {frames}"
        assert ex.figure.dpi == base.CSS_DPI * base.ANIMATION_PIXEL_RATIO and ex.error is None
        _tick(ex, 2)
        assert ex.state.epoch == frames, "a tick runs no frame of its own while the kernel clocks"
        ex.set(learning_rate=0.1)  # a slider moved while playing acts between frames
        loop.run_until_complete(asyncio.sleep(0.2))
        assert ex.state.optimizer.lr == pytest.approx(0.1) and ex.state.epoch > frames
        ex.play.playing = False
        paused_at = ex.state.epoch
        loop.run_until_complete(asyncio.sleep(0.3))
        assert ex.state.epoch == paused_at, "no frame after pause"
        assert ex.play.interval == interval and ex.figure.dpi == base.DPI, "ticks and the crisp frame are back"
        ex.play.playing = True
        loop.run_until_complete(asyncio.sleep(0.2))
        ex.set(dataset="spiral")  # a new problem starts paused, as in Playground
        loop.run_until_complete(asyncio.sleep(0.2))
        assert not ex.play.playing and ex.state.epoch == 0
        ex.play.playing = True
        ex.close()  # re-running the cell while playing: the clock stops with the explorer
        loop.run_until_complete(asyncio.sleep(0.2))
    finally:
        loop.close()


def test_step_reset_and_new_data_buttons(pg):
    pg.set(dataset="xor")
    pg.buttons["step"].click()
    assert pg.error is None and pg.state.epoch == pytest.approx(1.0)
    before, split = _weights(pg), pg.state.split
    pg.buttons["reset"].click()
    assert pg.state.steps == 0 and pg.state.epoch == 0
    assert not _same(before, _weights(pg)), "reset draws fresh weights"
    assert pg.state.split is split, "reset keeps the data"
    pg.buttons["new_data"].click()
    assert pg.error is None and pg.state.split is not split
    assert not np.array_equal(pg.state.split.x_train, split.x_train), "new data is a new draw"


def test_playground_learns_the_circle():
    ex = playground()
    ex.set(dataset="circle", activation="tanh", hidden_layers=2, neurons=4, learning_rate=0.3)
    _tick(ex, 40)
    train_acc, test_acc = ex.state.accuracy()
    assert train_acc > 0.9 and test_acc > 0.9, (train_acc, test_acc)
    losses = ex.state.history["train_loss"]
    assert losses[-1] < 0.5 * losses[0]


def test_squared_features_make_the_circle_separable_without_a_hidden_layer():
    acc = {}
    for squares in (False, True):
        ex = playground({"hidden_layers": 0, "x1_sq": squares, "x2_sq": squares, "learning_rate": 0.3})
        _tick(ex, 30)
        acc[squares] = ex.state.accuracy()[1]
        assert ex.state.net.sizes == [4 if squares else 2, 2]
    assert acc[False] < 0.75 < 0.9 < acc[True], acc


@pytest.mark.parametrize("name,value,attribute", [
    ("learning_rate", 0.01, lambda s: s.optimizer.lr),
    ("batch_size", 32, lambda s: s.batch_size),
    ("reg_rate", 0.01, lambda s: s.net.l2),
    ("dropout", 0.3, lambda s: [d.rate for d in s.net.layers if isinstance(d, Dropout)][0]),
    ("optimizer", "Adam", lambda s: type(s.optimizer).__name__),
    ("regularization", "l1", lambda s: (s.net.l1 > 0, s.net.l2)),
])
def test_next_step_settings_keep_the_weights_and_say_so_at_once(pg, name, value, attribute):
    pg.set(**{**DEFAULTS, "dataset": "moons", "hidden_layers": 1, "neurons": 6, "activation": "relu",
              "learning_rate": 0.1, "reg_rate": 0.003 if name == "regularization" else 0.0})
    _tick(pg, 2)
    before, steps, png = _weights(pg), pg.state.steps, pg.png
    pg.set(**{name: value})
    assert pg.error is None
    expected = (True, 0.0) if name == "regularization" else value
    assert attribute(pg.state) == pytest.approx(expected), f"{name} must reach the trainer"
    assert _same(before, _weights(pg)), f"changing {name} must keep the weights (as in Playground)"
    assert pg.state.steps == steps and pg.state.epoch > 0
    assert "applies from the next training step" in pg.status, pg.status
    assert pg.png != png, "the settings line in the figure shows the change at once"
    _tick(pg)
    assert not _same(before, _weights(pg)), "training continues from the same weights"
    assert "applies from" not in pg.status


@pytest.mark.parametrize("name,value", [
    ("dataset", "spiral"), ("noise", 0.3), ("test_ratio", 0.2),
    ("hidden_layers", 3), ("neurons", 9), ("activation", "sigmoid"), ("x1x2", True), ("x1", False),
])
def test_data_features_and_architecture_changes_restart_training(pg, name, value):
    pg.set(**DEFAULTS)
    _tick(pg, 2)
    before, split, png = _weights(pg), pg.state.split, pg.png
    pg.play.playing = True
    pg.set(**{name: value})
    assert pg.error is None
    assert pg.state.steps == 0 and pg.state.epoch == 0, f"changing {name} restarts training"
    assert len(pg.state.history["train_loss"]) == 1
    assert not pg.play.playing, "a new problem starts paused"
    assert pg.png != png
    if name in ("dataset", "noise", "test_ratio"):
        assert pg.state.split is not split
    else:
        assert pg.state.split is split, "an architecture change keeps the data"


def test_architecture_controls_shape_the_network(pg):
    pg.set(**{**DEFAULTS, "dataset": "spiral3", "hidden_layers": 3, "neurons": 7, "activation": "sigmoid",
              "sin_x1": True, "dropout": 0.2})
    net = pg.state.net
    assert net.sizes == [3, 7, 7, 7, 3], "3 features in, 3-class spiral needs 3 softmax outputs"
    assert net.layers[0].features == ("x1", "x2", "sin(pi*x1)")
    assert sum(isinstance(layer, Sigmoid) for layer in net.layers) == 3
    assert [d.rate for d in net.layers if isinstance(d, Dropout)] == [0.2] * 3
    pg.set(hidden_layers=0)
    assert pg.state.net.sizes == [3, 3] and pg.error is None
    for label, cls in {"relu": ReLU, "tanh": Tanh, "identity": Identity}.items():
        pg.set(hidden_layers=1, activation=label)
        assert isinstance(pg.state.net.layers[2], cls)


def test_network_picture_has_a_tile_per_neuron_and_a_line_per_weight(pg):
    pg.set(**{**DEFAULTS, "hidden_layers": 2, "neurons": 5, "x1_sq": True})
    _tick(pg)
    picture = pg.view.network
    assert picture.sizes == (3, 5, 5, 2)
    assert len(picture.lines.get_segments()) == 3 * 5 + 5 * 5 + 5 * 2
    widths = np.asarray(picture.lines.get_linewidths())
    w = np.concatenate([W.ravel() for W in pg.state.weights()])
    assert np.all(np.diff(widths[np.argsort(np.abs(w))]) >= -1e-12), "thicker line, larger |weight|"
    colors = picture.lines.get_colors()
    assert np.all((colors[:, 2] > colors[:, 0]) == (w > 0)), "blue positive, orange negative"
    state = pg.state
    state.net.layers[1].params["b"][:] = [-3, 3, 0, 0, 0]  # first hidden layer's biases
    pg.refresh()
    T, b = picture.tile, max(3, picture.tile // 5)
    for i, (blue, orange) in enumerate(((False, True), (True, False))):
        r, q = picture.positions[1][i]
        corner = picture.canvas[r + T - b + 1, q + 1, :3].astype(int)
        assert (corner[2] > corner[0]) == blue and (corner[0] > corner[2]) == orange, "the bias square's colour"


def test_l1_zeroes_weights_exactly_and_the_picture_shows_it():
    ex = playground({"regularization": "l1", "reg_rate": 0.03, "learning_rate": 0.3, "neurons": 8})
    _tick(ex, 15)
    w = np.concatenate([W.ravel() for W in ex.state.weights()])
    zeros = int(np.sum(w == 0))
    assert zeros > len(w) // 4, f"L1 by soft-thresholding gives exact zeros, got {zeros} of {len(w)}"
    assert ex.view.readout.get_text().endswith(f"\n{zeros}/{len(w)}")
    assert ex.view.readout_labels.get_text().endswith("weights = 0")
    alpha = ex.view.network.lines.get_colors()[:, 3]
    assert np.all(alpha[w == 0] == 0) and np.all(np.asarray(ex.view.network.lines.get_linewidths())[w == 0] == 0)


def test_large_picture_shows_the_chosen_neuron_and_follows_the_architecture(pg):
    pg.set(**{**DEFAULTS, "hidden_layers": 2, "neurons": 3})
    dd = pg.controls["picture"]
    values = [v for _, v in dd.options]
    assert values == ["output", "0:0", "0:1", "1:0", "1:1", "1:2", "2:0", "2:1", "2:2"]
    png = pg.png
    pg.set(picture="2:1")
    assert pg.error is None and pg.png != png and pg.view.network.marker.get_visible()
    assert "layer 2, neuron 2" in pg.view.map_title.get_text()
    pg.set(hidden_layers=1)
    assert dd.value == "output" and "2:1" not in [v for _, v in dd.options], "a neuron that is gone is not offered"
    assert not pg.view.network.marker.get_visible()


def test_each_hidden_layer_has_its_own_width_set_with_plus_and_minus_neuron():
    """Playground's + and − above each layer: here they act on the layer of the neuron chosen in large picture."""
    ex = playground({"hidden_layers": 2, "neurons": 4})
    add, remove = ex.buttons["add_neuron"], ex.buttons["remove_neuron"]
    assert add.disabled and remove.disabled, "the output is chosen: no hidden layer to resize"
    ex.set(picture="1:3")
    assert not add.disabled and not remove.disabled
    png = ex.png
    add.click()
    add.click()
    assert ex.error is None and ex.state.arch["widths"] == (6, 4) and ex.png != png
    assert ex.state.net.sizes == [2, 6, 4, 2] and len(ex.view.network.lines.get_segments()) == 2 * 6 + 6 * 4 + 4 * 2
    assert "2 → 6 → 4 → 2 neurons" in ex.view.net_title.get_text()
    ex.set(picture="2:3")
    for _ in range(5):
        remove.click()
    assert ex.state.arch["widths"] == (6, 1) and remove.disabled, "a layer keeps at least one neuron"
    assert ex.values["picture"] == "2:0", "the chosen neuron was removed: its layer's last one is shown"
    ex.set(hidden_layers=3)
    assert ex.state.arch["widths"] == (6, 1, 4), "a new layer takes the neurons slider's width"
    saved = ex.settings()
    assert saved["widths"] == [6, 1, 4]
    assert playground(saved).state.arch["widths"] == (6, 1, 4)
    ex.set(neurons=5)
    assert ex.state.arch["widths"] == (5, 5, 5) and ex.settings()["widths"] is None, "the slider sets every layer"
    ex.set(picture="1:4")
    for _ in range(20):
        add.click()
    assert ex.state.arch["widths"][0] == 16 and add.disabled
    with pytest.raises(ValueError, match=r"widths must be None or one whole number in \[1, 16\] per hidden layer "
                                         r"\(hidden_layers=2\), got \[3\]"):
        playground({"widths": [3]})


def test_one_weight_can_be_chosen_and_set_and_training_goes_on_from_it():
    """TensorFlow Playground: click a weight line and type its value. Here: edit weight, then weight value."""
    ex = playground({"hidden_layers": 2, "neurons": 4})
    dd, value = ex.controls["weight"], ex.controls["weight_value"]
    assert len(dd.options) == 1 + 2 * 4 + 4 * 4 + 4 * 2 and value.disabled, "none chosen: nothing to set"
    assert ("x₂ → 1.3", "0:1:2") in dd.options and ("2.4 → p1", "2:3:1") in dd.options
    png = ex.png
    ex.set(weight="1:0:2")
    W = ex.state.weights()[1]
    assert ex.png != png and ex.view.network.weight_marker.get_visible(), "the chosen weight's line is outlined"
    assert not value.disabled and value.value == pytest.approx(W[0, 2], abs=0.005), "the slider shows its value"
    png, others = ex.png, W.copy()
    ex.set(weight_value=-3.0)
    assert W[0, 2] == -3.0 and ex.png != png and ex.error is None
    others[0, 2] = -3.0
    np.testing.assert_array_equal(W, others, err_msg="no other weight moves")
    _tick(ex)
    assert W[0, 2] != -3.0 and abs(W[0, 2] + 3.0) < 0.5, "training goes on from the value set"
    saved = ex.settings()
    assert saved["weight"] == "1:0:2"
    twin = playground(saved)
    assert twin.state.weights()[1][0, 2] == saved["weight_value"], "a saved edit is set on the rebuilt network"
    ex.set(hidden_layers=1)
    assert ex.values["weight"] == "none" and value.disabled, "a weight the network no longer has is not offered"
    with pytest.raises(ValueError, match="weight must be 'none' or 'layer:from:to'"):
        playground({"weight": "w3"})


def test_classes_get_a_legend_and_regression_none(pg):
    for dataset, k in (("circle", None), ("spiral3", 3), ("spiral4", 4), ("blobs5", 5), ("plane", None)):
        pg.set(**{**DEFAULTS, "dataset": dataset})
        legend = pg.view.boundary.legend
        assert (legend is None) if k is None else len(legend.get_texts()) == k, dataset


def test_regression_trains_a_continuous_output_with_squared_error():
    ex = playground({"dataset": "multi_gaussian", "hidden_layers": 2, "neurons": 8, "optimizer": "Adam",
                     "learning_rate": 0.01})
    assert ex.state.net.sizes[-1] == 1 and type(ex.state.net.loss_layer).__name__ == "MSELoss"
    first = ex.state.history["train_loss"][0]
    _tick(ex, 30)
    assert ex.state.history["train_loss"][-1] < 0.5 * first
    assert "squared error" in ex.status and "accuracy" not in ex.status
    png = ex.png
    ex.set(discretize=True)
    assert ex.png != png and ex.error is None


def test_controls_without_effect_are_disabled(pg):
    pg.set(**{**DEFAULTS, "regularization": "none"})
    assert pg.controls["reg_rate"].disabled
    pg.set(regularization="l2")
    assert not pg.controls["reg_rate"].disabled
    pg.set(hidden_layers=0)
    assert all(pg.controls[n].disabled for n in ("neurons", "activation", "dropout"))
    pg.set(hidden_layers=2)
    assert not any(pg.controls[n].disabled for n in ("neurons", "activation", "dropout"))


def test_no_feature_on_uses_x1_and_says_so(pg):
    pg.set(**{**DEFAULTS, "x1": False, "x2": False})
    assert pg.error is None and pg.state.net.layers[0].features == ("x1",)
    assert "No input feature is on" in pg.status


def test_view_controls_change_only_the_picture(pg):
    pg.set(**DEFAULTS)
    _tick(pg, 2)
    weights = _weights(pg)
    for name, value in (("show_test", False), ("discretize", True)):
        png = pg.png
        pg.set(**{name: value})
        assert pg.png != png and _same(weights, _weights(pg)), name
    assert not pg.view.boundary.test_points.get_visible()


def test_settings_round_trip_rebuilds_the_same_playground():
    ex = playground({"dataset": "spiral3", "hidden_layers": 3, "neurons": 6, "activation": "relu", "x1x2": True,
                     "optimizer": "Adam", "learning_rate": 0.01, "dropout": 0.1, "picture": "1:2"})
    ex.buttons["reset"].click()
    ex.buttons["new_data"].click()
    saved = ex.settings()
    assert saved["picture"] == "1:2" and saved["seed"] == 1
    twin = playground(saved)
    assert twin.settings() == saved
    np.testing.assert_array_equal(twin.state.split.x_train, ex.state.split.x_train)
    assert _same(_weights(twin), _weights(ex)), "the same starting weights"
    _tick(ex, 3)
    _tick(twin, 3)
    assert _same(_weights(twin), _weights(ex)), "and the same training"


def test_bad_settings_are_clear_errors():
    with pytest.raises(ValueError, match=r"unknown setting\(s\) \['speed'\]"):
        playground({"speed": 3})
    with pytest.raises(ValueError, match="dataset must be one of"):
        playground({"dataset": "mnist"})
    with pytest.raises(ValueError, match=r"hidden_layers must be in \[0, 6\], got 7"):
        playground({"hidden_layers": 7})
    with pytest.raises(TypeError, match="x1 must be True or False"):
        playground({"x1": "yes"})
    with pytest.raises(ValueError, match=r"reg_rate must be one of \[0.0, 0.0001"):
        playground({"reg_rate": 0.005})
    with pytest.raises(ValueError, match="picture must be 'output' or 'column:neuron'"):
        playground({"picture": "neuron 3"})
    state = PlaygroundState()
    with pytest.raises(ValueError, match="activation must be one of"):
        state.configure(activation="swish")


def test_a_huge_learning_rate_diverges_with_a_readable_message():
    ex = playground()
    ex.set(dataset="circle", activation="relu", hidden_layers=4, neurons=16, learning_rate=10.0, batch_size=1)
    _tick(ex, 30)
    assert ex.state.diverged
    assert ex.error is None and ex.warnings == [], "divergence is reported, not raised or warned"
    assert "diverged" in ex.status and "learning rate" in ex.status
    ex.play.playing = True
    _tick(ex)
    assert not ex.play.playing, "playing stops when training diverges"
    ex.set(learning_rate=0.01)
    ex.buttons["reset"].click()
    assert not ex.state.diverged and "diverged" not in ex.status


def test_the_network_title_names_the_kind_of_problem_once_in_both_languages():
    from dlnotes.language import set_language, tr

    titles = {}
    try:
        for lang in ("en", "zh"):
            set_language(lang)
            ex = playground({"dataset": "plane"})
            titles[lang, "plane"] = tr(ex.view.net_title.get_text())
            ex.set(dataset="spiral3")
            titles[lang, "spiral3"] = tr(ex.view.net_title.get_text())
            ex.close()
    finally:
        set_language("en")
    assert titles["en", "plane"].startswith("plane (regression): 2 → ")
    assert titles["en", "spiral3"].startswith("3-class spiral (3 classes): 2 → ")
    assert titles["zh", "plane"].startswith("平面（回归）：2 → ") and titles["zh", "plane"].endswith("个神经元，tanh")
    assert titles["zh", "spiral3"].startswith("3 类螺旋（3 类）：2 → ")
