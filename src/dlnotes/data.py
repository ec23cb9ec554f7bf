"""Datasets: MNIST / Fashion-MNIST loaders and small seeded toy sets (数据集).

MNIST-style loaders return ``(x_train, y_train), (x_test, y_test)`` exactly as
``keras.datasets.mnist.load_data()`` does: images ``uint8`` of shape (N, 28, 28),
labels ``uint8`` of shape (N,). They look for the file in this order:

1. the ``path`` argument;
2. the directory in the ``DLNOTES_DATA`` environment variable;
3. the repository's ``data/`` folder;
4. a download through Keras (from ``mirror=`` / ``DLNOTES_MIRROR`` when set).

Every local file is checked against known sha256 sums before it is used. Each failure
raises a :class:`DatasetError` subclass whose message says what to do, in the reader's language
(:func:`dlnotes.language.tr`).

Toy generators return a :class:`Split` of float arrays ``x`` (N, 2) and integer
labels ``y`` (N,) — or, for the regression sets :func:`plane` and :func:`multi_gaussian`,
float targets ``y`` (N,) — seeded so a notebook gives the same numbers on every run;
:func:`overfitting_data` is chapter 05's small noisy set. :func:`load_image` gives a grey
photo (bundled with matplotlib) or an MNIST digit for the convolution chapter.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import matplotlib.cbook as cbook
import matplotlib.image as mpimg
import numpy as np

from dlnotes import checks
from dlnotes.language import tr

__all__ = [
    "DATA_ENV",
    "MIRROR_ENV",
    "DatasetCorruptError",
    "DatasetError",
    "DatasetNotFoundError",
    "DatasetOfflineError",
    "GATES",
    "SEED_POINTS",
    "REGRESSION_DATASETS",
    "Split",
    "TOY_DATASETS",
    "blobs",
    "circle",
    "gaussian",
    "load_fashion_mnist",
    "load_image",
    "load_mnist",
    "make_toy",
    "mnist_available",
    "moons",
    "multi_gaussian",
    "overfitting_data",
    "plane",
    "seed_points",
    "spiral",
    "truth_table",
    "xor",
]

DATA_ENV = "DLNOTES_DATA"
"""Environment variable naming a directory that holds ``mnist.npz`` / ``fashion_mnist.npz``."""
MIRROR_ENV = "DLNOTES_MIRROR"
"""Environment variable with a base URL serving ``mnist.npz`` / ``fashion_mnist.npz``."""

REPO_DATA = Path(__file__).resolve().parents[2] / "data"

KERAS_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"

# sha256 sums we accept for each file, and where each comes from.
KNOWN_SHA256 = {
    "mnist": {
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1": "Keras' official mnist.npz (60,000 train)",
        "be9b75d563c256f987c0a5c233acbc916594b40d19c382aaba0e1a813ed87afe": "course copy of MNIST (55,000 train, canonical test)",
    },
    "fashion_mnist": {
        "5b6d2c4c694a91887af8ab7d039c04f80af3c29378d731c93a538d2e831aa469": "Fashion-MNIST, canonical 60,000 / 10,000 split",
    },
}
_CLASSES = {
    "mnist": [str(i) for i in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
}
CLASS_NAMES = _CLASSES
"""Class names by dataset, index = label."""


class DatasetError(RuntimeError):
    """A dataset could not be loaded; the message says what to do."""


class DatasetNotFoundError(DatasetError, FileNotFoundError):
    """No file was found at any of the places the loader looks."""


class DatasetCorruptError(DatasetError):
    """A file was found but its checksum, keys, shapes or dtypes are wrong."""


class DatasetOfflineError(DatasetError, ConnectionError):
    """The file is not on disk and the download failed (no internet, blocked host)."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _help(name: str) -> str:
    return (
        f"To use {name} offline, download {name}.npz on a machine with internet "
        f"(for MNIST: {KERAS_MNIST_URL}) and either put it in the repository's data/ folder "
        f"({REPO_DATA}), set the environment variable {DATA_ENV} to the folder that holds it, "
        f"or pass path=... . If your network blocks the default host, set {MIRROR_ENV} "
        f"to a mirror URL that serves {name}.npz."
    )


