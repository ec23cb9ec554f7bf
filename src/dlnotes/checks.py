"""Boundary checks: the one place where public functions and layers validate what they are given.

Input contracts
---------------
Every public function, class and layer of the numerics modules checks its arguments
**once, at the boundary** (a constructor, or the first line of a public function), with a
helper from this module, and then computes without further checks. Taught code — a
layer's ``forward`` / ``backward``, an optimiser's ``_step`` — spends at most one line on
it (``x = self._check_x(x)``, ``dout = self._check_dout(dout)``), so it reads like the math.

A bad argument raises

- ``TypeError`` when it is the wrong *kind* of thing: a string or None where numbers
  belong, an int where a list of layer widths belongs, float labels with fractions;
- ``ValueError`` when the kind is right but the *value* is not: a shape, a length, a
  range, an unknown name, an empty batch, NaN or inf in data.

Integers are Python or numpy ints (not ``3.0``, not ``True``); flags are ``True`` / ``False``.

The message names the place and the argument, says what was expected and what was given::

    Affine.forward: x must have 3 features per sample (W has shape (3, 2)), got shape (4, 5)

Never a numpy traceback from deep inside, never a wrong answer in silence.

Non-finite numbers. Data (training inputs, labels, targets) must be finite. Computations
pass NaN through — NaN in, NaN out — and :meth:`dlnotes.network.Sequential.accuracy`
returns NaN, not a plausible number, when a network's outputs are not finite (weights
that became NaN would otherwise all "predict" class 0).
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

__all__ = [
    "array",
    "batch_of",
    "choice",
    "describe",
    "fail",
    "flag",
    "function",
    "integer",
    "labels",
    "number",
    "params_and_grads",
    "same_length",
    "shape_tuple",
    "targets",
]


def describe(value) -> str:
    """A short description of ``value`` for an error message: its shape and dtype, its repr, or its type."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None or isinstance(value, (bool, Real, str, np.generic)):
        return f"{value!r} ({type(value).__name__})"
    if isinstance(value, (list, tuple, dict)):
        text = repr(value)
        return f"{text} ({type(value).__name__})" if len(text) <= 60 else f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def fail(where, name, expected, got, exc=ValueError, hint=""):
    """Raise ``exc("{where}: {name} must be {expected}, got {got}[; {hint}]")``; ``got`` is text (see :func:`describe`)."""
    raise exc(f"{where}: {name} must be {expected}, got {got}{'; ' + hint if hint else ''}")


