"""The dataset loaders (every resolution path and error) and the toy generators."""

from __future__ import annotations

import numpy as np
import pytest

from dlnotes import data
from dlnotes.data import (
    DatasetCorruptError,
    DatasetError,
    DatasetNotFoundError,
    DatasetOfflineError,
    load_fashion_mnist,
    load_mnist,
)

REAL_DOWNLOAD = data._download  # the conftest guard replaces it in every test


def _assert_keras_layout(split, n_train, n_test=10_000):
    (x_train, y_train), (x_test, y_test) = split
    assert x_train.shape == (n_train, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (n_train,) and y_train.dtype == np.uint8
    assert x_test.shape == (n_test, 28, 28) and x_test.dtype == np.uint8
    assert y_test.shape == (n_test,) and y_test.dtype == np.uint8
    assert set(np.unique(y_test)) == set(range(10))


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    """No DLNOTES_DATA / mirror, and an empty repo data/ folder."""
    monkeypatch.delenv(data.DATA_ENV, raising=False)
    monkeypatch.delenv(data.MIRROR_ENV, raising=False)
    empty = tmp_path / "repo-data"
    empty.mkdir()
    monkeypatch.setattr(data, "REPO_DATA", empty)
    return empty


# --- loader paths -----------------------------------------------------------------------
def test_mnist_from_explicit_path_has_keras_layout(shared_data, no_env):
    _assert_keras_layout(load_mnist(shared_data / "mnist.npz"), 55_000)


def test_mnist_from_data_env_variable(shared_data, no_env, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(shared_data))
    _assert_keras_layout(load_mnist(), 55_000)


def test_fashion_mnist_from_data_env_variable(shared_data, no_env, monkeypatch):
    monkeypatch.setenv(data.DATA_ENV, str(shared_data))
    _assert_keras_layout(load_fashion_mnist(), 60_000)


def test_mnist_from_repo_data_folder(shared_data, no_env):
    (no_env / "mnist.npz").symlink_to(shared_data / "mnist.npz")
    _assert_keras_layout(load_mnist(), 55_000)


def test_explicit_path_wins_over_env(shared_data, no_env, monkeypatch, tmp_path):
    monkeypatch.setenv(data.DATA_ENV, str(tmp_path / "nowhere"))
    _assert_keras_layout(load_mnist(shared_data / "mnist.npz"), 55_000)


def test_download_is_used_when_no_local_file(shared_data, no_env, monkeypatch):
    import keras

    calls = []

    def fake_get_file(fname, origin, **kw):
        calls.append(origin)
        return str(shared_data / "mnist.npz")

    monkeypatch.setattr(data, "_download", REAL_DOWNLOAD)
    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    _assert_keras_layout(load_mnist(), 55_000)
    assert calls == [data.KERAS_MNIST_URL]


def test_mirror_url_is_passed_to_the_download(shared_data, no_env, monkeypatch):
    import keras

    calls = []
    monkeypatch.setattr(data, "_download", REAL_DOWNLOAD)
    monkeypatch.setattr(keras.utils, "get_file", lambda fname, origin, **kw: calls.append(origin) or str(shared_data / "mnist.npz"))
    monkeypatch.setenv(data.MIRROR_ENV, "https://mirror.example.org/datasets/")
    load_mnist()
    assert calls == ["https://mirror.example.org/datasets/mnist.npz"]


def test_offline_gives_one_clear_error(no_env, monkeypatch):
    import keras

    def offline(*a, **kw):
        raise Exception("URL fetch failure on https://storage.googleapis.com: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(data, "_download", REAL_DOWNLOAD)
    monkeypatch.setattr(keras.utils, "get_file", offline)
    with pytest.raises(DatasetOfflineError) as err:
        load_mnist()
    msg = str(err.value)
    assert "offline" in msg and data.DATA_ENV in msg and data.MIRROR_ENV in msg and "data/" in msg


def test_download_false_without_a_file_says_where_it_looked(no_env):
    with pytest.raises(DatasetNotFoundError, match="looked in"):
        load_mnist(download=False)


def test_missing_explicit_file(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="No mnist file at"):
        load_mnist(tmp_path / "missing.npz")


def test_corrupt_file_fails_the_checksum(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(b"this is not a dataset")
    with pytest.raises(DatasetCorruptError, match="sha256") as err:
        load_mnist(bad)
    assert "download it again" in str(err.value)


def test_unreadable_file_without_verification(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(DatasetCorruptError, match="could not be read"):
        load_mnist(bad, verify=False)


def test_wrong_shape_file_is_rejected(tmp_path):
    p = tmp_path / "mnist.npz"
    x = np.zeros((5, 32, 32), np.uint8)
    y = np.zeros(5, np.uint8)
    np.savez(p, x_train=x, y_train=y, x_test=x, y_test=y)
    with pytest.raises(DatasetCorruptError, match=r"\(N, 28, 28\) uint8"):
        load_mnist(p, verify=False)


def test_missing_keys_are_rejected(tmp_path):
    p = tmp_path / "mnist.npz"
    np.savez(p, images=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(DatasetCorruptError, match="lacks the arrays"):
        load_mnist(p, verify=False)


def test_all_loader_errors_share_one_base_class():
    for cls in (DatasetNotFoundError, DatasetCorruptError, DatasetOfflineError):
        assert issubclass(cls, DatasetError)


# --- toy data ------------------------------------------------------------------------------
def test_seed_points_are_the_eight_points_of_seed_000():
    x, y = data.seed_points()
    assert x.shape == (8, 2) and y.tolist() == [0, 1, 1, 0, 0, 1, 1, 0]
    assert x[7].tolist() == [4.0, -1.0]


@pytest.mark.parametrize("gate,expected", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0]), ("XOR", [0, 1, 1, 0])])
def test_truth_tables(gate, expected):
    x, y = data.truth_table(gate)
    assert x.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]] and y.tolist() == expected


