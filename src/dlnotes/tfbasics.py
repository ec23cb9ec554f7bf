"""TensorFlow basics for chapter 07: dtype tables read from the libraries, traced graphs, numpy-network twins.

The seed notes type the numpy and TensorFlow data-type (数据类型) tables out by hand;
here they are generated from ``np.iinfo`` / ``np.finfo`` and ``tf.dtypes.as_dtype``, so
they cannot be wrong for the installed versions. :func:`graph_ops` lists the operations
(nodes, 节点) and tensors (edges, 边) of the data-flow graph (数据流图) that ``tf.function``
traces, and :func:`sequential_loss_tf` runs a :class:`dlnotes.network.Sequential` in
TensorFlow with the same weights so ``tf.GradientTape`` can check chapter 04's gradients.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from dlnotes import checks
from dlnotes.language import tr
from dlnotes.layers import Affine, Identity, ReLU, Sigmoid, Tanh
from dlnotes.network import Sequential

__all__ = [
    "NUMPY_DTYPES",
    "TF_DTYPES",
    "dtype_table",
    "graph_ops",
    "markdown_table",
    "numpy_dtype_info",
    "sequential_loss_tf",
    "tf_dtype_info",
]

NUMPY_DTYPES = [
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "intc", "intp", "float16", "float32", "float64", "complex64", "complex128",
]
"""The numpy types the seed lists (``np.float_`` / ``np.complex_`` were removed in numpy 2: use float64 / complex128)."""

TF_DTYPES = [
    "float16", "float32", "float64", "bfloat16", "complex64", "complex128",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "bool", "string", "qint8", "quint8", "qint16", "quint16", "qint32",
]
"""The TensorFlow types the seed lists, in its order of kinds."""

_QUANTIZED_BASE = {"qint8": "int8", "quint8": "uint8", "qint16": "int16", "quint16": "uint16", "qint32": "int32"}


def _float_row(name, finfo, bits):
    return {
        "dtype": name, "kind": "float", "bits": bits, "min": float(finfo.min), "max": float(finfo.max),
        "digits": int(finfo.precision), "eps": float(finfo.eps),
        "layout": f"1 sign, {int(finfo.nexp)} exponent, {int(finfo.nmant)} mantissa bits",
    }


def numpy_dtype_info(name: str) -> dict:
    """One row of the numpy dtype table: bits, min, max, decimal digits and eps (floats), read from numpy."""
    name = _dtype_name(name, "numpy_dtype_info")
    try:
        dt = np.dtype(name)
    except TypeError:
        raise ValueError(f"numpy_dtype_info: name must be a numpy dtype name such as 'float32', got {name!r}") from None
    bits = dt.itemsize * 8
    if dt.kind == "b":
        return {"dtype": name, "kind": "bool", "bits": bits, "min": False, "max": True}
    if dt.kind in "iu":
        info = np.iinfo(dt)
        kind = "unsigned int" if dt.kind == "u" else "int"
        row = {"dtype": name, "kind": kind, "bits": bits, "min": int(info.min), "max": int(info.max)}
        if dt.name != name:
            row["same as"] = dt.name
        return row
    if dt.kind == "f":
        row = _float_row(name, np.finfo(dt), bits)
        if dt.name != name:
            row["same as"] = dt.name
        return row
    if dt.kind == "c":
        row = _float_row(name, np.finfo(dt), bits)
        row.update(kind="complex", layout=f"two {bits // 2}-bit floats (real, imaginary)")
        return row
    raise ValueError(f"no table row for numpy dtype {name!r} (kind {dt.kind!r})")


def tf_dtype_info(name: str) -> dict:
    """One row of the TensorFlow dtype table, read from ``tf.dtypes.as_dtype(name)`` (size, min, max)."""
    name = _dtype_name(name, "tf_dtype_info")
    try:
        d = tf.dtypes.as_dtype(name)
    except TypeError:
        raise ValueError(f"tf_dtype_info: name must be a TensorFlow dtype name such as 'float32', "
                         f"got {name!r}") from None
    bits = d.size * 8
    if d.is_floating:
        import ml_dtypes  # TensorFlow's own dependency; its finfo knows bfloat16

        row = _float_row(d.name, ml_dtypes.finfo(d.as_numpy_dtype), bits)
        row["min"], row["max"] = float(d.min), float(d.max)
        return row
    if d.is_complex:
        row = _float_row(d.name, np.finfo(d.as_numpy_dtype), bits)
        row.update(kind="complex", layout=f"two {bits // 2}-bit floats (real, imaginary)")
        return row
    if d.is_integer:
        return {"dtype": d.name, "kind": "unsigned int" if d.is_unsigned else "int", "bits": bits,
                "min": int(d.min), "max": int(d.max)}
    if d.is_quantized:
        base = tf.dtypes.as_dtype(_QUANTIZED_BASE[d.name])
        return {"dtype": d.name, "kind": "quantized int", "bits": bits, "min": int(base.min), "max": int(base.max),
                "layout": f"{base.name} codes plus a scale (for quantized models)"}
    if d.is_bool:
        return {"dtype": d.name, "kind": "bool", "bits": bits, "min": False, "max": True}
    if d == tf.string:
        return {"dtype": d.name, "kind": "bytes", "bits": None, "layout": "variable-length byte strings"}
    raise ValueError(f"no table row for TensorFlow dtype {name!r}")


def dtype_table(library: str = "numpy", names=None) -> list[dict]:
    """The dtype table of ``"numpy"`` or ``"tensorflow"`` as a list of row dicts (columns may be missing)."""
    checks.choice(library, "library", ["numpy", "np", "tensorflow", "tf"], "dtype_table")
    if names is not None and (isinstance(names, str) or not isinstance(names, (list, tuple))):
        raise TypeError(f"dtype_table: names must be a list of dtype names or None, got {checks.describe(names)}")
    if library in ("numpy", "np"):
        return [numpy_dtype_info(n) for n in (names or NUMPY_DTYPES)]
    if library in ("tensorflow", "tf"):
        return [tf_dtype_info(n) for n in (names or TF_DTYPES)]
    raise ValueError(f"library must be 'numpy' or 'tensorflow', got {library!r}")


def _dtype_name(name, where) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{where}: name must be a dtype name (a str such as 'float32'), got {checks.describe(name)}")
    return name


def _fmt(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def markdown_table(rows: list[dict], columns=("dtype", "same as", "kind", "bits", "min", "max", "digits", "eps", "layout")) -> str:
    """Rows of :func:`dtype_table` as a Markdown table (display it with ``IPython.display.Markdown``); headers and
    words in the current language (:func:`dlnotes.language.tr`), the rows' keys stay as they are."""
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, dict) for r in rows):
        raise TypeError(f"markdown_table: rows must be a list of dicts (from dtype_table), got {checks.describe(rows)}")
    cols = [c for c in columns if any(c in r for r in rows)]
    lines = ["| " + " | ".join(tr(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    words = ("kind", "layout")  # columns of words, in the reader's language; the others are names and numbers
    lines += ["| " + " | ".join(tr(_fmt(r.get(c))) if c in words else _fmt(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


# --- data-flow graphs ----------------------------------------------------------------------
def graph_ops(fn, *specs) -> list[dict]:
    """The operations of the graph ``tf.function`` traces for ``fn`` with ``specs`` (tensors or TensorSpecs).

    Each entry: ``name``, ``type`` (the kernel, e.g. ``AddV2``), ``inputs`` (tensor names
    flowing in along the edges) and ``outputs``.
    """
    checks.function(fn, "fn", "graph_ops")
    tf_fn = fn if hasattr(fn, "get_concrete_function") else tf.function(fn)
    graph = tf_fn.get_concrete_function(*specs).graph
    return [
        {"name": op.name, "type": op.type,
         "inputs": [t.name for t in op.inputs], "outputs": [t.name for t in op.outputs]}
        for op in graph.get_operations()
    ]


# --- the chapter-04 network in TensorFlow -------------------------------------------------------
def sequential_loss_tf(net, variables: dict, x, t):
    """The loss of ``net`` (a dlnotes Sequential of Affine / activation layers, softmax loss) in TensorFlow.

    ``variables`` maps the keys of ``net.params`` ("L0.W", ...) to ``tf.Variable``s; ``x`` is
    (N, D) and ``t`` integer labels (N,). Returns a scalar tensor equal to ``net.loss(x, t)``.
    """
    where = "sequential_loss_tf"
    if not isinstance(net, Sequential):
        raise TypeError(f"{where}: net must be a dlnotes.network.Sequential, got {checks.describe(net)}")
    if not isinstance(variables, dict) or set(variables) != set(net.params):
        raise ValueError(f"{where}: variables must be a dict with the keys of net.params {sorted(net.params)}, "
                         f"got {checks.describe(variables if not isinstance(variables, dict) else sorted(variables))}")
    x = checks.array(x, "x", where, ndim=2, nonempty=True)
    t = checks.labels(t, "t", where, n=len(x))
    out = tf.convert_to_tensor(x)
    for i, layer in enumerate(net.layers):
        if isinstance(layer, Affine):
            out = tf.reshape(out, (tf.shape(out)[0], -1)) @ variables[f"L{i}.W"] + variables[f"L{i}.b"]
        elif isinstance(layer, ReLU):
            out = tf.nn.relu(out)
        elif isinstance(layer, Sigmoid):
            out = tf.sigmoid(out)
        elif isinstance(layer, Tanh):
            out = tf.tanh(out)
        elif isinstance(layer, Identity):
            pass
        else:
            raise TypeError(f"layer {i} ({type(layer).__name__}) has no TensorFlow twin here")
    labels = tf.convert_to_tensor(np.asarray(t), dtype=tf.int64)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=out))
    if net.l2:
        loss += 0.5 * net.l2 * tf.add_n([tf.reduce_sum(v * v) for k, v in variables.items() if k.endswith(".W")])
    return loss
