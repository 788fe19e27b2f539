"""Training a GAN with Keras ``fit``: the model and its data stream.

* :class:`GAN` is a ``keras.Model`` whose ``train_step`` plays one round of
  the minimax game (``d_steps`` discriminator updates, then one generator
  update) and returns a dict of losses. ``compile`` picks the loss
  (:mod:`gvr_helpers.losses`), the R1 weight, the two learning rates (two
  time-scale update rule), D steps per G step and a differentiable
  augmentation applied to everything D sees.
* :func:`train_gans` (the seed article's name) wraps ``fit``: it streams the
  data with the noise and adds the callbacks of :mod:`gvr_helpers.callbacks`:
  a progress bar, a loss history, checkpoints that resume from the last
  finished epoch, and a NaN/Inf guard.

Noise is part of the input stream, drawn with ``stateless_normal`` from
``(seed, global step)``. So a resumed run sees exactly the batches and noise
it would have seen without the interruption, and under
``tf.distribute.MirroredStrategy`` each replica gets its own slice of one
global batch: the losses match a single-device run.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf

from . import losses as losses_mod
from .callbacks import Checkpoints, LossHistory, NaNGuard, TqdmProgress, TrainingDivergedError
from .checks import integer


# ============================================================ the model
class GAN(keras.Model):
    """Generator G and discriminator D trained against each other with ``fit``.

    ``gan(z)`` returns ``G(z)``. The data given to ``fit`` is ``(real, noise)``
    with ``noise`` of shape ``(batch, d_steps + 1, *noise_shape)`` (one noise
    batch per D step and one for the G step); :func:`make_dataset` builds it.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, name: str = "gan", **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(generator, keras.Model) or not isinstance(discriminator, keras.Model):
            raise TypeError("GAN needs a keras.Model generator and a keras.Model discriminator, got "
                            f"{type(generator).__name__} and {type(discriminator).__name__}")
        self.generator = generator
        self.discriminator = discriminator
        self.noise_shape = tuple(int(d) for d in generator.input_shape[1:])

    def call(self, z, training=False):
        return self.generator(z, training=training)

    def compile(self, g_optimizer=None, d_optimizer=None, loss="nonsaturating", r1_weight: float = 0.0,
                d_steps: int = 1, augment: Callable | None = None, g_learning_rate: float = 2e-4,
                d_learning_rate: float = 2e-4, beta_1: float = 0.5, **kwargs):
        """Choose how the game is played.

        loss: a name from :data:`gvr_helpers.losses.GAN_LOSSES` (``minimax`` is the saturating one).
        r1_weight: γ of the R1 penalty (γ/2)·E‖∇D(x)‖² on real data; 0 turns it off.
        d_steps: discriminator updates per generator update.
        augment: a differentiable function applied to real and fake batches before D sees them.
        g_learning_rate / d_learning_rate: used when no optimizer is given (Adam, β₁ = ``beta_1``);
        different values are the two time-scale update rule (TTUR).
        """
        super().compile(**kwargs)
        integer("d_steps", d_steps)
        if not (r1_weight >= 0 and math.isfinite(r1_weight)):
            raise ValueError(f"r1_weight must be a finite number >= 0, got {r1_weight!r}")
        if augment is not None and not callable(augment):
            raise ValueError(f"augment must be a function (or None), got {type(augment).__name__}")
        self.gan_loss = losses_mod.get_gan_loss(loss)
        self.r1_weight = float(r1_weight)
        self.d_steps = int(d_steps)
        self.augment = augment
        self.g_optimizer = g_optimizer or keras.optimizers.Adam(g_learning_rate, beta_1=beta_1)
        self.d_optimizer = d_optimizer or keras.optimizers.Adam(d_learning_rate, beta_1=beta_1)
        # Build the optimizers now, so a checkpoint can be restored before the first step.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        names = ["d_loss", "g_loss", "d_real", "d_fake"] + (["r1"] if self.r1_weight else [])
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}

    @property
    def metrics(self):
        return list(getattr(self, "trackers", {}).values())

    def _seen_by_d(self, x):
        return self.augment(x) if self.augment is not None else x

    def train_step(self, data):
        real, noise = data
        # Gradients are summed over replicas, so each replica's mean loss is divided by their number.
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        for i in range(self.d_steps):
            fake = self.generator(noise[:, i], training=True)
            with tf.GradientTape() as tape:
                real_in, fake_in = self._seen_by_d(real), self._seen_by_d(fake)
                real_logits = self.discriminator(real_in, training=True)
                fake_logits = self.discriminator(fake_in, training=True)
                d_loss = self.gan_loss.d_loss(real_logits, fake_logits)
                total = d_loss
                if self.r1_weight:
                    r1 = losses_mod.r1_penalty(self.discriminator, real_in)
                    total = total + 0.5 * self.r1_weight * r1
                total = total / replicas
            grads = tape.gradient(total, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))

        with tf.GradientTape() as tape:
            fake = self.generator(noise[:, -1], training=True)
            g_loss = self.gan_loss.g_loss(self.discriminator(self._seen_by_d(fake), training=True))
            scaled = g_loss / replicas
        grads = tape.gradient(scaled, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))

        values = {"d_loss": d_loss, "g_loss": g_loss,
                  "d_real": tf.reduce_mean(tf.sigmoid(real_logits)),
                  "d_fake": tf.reduce_mean(tf.sigmoid(fake_logits))}
        if self.r1_weight:
            values["r1"] = r1
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generator outputs for noise drawn with ``seed`` (inference mode), as numpy."""
        z = np.random.default_rng(seed).standard_normal((n, *self.noise_shape)).astype(np.float32)
        return keras.ops.convert_to_numpy(self.generator(z, training=False))


# ============================================================ augmentations (differentiable)
def jitter(std: float = 0.05) -> Callable:
    """Instance noise for point data: x + N(0, std²), the same for real and fake samples."""
    if not std >= 0:
        raise ValueError(f"std must be >= 0, got {std!r}")

    def augment(x):
        return x + std * tf.random.normal(tf.shape(x), dtype=x.dtype)
    return augment


def diff_augment(translation: float = 0.125, brightness: float = 0.2, contrast: float = 0.3) -> Callable:
    """DiffAugment-style image augmentation (Zhao et al. 2020): random brightness, contrast and a
    translation by up to ``translation`` of the size (zero fill), all differentiable so G's gradient
    passes through. For batches B×H×W×C in [0, 1]."""

    def augment(x):
        b = tf.shape(x)[0]
        h, w = tf.shape(x)[1], tf.shape(x)[2]
        x = x + brightness * (tf.random.uniform([b, 1, 1, 1]) - 0.5)
        mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
        x = (x - mean) * (1.0 + contrast * (tf.random.uniform([b, 1, 1, 1]) - 0.5)) + mean
        if translation > 0:
            max_dy = tf.cast(tf.cast(h, tf.float32) * translation, tf.int32)
            max_dx = tf.cast(tf.cast(w, tf.float32) * translation, tf.int32)
            dy = tf.random.uniform([b, 1, 1], -max_dy, max_dy + 1, dtype=tf.int32)
            dx = tf.random.uniform([b, 1, 1], -max_dx, max_dx + 1, dtype=tf.int32)
            yy = tf.range(h)[None, :, None] - dy
            xx = tf.range(w)[None, None, :] - dx
            inside = (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
            yy, xx = tf.clip_by_value(yy, 0, h - 1), tf.clip_by_value(xx, 0, w - 1)
            bb = tf.broadcast_to(tf.range(b)[:, None, None], tf.shape(yy & xx))
            idx = tf.stack([bb, tf.broadcast_to(yy, tf.shape(bb)), tf.broadcast_to(xx, tf.shape(bb))], -1)
            x = tf.gather_nd(x, idx) * tf.cast(inside, x.dtype)[..., None]
        return x
    return augment


# ============================================================ data
def make_dataset(data, noise_shape, batch_size: int = 64, d_steps: int = 1, seed: int = 0,
                 start_step: int = 0) -> tf.data.Dataset:
    """An endless stream of ``(real batch, noise)`` for :class:`GAN`.

    ``data`` is an array of samples or a ``tf.data.Dataset`` of batches. For an array, the
    batch of global step ``s`` is drawn (with replacement) and its noise made with stateless
    random ops seeded by ``(seed, s)``: the stream is a pure function of the step, independent
    of TensorFlow's global seed, so a run resumed at ``start_step`` sees exactly the batches it
    would have seen without the interruption.
    """
    shape = (batch_size, d_steps + 1, *noise_shape)
    seed_t = tf.constant(int(seed), tf.int64)
    if isinstance(data, tf.data.Dataset):
        spec_batch = data.element_spec.shape[0]
        if spec_batch is None:
            raise ValueError("a tf.data.Dataset given to make_dataset must have a fixed batch size "
                             "(batch it with drop_remainder=True)")
        shape = (int(spec_batch),) + shape[1:]
        noise = tf.data.Dataset.counter().map(
            lambda step: tf.random.stateless_normal(shape, seed=tf.stack([seed_t, step])))
        stream = tf.data.Dataset.zip((data.repeat(), noise)).skip(int(start_step))
        return stream.prefetch(tf.data.AUTOTUNE)
    array = np.asarray(data, dtype=np.float32)
    if array.ndim < 2 or len(array) < batch_size:
        raise ValueError(f"data must be an array of at least batch_size={batch_size} samples, "
                         f"got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("data contains NaN or infinite values")
    table = tf.constant(array)

    def batch_at(step):
        key = tf.stack([seed_t, step])
        index = tf.random.stateless_uniform([batch_size], seed=key, maxval=len(array), dtype=tf.int64)
        noise = tf.random.stateless_normal(shape, seed=tf.stack([seed_t + 1_000_003, step]))
        return tf.gather(table, index), noise

    return tf.data.Dataset.counter(start=int(start_step)).map(batch_at).prefetch(tf.data.AUTOTUNE)


# ============================================================ the seed's entry point
def build_gan(generator: keras.Model, discriminator: keras.Model, **options) -> GAN:
    """The trainable GAN: :class:`GAN` ``(generator, discriminator)``, ready for ``compile`` and ``fit``."""
    return GAN(generator, discriminator, **options)


build_gans = build_gan  # the seed article's name


def train_gans(gans: keras.Model, data, epochs: int, batch_size: int = 64, steps_per_epoch: int | None = None,
               checkpoint_dir=None, callbacks: Iterable[keras.callbacks.Callback] = (), progress: bool = True,
               seed: int = 0, export: Iterable[str] = ()) -> LossHistory:
    """Train a compiled :class:`GAN` for ``epochs`` epochs with ``fit``; return its
    :class:`~gvr_helpers.callbacks.LossHistory`.

    With ``checkpoint_dir``, a run that was stopped restarts from its last finished epoch (the
    checkpoint, the loss history and the data/noise stream all continue where they were), and a NaN/Inf
    loss stops training with :class:`~gvr_helpers.callbacks.TrainingDivergedError` after restoring the last good
    checkpoint into ``gans``.
    """
    if not hasattr(gans, "d_steps"):
        raise ValueError("compile the GAN first: gans.compile(loss=..., g_learning_rate=..., ...)")
    integer("epochs", epochs)
    if steps_per_epoch is None:
        if isinstance(data, tf.data.Dataset):
            raise ValueError("steps_per_epoch is needed when data is a tf.data.Dataset")
        steps_per_epoch = max(1, len(data) // batch_size)
    ckpt = Checkpoints(checkpoint_dir, export=export) if checkpoint_dir else None
    start = ckpt.restore(gans) if ckpt else 0
    history = LossHistory(Path(checkpoint_dir) / "history.json" if checkpoint_dir else None)
    if start >= epochs:
        return history
    stream = make_dataset(data, gans.noise_shape, batch_size, gans.d_steps, seed, start * steps_per_epoch)
    cbs = [history, NaNGuard(ckpt)] + ([ckpt] if ckpt else []) + ([TqdmProgress()] if progress else [])
    try:
        gans.fit(stream, epochs=int(epochs), steps_per_epoch=int(steps_per_epoch), initial_epoch=start,
                 callbacks=cbs + list(callbacks), verbose=0, shuffle=False)
    except TrainingDivergedError:
        if ckpt is not None and ckpt.latest:
            ckpt.restore(gans)
        raise
    return history
