"""Generative models (生成模型) of chapter 10: autoencoders and GANs, with their data and measures.

Autoencoders (自编码器)
- :func:`dense_autoencoder` builds encoder 784 → … → code and decoder code → … → 784
  (any number of hidden layers; the narrow code layer is the point); :func:`train_autoencoder`
  fits it (plain, or denoising with ``noise=``); :func:`add_noise` corrupts images the same
  way everywhere; :func:`pixel_error` is the error measure, :func:`reconstruction_error` and
  :func:`pca_reconstruction_error` apply it to an autoencoder and to the best *linear* code of
  the same size; :func:`nearest_labels` says whose region of the code space a point is in.

GANs (生成对抗网络)
- :func:`discriminator_loss`, :func:`generator_loss` (``"minimax"`` or ``"nonsaturating"``)
  from logits, and :func:`generator_loss_slope`, their derivative that explains why the
  non-saturating loss exists;
- :func:`discriminator_step` and :func:`generator_step`: one update each with
  ``tf.GradientTape``;
- :class:`GAN`: the alternating loop (``d_steps`` discriminator updates, then one generator
  update), seeded, with single steps for watching the game move by move;
- :class:`ToyGAN`: a GAN on a 2-D target with what the GAN-Lab-style explorer draws (the
  discriminator's surface, the warped noise grid, the gradient on each generated point);
- :func:`mnist_generator`, :func:`mnist_discriminator`: the small dense GAN for digits.

Toy 2-D targets (:data:`TARGETS`, :func:`sample_target`): a ring of eight Gaussians, a line,
two moons. Sample-quality measures: :func:`energy_distance` (any samples, points or images),
:func:`mode_coverage` (the ring), :func:`digit_coverage` (generated digits, through a classifier).

TensorFlow is imported at module top: every model here is a TensorFlow model. The explorers
that use this module import it inside their factories, so discovering explorers stays quick.
"""

from __future__ import annotations

import logging
import time

import keras
import numpy as np
import tensorflow as tf

from dlnotes import checks
from dlnotes.data import moons
from dlnotes.language import tr

__all__ = [
    "GAN",
    "GAN_LOSSES",
    "RING_CENTERS",
    "RING_STD",
    "TARGETS",
    "ToyGAN",
    "add_noise",
    "dense_autoencoder",
    "digit_coverage",
    "discriminator_loss",
    "discriminator_step",
    "energy_distance",
    "generator_loss",
    "generator_loss_slope",
    "generator_step",
    "mnist_discriminator",
    "mnist_generator",
    "mode_coverage",
    "nearest_labels",
    "outputs",
    "pixel_error",
    "pca_reconstruction_error",
    "reconstruction_error",
    "sample_target",
    "toy_discriminator",
    "toy_generator",
    "train_autoencoder",
]


