"""Training a GAN with Keras ``fit``: the model, its data stream and callbacks.

* :class:`GAN` is a ``keras.Model`` whose ``train_step`` plays one round of
  the minimax game (``d_steps`` discriminator updates, then one generator
  update) and returns a dict of losses. ``compile`` picks the loss
  (:mod:`gvr_helpers.losses`), the R1 weight, the two learning rates (two
  time-scale update rule), D steps per G step and a differentiable
  augmentation applied to everything D sees.
* :func:`train_gans` (the seed article's name) wraps ``fit``: it streams the
  data with the noise, adds a progress bar, a loss history, checkpoints that
  resume from the last finished epoch, and a NaN/Inf guard.
* The callbacks only assume a model whose ``train_step`` returns a dict of
  losses, so the unpaired translators of notebook 05 reuse them.

Noise is part of the input stream, drawn with ``stateless_normal`` from
``(seed, global step)``. So a resumed run sees exactly the batches and noise
it would have seen without the interruption, and under
``tf.distribute.MirroredStrategy`` each replica gets its own slice of one
global batch: the losses match a single-device run.
"""
from __future__ import annotations

import json
import math
import os
import warnings
from pathlib import Path
from typing import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf

from . import losses as losses_mod
from .data import atomic_write, save_image


class TrainingDivergedError(FloatingPointError):
    """A loss became NaN or infinite; the message says where and which checkpoint is still good."""


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
        if int(d_steps) != d_steps or d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps!r}")
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


# ============================================================ callbacks
def _finite_floats(logs) -> dict:
    return {k: float(np.asarray(v)) for k, v in (logs or {}).items() if np.size(v) == 1}


class TqdmProgress(keras.callbacks.Callback):
    """A tqdm progress bar over all steps of the run, showing the latest losses."""

    def __init__(self, every: int = 10, **tqdm_kwargs):
        super().__init__()
        self.every = max(1, int(every))
        self.tqdm_kwargs = tqdm_kwargs
        self.bar = None

    def on_train_begin(self, logs=None):
        from tqdm.auto import tqdm

        epochs, steps = self.params.get("epochs"), self.params.get("steps")
        total = epochs * steps if epochs and steps else None
        self.bar = tqdm(total=total, unit="step", **self.tqdm_kwargs)

    def on_epoch_begin(self, epoch, logs=None):
        steps = self.params.get("steps") or 0
        if self.bar is not None and self.bar.n < epoch * steps:  # a resumed run starts later
            self.bar.update(epoch * steps - self.bar.n)

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(1)
        if batch % self.every == 0:
            self.bar.set_postfix({k: f"{v:.3g}" for k, v in _finite_floats(logs).items()}, refresh=False)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()


class LossHistory(keras.callbacks.Callback):
    """Every step's logged losses, per epoch; saved to ``path`` (JSON, atomically) so a resumed
    run keeps the curves of the epochs it already finished."""

    def __init__(self, path=None):
        super().__init__()
        self.path = Path(path) if path else None
        self.steps: list[dict] = []    # one dict per step: epoch, step and the losses
        self.epochs: list[dict] = []   # one dict per finished epoch
        if self.path is not None and self.path.exists():
            saved = json.loads(self.path.read_text())
            self.steps, self.epochs = saved["steps"], saved["epochs"]
        self._epoch = 0
        self._step_in_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        # Forget anything logged for this epoch or later (an unfinished epoch before a resume).
        self.steps = [s for s in self.steps if s["epoch"] < epoch]
        self.epochs = [e for e in self.epochs if e["epoch"] < epoch]

    def on_train_batch_end(self, batch, logs=None):
        self.steps.append({"epoch": self._epoch, "batch": int(batch), **_finite_floats(logs)})

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append({"epoch": epoch, **_finite_floats(logs)})
        if self.path is not None:
            atomic_write(self.path, json.dumps({"steps": self.steps, "epochs": self.epochs}))

    def series(self, key: str, per: str = "epoch") -> np.ndarray:
        """The values of one logged quantity, per epoch (epoch means) or per step (running means)."""
        rows = self.epochs if per == "epoch" else self.steps
        return np.array([r[key] for r in rows if key in r], dtype=float)

    def plot(self, keys=("d_loss", "g_loss"), name="04_loss_history", title=None):
        from . import plotting

        return plotting.loss_history(self, keys=keys, name=name, title=title)