def _check_arrays(name: str, path: Path, data) -> tuple:
    keys = ("x_train", "y_train", "x_test", "y_test")
    missing = [k for k in keys if k not in data.files]
    if missing:
        raise DatasetCorruptError(
            tr(f"{path} is not a {name} file: it lacks the arrays {missing}. Expected Keras' layout "
               f"with x_train, y_train, x_test, y_test. Delete it and get a fresh copy. {_help(name)}")
        )
    x_train, y_train, x_test, y_test = (data[k] for k in keys)
    for xs, ys, part in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if xs.ndim != 3 or xs.shape[1:] != (28, 28) or xs.dtype != np.uint8:
            raise DatasetCorruptError(
                tr(f"{path}: x_{part} has shape {xs.shape} and dtype {xs.dtype}; expected (N, 28, 28) uint8.")
            )
        if ys.shape != (xs.shape[0],) or not np.issubdtype(ys.dtype, np.integer):
            raise DatasetCorruptError(
                tr(f"{path}: y_{part} has shape {ys.shape} and dtype {ys.dtype}; "
                   f"expected ({xs.shape[0]},) integer labels.")
            )
        if ys.size and (ys.min() < 0 or ys.max() > 9):
            raise DatasetCorruptError(tr(f"{path}: y_{part} holds labels outside 0..9."))
    return (x_train, y_train.astype(np.uint8)), (x_test, y_test.astype(np.uint8))


def _load_file(name: str, path: Path, verify: bool) -> tuple:
    if not path.is_file():
        raise DatasetNotFoundError(tr(f"No {name} file at {path}. {_help(name)}"))
    if verify:
        digest = _sha256(path)
        if digest not in KNOWN_SHA256[name]:
            raise DatasetCorruptError(
                tr(f"{path} has sha256 {digest}, which matches no known {name} file "
                   f"(a partial download or a different file?). Delete it and download it again; "
                   f"pass verify=False only if you trust this file. {_help(name)}")
            )
    try:
        with np.load(path, allow_pickle=False) as data:
            return _check_arrays(name, path, data)
    except DatasetError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, OSError, ValueError ...
        raise DatasetCorruptError(
            tr(f"{path} could not be read as a .npz file ({type(exc).__name__}: {exc}). "
               f"Delete it and download it again. {_help(name)}")
        ) from exc


def _candidates(name: str) -> list[Path]:
    out = []
    env = os.environ.get(DATA_ENV)
    if env:
        out.append(Path(env).expanduser() / f"{name}.npz")
    out.append(REPO_DATA / f"{name}.npz")
    return out


def _download(name: str, mirror: str | None) -> Path:
    try:
        from keras.utils import get_file  # TensorFlow is heavy: imported only to download
    except Exception as exc:  # pragma: no cover - keras is a dependency
        raise DatasetOfflineError(tr(f"Keras is not importable, so {name} cannot be downloaded. {_help(name)}")) from exc
    if mirror:
        origin = mirror.rstrip("/") + f"/{name}.npz"
    elif name == "mnist":
        origin = KERAS_MNIST_URL
    else:
        origin = None
    try:
        if origin is None:
            return _download_fashion_via_keras()
        return Path(get_file(f"dlnotes_{name}.npz", origin=origin, cache_subdir="datasets"))
    except DatasetError:
        raise
    except Exception as exc:
        raise DatasetOfflineError(
            tr(f"{name} is not on this computer and downloading it from {origin or 'the Keras host'} failed "
               f"({type(exc).__name__}: {exc}). Are you offline? {_help(name)}")
        ) from exc


def _download_fashion_via_keras() -> Path:
    """Fashion-MNIST comes from Keras as four .gz files; store them once as one .npz in data/."""
    from keras.datasets import fashion_mnist  # TensorFlow is heavy: imported only to download

    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    target = REPO_DATA / "fashion_mnist.npz"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    os.replace(tmp, target)
    return target


def _load(name: str, path, mirror, verify: bool, download: bool):
    if path is not None:
        return _load_file(name, Path(path).expanduser(), verify)
    for candidate in _candidates(name):
        if candidate.is_file():
            return _load_file(name, candidate, verify)
    if not download:
        looked = ", ".join(str(c) for c in _candidates(name))
        raise DatasetNotFoundError(tr(f"No {name}.npz found (looked in {looked}) and download=False. {_help(name)}"))
    mirror = mirror or os.environ.get(MIRROR_ENV) or None
    fetched = _download(name, mirror)
    # Keras' own Fashion-MNIST files are checked by Keras; our repacked npz has no fixed hash.
    return _load_file(name, fetched, verify and not (name == "fashion_mnist" and mirror is None))