def _fmt_shape(shape) -> str:
    parts = ["any" if s is None else str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def array(x, name, where, *, ndim=None, shape=None, nonempty=False, finite=False, hint="",
          dtype=np.float64) -> np.ndarray:
    """``x`` as an array of ``dtype`` (float64), after checking it holds real numbers.

    ``ndim``: an int or a tuple of allowed numbers of axes; ``shape``: the exact shape,
    None entries matching any length; ``nonempty``: at least one entry; ``finite``: no
    NaN or inf. TypeError for non-numbers (strings, None, objects, complex, ragged lists),
    ValueError for a wrong shape or value.
    """
    if (type(x) is np.ndarray and x.dtype == dtype and ndim is None and not nonempty and not finite
            and (shape is None or x.shape == shape)):
        return x  # the common case, checked in one line: a float64 array of the right shape
    if isinstance(x, np.ndarray):
        arr = x
    else:
        try:
            arr = np.asarray(x)
        except ValueError:
            fail(where, name, "a rectangular array of numbers", describe(x), TypeError, "its rows have different lengths")
    if arr.dtype.kind not in "biuf":
        fail(where, name, "an array of real numbers", describe(x), TypeError, hint)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            axes = " or ".join(str(a) for a in allowed)
            fail(where, name, f"an array with {axes} ax{'i' if allowed == (1,) else 'e'}s", f"shape {arr.shape}",
                 ValueError, hint)
    if shape is not None and arr.shape != shape:
        shape = tuple(shape)
        if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
            fail(where, name, f"of shape {_fmt_shape(shape)}", f"shape {arr.shape}", ValueError, hint)
    if nonempty and arr.size == 0:
        fail(where, name, "non-empty (at least one sample)", f"shape {arr.shape}", ValueError, hint)
    if dtype is not None and arr.dtype != dtype:
        arr = arr.astype(dtype)
    if finite and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        fail(where, name, "finite (no NaN or inf)", f"shape {arr.shape}", ValueError,
              f"{bad} entr{'y is' if bad == 1 else 'ies are'} NaN or inf")
    return arr


def batch_of(shape, per_sample, name, where, *, hint="one sample is x[None]") -> None:
    """Check that an input of ``shape`` is a batch (N, ...) holding ``per_sample`` numbers per sample."""
    if len(shape) < 2 or math.prod(shape[1:]) != per_sample:
        fail(where, name, f"a batch (N, ...) with {per_sample} features per sample", f"shape {tuple(shape)}",
             hint=hint)


def integer(value, name, where, *, minimum=None, maximum=None) -> int:
    """``value`` as an int within [minimum, maximum]; Python and numpy ints only (not 3.0, not True)."""
    if not isinstance(value, Integral) or isinstance(value, (bool, np.bool_)):
        fail(where, name, "an integer", describe(value), TypeError)
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        rng = (f"between {minimum} and {maximum}" if minimum is not None and maximum is not None
               else f"at least {minimum}" if minimum is not None else f"at most {maximum}")
        fail(where, name, f"an integer {rng}", describe(value))
    return value


def number(value, name, where, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """``value`` as a finite float within the interval given by ``low`` / ``high`` (closed unless ``*_open``)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        fail(where, name, "a number", describe(value), TypeError)
    v = float(value)
    too_low = low is not None and (v <= low if low_open else v < low)
    too_high = high is not None and (v >= high if high_open else v > high)
    if not np.isfinite(v) or too_low or too_high:
        left = "(" if low_open or low is None else "["
        right = ")" if high_open or high is None else "]"
        lo = "-∞" if low is None else f"{low:g}"
        hi = "∞" if high is None else f"{high:g}"
        fail(where, name, f"a finite number in {left}{lo}, {hi}{right}", describe(value))
    return v


def flag(value, name, where) -> bool:
    """``value`` as a bool; only True / False (and numpy's bools) are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        fail(where, name, "True or False", describe(value), TypeError)
    return bool(value)


def choice(value, name, options, where):
    """``value`` if it is one of ``options`` (a dict's keys or a sequence), else a ValueError listing them."""
    keys = list(options)
    try:
        ok = value in keys
    except TypeError:
        ok = False
    if not ok or isinstance(value, (bool, np.bool_)) and not any(isinstance(k, bool) for k in keys):
        fail(where, name, f"one of {keys}", describe(value))
    return value


def function(value, name, where, *, allow_none=False):
    """``value`` if it is callable (or None when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if not callable(value):
        fail(where, name, "a function" + (" or None" if allow_none else ""), describe(value), TypeError)
    return value


def shape_tuple(value, name, where, *, length=None) -> tuple:
    """A shape: a tuple / list of positive integers (of ``length`` entries, if given)."""
    if isinstance(value, (Integral, str)) or not isinstance(value, (tuple, list, np.ndarray)):
        fail(where, name, "a tuple of positive integers such as (2, 3)", describe(value), TypeError)
    if length is not None and len(value) != length:
        fail(where, name, f"a tuple of {length} positive integers", describe(value))
    return tuple(integer(v, f"{name}[{i}]", where, minimum=1) for i, v in enumerate(value))


def same_length(where, **arrays) -> int:
    """The common length of the named arrays; ValueError naming them all when they differ."""
    for name, a in arrays.items():
        if np.ndim(a) == 0:
            fail(where, name, "an array with one entry per sample", describe(a))
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        names = " and ".join(lengths)
        got = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise ValueError(f"{where}: {names} must have the same length (one target per sample), got {got}")
    return next(iter(lengths.values()))


def labels(t, name, where, *, n=None, k=None) -> np.ndarray:
    """Integer class labels (N,) in 0..k-1 as int64; integral floats are accepted, fractions are not."""
    arr = array(t, name, where, ndim=1, dtype=None)
    if arr.dtype.kind == "b" or (arr.dtype.kind == "f" and not np.all(arr == np.round(arr))):
        fail(where, name, "integer class labels", describe(t), TypeError)
    if n is not None and len(arr) != n:
        fail(where, name, f"{n} labels (one per sample)", f"shape {arr.shape}")
    out = arr.astype(np.int64)
    if out.size and (out.min() < 0 or (k is not None and out.max() >= k)):
        rng = f"in 0..{k - 1} ({k} classes)" if k is not None else "that are non-negative"
        fail(where, name, f"class labels {rng}", f"shape {arr.shape} with labels {out.min()}..{out.max()}")
    return out


def targets(t, shape, name, where) -> np.ndarray:
    """Targets for predictions of ``shape`` (N, K): labels (N,) or one-hot / soft rows (N, K) -> float (N, K).

    Soft rows must be probability distributions (entries in [0, 1] summing to 1).
    """
    n, k = shape
    if array(t, name, where, dtype=None).shape != (n,):
        arr = array(t, name, where, shape=(n, k),
                    hint=f"targets are labels of shape ({n},) or one-hot rows of shape ({n}, {k})")
        sums = arr.sum(axis=1)
        if arr.size and (arr.min() < 0 or arr.max() > 1 or not np.allclose(sums, 1.0, atol=1e-6)):
            fail(where, name, "one-hot or soft targets: rows of numbers in [0, 1] summing to 1",
                  f"shape {arr.shape} with entries {arr.min():.3g}..{arr.max():.3g}")
        return arr
    idx = labels(t, name, where, n=n, k=k)
    out = np.zeros((n, k))
    out[np.arange(n), idx] = 1.0
    return out


def params_and_grads(params, grads, where) -> dict:
    """An optimiser's inputs: ``params`` a dict of float arrays (updated in place), ``grads`` the same keys and shapes.

    Returns the gradients as arrays of their parameter's dtype.
    """
    if not isinstance(params, dict) or not isinstance(grads, dict):
        bad, value = ("params", params) if not isinstance(params, dict) else ("grads", grads)
        fail(where, bad, "a dict name -> array (e.g. net.params, net.grads)", describe(value), TypeError)
    missing = [k for k in params if k not in grads]
    if missing:
        fail(where, "grads", f"a gradient for every parameter; missing {missing}", f"keys {sorted(grads)}")
    out = {}
    for key, w in params.items():
        if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
            fail(where, f"params[{key!r}]", "a float numpy array (it is updated in place)", describe(w), TypeError)
        out[key] = array(grads[key], f"grads[{key!r}]", where, shape=w.shape, dtype=w.dtype,
                         hint="a gradient has the shape of its parameter")
    return out