class _GanRetracingFilter(logging.Filter):
    """Drops TensorFlow's "triggered tf.function retracing" warning about :class:`GAN`'s own graphs.

    Every GAN object traces its round and step functions once, as designed; TensorFlow counts
    tracings per *source code* across objects, so building several GANs (as chapter 10 does)
    looks like retracing. The warning about any other function still shows.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not ("triggered tf.function retracing" in message and "GAN._" in message)


if not any(isinstance(f, _GanRetracingFilter) for f in logging.getLogger("tensorflow").filters):
    logging.getLogger("tensorflow").addFilter(_GanRetracingFilter())


# =========================================================================== autoencoders
def dense_autoencoder(code_dim: int = 2, hidden=(256, 64), input_dim: int = 784, seed: int = 0):
    """``(autoencoder, encoder, decoder)``: dense ReLU layers ``hidden`` down to a linear code, mirrored back.

    encoder: (N, input_dim) → (N, code_dim); decoder: (N, code_dim) → (N, input_dim) in
    [0, 1] (sigmoid); autoencoder = decoder ∘ encoder. ``hidden=()`` gives the one-layer
    linear encoder.
    """
    where = "dense_autoencoder"
    code_dim = checks.integer(code_dim, "code_dim", where, minimum=1)
    input_dim = checks.integer(input_dim, "input_dim", where, minimum=1)
    hidden = checks.shape_tuple(hidden, "hidden", where)
    init = keras.initializers.GlorotUniform
    L = keras.layers
    down = [L.Dense(h, activation="relu", kernel_initializer=init(seed + i), name=f"enc{i + 1}")
            for i, h in enumerate(hidden)]
    encoder = keras.Sequential([keras.Input((input_dim,)), *down,
                                L.Dense(code_dim, kernel_initializer=init(seed + 50), name="code")], name="encoder")
    up = [L.Dense(h, activation="relu", kernel_initializer=init(seed + 100 + i), name=f"dec{i + 1}")
          for i, h in enumerate(reversed(hidden))]
    decoder = keras.Sequential([keras.Input((code_dim,)), *up,
                                L.Dense(input_dim, activation="sigmoid", kernel_initializer=init(seed + 150),
                                        name="pixels")], name="decoder")
    inputs = keras.Input((input_dim,), name="image")
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    return autoencoder, encoder, decoder


def add_noise(x, level: float, seed: int = 0) -> np.ndarray:
    """Images ``x`` in [0, 1] plus Gaussian noise of standard deviation ``level``, clipped to [0, 1] (float32).

    The noise pattern depends only on ``seed`` and the shape, so a slider over ``level`` scales one
    fixed pattern.
    """
    level = checks.number(level, "level", "add_noise", low=0.0)
    x = checks.array(x, "x", "add_noise", dtype=np.float32)
    seed = checks.integer(seed, "seed", "add_noise", minimum=0)
    noisy = np.random.default_rng(seed).standard_normal(x.shape).astype(np.float32)  # then in place, no more copies
    noisy *= level
    noisy += x
    return np.clip(noisy, 0.0, 1.0, out=noisy)


def train_autoencoder(autoencoder, x, *, epochs: int, batch_size: int = 128, lr: float = 1e-3, noise: float = 0.0,
                      seed: int = 0, progress=None) -> dict:
    """Fit ``autoencoder`` to reproduce ``x`` (N, 784) in [0, 1] with binary cross-entropy and Adam.

    With ``noise > 0`` it is a denoising autoencoder (去噪自编码器): each epoch sees freshly
    noised inputs (:func:`add_noise`) and must output the clean images. ``progress(done,
    total, text)`` is called after every epoch. Returns ``{"loss": [...], "seconds": s}``.
    """
    where = "train_autoencoder"
    epochs = checks.integer(epochs, "epochs", where, minimum=1)
    batch_size = checks.integer(batch_size, "batch_size", where, minimum=1)
    lr = checks.number(lr, "lr", where, low=0.0, low_open=True)
    noise = checks.number(noise, "noise", where, low=0.0)
    x = checks.array(x, "x", where, shape=(None, autoencoder.input_shape[-1]), nonempty=True, finite=True,
                     dtype=np.float32)
    keras.utils.set_random_seed(seed)
    autoencoder.compile(optimizer=keras.optimizers.Adam(lr), loss="binary_crossentropy")
    losses, t0 = [], time.perf_counter()
    for epoch in range(epochs):
        inputs = add_noise(x, noise, seed=seed * 1000 + epoch) if noise else x
        hist = autoencoder.fit(inputs, x, batch_size=batch_size, epochs=1, shuffle=True, verbose=0)
        losses.append(float(hist.history["loss"][-1]))
        if progress is not None:
            progress(epoch + 1, epochs, tr(f"epoch {epoch + 1}/{epochs} · loss {losses[-1]:.4f}"))
    return {"loss": losses, "seconds": time.perf_counter() - t0}


def pixel_error(y, x) -> float:
    """The reconstruction error measure: mean squared difference per pixel between images y and x (same shape)."""
    x = checks.array(x, "x", "pixel_error", nonempty=True)
    y = checks.array(y, "y", "pixel_error", shape=x.shape)
    return float(np.mean((y - x) ** 2))


def reconstruction_error(autoencoder, x, *, inputs=None) -> float:
    """:func:`pixel_error` between ``x`` and the autoencoder's output for ``inputs`` (default ``x``)."""
    x = checks.array(x, "x", "reconstruction_error", ndim=2, nonempty=True, dtype=np.float32)
    inputs = x if inputs is None else checks.array(inputs, "inputs", "reconstruction_error", shape=x.shape,
                                                   dtype=np.float32)
    y = np.concatenate([outputs(autoencoder, inputs[i:i + 1000]) for i in range(0, len(inputs), 1000)])
    return pixel_error(y, x)


