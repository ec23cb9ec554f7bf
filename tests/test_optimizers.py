"""Chapter 05: each numpy optimiser takes exactly the steps keras.optimizers takes, and finds a bowl's minimum."""

from __future__ import annotations

import os

import numpy as np
import pytest

from dlnotes.functions import relative_error
from dlnotes.optimizers import OPTIMIZERS, SGD, AdaGrad, Adam, Momentum, RMSProp, make_optimizer

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Hyperparameters that float32 holds exactly (powers of two): Keras converts Python
# floats such as beta_2=0.999 through float32 before using them in float64 maths, which
# alone moves Adam by ~1e-5; with these values both sides compute the same numbers.
EXACT = {
    "SGD": ({"lr": 0.125}, {"learning_rate": 0.125}),
    "Momentum": ({"lr": 0.125, "momentum": 0.875}, {"learning_rate": 0.125, "momentum": 0.875}),
    "Nesterov": ({"lr": 0.125, "momentum": 0.875, "nesterov": True},
                 {"learning_rate": 0.125, "momentum": 0.875, "nesterov": True}),
    "AdaGrad": ({"lr": 0.25, "initial_accumulator_value": 0.125, "epsilon": 2.0**-20},
                {"learning_rate": 0.25, "initial_accumulator_value": 0.125, "epsilon": 2.0**-20}),
    "RMSProp": ({"lr": 0.0625, "rho": 0.875, "epsilon": 2.0**-20},
                {"learning_rate": 0.0625, "rho": 0.875, "epsilon": 2.0**-20}),
    "Adam": ({"lr": 0.0625, "beta_1": 0.875, "beta_2": 1 - 2.0**-10, "epsilon": 2.0**-20},
             {"learning_rate": 0.0625, "beta_1": 0.875, "beta_2": 1 - 2.0**-10, "epsilon": 2.0**-20}),
}
KERAS_CLASS = {"SGD": "SGD", "Momentum": "SGD", "Nesterov": "SGD", "AdaGrad": "Adagrad",
               "RMSProp": "RMSprop", "Adam": "Adam"}
OURS = {"Nesterov": Momentum, **OPTIMIZERS}


def _run_both(name, ours_kw, keras_kw, steps=6, seed=0):
    import keras

    rng = np.random.default_rng(seed)
    params = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    grads = [{k: rng.normal(size=v.shape) for k, v in params.items()} for _ in range(steps)]
    ours = OURS[name](**ours_kw)
    theirs = getattr(keras.optimizers, KERAS_CLASS[name])(**keras_kw)
    kvars = [keras.Variable(params[k].copy(), dtype="float64") for k in params]
    errors = []
    for g in grads:
        ours.update(params, g)
        theirs.apply_gradients(zip([keras.ops.convert_to_tensor(g[k], dtype="float64") for k in params], kvars))
        errors.append(max(relative_error(params[k], np.asarray(v)) for k, v in zip(params, kvars)))
    return errors


@pytest.mark.parametrize("name", list(EXACT))
def test_optimizer_update_equals_keras_for_several_steps(name):
    ours_kw, keras_kw = EXACT[name]
    errors = _run_both(name, ours_kw, keras_kw, steps=6)
    assert max(errors) < 1e-6, f"{name} drifts from Keras: relative errors per step {errors}"


@pytest.mark.parametrize("name", ["Momentum", "AdaGrad", "RMSProp", "Adam"])
def test_keras_defaults_agree_up_to_keras_float32_constants(name):
    """With the default hyperparameters (0.9, 0.999, 1e-7 ...) Keras rounds them to float32 first."""
    lr = 0.125
    kw = {"momentum": 0.9} if name == "Momentum" else {}
    errors = _run_both(name, {"lr": lr, **kw}, {"learning_rate": lr, **kw}, steps=6)
    assert max(errors) < 1e-4, f"{name} with default settings is far from Keras: {errors}"


@pytest.mark.parametrize("name,keras_name", [("AdaGrad", "Adagrad"), ("RMSProp", "RMSprop"), ("Adam", "Adam")])
def test_default_hyperparameters_are_keras_defaults(name, keras_name):
    import keras

    ours = OPTIMIZERS[name]().hyperparameters()
    cfg = getattr(keras.optimizers, keras_name)().get_config()
    for key, value in ours.items():
        keras_key = "learning_rate" if key == "lr" else key
        assert np.isclose(value, cfg[keras_key]), f"{name}.{key} = {value} but Keras uses {cfg[keras_key]}"


