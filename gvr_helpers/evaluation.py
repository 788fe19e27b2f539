"""Measuring a translator, and training it for a time budget (the course's comparisons).

* :func:`style_psnr` — G's mean PSNR on a :class:`~gvr_helpers.unpaired_data.StyleData`'s test tiles
  against their ground truth S(x); :func:`input_psnr`, the score of doing nothing;
  :func:`reconstruction_psnr`, how much of x the inverse F recovers from G(x).
* :class:`TimeBudget`, :class:`PSNRCurve` and :func:`train_for` — train for a number of seconds
  rather than steps, so methods are compared at the same training time, with the learning curve in dB.
* :func:`ablation` and :data:`ABLATIONS` — the fast recipe and its variants, each trained for the
  same time and scored on the test tiles (notebook 06's table).
"""
from __future__ import annotations

import time

import keras
import numpy as np

from .translators import image_batch, translate
from .recipes import RESIDUAL_RECIPE, fast_recipe
from .unpaired import luma_correlation_anchor
from .unpaired_data import StyleData, crop_stream, style_data


# ============================================================ scores
def style_psnr(generator, data: StyleData) -> float:
    """Mean PSNR (dB) of G(test_x) against the ground truth S(test_x): G's score on the data's
    test tiles."""
    from .metrics import psnr

    out = translate(generator, data.test_x)
    return float(np.mean([psnr(o, y) for o, y in zip(out, data.test_y)]))


def input_psnr(data: StyleData) -> float:
    """Mean PSNR (dB) of the untouched test_x against S(test_x): the score of doing nothing."""
    from .metrics import psnr

    return float(np.mean([psnr(x, y) for x, y in zip(data.test_x, data.test_y)]))


def reconstruction_psnr(generator, inverse, images) -> float:
    """Mean PSNR (dB) of F(G(x)) against x over ``images``: how much of x the inverse recovers
    (the batch counterpart of :func:`gvr_helpers.transfer.inverse_transfer`)."""
    from .metrics import psnr

    images, _ = image_batch(images, "reconstruction_psnr")
    back = translate(inverse, translate(generator, images))
    return float(np.mean([psnr(b, x) for b, x in zip(back, images)]))


# ============================================================ training for a time budget
class TimeBudget(keras.callbacks.Callback):
    """Stops ``fit`` once ``seconds`` of training time have passed (checked after every step),
    so methods can be compared at the same training time rather than the same step count.

    The clock starts when the first step ends: that step includes tracing the training graph
    (seconds for a small model, minutes for a CycleGAN on a busy CPU), which says nothing
    about how fast a method learns. Time spent in evaluation callbacks can be left out by
    adding it to ``paused``."""

    def __init__(self, seconds: float):
        super().__init__()
        if not (isinstance(seconds, (int, float)) and seconds > 0):
            raise ValueError(f"seconds must be a number > 0, got {seconds!r}")
        self.seconds, self.start, self.steps, self.paused = float(seconds), None, 0, 0.0

    def on_train_begin(self, logs=None):
        self.start, self.steps, self.paused = None, 0, 0.0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.start is None:
            self.start = time.perf_counter()
        elif self.elapsed >= self.seconds:
            self.model.stop_training = True

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start - self.paused if self.start is not None else 0.0


class PSNRCurve(keras.callbacks.Callback):
    """Test PSNR against the ground truth every ``every`` steps: the learning curve in dB over
    training time (its own evaluation time is excluded from ``budget``)."""

    def __init__(self, data: "StyleData", budget: TimeBudget, every: int = 100):
        super().__init__()
        self.data, self.budget, self.every = data, budget, max(1, int(every))
        self.points: list[tuple[float, int, float]] = []  # (seconds, steps, dB)

    def record(self):
        t = time.perf_counter()
        self.points.append((round(self.budget.elapsed, 2), self.budget.steps, style_psnr(self.model.generator, self.data)))
        self.budget.paused += time.perf_counter() - t

    def on_train_begin(self, logs=None):
        self.record()

    def on_train_batch_end(self, batch, logs=None):
        if self.budget.steps % self.every == 0:
            self.record()

    def on_train_end(self, logs=None):
        if self.points[-1][1] != self.budget.steps:
            self.record()


def train_for(model: keras.Model, stream, seconds: float, data: "StyleData | None" = None,
              every: int = 100, callbacks=()) -> dict:
    """Train ``model`` on ``stream`` for ``seconds`` of wall-clock time; with ``data``, also
    trace the test PSNR every ``every`` steps. Returns steps, seconds and the curve."""
    budget = TimeBudget(seconds)
    cbs = [budget] + ([PSNRCurve(data, budget, every)] if data is not None else []) + list(callbacks)
    model.fit(stream, epochs=1, steps_per_epoch=10 ** 9, verbose=0, callbacks=cbs)
    curve = cbs[1].points if data is not None else []
    return {"steps": budget.steps, "seconds": round(budget.elapsed, 2), "curve": curve}


# ============================================================ quality ablation (notebook 06's table)
def _diff_augment():
    from .train import diff_augment

    return diff_augment()


ABLATIONS = {
    "recipe": {},
    "no adversarial term": {"adversarial": False},
    "previous recipe (residual G)": RESIDUAL_RECIPE,
    "anchor on G(x)": {"anchor": luma_correlation_anchor},
    "no anchor": {"content_weight": 0.0},
    "no learning-rate decay": {"decay_steps": None},
    "ink numbers at G's learning rate": {"ink_init": {"lr_scale": 1.0}},
    "no spectral norm": {"spectral_norm": False},
    "no instance noise": {"noise": 0.0},
    "colour loss, weight 10": {"colour_weight": 10.0},
    "D receptive field 34 px": {"d_receptive_field": 34},
    "hinge loss": {"loss": "hinge"},
    "colour-changing DiffAugment": {"augment": "diff_augment"},
    "crops 32 px × batch 8": {"crop": 32, "batch": 8},
}


def ablation(style: str = "toon", seconds: float = 60.0, variants=None, train_data=None, test_data=None) -> list[dict]:
    """Train the fast recipe and variants of it, each for ``seconds``, and score each on the test tiles.

    ``variants``: names from :data:`ABLATIONS` (default: all). Returns one row per variant:
    variant, steps, seconds, test dB, gain over the input (dB). Crop/batch variants cut their own crops.
    """
    from .config import set_seed
    from .styles import STYLES

    names = list(ABLATIONS) if variants is None else [v.strip() for v in variants]
    unknown = [n for n in names if n not in ABLATIONS]
    if unknown:
        raise ValueError(f"unknown ablation variant(s) {unknown}; choose from {list(ABLATIONS)}")
    test_data = test_data or style_data(style, crop=64)
    identity = input_psnr(test_data)
    rows = []
    for name in names:
        options = dict(ABLATIONS[name])
        crop, batch = options.pop("crop", 16), options.pop("batch", 32)
        if options.get("augment") == "diff_augment":
            options["augment"] = _diff_augment()
        data = train_data if (train_data is not None and train_data.a.shape[1] == crop) else \
            style_data(style, crop=crop, n_crops=1024)
        set_seed(0)
        model = fast_recipe(patch=STYLES[style].patch, colour_reference=data.b, **options)
        run = train_for(model, crop_stream(data.a, data.b, batch), seconds)
        db = style_psnr(model.generator, test_data)
        rows.append({"variant": name, "steps": run["steps"], "seconds": run["seconds"], "db": round(db, 3),
                     "gain_db": round(db - identity, 3)})
    return rows