def nearest_labels(codes, labels, point, k: int = 15) -> tuple[int, int]:
    """The most common label among the ``k`` codes (N, d) nearest to ``point`` (d,), and how many of them carry it."""
    codes = checks.array(codes, "codes", "nearest_labels", ndim=2, nonempty=True)
    labels = checks.labels(labels, "labels", "nearest_labels", n=len(codes))
    point = checks.array(point, "point", "nearest_labels", shape=(codes.shape[1],))
    k = checks.integer(k, "k", "nearest_labels", minimum=1, maximum=len(codes))
    nearest = np.argsort(((codes - point) ** 2).sum(axis=1))[:k]
    counts = np.bincount(labels[nearest])
    return int(counts.argmax()), int(counts.max())


def outputs(model, x) -> np.ndarray:
    """A Keras model's outputs for the array ``x``, as numpy: one direct call, ``model(x)``.

    For the arrays this chapter uses, a direct call is quicker than ``model.predict`` and traces no
    graph (``predict`` builds one per model).
    """
    return np.asarray(model(np.asarray(x, dtype=np.float32), training=False))


def pca_reconstruction_error(x_train, x_test, k: int = 2) -> float:
    """Mean squared error per pixel of the best linear k-dimensional code (PCA fitted on ``x_train``) on ``x_test``."""
    where = "pca_reconstruction_error"
    x_train = checks.array(x_train, "x_train", where, ndim=2, nonempty=True, dtype=np.float32)
    x_test = checks.array(x_test, "x_test", where, shape=(None, x_train.shape[1]), nonempty=True, dtype=np.float32)
    k = checks.integer(k, "k", where, minimum=1, maximum=x_train.shape[1])
    mean = x_train.mean(axis=0, dtype=np.float64).astype(np.float32)
    centred = x_train - mean  # float32: the whole training set is copied once, not in float64
    cov = (centred.T @ centred).astype(np.float64) / max(1, len(centred) - 1)
    _, vectors = np.linalg.eigh(cov)  # ascending eigenvalues
    basis = vectors[:, ::-1][:, :k]
    centred = (x_test - mean).astype(np.float64)
    return float(np.mean((centred @ basis @ basis.T - centred) ** 2))


# =========================================================================== toy 2-D targets
RING_MODES = 8
RING_RADIUS = 1.0
RING_STD = 0.05
"""Standard deviation of each Gaussian of the ring."""
RING_CENTERS = np.stack([RING_RADIUS * np.cos(2 * np.pi * np.arange(RING_MODES) / RING_MODES),
                         RING_RADIUS * np.sin(2 * np.pi * np.arange(RING_MODES) / RING_MODES)], axis=1)
"""The eight centres of the ring target, (8, 2)."""


def _ring(n, rng):
    mode = rng.integers(RING_MODES, size=n)
    return RING_CENTERS[mode] + RING_STD * rng.standard_normal((n, 2))


def _line(n, rng):
    t = rng.uniform(-1.0, 1.0, n)
    return np.column_stack([t, 0.6 * t]) + 0.02 * rng.standard_normal((n, 2))


def _moons(n, rng):
    return moons(n, noise=0.05, test_ratio=0.0, seed=int(rng.integers(2**31))).x_train


TARGETS = {"ring": _ring, "line": _line, "moons": _moons}
"""Toy target distributions for the GAN: a ring of 8 Gaussians (radius 1, σ 0.05), a line
segment from (-1, -0.6) to (1, 0.6) (σ 0.02 across), and the two moons of chapter 04 (unlabelled)."""


def sample_target(name: str, n: int, seed: int = 0) -> np.ndarray:
    """``n`` points (n, 2) float32 from the toy target ``name`` (ring, line, moons), seeded."""
    checks.choice(name, "name", TARGETS, "sample_target")
    n = checks.integer(n, "n", "sample_target", minimum=2)
    seed = checks.integer(seed, "seed", "sample_target", minimum=0)
    return TARGETS[name](n, np.random.default_rng(seed)).astype(np.float32)