def load_mnist(path=None, *, mirror=None, verify=True, download=True):
    """MNIST digits as ``(x_train, y_train), (x_test, y_test)``: uint8 (N, 28, 28) and uint8 (N,)."""
    return _load("mnist", path, mirror, verify, download)


def load_fashion_mnist(path=None, *, mirror=None, verify=True, download=True):
    """Fashion-MNIST as ``(x_train, y_train), (x_test, y_test)``: uint8 (N, 28, 28) and uint8 (N,)."""
    return _load("fashion_mnist", path, mirror, verify, download)


# --- single images ----------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _photo(size):
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = mpimg.imread(f, format="jpg").astype(float) / 255.0
    grey = rgb[..., :3] @ np.array([0.299, 0.587, 0.114])
    h, w = grey.shape
    side = min(h, w)
    grey = grey[(h - side) // 2:(h - side) // 2 + side, (w - side) // 2:(w - side) // 2 + side]
    k = side // size
    return grey[: k * size, : k * size].reshape(size, k, size, k).mean(axis=(1, 3))


@functools.lru_cache(maxsize=None)
def _digits():
    (_, _), (x_test, y_test) = load_mnist(download=False)
    return x_test[:200].astype(float) / 255.0, y_test[:200]


def mnist_available() -> bool:
    """True when a local MNIST copy loads without downloading anything."""
    try:
        _digits()
    except DatasetError:
        return False
    return True


def load_image(name="photo", size=96):
    """A grey image in [0, 1]: "photo" (matplotlib's sample portrait, size×size) or "digit" (an MNIST 28×28 test digit)."""
    if name == "photo":
        return _photo(int(size)).copy()
    if name == "digit":
        x, y = _digits()
        return x[int(np.flatnonzero(y == 7)[0])].copy()
    raise ValueError(f"unknown image {name!r}; choose 'photo' or 'digit'")


# --- toy data ---------------------------------------------------------------------------------
SEED_POINTS = (
    np.array([[3, 1], [2, 5], [1, 8], [6, 4], [5, 2], [3, 5], [4, 7], [4, -1]], dtype=float),
    np.array([0, 1, 1, 0, 0, 1, 1, 0]),
)
"""The 8 labelled 2-D points of seed 000: x (8, 2), y (8,)."""

GATES = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "XOR": np.array([0, 1, 1, 0]),
}
"""Logic-gate outputs for the inputs (0,0), (0,1), (1,0), (1,1)."""


def truth_table(gate: str):
    """Inputs x (4, 2) and outputs y (4,) of the logic gate AND / OR / NAND / XOR (真值表)."""
    if not isinstance(gate, str) or gate.upper() not in GATES:
        checks.fail("truth_table", "gate", f"one of {sorted(GATES)} (any case)", checks.describe(gate))
    key = gate.upper()
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return x, GATES[key].copy()


def seed_points():
    """Copies of the seed-000 points: x (8, 2) float, y (8,) int."""
    return SEED_POINTS[0].copy(), SEED_POINTS[1].copy()


@dataclass(frozen=True)
class Split:
    """A train/test split: inputs x_* and targets y_* (the 2-D toy sets: x (N, 2) float, y (N,) int labels,
    or float targets for a regression set)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def regression(self) -> bool:
        """True when the targets are real numbers (float y), not class labels."""
        return self.y_train.dtype.kind == "f"

    @property
    def num_classes(self) -> int:
        """Number of classes (max label + 1 over both parts); 0 for a regression set."""
        if self.regression:
            return 0
        return int(max(self.y_train.max(initial=0), self.y_test.max(initial=0))) + 1


def _split(x, y, test_ratio, rng) -> Split:
    order = rng.permutation(len(x))
    n_test = int(round(len(x) * test_ratio))
    te, tr = order[:n_test], order[n_test:]
    return Split(x[tr], y[tr], x[te], y[te])


def _check(where, n, noise, test_ratio, seed):
    """The toy makers' shared arguments, checked: (n, noise, test_ratio, a seeded Generator)."""
    return (checks.integer(n, "n (the number of points)", where, minimum=2),
            checks.number(noise, "noise", where, low=0.0),
            checks.number(test_ratio, "test_ratio", where, low=0.0, high=1.0, high_open=True),
            np.random.default_rng(checks.integer(seed, "seed", where, minimum=0)))


