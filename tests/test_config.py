"""Smoke mode: one environment variable, read through one function."""

import pytest

import dlnotes
from dlnotes import config


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_smoke_mode_on(monkeypatch, value):
    monkeypatch.setenv(config.SMOKE_ENV, value)
    assert dlnotes.is_smoke() and dlnotes.mode() == "smoke"
    assert dlnotes.size(full=20, smoke=2) == 2


@pytest.mark.parametrize("value", [None, "", "0", "false", "no"])
def test_full_mode_is_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(config.SMOKE_ENV, raising=False)
    else:
        monkeypatch.setenv(config.SMOKE_ENV, value)
    assert not dlnotes.is_smoke() and dlnotes.mode() == "full"
    assert dlnotes.size(full=20, smoke=2) == 20


def _python(code: str):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(dlnotes.__file__).parents[1]), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)


def test_importing_dlnotes_first_keeps_tensorflows_start_up_log_quiet():
    done = _python("import dlnotes, importlib.util\n"
                   "assert importlib.util.find_spec('tensorflow') is not None  # a probe does not use up the quiet load\n"
                   "import keras, tensorflow as tf\n"
                   "assert float(tf.reduce_sum(tf.constant([1.0, 2.0]))) == 3.0\n"
                   "import sys; print(type(tf.__spec__.loader).__name__, 'exec_module' in vars(tf.__spec__.loader))\n"
                   # several models, each predicting once: Keras' step functions trace once per model
                   "import numpy as np\n"
                   "x = np.zeros((40, 4), 'float32')\n"
                   "for _ in range(7):\n"
                   "    keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]).predict(x, verbose=0)\n"
                   # a learner's own tf.function retraced for every Python number: that warning must show
                   "f = tf.function(lambda v: v + 1)\n"
                   "for v in range(12):\n"
                   "    f(v)\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["SourceFileLoader", "False"], "the loader is TensorFlow's own again"
    lines = done.stderr.splitlines()
    assert lines and all("triggered tf.function retracing" in line and "<lambda>" in line for line in lines), (
        f"TensorFlow wrote more than the learner's own retracing warning to stderr:\n{done.stderr}")


def test_python_errors_while_tensorflow_loads_still_surface():
    done = _python("import dlnotes, sys\n"
                   "sys.modules['tensorflow.python'] = None  # makes the import fail inside tensorflow/__init__\n"
                   "try:\n    import tensorflow\nexcept ImportError as exc:\n    print('ImportError')\n"
                   "sys.stderr.write('stderr works\\n')")
    assert done.stdout.strip() == "ImportError" and done.stderr == "stderr works\n"