# =========================================================================== sample quality
def _mean_distance(a, b) -> float:
    """Mean Euclidean distance over all pairs (a_i, b_j), via |a|² + |b|² − 2 a·b (no (N, M, d) array)."""
    squared = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return float(np.sqrt(np.maximum(squared, 0.0)).mean())


def energy_distance(x, y) -> float:
    """Energy distance (能量距离) 2·E|X−Y| − E|X−X'| − E|Y−Y'| between samples x (N, d) and y (M, d).

    Zero when the two samples are identical; it grows with any difference between the
    distributions (location, spread or shape). Infinite when a sample holds NaN or inf (a
    generator whose training diverged).
    """
    x = checks.array(x, "x", "energy_distance", ndim=2, nonempty=True)
    y = checks.array(y, "y", "energy_distance", shape=(None, x.shape[1]), nonempty=True,
                     hint=f"x and y need the same number of coordinates d; x has shape {x.shape}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        return float("inf")
    return max(0.0, 2 * _mean_distance(x, y) - _mean_distance(x, x) - _mean_distance(y, y))


def mode_coverage(samples, centers=RING_CENTERS, std: float = RING_STD, *, min_share: float = 0.25) -> dict:
    """How many modes ``samples`` (N, 2) cover: ``{"covered", "near_share", "counts"}``.

    A sample is *near* a mode when it lies within 3·std of its centre. A mode is *covered* when
    at least ``min_share`` of its fair share (N / number of modes) of the samples is near it.
    ``near_share`` is the share of all samples near some mode.
    """
    c = checks.array(centers, "centers", "mode_coverage", ndim=2, nonempty=True)
    s = checks.array(samples, "samples", "mode_coverage", shape=(None, c.shape[1]))
    s = s[np.all(np.isfinite(s), axis=1)]
    d = np.sqrt(((s[:, None, :] - c[None, :, :]) ** 2).sum(-1))
    nearest = d.argmin(axis=1) if len(s) else np.zeros(0, int)
    near = d.min(axis=1) < 3 * std if len(s) else np.zeros(0, bool)
    counts = np.bincount(nearest[near], minlength=len(c))
    fair = len(samples) / len(c)
    return {"covered": int((counts >= max(1.0, min_share * fair)).sum()),
            "near_share": float(near.sum() / max(1, len(samples))), "counts": counts}


def digit_coverage(probs, *, threshold: float = 0.9, min_share: float = 0.02) -> dict:
    """How a digit classifier sees generated images: ``{"confident_share", "classes", "counts"}``.

    ``probs`` (N, 10) are a classifier's class probabilities. An image counts as a recognised
    digit when its top probability exceeds ``threshold``; ``classes`` is the number of digits
    that at least ``min_share`` of all images are recognised as (10 for a varied set, 1 when the
    generator has collapsed onto one digit).
    """
    p = checks.array(probs, "probs", "digit_coverage", ndim=2, nonempty=True,
                     hint="class probabilities of shape (N, classes), e.g. model(images)")
    threshold = checks.number(threshold, "threshold", "digit_coverage", low=0.0, high=1.0)
    min_share = checks.number(min_share, "min_share", "digit_coverage", low=0.0, high=1.0)
    confident = p.max(axis=1) > threshold
    counts = np.bincount(p.argmax(axis=1)[confident], minlength=p.shape[1])
    return {"confident_share": float(confident.mean()), "classes": int((counts >= min_share * len(p)).sum()),
            "counts": counts}


# =========================================================================== GAN losses and steps
GAN_LOSSES = ("minimax", "nonsaturating")
"""Generator losses: ``minimax`` minimises log(1 − D(G(z))); ``nonsaturating`` minimises −log D(G(z))."""


def discriminator_loss(real_logits, fake_logits):
    """−[mean log D(x) + mean log(1 − D(G(z)))], with D = sigmoid(logit): the discriminator's cross-entropy.

    Written with softplus(t) = log(1 + eᵗ): log D = −softplus(−logit), log(1 − D) = −softplus(logit),
    so no logit, however large, gives inf or NaN.
    """
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def generator_loss(fake_logits, kind: str = "nonsaturating"):
    """The generator's loss on D's logits for generated samples.

    ``"minimax"``: mean log(1 − D(G(z))) = −mean softplus(logit) — the term of the game's value it minimises;
    ``"nonsaturating"``: −mean log D(G(z)) = mean softplus(−logit) — the same fixed point, strong gradients early.
    """
    if kind == "minimax":
        return -tf.reduce_mean(tf.nn.softplus(fake_logits))
    if kind == "nonsaturating":
        return tf.reduce_mean(tf.nn.softplus(-fake_logits))
    checks.choice(kind, "kind", GAN_LOSSES, "generator_loss")


def generator_loss_slope(d_fake, kind: str = "nonsaturating") -> np.ndarray:
    """d(per-sample generator loss)/d(logit) as a function of D(G(z)) in [0, 1], by hand.

    minimax: d/dl [−softplus(l)] = −sigmoid(l) = −D; nonsaturating: d/dl [softplus(−l)] = −(1 − D).
    When the discriminator rejects a fake (D ≈ 0) the minimax slope is ≈ 0: the generator learns nothing.
    """
    checks.choice(kind, "kind", GAN_LOSSES, "generator_loss_slope")
    d = checks.array(d_fake, "d_fake", "generator_loss_slope")
    return -d if kind == "minimax" else -(1.0 - d)


def discriminator_step(generator, discriminator, optimizer, x_real, z):
    """One discriminator update: push D(x_real) up and D(G(z)) down; returns the loss before the update."""
    x_fake = generator(z, training=True)
    with tf.GradientTape() as tape:
        loss = discriminator_loss(discriminator(x_real, training=True), discriminator(x_fake, training=True))
    grads = tape.gradient(loss, discriminator.trainable_variables)
    optimizer.apply_gradients(zip(grads, discriminator.trainable_variables))
    return loss


def generator_step(generator, discriminator, optimizer, z, kind: str = "nonsaturating"):
    """One generator update against the current (fixed) discriminator; returns the loss before the update."""
    with tf.GradientTape() as tape:
        loss = generator_loss(discriminator(generator(z, training=True), training=True), kind)
    grads = tape.gradient(loss, generator.trainable_variables)
    optimizer.apply_gradients(zip(grads, generator.trainable_variables))
    return loss


# =========================================================================== networks
def _dense_stack(name, n_in, hidden, n_out, seed):
    init = keras.initializers.GlorotUniform
    layers = [keras.Input((n_in,))]
    for i, h in enumerate(hidden):
        layers.append(keras.layers.Dense(h, activation="relu", kernel_initializer=init(seed + i),
                                         name=f"{name}_hidden{i + 1}"))
    layers.append(keras.layers.Dense(n_out, kernel_initializer=init(seed + 99), name=f"{name}_out"))
    return keras.Sequential(layers, name=name)


def toy_generator(noise_dim: int = 2, hidden: int = 32, seed: int = 0):
    """G: noise (N, noise_dim) → two ReLU layers of ``hidden`` → a point (N, 2)."""
    noise_dim = checks.integer(noise_dim, "noise_dim", "toy_generator", minimum=1)
    return _dense_stack("generator", noise_dim, [checks.integer(hidden, "hidden", "toy_generator", minimum=1)] * 2,
                        2, seed)


def toy_discriminator(hidden: int = 32, seed: int = 1):
    """D: a point (N, 2) → two ReLU layers of ``hidden`` → one logit (N, 1); D(x) = sigmoid(logit)."""
    return _dense_stack("discriminator", 2, [checks.integer(hidden, "hidden", "toy_discriminator", minimum=1)] * 2,
                        1, seed)


def mnist_generator(noise_dim: int = 64, seed: int = 0):
    """G: noise (N, noise_dim) → Dense 256 → Dense 512 (batch norm, LeakyReLU) → 784 pixels in [0, 1] (sigmoid)."""
    init, L = keras.initializers.GlorotUniform, keras.layers
    return keras.Sequential([
        keras.Input((checks.integer(noise_dim, "noise_dim", "mnist_generator", minimum=1),)),
        L.Dense(256, kernel_initializer=init(seed)), L.BatchNormalization(), L.LeakyReLU(0.2),
        L.Dense(512, kernel_initializer=init(seed + 1)), L.BatchNormalization(), L.LeakyReLU(0.2),
        L.Dense(784, activation="sigmoid", kernel_initializer=init(seed + 2)),
    ], name="generator")


def mnist_discriminator(seed: int = 1):
    """D: an image (N, 784) → Dense 512 → Dense 256 (LeakyReLU, dropout 0.3) → one logit (N, 1)."""
    init, L = keras.initializers.GlorotUniform, keras.layers
    return keras.Sequential([
        keras.Input((784,)),
        L.Dense(512, kernel_initializer=init(seed)), L.LeakyReLU(0.2), L.Dropout(0.3, seed=seed),
        L.Dense(256, kernel_initializer=init(seed + 1)), L.LeakyReLU(0.2), L.Dropout(0.3, seed=seed + 1),
        L.Dense(1, kernel_initializer=init(seed + 2)),
    ], name="discriminator")


# =========================================================================== the training loop
class GAN:
    """A generator and a discriminator trained in alternation from the first step.

    One *round* is ``d_steps`` discriminator updates (each on a fresh batch of real samples and
    of noise) followed by one generator update. Both use Adam (β₁ = 0.5). Everything random —
    initial weights, batches, noise — is seeded by ``seed``.

    ``real``: the training samples, float (N, d) or uint8 images (N, 784) scaled by 1/255 when
    drawn. ``noise``: ``"uniform"`` on [−1, 1]^noise_dim or ``"normal"``.
    ``history``: lists ``d_x, d_loss`` and ``g_x, g_loss`` (x = generator updates so far).
    """

    def __init__(self, generator, discriminator, real, *, noise_dim: int, lr_d: float = 1e-3, lr_g: float = 1e-3,
                 d_steps: int = 1, loss: str = "nonsaturating", batch_size: int = 128, noise: str = "uniform",
                 seed: int = 0):
        where = type(self).__name__
        checks.choice(loss, "loss", GAN_LOSSES, where)
        checks.choice(noise, "noise", ("uniform", "normal"), where)
        real = checks.array(real, "real", where, ndim=2, dtype=None, finite=True)
        if len(real) < 2:
            checks.fail(where, "real", "an (N, d) array of at least 2 samples", f"shape {real.shape}")
        self.generator, self.discriminator = generator, discriminator
        self.noise_dim = checks.integer(noise_dim, "noise_dim", where, minimum=1)
        self.batch_size = checks.integer(batch_size, "batch_size", where, minimum=1)
        self.loss, self.noise_kind, self.seed = loss, noise, int(seed)
        self._scale = 1.0 / 255.0 if real.dtype == np.uint8 else 1.0
        self.real = tf.constant(real)
        self.opt_d = keras.optimizers.Adam(checks.number(lr_d, "lr_d", where, low=0.0, low_open=True), beta_1=0.5)
        self.opt_g = keras.optimizers.Adam(checks.number(lr_g, "lr_g", where, low=0.0, low_open=True), beta_1=0.5)
        self.opt_d.build(discriminator.trainable_variables)
        self.opt_g.build(generator.trainable_variables)
        self._d_steps = tf.Variable(checks.integer(d_steps, "d_steps", where, minimum=1), trainable=False, dtype=tf.int32)
        self.rng = tf.random.Generator.from_seed(self.seed)
        self._initial = [v.numpy() for v in self._weights()]
        self.reset()
        self._one_d = tf.function(self._d_update)
        self._one_g = tf.function(self._g_update)
        self._rounds = tf.function(self._rounds_graph)

    def _weights(self):
        # every variable: weights, batch-norm statistics and the dropout layers' random-seed state
        return [*self.generator.variables, *self.discriminator.variables]

    def reset(self) -> None:
        """Back to step 0: the seeded initial weights, fresh optimiser state, the noise stream from its seed."""
        for var, value in zip(self._weights(), self._initial):
            var.assign(value)
        for opt in (self.opt_d, self.opt_g):
            for var in opt.variables:
                if var is not opt.learning_rate:
                    var.assign(tf.zeros_like(var))
        self.rng.reset_from_seed(self.seed)
        self.d_updates = 0
        self.g_updates = 0
        self.diverged = False
        self.history = {"d_x": [], "d_loss": [], "g_x": [], "g_loss": []}

    # -- settings that may change mid-training ------------------------------------------------
    @property
    def lr_d(self) -> float:
        return float(self.opt_d.learning_rate.numpy())

    @property
    def lr_g(self) -> float:
        return float(self.opt_g.learning_rate.numpy())

    @property
    def d_steps(self) -> int:
        return int(self._d_steps.numpy())

    def set(self, *, lr_d=None, lr_g=None, d_steps=None) -> None:
        """Change the learning rates or discriminator steps per round; the weights are kept."""
        where = f"{type(self).__name__}.set"
        if lr_d is not None:
            self.opt_d.learning_rate.assign(checks.number(lr_d, "lr_d", where, low=0.0, low_open=True))
        if lr_g is not None:
            self.opt_g.learning_rate.assign(checks.number(lr_g, "lr_g", where, low=0.0, low_open=True))
        if d_steps is not None:
            self._d_steps.assign(checks.integer(d_steps, "d_steps", where, minimum=1))

    # -- sampling ------------------------------------------------------------------------------
    def _noise(self, n):
        if self.noise_kind == "uniform":
            return self.rng.uniform([n, self.noise_dim], -1.0, 1.0)
        return self.rng.normal([n, self.noise_dim])

    def _real_batch(self):
        idx = self.rng.uniform([self.batch_size], 0, tf.shape(self.real)[0], dtype=tf.int32)
        return tf.cast(tf.gather(self.real, idx), tf.float32) * self._scale

    def noise(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` noise vectors (n, noise_dim) from a numpy generator seeded by ``seed`` (not the training stream)."""
        rng = np.random.default_rng(seed)
        z = rng.uniform(-1, 1, (n, self.noise_dim)) if self.noise_kind == "uniform" else rng.standard_normal(
            (n, self.noise_dim))
        return z.astype(np.float32)

    def generate(self, z) -> np.ndarray:
        """G(z) as a numpy array, for noise z (n, noise_dim)."""
        return self.generator(np.asarray(z, dtype=np.float32), training=False).numpy()

    # -- updates -------------------------------------------------------------------------------
    def _d_update(self):
        return discriminator_step(self.generator, self.discriminator, self.opt_d, self._real_batch(),
                                  self._noise(self.batch_size))

    def _g_update(self):
        return generator_step(self.generator, self.discriminator, self.opt_g, self._noise(self.batch_size), self.loss)

    def _rounds_graph(self, n):
        d_losses = tf.TensorArray(tf.float32, size=n)
        g_losses = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            d_loss = tf.constant(0.0)
            for _ in tf.range(self._d_steps):
                d_loss = self._d_update()
            d_losses = d_losses.write(i, d_loss)
            g_losses = g_losses.write(i, self._g_update())
        return d_losses.stack(), g_losses.stack()

    def d_step(self) -> float:
        """One discriminator update alone; returns its loss."""
        loss = float(self._one_d())
        self.d_updates += 1
        self._log("d", loss)
        return loss

    def g_step(self) -> float:
        """One generator update alone; returns its loss."""
        loss = float(self._one_g())
        self.g_updates += 1
        self._log("g", loss)
        return loss

    def _log(self, who, loss):
        self.history[f"{who}_x"].append(self.g_updates)
        self.history[f"{who}_loss"].append(loss)
        if not np.isfinite(loss):
            self.diverged = True

    def train(self, rounds: int, *, progress=None, chunk: int = 100) -> int:
        """Run up to ``rounds`` rounds (chunks of ``chunk`` in one TensorFlow graph); returns the rounds done.

        Stops early when a loss is no longer finite (``diverged``). ``progress(done, total, text)``
        is called after every chunk.
        """
        rounds = checks.integer(rounds, "rounds", f"{type(self).__name__}.train", minimum=0)
        chunk = checks.integer(chunk, "chunk", f"{type(self).__name__}.train", minimum=1)
        done = 0
        while done < rounds and not self.diverged:
            n = min(chunk, rounds - done)
            d_losses, g_losses = (t.numpy() for t in self._rounds(tf.constant(n)))
            xs = self.g_updates + np.arange(1, n + 1)
            self.history["d_x"].extend(xs.tolist())
            self.history["d_loss"].extend(d_losses.tolist())
            self.history["g_x"].extend(xs.tolist())
            self.history["g_loss"].extend(g_losses.tolist())
            self.d_updates += n * self.d_steps
            self.g_updates += n
            done += n
            if not (np.all(np.isfinite(d_losses)) and np.all(np.isfinite(g_losses))):
                self.diverged = True
            if progress is not None:
                progress(done, rounds, tr(f"round {done}/{rounds} · D loss {d_losses[-1]:.3f} · G loss {g_losses[-1]:.3f}"))
        return done


class ToyGAN(GAN):
    """A GAN on a 2-D toy target (ring, line, moons), with the views a GAN-Lab-style explorer draws.

    The generator and discriminator are :func:`toy_generator` / :func:`toy_discriminator`;
    the noise is uniform on [−1, 1]^noise_dim. Fixed evaluation sets (a held-out real sample and
    fixed noise) make :meth:`quality` comparable from step to step.
    """

    def __init__(self, target: str = "ring", *, noise_dim: int = 2, hidden: int = 32, lr_d: float = 1e-3,
                 lr_g: float = 1e-3, d_steps: int = 1, loss: str = "nonsaturating", batch_size: int = 128,
                 seed: int = 0, n_eval: int = 512):
        checks.choice(target, "target", TARGETS, "ToyGAN")
        real = sample_target(target, 20000, seed=seed)
        super().__init__(toy_generator(noise_dim, hidden, seed=seed * 10), toy_discriminator(hidden, seed=seed * 10 + 5),
                         real, noise_dim=noise_dim, lr_d=lr_d, lr_g=lr_g, d_steps=d_steps, loss=loss,
                         batch_size=batch_size, noise="uniform", seed=seed)
        self.target = target
        self.x_eval = sample_target(target, n_eval, seed=seed + 7919)
        self.z_eval = self.noise(n_eval, seed=seed + 104729)

    def quality(self) -> dict:
        """``{"energy": energy distance of G(z_eval) to x_eval}``, plus mode coverage for the ring."""
        g = self.generate(self.z_eval)
        out = {"energy": energy_distance(g, self.x_eval)}
        if self.target == "ring":
            cov = mode_coverage(g)
            out.update(modes=cov["covered"], near_share=cov["near_share"])
        return out

    def decision_surface(self, xs, ys) -> np.ndarray:
        """D(x) = sigmoid(logit) on the grid xs × ys: an array (len(ys), len(xs)) in [0, 1]."""
        xx, yy = np.meshgrid(np.asarray(xs, np.float32), np.asarray(ys, np.float32))
        logits = self.discriminator(np.column_stack([xx.ravel(), yy.ravel()]), training=False)
        return tf.sigmoid(logits).numpy().reshape(xx.shape)

    def manifold(self, lines: int = 9, points: int = 33) -> np.ndarray:
        """The generator's image of a grid in noise space: (n_lines, points, 2).

        Noise dimension 1: one line, z from −1 to 1. Dimension ≥ 2: ``lines`` lines of constant
        z₁ and ``lines`` of constant z₂ over [−1, 1]² (any further coordinates 0).
        """
        t = np.linspace(-1.0, 1.0, points, dtype=np.float32)
        if self.noise_dim == 1:
            return self.generate(t[:, None])[None]
        levels = np.linspace(-1.0, 1.0, lines, dtype=np.float32)
        z = np.zeros((2 * lines, points, self.noise_dim), np.float32)
        z[:lines, :, 0], z[:lines, :, 1] = levels[:, None], t[None, :]
        z[lines:, :, 0], z[lines:, :, 1] = t[None, :], levels[:, None]
        return self.generate(z.reshape(-1, self.noise_dim)).reshape(2 * lines, points, 2)

    def sample_gradients(self, z) -> tuple[np.ndarray, np.ndarray]:
        """Generated points x = G(z) and −∂L_G/∂x at each: the way the generator's loss pushes every point."""
        x = tf.constant(self.generate(z))
        with tf.GradientTape() as tape:
            tape.watch(x)
            per_point = generator_loss(self.discriminator(x, training=False), self.loss) * tf.cast(tf.shape(x)[0],
                                                                                                 tf.float32)
        return x.numpy(), -tape.gradient(per_point, x).numpy()