def circle(n=200, noise=0.1, *, test_ratio=0.5, seed=0) -> Split:
    """Class 1 inside a disc of radius 0.5, class 0 on a ring of radius 0.7-1.0; x in about [-1, 1]^2."""
    n, noise, test_ratio, rng = _check("circle", n, noise, test_ratio, seed)
    n1 = n // 2
    r = np.concatenate([rng.uniform(0, 0.5, n1), rng.uniform(0.7, 1.0, n - n1)])
    a = rng.uniform(0, 2 * np.pi, n)
    x = np.column_stack([r * np.cos(a), r * np.sin(a)]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.ones(n1, int), np.zeros(n - n1, int)])
    return _split(x, y, test_ratio, rng)


def xor(n=200, noise=0.1, *, test_ratio=0.5, seed=0) -> Split:
    """Four quadrants: label 1 where x0 and x1 have different signs; x in [-1, 1]^2."""
    n, noise, test_ratio, rng = _check("xor", n, noise, test_ratio, seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    x += np.sign(x) * 0.05  # a small gap around the axes
    y = (x[:, 0] * x[:, 1] < 0).astype(int)
    x = x + noise * rng.normal(size=(n, 2))
    return _split(x, y, test_ratio, rng)


def gaussian(n=200, noise=0.1, *, test_ratio=0.5, seed=0) -> Split:
    """Two Gaussian blobs centred at (-0.5, -0.5) (class 0) and (0.5, 0.5) (class 1)."""
    n, noise, test_ratio, rng = _check("gaussian", n, noise, test_ratio, seed)
    n1 = n // 2
    y = np.concatenate([np.zeros(n - n1, int), np.ones(n1, int)])
    centres = np.where(y[:, None] == 1, 0.5, -0.5)
    x = centres + (0.15 + noise) * rng.normal(size=(n, 2))
    return _split(x, y, test_ratio, rng)


def spiral(n=300, noise=0.1, *, classes=2, test_ratio=0.5, seed=0) -> Split:
    """``classes`` interleaved spiral arms (2 or 3), each 1.75 turns; x in about [-1, 1]^2."""
    n, noise, test_ratio, rng = _check("spiral", n, noise, test_ratio, seed)
    classes = checks.integer(classes, "classes", "spiral", minimum=2)
    y = np.arange(n) % classes
    t = rng.uniform(0.05, 1.0, n)
    angle = 1.75 * 2 * np.pi * t + 2 * np.pi * y / classes
    x = np.column_stack([t * np.cos(angle), t * np.sin(angle)]) + noise * 0.5 * rng.normal(size=(n, 2))
    return _split(x, y, test_ratio, rng)


def moons(n=200, noise=0.1, *, test_ratio=0.5, seed=0) -> Split:
    """Two interleaving half circles (two moons), scaled into about [-1, 1]^2."""
    n, noise, test_ratio, rng = _check("moons", n, noise, test_ratio, seed)
    n1 = n // 2
    a0 = rng.uniform(0, np.pi, n - n1)
    a1 = rng.uniform(0, np.pi, n1)
    upper = np.column_stack([np.cos(a0), np.sin(a0)])
    lower = np.column_stack([1 - np.cos(a1), 0.5 - np.sin(a1)])
    x = (np.vstack([upper, lower]) - [0.5, 0.25]) / 1.5 + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n - n1, int), np.ones(n1, int)])
    return _split(x, y, test_ratio, rng)


def blobs(n=300, noise=0.1, *, classes=5, test_ratio=0.5, seed=0) -> Split:
    """``classes`` Gaussian blobs (label k) with centres evenly spaced on a circle of radius 0.65."""
    n, noise, test_ratio, rng = _check("blobs", n, noise, test_ratio, seed)
    classes = checks.integer(classes, "classes", "blobs", minimum=2)
    y = np.arange(n) % classes
    angle = 2 * np.pi * y / classes + np.pi / 2
    x = 0.65 * np.column_stack([np.cos(angle), np.sin(angle)]) + (0.12 + noise) * rng.normal(size=(n, 2))
    return _split(x, y, test_ratio, rng)