class Snapshots(keras.callbacks.Callback):
    """Calls ``render(model)`` every ``every`` epochs and keeps what it returns (images, points...)
    in ``self.frames`` as ``(epoch, array)``; with ``directory``, image batches are also written
    as PNG tiles, atomically."""

    def __init__(self, render: Callable, every: int = 1, directory=None, prefix: str = "snapshot"):
        super().__init__()
        if not callable(render):
            raise ValueError("render must be a function model -> array")
        self.render, self.every, self.prefix = render, max(1, int(every)), prefix
        self.directory = Path(directory) if directory else None
        self.frames: list[tuple[int, np.ndarray]] = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        frame = np.asarray(keras.ops.convert_to_numpy(self.render(self.model)))
        self.frames.append((epoch + 1, frame))
        if self.directory is not None and frame.ndim == 4 and frame.shape[-1] in (1, 3):
            self._write_png(frame, self.directory / f"{self.prefix}_{epoch + 1:04d}.png")

    @staticmethod
    def _write_png(images, path):
        n = len(images)
        cols = int(math.ceil(math.sqrt(n)))
        rows = int(math.ceil(n / cols))
        h, w, c = images.shape[1:]
        tile = np.ones((rows * h, cols * w, c), np.float32)
        for i, img in enumerate(images):
            tile[(i // cols) * h:(i // cols + 1) * h, (i % cols) * w:(i % cols + 1) * w] = img
        save_image(np.clip(tile[..., 0] if c == 1 else tile, 0, 1), path)


def _all_finite(model) -> bool:
    return all(np.all(np.isfinite(keras.ops.convert_to_numpy(v))) for v in model.weights)


def save_atomic(model: keras.Model, path) -> Path:
    """``model.save(path)`` through a temporary ``.keras`` file and a rename, so ``path`` is either the
    old file or the complete new one. If the save fails, the temporary file is removed and the error
    names ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")  # Keras insists on the .keras suffix
    try:
        model.save(tmp)
        os.replace(tmp, path)
    except Exception as error:
        raise OSError(f"could not save {path}: {type(error).__name__}: {error}") from error
    finally:
        tmp.unlink(missing_ok=True)
    return path


class Checkpoints(keras.callbacks.Callback):
    """Saves the model *and its optimizers' state* at the end of every ``every``-th epoch, and
    restores the latest one so a stopped run resumes from its last finished epoch.

    Why ``tf.train.Checkpoint`` rather than a ``.keras`` file: resuming needs the optimizers'
    moments and step counters as well as the weights (a ``.keras`` file of a model with two
    optimizers does not hold them), and a checkpoint holds only tensors, no code, so loading one
    cannot run anything. A save survives being killed at any moment: ``tf.train.CheckpointManager``
    writes the data and index files first and only then commits them, by replacing its small
    ``checkpoint`` state file atomically (temporary file + rename). A kill before the commit leaves
    the previous checkpoint in charge (tests/test_kill_resume.py kills a run in
    :meth:`on_files_written`); :meth:`restore` falls back to an older checkpoint if the latest one
    cannot be read. A save is skipped when a weight or a logged loss is not finite, so the last
    checkpoint is always a good one. ``export`` optionally also writes ``<name>.keras`` files
    (atomically, :func:`save_atomic`) of sub-models, e.g. the generator, for
    ``keras.saving.load_model(safe_mode=True)``.

    Any model works: its ``optimizer``, ``g_optimizer`` and ``d_optimizer`` attributes are saved, plus
    the attributes a model lists in ``checkpoint_extras`` (e.g. a translator's extra optimizers).
    """

    def __init__(self, directory, every: int = 1, max_to_keep: int = 2, export: Iterable[str] = ()):
        super().__init__()
        self.directory = Path(directory)
        self.every, self.max_to_keep, self.export = max(1, int(every)), int(max_to_keep), tuple(export)
        self._manager = None
        self.epoch = tf.Variable(0, dtype=tf.int64, trainable=False, name="finished_epochs")

    def _checkpoint(self, model):
        parts = {"model": model, "finished_epochs": self.epoch}
        for attr in ("optimizer", "g_optimizer", "d_optimizer") + tuple(getattr(model, "checkpoint_extras", ())):
            obj = getattr(model, attr, None)
            if obj is not None:
                parts[attr] = obj
        return tf.train.Checkpoint(**parts)

    def manager(self, model=None):
        if self._manager is None:
            model = model or self.model
            self._manager = tf.train.CheckpointManager(self._checkpoint(model), str(self.directory),
                                                       max_to_keep=self.max_to_keep)
        return self._manager

    def restore(self, model) -> int:
        """Load the latest readable checkpoint into ``model``; return its number of finished epochs
        (0 if there is none). An unreadable one (truncated, deleted, corrupt) is skipped with a warning
        naming it; if none can be read, ``RuntimeError`` says why rather than silently starting over."""
        manager = self.manager(model)
        failures = []
        for path in reversed(manager.checkpoints):  # newest first, only committed checkpoints
            try:
                manager.checkpoint.restore(path).assert_existing_objects_matched()
            except Exception as error:  # TF raises OpError, IndexError (truncated data), AssertionError...
                failures.append(f"{path} ({type(error).__name__}: {(str(error).splitlines() or [''])[0]})")
                continue
            if failures:
                warnings.warn(f"could not read checkpoint {'; '.join(failures)}; resuming from {path} instead",
                              stacklevel=2)
            return int(self.epoch.numpy())
        if failures:
            raise RuntimeError(f"no checkpoint in {self.directory} can be read ({'; '.join(failures)}); "
                               "delete the directory to start afresh")
        return 0

    @property
    def latest(self):
        return tf.train.latest_checkpoint(str(self.directory))

    def on_files_written(self, save_path: str) -> None:
        """Called by TensorFlow once a checkpoint's files are on disk and before it is committed: the
        moment a kill must not matter. A hook for tests; does nothing here."""

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        logged = _finite_floats(logs)
        if not all(math.isfinite(v) for v in logged.values()) or not _all_finite(self.model):
            return  # keep the last good checkpoint
        self.epoch.assign(epoch + 1)
        # The manager runs our callback first, then commits (rewrites its state file).
        options = tf.train.CheckpointOptions(experimental_write_callbacks=[self.on_files_written])
        self.manager().save(checkpoint_number=epoch + 1, options=options)
        for attr in self.export:
            save_atomic(getattr(self.model, attr), self.directory / f"{attr}.keras")


class NaNGuard(keras.callbacks.Callback):
    """Stops training at the first NaN/Inf loss with a message that says which loss, when, and
    which checkpoint is the last good one (like ``keras.callbacks.TerminateOnNaN``, but it explains)."""

    def __init__(self, checkpoints: Checkpoints | None = None):
        super().__init__()
        self.checkpoints = checkpoints
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        bad = {k: v for k, v in _finite_floats(logs).items() if not math.isfinite(v)}
        if not bad:
            return
        self.model.stop_training = True
        where = f"epoch {self._epoch + 1}, step {batch + 1}"
        good = self.checkpoints.latest if self.checkpoints is not None else None
        keep = (f"The last good checkpoint is kept: {good}." if good else "No checkpoint was saved before it.")
        raise TrainingDivergedError(
            f"training diverged at {where}: {', '.join(f'{k}={v}' for k, v in bad.items())}. {keep} "
            "Try a lower learning rate, an R1 penalty or a bounded loss (hinge, least squares).")


# ============================================================ the seed's entry point
def build_gan(generator: keras.Model, discriminator: keras.Model, **options) -> GAN:
    """The trainable GAN: :class:`GAN` ``(generator, discriminator)``, ready for ``compile`` and ``fit``."""
    return GAN(generator, discriminator, **options)


build_gans = build_gan  # the seed article's name


def train_gans(gans: keras.Model, data, epochs: int, batch_size: int = 64, steps_per_epoch: int | None = None,
               checkpoint_dir=None, callbacks: Iterable[keras.callbacks.Callback] = (), progress: bool = True,
               seed: int = 0, export: Iterable[str] = ()) -> LossHistory:
    """Train a compiled :class:`GAN` for ``epochs`` epochs with ``fit``; return its :class:`LossHistory`.

    With ``checkpoint_dir``, a run that was stopped restarts from its last finished epoch (the
    checkpoint, the loss history and the data/noise stream all continue where they were), and a
    NaN/Inf loss stops training with :class:`TrainingDivergedError` after restoring the last good
    checkpoint into ``gans``.
    """
    if not hasattr(gans, "d_steps"):
        raise ValueError("compile the GAN first: gans.compile(loss=..., g_learning_rate=..., ...)")
    if int(epochs) != epochs or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
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


# ============================================================ the 8-Gaussian ring of notebook 04
RING = {"n_modes": 8, "radius": 2.0, "std": 0.05}

# Each variant is a set of options for train_ring; they share seeds, steps and models.
# "overpowering D" = the discriminator learns 5x faster and takes 3 steps per generator step.
STRONG_D = {"d_learning_rate": 1e-3, "d_steps": 3}
RING_VARIANTS = {
    "saturating (minimax)": {"loss": "minimax"},
    "saturating, overpowering D": {"loss": "minimax", **STRONG_D},
    "non-saturating, overpowering D": {"loss": "nonsaturating", **STRONG_D},
    "least squares, overpowering D": {"loss": "least_squares", **STRONG_D},
    "hinge, overpowering D": {"loss": "hinge", **STRONG_D},
    "non-saturating + R1, overpowering D": {"loss": "nonsaturating", "r1_weight": 1.0, **STRONG_D},
    "non-saturating + instance noise, overpowering D": {"loss": "nonsaturating", "instance_noise": 0.1, **STRONG_D},
    "non-saturating + spectral norm, overpowering D": {"loss": "nonsaturating", "spectral_norm": True, **STRONG_D},
    "recommended: non-saturating + R1, TTUR": {"loss": "nonsaturating", "r1_weight": 0.1,
                                              "g_learning_rate": 2e-4, "d_learning_rate": 4e-4},
}
RECOMMENDED = "recommended: non-saturating + R1, TTUR"


def _spectral_normalized(model: keras.Model) -> keras.Model:
    """A copy of a Dense-layer model with every Dense layer wrapped in keras' SpectralNormalization."""
    def clone(layer):
        fresh = layer.__class__.from_config(layer.get_config())
        return keras.layers.SpectralNormalization(fresh) if isinstance(layer, keras.layers.Dense) else fresh
    return keras.models.clone_model(model, clone_function=clone)


def train_ring(seed: int = 0, steps: int = 2000, batch_size: int = 256, hidden: int = 128, depth: int = 3,
               loss: str = "nonsaturating", r1_weight: float = 0.0, g_learning_rate: float = 2e-4,
               d_learning_rate: float = 2e-4, d_steps: int = 1, instance_noise: float = 0.0,
               spectral_norm: bool = False, n_eval: int = 2500, callbacks=(), snapshot_every: int = 0) -> dict:
    """Train one MLP GAN on the 8-Gaussian ring and measure it (modes covered of 8, high-quality
    fraction, seconds). ``snapshot_every`` > 0 also returns samples every that many steps."""
    import time

    from . import config, metrics, models

    config.set_seed(seed)
    data = metrics.sample_ring(20000, RING["n_modes"], RING["radius"], RING["std"], seed=seed)
    g = models.build_generator("mlp", noise_dim=2, data_dim=2, hidden=hidden, depth=depth)
    d = models.build_discriminator("mlp", data_dim=2, hidden=hidden, depth=depth)
    if spectral_norm:
        d = _spectral_normalized(d)
    gan = GAN(g, d)
    gan.compile(loss=loss, r1_weight=r1_weight, g_learning_rate=g_learning_rate, d_learning_rate=d_learning_rate,
                d_steps=d_steps, augment=jitter(instance_noise) if instance_noise else None)
    every = snapshot_every if snapshot_every > 0 else steps
    snaps = Snapshots(lambda m: m.sample(1000, seed=seed + 1), every=1)
    start = time.perf_counter()
    history = train_gans(gan, data, epochs=max(1, steps // every), batch_size=batch_size, steps_per_epoch=every,
                         progress=False, seed=seed, callbacks=[snaps, *callbacks])
    seconds = time.perf_counter() - start
    samples = gan.sample(n_eval, seed=seed + 1000)
    cov = metrics.mode_coverage(samples, metrics.ring_centers(RING["n_modes"], RING["radius"]), RING["std"])
    return {"modes_covered": cov["modes_covered"], "hq_fraction": cov["hq_fraction"], "seconds": seconds,
            "samples": samples, "frames": [(e * every, f) for e, f in snaps.frames], "history": history, "gan": gan}


def compare_ring_variants(names, seeds=(0, 1, 2), steps: int = 2000, done: dict | None = None) -> dict:
    """Run each named variant of :data:`RING_VARIANTS` on the same seeds and steps.

    Returns ``{name: {"modes_covered": [...], "hq_fraction": [...], "seconds": [...]}}`` with one
    value per seed. ``done`` maps ``(name, seed)`` to a finished :func:`train_ring` result to reuse.
    """
    unknown = [n for n in names if n not in RING_VARIANTS]
    if unknown:
        raise ValueError(f"unknown ring variants {unknown}; choose from: {', '.join(RING_VARIANTS)}")
    done = done or {}
    table = {}
    for name in names:
        runs = [done.get((name, s)) or train_ring(seed=s, steps=steps, **RING_VARIANTS[name]) for s in seeds]
        table[name] = {key: [r[key] for r in runs] for key in ("modes_covered", "hq_fraction", "seconds")}
    return table
