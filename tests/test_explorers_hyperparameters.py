"""The chapter-08 hyperparameter explorer: controls train or recall runs; sweeps; never downloads."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes.explorers import hyperparameters as hyper
from dlnotes.keras_models import RunConfig, prepare
from dlnotes.runcache import RunCache


@pytest.fixture(autouse=True)
def _no_keras_download(monkeypatch):
    import keras

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to download through keras.utils.get_file")

    monkeypatch.setattr(keras.utils, "get_file", refuse)


@pytest.fixture(scope="module")
def tiny(shared_data):
    from dlnotes.data import load_mnist

    return prepare(*load_mnist(), n_train=300, n_val=100, n_test=200)


@pytest.fixture
def explorer(tiny, tmp_path):
    return hyper.HyperExplorer(tiny, cache=RunCache(tmp_path / "runs"), max_epochs=2, epochs=1)


def _train(explorer, **values):
    """Move controls as a learner does, then press Train."""
    explorer.set(**values)
    explorer.buttons["train"].click()
    return explorer


def test_building_the_explorer_recalls_but_never_trains(explorer):
    assert explorer.error is None and explorer.last is None
    assert "not trained yet" in explorer.status and "press Train" in explorer.status
    assert explorer.cache.entries() == []
    assert explorer.png.startswith(b"\x89PNG")


def test_moving_a_control_never_trains_it_says_what_train_will_cost(explorer):
    png0 = explorer.png
    explorer.set(lr=3e-3)
    assert explorer.cache.entries() == [] and explorer.last is None
    assert "not trained yet" in explorer.status and " s" in explorer.status and explorer.png != png0
    assert explorer.progress.value == 0 and "not trained yet" in explorer.progress_text.value
    assert explorer.active("train")


def test_train_trains_then_moving_back_to_that_setting_recalls_it_at_once(explorer):
    _train(explorer, lr=3e-3)
    first = explorer.last
    assert explorer.error is None and first["recalled"] is False
    assert len(explorer.cache.entries()) == 1 and "trained in" in explorer.status
    assert explorer.progress.value == explorer.progress.max == 1 and "accuracy" in explorer.progress_text.value
    assert not explorer.active("train"), "a trained setting has nothing left to train"
    explorer.set(lr=1e-3)
    assert "accuracy" not in explorer.progress_text.value, "the bar must not show the previous run's numbers"
    explorer.set(lr=3e-3)
    again = explorer.last
    assert again["recalled"] is True and "recalled from the cache" in explorer.status
    assert explorer.progress_text.value == "recalled from the cache"
    assert again["result"]["history"] == first["result"]["history"]
    _train(explorer, lr=1e-3)
    assert len(explorer.runs) == 2, "the overlay keeps one entry per distinct setting"
    assert explorer.table.value.count("<tr>") == 3  # header + 2 runs


def test_the_estimate_comes_from_recorded_epoch_times(explorer):
    guess, recorded = explorer.estimate(hyper.RunConfig(hidden=128, epochs=1))
    assert not recorded
    _train(explorer, lr=3e-3)
    seconds = float(np.mean(explorer.last["result"]["epoch_seconds"]))
    estimate, recorded = hyper.estimate_seconds(hyper.RunConfig(hidden=128, epochs=2), explorer.data.sizes["train"],
                                                explorer.timings)
    assert recorded and estimate == pytest.approx(2 * seconds, rel=0.01), "same size, twice the epochs"
    bigger, _ = hyper.estimate_seconds(hyper.RunConfig(hidden=512, epochs=2), explorer.data.sizes["train"],
                                       explorer.timings)
    assert bigger > estimate


@pytest.mark.parametrize("name, value", [("optimizer", "sgd"), ("lr", 1e-2), ("dropout", 0.5),
                                         ("hidden", 32), ("batch_size", 32), ("epochs", 2)])
def test_every_control_changes_the_trained_configuration(explorer, name, value):
    _train(explorer, lr=2e-3)
    before = explorer.last["config"]
    _train(explorer, **{name: value})
    after = explorer.last["config"]
    assert explorer.error is None and explorer.last["recalled"] is False
    assert getattr(after, name) == pytest.approx(value) and after != before


def test_curves_of_the_selected_runs_are_overlaid(explorer):
    _train(explorer, epochs=2)
    _train(explorer, dropout=0.3)
    lines = explorer._lines
    for i, run in enumerate(explorer.runs):
        np.testing.assert_allclose(lines[i]["acc"].get_ydata(), run["result"]["history"]["val_accuracy"])
        np.testing.assert_allclose(lines[i]["train_loss"].get_ydata(), run["result"]["history"]["loss"])
    assert len(lines[len(explorer.runs)]["acc"].get_xdata()) == 0
    explorer.buttons["clear"].click()
    assert explorer.runs == [] and len(lines[0]["acc"].get_xdata()) == 0


def test_the_sweep_panel_is_empty_of_axes_until_there_is_a_sweep(explorer):
    assert not explorer.ax_sweep.axison and "Sweep trains a grid" in explorer._sweep_note.get_text()


def test_sweep_button_trains_a_grid_and_plots_accuracy_against_it(explorer, monkeypatch):
    monkeypatch.setitem(hyper.SWEEP_GRIDS, "dropout", [0.0, 0.6])
    explorer.sweep_choice.value = "dropout"
    explorer.buttons["sweep"].click()
    assert explorer.error is None, explorer.error
    param, points = explorer.sweep_results
    assert param == "dropout" and [p[0] for p in points] == [0.0, 0.6]
    assert len(explorer.cache.entries()) == 2
    np.testing.assert_allclose(explorer._sweep_val.get_xdata(), [0.0, 0.6])
    assert explorer.progress.value == explorer.progress.max == 2
    assert explorer.ax_sweep.axison and explorer._sweep_note.get_text() == ""
    # a second sweep recalls every point
    explorer.buttons["sweep"].click()
    assert len(explorer.cache.entries()) == 2 and explorer.sweep_results[1] == points


def test_epoch_sweep_reads_one_long_run(explorer):
    explorer.sweep_choice.value = "epochs"
    explorer.buttons["sweep"].click()
    param, points = explorer.sweep_results
    assert param == "epochs" and [p[0] for p in points] == [1, 2]
    assert len(explorer.cache.entries()) == 1


def test_a_diverging_learning_rate_gives_a_message_not_an_error(explorer):
    _train(explorer, optimizer="sgd", lr=1.0)
    assert explorer.error is None and explorer.warnings == []
    _train(explorer, optimizer="adam", lr=1.0)
    assert explorer.error is None and explorer.warnings == []


def test_cached_run_reports_progress_each_epoch(tiny, tmp_path):
    seen = []
    cfg = RunConfig(epochs=2, batch_size=100)
    result, recalled = hyper.cached_run(cfg, tiny, cache=RunCache(tmp_path), progress=lambda d, t, s: seen.append((d, t, s)))
    assert not recalled and len(result["history"]["loss"]) == 2
    assert (1, 2.0) in [(d, t) for d, t, _ in seen] and seen[-1][:2] == (2, 2.0)
    assert "val" in seen[-1][2]


def test_default_data_reads_the_local_file_and_never_downloads(shared_data, monkeypatch):
    monkeypatch.setenv("DLNOTES_DATA", str(shared_data))
    hyper.default_data.cache_clear()
    data = hyper.default_data(n_train=100, n_val=50, n_test=60)
    assert data.sizes == {"train": 100, "val": 50, "test": 60}
    hyper.default_data.cache_clear()


def test_a_run_interrupted_mid_training_stores_nothing(tiny, tmp_path):
    cache = RunCache(tmp_path)

    def interrupt(done, total, text):
        raise KeyboardInterrupt  # what pressing "interrupt the kernel" raises inside fit

    with pytest.raises(KeyboardInterrupt):
        hyper.cached_run(RunConfig(epochs=2), tiny, cache=cache, progress=interrupt)
    assert cache.entries() == [] and list(tmp_path.iterdir()) == []


# -- the shipped sweeps (data/sweeps.json, ``make sweeps``) ---------------------------------------------
RECALL_TOLERANCE = 0.005
"""A shipped run's final accuracy may differ from a fresh run of the same description by this much
(the same seed on the same versions gives the same run here; the margin covers other CPUs' arithmetic)."""


def test_the_shipped_sweeps_file_says_how_where_and_with_which_versions_and_holds_every_default_sweep():
    from dlnotes.runcache import SHIPPED_RUNS, library_versions, read_shipped

    shipped = read_shipped(SHIPPED_RUNS)  # the schema: format, how, where, made, versions, checked runs
    assert "make sweeps" in shipped["how"] and shipped["where"] and shipped["made"]
    assert shipped["versions"] == library_versions(), (
        "data/sweeps.json was made with other library versions than the ones installed: run `make sweeps`")
    runs = {(run["description"]["data"]["name"], run["description"]["data"]["input_shape"] == [784],
             RunConfig(**run["description"]["settings"]).label()) for run in shipped["runs"]}
    expected = {("mnist", True, c.label()) for c in hyper.shipped_sweep_configs()}
    expected |= {(name, flat, c.label()) for name, flat, c in hyper.shipped_chapter_configs()}
    assert runs == expected, f"missing: {sorted(expected - runs)}; not asked for: {sorted(runs - expected)}"
    for run in shipped["runs"]:
        d = run["description"]
        assert d["seed"] == 0 and d["data"]["name"] in ("mnist", "fashion_mnist"), d["data"]
        train = {"mnist": 50000, "fashion_mnist": 55000}[d["data"]["name"]]  # all left after validation
        assert (d["data"]["train"], d["data"]["val"], d["data"]["test"]) == (train, 5000, 10000), d["data"]
        assert len(run["result"]["history"]["loss"]) == d["settings"]["epochs"] or not all(
            np.isfinite(run["result"]["history"]["loss"])), "every epoch, unless the run diverged"


def test_the_chapters_full_mode_comparison_runs_are_shipped():
    """Chapter 08's seed table and one-at-a-time table and chapter 09's MLP / CNN comparisons, as the
    chapters ask for them in full mode, are in the shipped file: a first full-mode visit recalls them."""
    from dlnotes import keras_models as km

    labels = {c.label() for _, _, c in hyper.shipped_chapter_configs()}
    assert {cfg.label() for _, cfg, _ in km.SEED_TABLE} <= labels
    assert km.MLP_RECIPE.label() in labels and km.CNN_RECIPE.label() in labels
    seed_mlp = km.SEED_TABLE[-1][1].replace(epochs=5)
    assert all(seed_mlp.replace(**{f: v}).label() in labels for f, vs in km.SEED_VARIATIONS.items() for v in vs)


def test_a_shipped_run_is_recalled_at_once_and_equals_a_fresh_run(tiny, tmp_path):
    """Smoke size: the same path as ``make sweeps`` (the explorer's sweep into a cache, then write_shipped)."""
    from dlnotes.runcache import read_shipped, write_shipped

    made = RunCache(tmp_path / "made", shipped=None)
    maker = hyper.HyperExplorer(tiny, cache=made, max_epochs=2, epochs=1)
    maker.sweep("dropout", optimizer="adam", lr=1e-3, dropout=0.0, hidden=32, batch_size=64, epochs=1)
    shipped_file = tmp_path / "sweeps.json"
    write_shipped(shipped_file, made, how="make sweeps (test)", where="here")
    assert len(read_shipped(shipped_file)["runs"]) == len(hyper.SWEEP_GRIDS["dropout"])

    fresh_machine = RunCache(tmp_path / "empty", shipped=shipped_file)  # a learner's first visit
    learner = hyper.HyperExplorer(tiny, cache=fresh_machine, max_epochs=2, epochs=1)
    learner.set(optimizer="adam", lr=1e-3, dropout=0.4, hidden=32, batch_size=64, epochs=1)
    assert learner.error is None and learner.last is not None and learner.last["recalled"], learner.status
    recalled = learner.last["result"]
    assert fresh_machine.entries() == [], "recalled from the shipped file: nothing trained, nothing stored"

    fresh, was_recalled = hyper.cached_run(learner.last["config"], tiny, cache=RunCache(tmp_path / "again", shipped=None))
    assert not was_recalled
    assert abs(fresh["test_accuracy"] - recalled["test_accuracy"]) <= RECALL_TOLERANCE
    assert abs(fresh["history"]["val_accuracy"][-1] - recalled["history"]["val_accuracy"][-1]) <= RECALL_TOLERANCE


def test_only_the_default_cache_recalls_the_shipped_runs(tmp_path, monkeypatch):
    from dlnotes import runcache

    monkeypatch.setenv(runcache.CACHE_ENV, str(tmp_path / "c"))
    assert RunCache().shipped == runcache.SHIPPED_RUNS
    assert RunCache(tmp_path / "mine").shipped is None, "a folder of one's own (tests) holds only its own runs"
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    with pytest.warns(runcache.RunCacheWarning, match="ignoring the shipped runs"):
        assert RunCache(tmp_path / "x", shipped=broken).get({"a": 1}, data={}, seed=0) is None