def bowl(p):
    """f(x, y) = x²/20 + y² and its gradient."""
    x, y = p
    return x * x / 20 + y * y, np.array([x / 10, 2 * y])


@pytest.mark.parametrize("name,kw,steps", [
    ("SGD", {"lr": 0.9}, 300),
    ("Momentum", {"lr": 0.1, "momentum": 0.9}, 300),
    ("AdaGrad", {"lr": 1.5}, 300),
    ("RMSProp", {"lr": 0.02}, 600),
    ("Adam", {"lr": 0.3}, 300),
])
def test_each_optimizer_reaches_the_minimum_of_a_convex_bowl(name, kw, steps):
    opt = make_optimizer(name, **kw)
    params = {"p": np.array([-7.0, 2.0])}
    for _ in range(steps):
        _, g = bowl(params["p"])
        opt.update(params, {"p": g})
    f, _ = bowl(params["p"])
    assert f < 1e-3, f"{name} ended at {params['p']} with f = {f:.3g}, not near the minimum (0, 0)"
    assert np.linalg.norm(params["p"]) < 0.1


def test_optimizer_keeps_separate_state_per_parameter_name():
    opt = Momentum(lr=0.1, momentum=0.5)
    params = {"a": np.zeros(2), "b": np.zeros(2)}
    opt.update(params, {"a": np.ones(2), "b": -np.ones(2)})
    opt.update(params, {"a": np.ones(2), "b": np.zeros(2)})
    # a: v1 = -0.1, v2 = -0.05 - 0.1 -> a = -0.25;  b: v1 = 0.1, v2 = 0.05 -> b = 0.15
    assert np.allclose(params["a"], -0.25) and np.allclose(params["b"], 0.15)


def test_learning_rate_can_change_between_steps():
    opt = SGD(lr=0.5)
    params = {"w": np.array([1.0])}
    opt.update(params, {"w": np.array([1.0])})
    opt.lr = 0.25
    opt.update(params, {"w": np.array([1.0])})
    assert np.allclose(params["w"], 0.25)


def test_adam_first_step_moves_each_weight_by_about_lr():
    opt = Adam(lr=0.01)
    params = {"w": np.array([1.0, -2.0, 3.0])}
    opt.update(params, {"w": np.array([1e-3, -50.0, 7.0])})
    assert np.allclose(params["w"], [0.99, -1.99, 2.99], atol=1e-4), "Adam's first step is lr * sign(g)"


def test_reset_forgets_the_state():
    opt = RMSProp(lr=0.1)
    p = {"w": np.array([1.0])}
    opt.update(p, {"w": np.array([2.0])})
    first = 1.0 - p["w"][0]
    opt.reset()
    p = {"w": np.array([1.0])}
    opt.update(p, {"w": np.array([2.0])})
    assert np.isclose(1.0 - p["w"][0], first)


@pytest.mark.parametrize("bad", [0, -0.1, float("nan"), float("inf")])
def test_bad_learning_rate_is_a_clear_error(bad):
    with pytest.raises(ValueError, match="learning rate"):
        SGD(lr=bad)


def test_bad_hyperparameters_are_clear_errors():
    with pytest.raises(ValueError, match="momentum"):
        Momentum(momentum=1.5)
    with pytest.raises(ValueError, match="beta_2"):
        Adam(beta_2=1.0)
    with pytest.raises(ValueError, match="rho"):
        RMSProp(rho=-0.1)
    with pytest.raises(ValueError, match="name must be one of"):
        make_optimizer("adamw")
    with pytest.raises(TypeError, match="number"):
        AdaGrad(lr="fast")


def test_mismatched_params_and_grads_are_clear_errors():
    opt = SGD()
    with pytest.raises(ValueError, match=r"grads must be a gradient for every parameter; missing \['W'\]"):
        opt.update({"W": np.zeros(2)}, {"b": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        opt.update({"W": np.zeros(2)}, {"W": np.zeros(3)})
    with pytest.raises(TypeError, match="float"):
        opt.update({"W": np.zeros(2, dtype=int)}, {"W": np.zeros(2)})
