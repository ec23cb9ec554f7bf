"""Run-mode switches shared by every notebook: smoke mode for CI, full mode for learners.

Also the quiet TensorFlow start-up (:func:`quiet_tensorflow_startup`), which importing
``dlnotes`` switches on so that no notebook shows TensorFlow's C++ start-up log or
Keras' false retracing alarms.
"""

from __future__ import annotations

import contextlib
import importlib.machinery
import logging
import os
import sys
from numbers import Integral, Real

SMOKE_ENV = "DLNOTES_SMOKE"
"""Environment variable that turns smoke mode on (``1``, ``true``, ``yes``)."""

_TRUE = {"1", "true", "yes", "on"}


def is_smoke() -> bool:
    """True when the ``DLNOTES_SMOKE`` environment variable asks for smoke mode."""
    return os.environ.get(SMOKE_ENV, "").strip().lower() in _TRUE


def size(full, smoke):
    """Return ``full`` normally and ``smoke`` in smoke mode (epochs, sample counts, grid sizes).

    Notebooks choose every expensive size through this one function, e.g.
    ``EPOCHS = size(full=20, smoke=2)``, so CI trains for real but briefly while a
    learner gets the full experiment. Each is a number or None ("all"); an int
    (a count) is paired with an int, a float (a threshold) with a float.
    """
    kinds = {}
    for name, value in (("full", full), ("smoke", smoke)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(f"size: {name} must be a number or None, got {value!r} ({type(value).__name__})")
        kinds[name] = "an int" if isinstance(value, Integral) else "a float"
    if len(set(kinds.values())) > 1:
        raise TypeError(f"size: full and smoke must both be ints (counts) or both floats, got full={full!r} "
                        f"({kinds['full']}) and smoke={smoke!r} ({kinds['smoke']})")
    return smoke if is_smoke() else full


def mode() -> str:
    """``"smoke"`` or ``"full"``: the name of the current run mode."""
    return "smoke" if is_smoke() else "full"


# --- a quiet TensorFlow start-up ------------------------------------------------------------------
QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2"}
"""Set (unless already set) when dlnotes is imported: TensorFlow's C++ log shows errors only."""


@contextlib.contextmanager
def _stderr_fd_silenced():
    """Point file descriptor 2 at /dev/null for the duration (what C libraries write to stderr)."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class _QuietTensorFlowStartup:
    """A meta-path finder that finds nothing itself; the first ``import tensorflow`` loads with stderr silenced.

    TensorFlow's C++ core writes its start-up banner (``WARNING: All log messages before
    absl::InitializeLog() ...``, ``oneDNN custom operations are on ...``) to the process'
    stderr while it loads, before ``TF_CPP_MIN_LOG_LEVEL`` is read; JupyterLab shows those
    lines under the cell. Python errors still surface: an import failure is an exception.
    """

    def __init__(self):
        self.done = False

    def find_spec(self, name, path=None, target=None):
        if self.done or name != "tensorflow":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        loader, exec_module = spec.loader, spec.loader.exec_module

        def quiet_exec_module(module):
            self.done = True  # only a real load counts: importlib.util.find_spec probes must not use it up
            try:
                with _stderr_fd_silenced():
                    exec_module(module)
            finally:
                del loader.exec_module  # back to the loader's own method

        loader.exec_module = quiet_exec_module
        return spec


class _KerasRetracingFilter(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning about Keras' own step functions.

    Keras wraps each model's train / test / predict step in a new ``tf.function``;
    TensorFlow counts tracings per *source code*, so building several models (a sweep,
    two models compared) looks like "5 out of the last 10 calls triggered retracing"
    although each model traces once, as designed. The warning about a learner's own
    ``tf.function`` still shows.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("triggered tf.function retracing" in message and "TensorFlowTrainer.make_" in message)


def quiet_tensorflow_startup() -> None:
    """Keep TensorFlow's start-up log out of the notebooks (called when dlnotes is imported).

    Sets ``TF_CPP_MIN_LOG_LEVEL=2`` unless set, and, if TensorFlow is not loaded yet,
    silences stderr while it loads. A notebook therefore imports ``dlnotes`` before
    ``tensorflow`` or ``keras``. Also drops the false retracing alarm about Keras' per-model
    step functions (:class:`_KerasRetracingFilter`).
    """
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    tf_logger = logging.getLogger("tensorflow")  # the logger TensorFlow's Python side writes to
    if not any(isinstance(f, _KerasRetracingFilter) for f in tf_logger.filters):
        tf_logger.addFilter(_KerasRetracingFilter())
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietTensorFlowStartup) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowStartup())