def plane(n=300, noise=0.1, *, test_ratio=0.5, seed=0) -> Split:
    """Regression: points uniform in [-1, 1]^2, target (x1 + x2) / 2 (in [-1, 1]) of the point before
    ``noise`` (times a uniform draw in [-1, 1]) moves it, as in TensorFlow Playground's "plane"."""
    n, noise, test_ratio, rng = _check("plane", n, noise, test_ratio, seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    y = (x[:, 0] + x[:, 1]) / 2
    return _split(x + noise * rng.uniform(-1, 1, size=(n, 2)), y, test_ratio, rng)


MULTI_GAUSSIAN_CENTRES = np.array([[-0.6, 0.6, 1], [0.0, 0.6, -1], [0.6, 0.6, 1], [-0.6, -0.6, -1],
                                   [0.0, -0.6, 1], [0.6, -0.6, -1]])
"""(x1, x2, sign) of the six bumps of :func:`multi_gaussian`."""


def multi_gaussian(n=300, noise=0.1, *, test_ratio=0.5, seed=0) -> Split:
    """Regression: points uniform in [-1, 1]^2, target a sum of six ±1 Gaussian bumps (width 0.25),
    clipped to [-1, 1], of the point before ``noise`` moves it (TensorFlow Playground's "multi-Gaussian")."""
    n, noise, test_ratio, rng = _check("multi_gaussian", n, noise, test_ratio, seed)
    x = rng.uniform(-1, 1, size=(n, 2))
    c = MULTI_GAUSSIAN_CENTRES
    d2 = (x[:, None, 0] - c[None, :, 0]) ** 2 + (x[:, None, 1] - c[None, :, 1]) ** 2
    y = np.clip(np.exp(-d2 / (2 * 0.25**2)) @ c[:, 2], -1.0, 1.0)
    return _split(x + noise * rng.uniform(-1, 1, size=(n, 2)), y, test_ratio, rng)


def _seed8(n=8, noise=0.0, *, test_ratio=0.0, seed=0) -> Split:
    _, noise, test_ratio, rng = _check("seed8", 8, noise, test_ratio, seed)
    x, y = seed_points()
    x = x + noise * rng.normal(size=x.shape)
    return _split(x, y, test_ratio, rng)


TOY_DATASETS = {
    "circle": circle,
    "xor": xor,
    "gaussian": gaussian,
    "spiral": spiral,
    "spiral3": lambda n=300, noise=0.1, **kw: spiral(n, noise, classes=3, **kw),
    "spiral4": lambda n=300, noise=0.1, **kw: spiral(n, noise, classes=4, **kw),
    "blobs5": lambda n=300, noise=0.1, **kw: blobs(n, noise, classes=5, **kw),
    "moons": moons,
    "seed8": _seed8,
    "plane": plane,
    "multi_gaussian": multi_gaussian,
}
"""Name -> generator(n, noise, *, test_ratio, seed) for the 2-D playground data sets."""

REGRESSION_DATASETS = ("plane", "multi_gaussian")
"""The toy sets whose targets are real numbers (regression), not classes."""


def sine_windows(n=2000, steps=20, noise=0.1, *, test_ratio=0.25, seed=0) -> Split:
    """Noisy sine waves and the value that comes next: a sequence task where order matters (chapter 11).

    Each sample is a sine of random amplitude (0.5-1), frequency (0.03-0.12 cycles per step)
    and phase, observed for ``steps`` steps with Gaussian ``noise``: x (n, steps, 1). The
    target y (n,) is the wave's next value, without noise.
    """
    n, noise, test_ratio, rng = _check("sine_windows", n, noise, test_ratio, seed)
    steps = checks.integer(steps, "steps", "sine_windows", minimum=2)
    amplitude = rng.uniform(0.5, 1.0, (n, 1))
    frequency = rng.uniform(0.03, 0.12, (n, 1))
    phase = rng.uniform(0, 2 * np.pi, (n, 1))
    wave = amplitude * np.sin(2 * np.pi * frequency * np.arange(steps + 1) + phase)  # (n, steps + 1)
    x = wave[:, :-1] + noise * rng.normal(size=(n, steps))
    return _split(x[:, :, None], wave[:, -1], test_ratio, rng)


def make_toy(name: str, n=200, noise=0.1, *, test_ratio=0.5, seed=0) -> Split:
    """Build a toy set by name: circle, xor, gaussian, spiral, spiral3, spiral4, blobs5, moons, seed8
    (classes) or plane, multi_gaussian (regression)."""
    checks.choice(name, "name", sorted(TOY_DATASETS), "make_toy")
    return TOY_DATASETS[name](n, noise, test_ratio=test_ratio, seed=seed)


def overfitting_data(n_train: int = 40, n_test: int = 500, noise: float = 0.2, seed: int = 0) -> Split:
    """A noisy two-moons split with few training points (n_train, 2) and many test points (n_test, 2): easy to overfit."""
    return make_toy("moons", n=n_train + n_test, noise=noise, test_ratio=n_test / (n_train + n_test), seed=seed)