def test_unknown_gate_is_a_clear_error():
    with pytest.raises(ValueError, match=r"gate must be one of \[.AND., .NAND., .OR., .XOR.\]"):
        data.truth_table("NOR3")


@pytest.mark.parametrize("name", sorted(data.TOY_DATASETS))
def test_toy_sets_are_seeded_and_split(name):
    a = data.make_toy(name, n=120, noise=0.1, test_ratio=0.25, seed=3)
    b = data.make_toy(name, n=120, noise=0.1, test_ratio=0.25, seed=3)
    c = data.make_toy(name, n=120, noise=0.1, test_ratio=0.25, seed=4)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    n = 8 if name == "seed8" else 120
    assert len(a.x_train) + len(a.x_test) == n
    assert len(a.x_test) == round(n * 0.25)
    regression = name in data.REGRESSION_DATASETS
    assert a.x_train.shape[1] == 2 and a.y_train.dtype.kind == ("f" if regression else "i")
    assert a.regression == regression and (a.num_classes == 0) == regression
    assert np.isfinite(a.x_train).all() and np.isfinite(a.y_train).all()
    if regression:
        assert np.all(np.abs(a.y_train) <= 1) and np.std(a.y_train) > 0.1, "targets span [-1, 1]"
    elif name != "seed8":
        assert not np.array_equal(a.x_train, c.x_train)
        # roughly balanced classes
        counts = np.bincount(np.concatenate([a.y_train, a.y_test]))
        assert counts.min() >= n / a.num_classes / 2


def test_spiral3_has_three_classes_and_spiral_two():
    assert data.make_toy("spiral3").num_classes == 3
    assert data.make_toy("spiral").num_classes == 2
    assert data.make_toy("spiral4").num_classes == 4
    assert data.make_toy("blobs5").num_classes == 5


