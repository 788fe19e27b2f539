"""Keras callbacks for training runs: a progress bar, the loss history, snapshots, checkpoints that
resume from the last finished epoch, and a NaN/Inf guard; plus the atomic ``.keras`` save they use.

They only assume a model whose ``train_step`` returns a dict of losses, so the GAN of
:mod:`gvr_helpers.train` and the unpaired translators of notebook 05 share them.
"""
from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Callable, Iterable

import keras
import numpy as np
import tensorflow as tf

from .data import atomic_write, save_image


class TrainingDivergedError(FloatingPointError):
    """A loss became NaN or infinite; the message says where and which checkpoint is still good."""


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
    """``model.save(path)`` through :func:`~gvr_helpers.data.atomic_write`, so ``path`` is either the
    old file or the complete new one, on disk. If the save fails, the error names ``path``."""
    path = Path(path)
    try:
        return atomic_write(path, lambda tmp: model.save(tmp))
    except Exception as error:
        raise OSError(f"could not save {path}: {type(error).__name__}: {error}") from error


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

