"""Weight initialisers (权重初始化), named as Keras names them in ``kernel_initializer``.

Each takes a shape ``(fan_in, fan_out)`` (or a conv filter shape (FN, C, FH, FW),
whose fan_in is C*FH*FW and fan_out FN*FH*FW) and a numpy ``Generator``.
"""

from __future__ import annotations

import numpy as np

from dlnotes import checks

__all__ = ["INITIALIZERS", "fans", "initialize", "truncated_normal"]


def fans(shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a dense (in, out) or conv (FN, C, FH, FW) weight shape."""
    shape = checks.shape_tuple(shape, "shape", "fans")
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 4:
        fn, c, fh, fw = shape
        return c * fh * fw, fn * fh * fw
    raise ValueError(f"fans: shape must have 2 (dense: in, out) or 4 (conv: FN, C, FH, FW) entries, got {shape}")


def _zeros(shape, rng):
    return np.zeros(shape)


def _random_uniform(shape, rng):
    # Keras' RandomUniform default: U(-0.05, 0.05) — random draws, not evenly spaced values.
    return rng.uniform(-0.05, 0.05, size=shape)


def _random_normal(shape, rng):
    return rng.normal(0.0, 0.05, size=shape)


def _glorot_uniform(shape, rng):
    fi, fo = fans(shape)
    limit = np.sqrt(6.0 / (fi + fo))
    return rng.uniform(-limit, limit, size=shape)


def truncated_normal(shape, std, rng):
    """Normal draws redrawn until they lie within 2 standard deviations, rescaled to have std ``std``.

    This is how Keras draws ``glorot_normal`` and ``he_normal``: a normal with scale
    std / 0.8796 (0.8796 is the std of a unit normal cut at ±2), cut at ±2 of that scale.
    """
    shape = checks.shape_tuple(shape, "shape", "truncated_normal")
    std = checks.number(std, "std", "truncated_normal", low=0.0, low_open=True)
    rng = _generator(rng, "truncated_normal")
    scale = std / 0.87962566103423978
    out = rng.normal(0.0, scale, size=shape)
    bad = np.abs(out) > 2 * scale
    while np.any(bad):
        out[bad] = rng.normal(0.0, scale, size=int(bad.sum()))
        bad = np.abs(out) > 2 * scale
    return out


def _glorot_normal(shape, rng):
    fi, fo = fans(shape)
    return truncated_normal(shape, np.sqrt(2.0 / (fi + fo)), rng)


def _he_normal(shape, rng):
    fi, _ = fans(shape)
    return truncated_normal(shape, np.sqrt(2.0 / fi), rng)


def _he_uniform(shape, rng):
    fi, _ = fans(shape)
    limit = np.sqrt(6.0 / fi)
    return rng.uniform(-limit, limit, size=shape)


INITIALIZERS = {
    "zeros": _zeros,
    "random_uniform": _random_uniform,
    "random_normal": _random_normal,
    "glorot_uniform": _glorot_uniform,
    "glorot_normal": _glorot_normal,
    "he_normal": _he_normal,
    "he_uniform": _he_uniform,
}
"""Keras name -> function(shape, rng). Xavier = Glorot; He suits ReLU, Glorot suits tanh/sigmoid.

Spreads: glorot std sqrt(2 / (fan_in + fan_out)), he std sqrt(2 / fan_in); the uniform
versions have the same std (limit = sqrt(3) * std); the normal versions are truncated at
two (pre-scaling) standard deviations, as in Keras.
"""


def initialize(name: str, shape, rng=None) -> np.ndarray:
    """Weights of ``shape`` drawn by the initialiser ``name`` (a key of :data:`INITIALIZERS`).

    ``rng``: a numpy ``Generator`` (``np.random.default_rng(seed)``); None means seed 0.
    """
    checks.choice(name, "name", sorted(INITIALIZERS), "initialize")
    shape = checks.shape_tuple(shape, "shape", "initialize")
    rng = np.random.default_rng(0) if rng is None else _generator(rng, "initialize")
    return INITIALIZERS[name](shape, rng)


def _generator(rng, where) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{where}: rng must be a numpy Generator such as np.random.default_rng(0), "
                        f"got {checks.describe(rng)}")
    return rng