def test_regression_targets_follow_their_formula_without_noise():
    s = data.plane(50, noise=0.0, seed=2)
    np.testing.assert_allclose(s.y_train, s.x_train.sum(axis=1) / 2)
    g = data.multi_gaussian(2000, noise=0.0, seed=2)
    x, y = np.vstack([g.x_train, g.x_test]), np.concatenate([g.y_train, g.y_test])
    for cx, cy, sign in data.MULTI_GAUSSIAN_CENTRES:
        near = np.hypot(x[:, 0] - cx, x[:, 1] - cy) < 0.15
        assert near.any() and np.all(np.sign(y[near]) == sign), "each bump has its sign"


def test_noise_moves_the_points():
    clean = data.circle(100, noise=0.0, seed=1)
    noisy = data.circle(100, noise=0.3, seed=1)
    assert not np.allclose(clean.x_train, noisy.x_train)
    r = np.hypot(*clean.x_train.T)
    inside = clean.y_train == 1
    assert r[inside].max() <= 0.5 < 0.7 <= r[~inside].min()


def test_toy_data_rejects_bad_arguments():
    with pytest.raises(ValueError, match="noise"):
        data.circle(100, noise=-1)
    with pytest.raises(ValueError, match="test_ratio"):
        data.xor(100, test_ratio=1.5)
    with pytest.raises(ValueError, match="name must be one of"):
        data.make_toy("swiss-roll")


def test_load_image_gives_a_grey_photo_and_rejects_unknown_names():
    img = data.load_image("photo", size=48)
    assert img.shape == (48, 48) and 0 <= img.min() and img.max() <= 1
    with pytest.raises(ValueError, match="choose 'photo' or 'digit'"):
        data.load_image("cat")


def test_the_mnist_digit_comes_from_the_local_copy_only(shared_data, monkeypatch):
    monkeypatch.setenv("DLNOTES_DATA", str(shared_data))
    assert data.mnist_available()
    digit = data.load_image("digit")
    assert digit.shape == (28, 28) and digit.max() <= 1


def test_overfitting_data_has_few_training_and_many_test_points():
    split = data.overfitting_data()
    assert split.x_train.shape == (40, 2) and split.x_test.shape == (500, 2)
    assert np.array_equal(split.x_train, data.overfitting_data().x_train), "seeded"


def test_sine_windows_are_seeded_noisy_waves_with_their_next_value():
    a = data.sine_windows(n=200, steps=15, noise=0.1, seed=3)
    b = data.sine_windows(n=200, steps=15, noise=0.1, seed=3)
    assert a.x_train.shape == (150, 15, 1) and a.y_test.shape == (50,)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert np.all(np.abs(a.y_train) <= 1.0), "the next value of a wave with amplitude at most 1"
    clean = data.sine_windows(n=200, steps=15, noise=0.0, seed=3)
    # A sine obeys s[t+1] = c s[t] - s[t-1] with c = 2 cos(angle per step), one c per wave:
    # fit c on the 15 steps, then the target must be the step that follows.
    x = clean.x_train[:, :, 0]
    c = np.sum((x[:, 2:] + x[:, :-2]) * x[:, 1:-1], axis=1) / np.sum(x[:, 1:-1] ** 2, axis=1)
    assert np.allclose(x[:, 2:], c[:, None] * x[:, 1:-1] - x[:, :-2], atol=1e-9), "each sample is one sine wave"
    assert np.allclose(clean.y_train, c * x[:, -1] - x[:, -2], atol=1e-9), "the target is the wave's next value"
    assert not np.allclose(a.x_train, clean.x_train), "noise > 0 moves the observed steps"


def test_sine_windows_reject_bad_arguments():
    with pytest.raises(ValueError, match="sine_windows: steps must be an integer at least 2, got 1"):
        data.sine_windows(steps=1)
    with pytest.raises(ValueError, match="sine_windows: noise must be a finite number"):
        data.sine_windows(noise=-1)
