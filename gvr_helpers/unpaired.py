"""Unpaired image-to-image translation (steps 2–3 of the pipeline) that learns on a CPU.

Three translators, each a ``keras.Model`` with a ``train_step``, trained with ``fit``
and the callbacks of :mod:`gvr_helpers.train` (progress, history, snapshots,
checkpoints/resume, NaN guard):

* :class:`FastTranslator` — the course's recipe (:func:`fast_recipe`). One G shaped like a
  print, :func:`ink_over_colours`: ink drawn on the photo's edges (:class:`InkOver`, five
  trained numbers) over a per-pixel colour map. One spectrally normalised PatchGAN D at the
  style's scale that sees its inputs through instance noise. A :func:`colour_map_anchor` ties
  the colour map's light and dark to the photo's without charging the ink, and both learning
  rates decay to 0, because the game does not settle by itself. The previous recipe (a small
  residual G that starts as the identity, :func:`residual_translator`) stays for the ablation.
  An optional sliced-Wasserstein *colour* loss hands G the style set's palette (exercise 5.2).
* :class:`CycleGAN` — Zhu et al. (2017) as in the TensorFlow tutorial: two generators,
  two discriminators, cycle and identity losses and an image history buffer. Its
  second generator F gives the inverse transfer F(G(a)) ≈ a.
* :class:`PairedTranslator` — the *oracle*: a generator trained with L1 on pairs (x, S(x)).
  Unpaired methods cannot know the pairs; the oracle says how much is learnable at all in the
  same time. :func:`paired_oracle` uses the generic residual G, not the course's print-shaped one:
  given pairs it finds the outlines by itself, and it needs no prior about the style.

Data (:func:`style_data`, :func:`crop_stream`) are in-memory tensors: on a 2-core CPU
a per-step Python/numpy input pipeline costs as much as a small generator's step.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from . import losses as losses_mod
from .models import Pad2D, build_discriminator, build_generator



# ============================================================ data
@dataclass(frozen=True)
class StyleData:
    """Crops for one style: unpaired pools A (photos) and B (styled *other* pixels), the pairs
    only the oracle may see, and held-out test tiles with their ground truth S(x)."""

    style: str
    a: np.ndarray          # N×c×c×3 crops of content photos (CycleGAN's domain A)
    b: np.ndarray          # N×c×c×3 crops of the style set, from regions disjoint from a's (domain B)
    a_styled: np.ndarray   # S(a): the pairs, for the paired oracle only
    test_x: np.ndarray     # test tiles from the bottom of every image, never trained on
    test_y: np.ndarray     # S(test_x), the ground truth


def style_data(style: str, crop: int = 64, size: int = 256, n_crops: int = 512, seed: int = 0,
                test_fraction: float = 0.25, block: int = 64) -> StyleData:
    """Build :class:`StyleData` from the course's content photos, resized to ``size``×``size``.

    Each photo's top ``1 - test_fraction`` is for training, cut into ``block``×``block``
    squares in a checkerboard: white squares feed domain A (photos), black squares are
    styled and feed domain B. So A and B never share a pixel (no pairs), yet both sample
    the same mix of content, and the only systematic difference between them is the style
    (with A = left halves and B = right halves, the photos' own colour differences swamp
    the style's). The bottom part is cut into ``block``×``block`` test tiles. ``n_crops`` random
    ``crop``×``crop`` crops (with left-right flips) are drawn inside the squares per domain.
    """
    from .data import content_images, split_regions, test_tiles, tiles
    from .styles import STYLES, apply_style

    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {sorted(STYLES)}")
    if isinstance(crop, bool) or not isinstance(crop, int) or not 8 <= crop <= block:
        raise ValueError(f"crop must be an int between 8 and block = {block}, got {crop!r}")
    images = content_images(size)
    rng = np.random.default_rng(seed)
    align = 4 if style == "pixel_art" else 1
    squares_a, squares_b = [], []
    for x in images:
        squares = tiles(split_regions(x, test_fraction)[0], block)
        cols = size // block
        for k, sq in enumerate(squares):
            (squares_a if (k // cols + k % cols) % 2 == 0 else squares_b).append(sq)
    squares_a = np.stack(squares_a)
    styled_a = apply_style(style, squares_a)
    styled_b = apply_style(style, np.stack(squares_b))

    def crops(pool, n):
        idx = rng.integers(len(pool), size=n)
        top = rng.integers((block - crop) // align + 1, size=n) * align
        left = rng.integers((block - crop) // align + 1, size=n) * align
        flip = (rng.random(n) < 0.5) & (align == 1)
        out = [pool[i, t:t + crop, l:l + crop] for i, t, l in zip(idx, top, left)]
        return np.stack([o[:, ::-1] if f else o for o, f in zip(out, flip)]).astype(np.float32), (idx, top, left, flip)

    a, where = crops(squares_a, n_crops)
    a_styled = np.stack([styled_a[i, t:t + crop, l:l + crop][:, ::-1] if f else styled_a[i, t:t + crop, l:l + crop]
                         for i, t, l, f in zip(*where)]).astype(np.float32)
    b, _ = crops(styled_b, n_crops)
    test_x = test_tiles(images, block, test_fraction)
    return StyleData(style, a, b, a_styled, test_x, apply_style(style, test_x).astype(np.float32))


def crop_stream(first, second, batch_size: int = 16, seed: int = 0, start_step: int = 0,
                paired: bool = False) -> tf.data.Dataset:
    """An endless stream of batches ``(x, y)`` drawn from two in-memory crop pools.

    Batch ``s`` is a pure function of ``(seed, s)`` (stateless random indices), so a run
    resumed at ``start_step`` sees the batches it would have seen. Unpaired: x and y use
    independent indices; ``paired=True``: the same ones (for the oracle).
    """
    first, second = np.asarray(first, np.float32), np.asarray(second, np.float32)
    for name, arr in (("first", first), ("second", second)):
        if arr.ndim != 4 or arr.shape[-1] != 3 or len(arr) < 1:
            raise ValueError(f"{name} pool must be N×H×W×3 with N >= 1, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} pool contains NaN or inf")
    if paired and len(first) != len(second):
        raise ValueError(f"paired pools must have the same length, got {len(first)} and {len(second)}")
    x_table, y_table = tf.constant(first), tf.constant(second)
    seed_t = tf.constant(int(seed), tf.int64)

    def batch_at(step):
        i = tf.random.stateless_uniform([batch_size], tf.stack([seed_t, step]), maxval=len(first), dtype=tf.int64)
        j = i if paired else tf.random.stateless_uniform(
            [batch_size], tf.stack([seed_t + 7919, step]), maxval=len(second), dtype=tf.int64)
        return tf.gather(x_table, i), tf.gather(y_table, j)

    return tf.data.Dataset.counter(start=int(start_step)).map(batch_at).prefetch(2)


# ============================================================ models
def _check_sizes(sizes) -> None:
    """Each (label, value, least) must be an int >= least, else a ValueError that names it."""
    for label, v, least in sizes:
        if isinstance(v, bool) or not isinstance(v, int) or v < least:
            raise ValueError(f"{label} must be an integer >= {least}, got {v!r}")


def residual_translator(filters: int = 16, depth: int = 5, kernel: int = 3, pointwise: int = 2,
                        name: str = "residual_translator") -> keras.Model:
    """A small fully convolutional translator: output = clip(x + Δ(x), 0, 1).

    Δ is ``depth`` reflect-padded ``kernel``×``kernel`` convolutions of ``filters`` channels
    (receptive field 1 + depth·(kernel − 1) pixels: the *where* of a style, e.g. outlines),
    then ``pointwise`` 1×1 convolutions of 2·``filters`` channels (a per-pixel network: the
    *what*, e.g. snapping colours to a palette), then a 1×1 convolution to RGB initialised
    at zero, so training starts from the identity (a translator that does no harm) and
    learns only the change a style makes. No down-sampling and no normalisation: cheap
    enough to take many steps a minute on a CPU.
    """
    _check_sizes((("filters", filters, 1), ("depth", depth, 1), ("kernel", kernel, 1), ("pointwise", pointwise, 0)))
    inputs = keras.Input((None, None, 3), name="image")
    x = layers.Rescaling(2.0, offset=-1.0)(inputs)
    p = (kernel - 1) // 2, kernel // 2
    for _ in range(depth):
        x = Pad2D((p, p), "reflect")(x)
        x = layers.Conv2D(filters, kernel, padding="valid", activation="relu")(x)
    for _ in range(pointwise):
        x = layers.Conv2D(2 * filters, 1, activation="relu")(x)
    delta = layers.Conv2D(3, 1, kernel_initializer="zeros", name="delta")(x)
    out = layers.Add()([inputs, delta])
    out = layers.ReLU(max_value=1.0, name="clip_0_1")(out)
    return keras.Model(inputs, out, name=name)


def style_translator(filters: int = 16, depth: int = 8, low: int = 4, low_filters: int = 32,
                     name: str = "style_translator") -> keras.Model:
    """The course's generic translator, for a style nobody has analysed: output = clip(x + Δ(x), 0, 1).

    Two branches see the image. A full-resolution branch of ``depth`` 3×3 convolutions
    (``filters`` channels; receptive field 1 + 2·depth px) can draw lines, flatten regions and
    shift colours. A low-resolution branch sees the image average-pooled by ``low`` and runs three
    3×3 convolutions of ``low_filters`` channels there (16× cheaper a pixel at ``low`` = 4), then
    repeats its answer over each ``low``×``low`` block: it carries a wider context (strokes,
    regional colour) and can paint blocks aligned to the image grid. A per-pixel head of two 1×1
    convolutions mixes both and ends in a zero-initialised 1×1 convolution, so training starts
    at the identity (a translator that does no harm). ``low=0`` leaves the low branch out.

    Only core Keras layers, so a saved translator loads with ``keras.saving.load_model(path)`` in
    any Python, safe mode on, without importing this package. Its total stride is ``low``:
    :func:`translate` pads images to a multiple of it.
    """
    _check_sizes((("filters", filters, 1), ("depth", depth, 1), ("low", low, 0), ("low_filters", low_filters, 1)))
    inputs = keras.Input((None, None, 3), name="image")
    x0 = layers.Rescaling(2.0, offset=-1.0)(inputs)
    x = x0
    for i in range(depth):
        x = layers.Conv2D(filters, 3, padding="same", activation="relu", name=f"full_{i}")(x)
    features = [x]
    if low > 1:
        y = layers.AveragePooling2D(low, name="pool")(x0)
        for i in range(3):
            y = layers.Conv2D(low_filters, 3, padding="same", activation="relu", name=f"low_{i}")(y)
        features.append(layers.UpSampling2D(low, interpolation="nearest", name="repeat")(y))
    x = layers.Concatenate(name="mix")(features) if len(features) > 1 else x
    for i in range(2):
        x = layers.Conv2D(2 * filters, 1, activation="relu", name=f"head_{i}")(x)
    delta = layers.Conv2D(3, 1, kernel_initializer="zeros", name="delta")(x)
    out = layers.ReLU(max_value=1.0, name="clip_0_1")(layers.Add(name="residual")([inputs, delta]))
    return keras.Model(inputs, out, name=name)


def _grid(generator) -> int:
    """The size multiple a translator needs (its pooling factors), 1 if it has none."""
    m = 1
    for layer in generator.layers:
        if isinstance(layer, layers.AveragePooling2D):
            m *= int(layer.pool_size[0])
    return m


def gaussian_blur(x, sigma: float):
    """Separable Gaussian blur of an N×H×W×C batch, mirror padding, truncated at 3σ like
    scipy.ndimage.gaussian_filter(mode="mirror", truncate=3). Written here: core TF has no blur
    op, and scipy's cannot sit inside a model."""
    r = max(1, int(3 * sigma + 0.5))
    k = tf.exp(-tf.square(tf.range(-r, r + 1, dtype=tf.float32)) / (2.0 * sigma * sigma))
    k = k / tf.reduce_sum(k)
    c = x.shape[-1]
    x = tf.pad(x, [[0, 0], [r, r], [r, r], [0, 0]], mode="REFLECT")
    x = tf.nn.depthwise_conv2d(x, tf.tile(k[None, :, None, None], [1, 1, c, 1]), [1, 1, 1, 1], "VALID")
    return tf.nn.depthwise_conv2d(x, tf.tile(k[:, None, None, None], [1, 1, c, 1]), [1, 1, 1, 1], "VALID")


@keras.saving.register_keras_serializable(package="gvr")
class InkOver(layers.Layer):
    """An ink layer over a colour layer: out = (1 − m)·colours + m·sigmoid(ink), where the ink mask
    m = sigmoid(k·(|Sobel(blur_σ(luminance of x))| − t)) is drawn where the photo x has edges.

    Five trained numbers, k (sharpness), t (edge threshold) and the ink's RGB logits, plus an
    optional ``width`` logit that mixes in the mask dilated by one pixel (thicker lines); σ is fixed.
    A style's outlines are ink on the photo's edges, and a generic convolution stack would first
    have to invent an edge detector to draw them. Each number is stored divided by ``lr_scale``, so
    the optimiser moves it ``lr_scale`` times faster than the colour map's weights."""

    def __init__(self, k: float = 20.0, t: float = 0.6, ink: float = -1.0, sigma: float = 1.5, width=None,
                 lr_scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        for label, v in (("k", k), ("t", t), ("ink", ink), ("sigma", sigma), ("lr_scale", lr_scale)):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"{label} must be a finite number, got {v!r}")
        if sigma <= 0 or lr_scale <= 0:
            raise ValueError(f"sigma and lr_scale must be > 0, got {sigma!r} and {lr_scale!r}")
        self.start, self.sigma, self.lr_scale = (float(k), float(t), float(ink)), float(sigma), float(lr_scale)
        self.width_start = None if width is None else float(width)

    @property
    def receptive_field_px(self) -> int:
        """How far the layer reaches, for seam-free padding (models.translator_geometry): the blur's
        2r+1 taps, the Sobel's 3, and the 3×3 max-pool that widens the ink when ``width`` is set."""
        return 2 * max(1, int(3 * self.sigma + 0.5)) + 3 + (2 if self.width_start is not None else 0)

    def _number(self, name, value, shape=()):
        return self.add_weight(shape=shape, initializer=keras.initializers.Constant(value / self.lr_scale),
                               name=name)

    def build(self, shapes):
        k, t, ink = self.start
        self.k_, self.t_, self.ink_ = self._number("k", k), self._number("t", t), self._number("ink", ink, (3,))
        if self.width_start is not None:
            self.width_ = self._number("width", self.width_start)

    k = property(lambda self: self.k_ * self.lr_scale)
    t = property(lambda self: self.t_ * self.lr_scale)
    ink = property(lambda self: self.ink_ * self.lr_scale)
    width = property(lambda self: self.width_ * self.lr_scale)

    def mask(self, x):
        """Where G draws ink on photo x (N×H×W×1 in [0, 1])."""
        grey = tf.image.rgb_to_grayscale(gaussian_blur(tf.cast(x, tf.float32), self.sigma))
        edges = tf.sqrt(tf.reduce_sum(tf.square(tf.image.sobel_edges(grey)), -1) + 1e-8)
        m = tf.sigmoid(self.k * (edges - self.t))
        if self.width_start is not None:
            spread = tf.sigmoid(self.width)
            m = (1.0 - spread) * m + spread * tf.nn.max_pool2d(m, 3, 1, "SAME")
        return m

    def call(self, inputs):
        x, colours = inputs
        m = self.mask(x)
        return (1.0 - m) * colours + m * tf.sigmoid(self.ink)

    def compute_output_shape(self, shapes):
        return shapes[1]

    def get_config(self):
        k, t, ink = self.start
        return {**super().get_config(), "k": k, "t": t, "ink": ink, "sigma": self.sigma, "width": self.width_start,
                "lr_scale": self.lr_scale}


def ink_over_colours(ink_init: dict | None = None, hidden: int = 32, clip=None,
                     name: str = "ink_over_colours") -> keras.Model:
    """A generator shaped like a print: :class:`InkOver` (its options in ``ink_init``) on a
    per-pixel colour map C(x) = clip(x + MLP(x)), two 1×1 layers of ``hidden`` channels whose output
    starts at zero. The colour map cannot move content, only recolour it; the ink layer draws the
    outlines. ``clip`` (a function of a tensor) replaces the default clip to [0, 1]."""
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 1:
        raise ValueError(f"hidden must be an integer >= 1, got {hidden!r}")
    inputs = keras.Input((None, None, 3), name="image")
    c = layers.Rescaling(2.0, offset=-1.0)(inputs)
    for _ in range(2):
        c = layers.Conv2D(hidden, 1, activation="relu")(c)
    summed = layers.Add()([inputs, layers.Conv2D(3, 1, kernel_initializer="zeros", name="colour_delta")(c)])
    colours = clip(summed) if clip is not None else layers.ReLU(max_value=1.0, name="colour_map")(summed)
    return keras.Model(inputs, InkOver(**(ink_init or {}), name="ink")([inputs, colours]), name=name)


def sliced_wasserstein_colours(x, y, n_projections: int = 16, n_samples: int = 1024, seed=None):
    """Sliced Wasserstein distance between the colour distributions of two image batches.

    Both batches' pixels are treated as point clouds in RGB; each random unit direction
    projects ``n_samples`` pixels of each to 1-D, where the optimal transport cost is the
    mean squared gap between the sorted projections. Differentiable in ``x``: it pulls G's
    colours towards the style set's palette, regardless of where in the image they are.
    (Pixels are sampled with replacement and sorted along the last axis: sorting is the
    cost of this loss on a CPU.)
    """
    px = tf.reshape(tf.cast(x, tf.float32), [-1, 3])
    py = tf.reshape(tf.cast(y, tf.float32), [-1, 3])
    nx, ny = tf.shape(px)[0], tf.shape(py)[0]
    if seed is None:
        ix = tf.random.uniform([n_samples], 0, nx, dtype=tf.int32)
        iy = tf.random.uniform([n_samples], 0, ny, dtype=tf.int32)
        dirs = tf.random.normal([n_projections, 3])
    else:
        ix = tf.random.stateless_uniform([n_samples], [seed, 1], 0, nx, dtype=tf.int32)
        iy = tf.random.stateless_uniform([n_samples], [seed, 2], 0, ny, dtype=tf.int32)
        dirs = tf.random.stateless_normal([n_projections, 3], [seed, 3])
    dirs = dirs / tf.norm(dirs, axis=1, keepdims=True)
    proj_x = tf.sort(tf.matmul(dirs, tf.gather(px, ix), transpose_b=True), axis=-1)
    proj_y = tf.sort(tf.matmul(dirs, tf.gather(py, iy), transpose_b=True), axis=-1)
    return tf.reduce_mean(tf.square(proj_x - proj_y))


def colour_preserving_augment(noise: float = 0.0) -> callable:
    """Differentiable augmentation for D that moves pixels but never changes their colours:
    a random left-right flip and a random multiple of 90° rotation of the whole batch
    (real and fake batches get independent draws). Brightness/contrast jitter, the usual
    DiffAugment, would teach D to ignore exactly the palette a style is made of.

    ``noise``: σ of Gaussian *instance noise* added to every pixel D sees (real and fake
    alike). Without it G fooled D with changes too small to matter (D's loss sat at chance
    while the test PSNR hardly moved); D cannot see changes much smaller than σ, so G must
    make visible ones (benchmarks/results/unpaired_probe_findings.md)."""
    if not (isinstance(noise, (int, float)) and math.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")

    def augment(x):
        x = tf.cond(tf.random.uniform([]) < 0.5, lambda: x[:, :, ::-1], lambda: x)
        x = tf.image.rot90(x, tf.random.uniform([], 0, 4, dtype=tf.int32))
        return x + tf.random.normal(tf.shape(x), stddev=noise) if noise else x
    return augment


def _adam(lr, beta_1=0.5):
    return keras.optimizers.Adam(lr, beta_1=beta_1)


class _Translator(keras.Model):
    """Shared plumbing: ``model(x)`` = G(x), Mean trackers, replica-scaled gradients."""

    def call(self, x, training=False):
        return self.generator(x, training=training)

    @property
    def metrics(self):
        return list(getattr(self, "trackers", {}).values())

    def _track(self, values: dict) -> dict:
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    @staticmethod
    def _apply(optimizer, tape, loss, variables):
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        grads = tape.gradient(loss, variables)  # each replica's mean loss counts 1/replicas
        # a variable the loss does not reach (the ink layer without the GAN) keeps its value
        optimizer.apply_gradients([(g / replicas, v) for g, v in zip(grads, variables) if g is not None])

    def translate(self, images, batch_size: int = 32) -> np.ndarray:
        """G on a batch of images, or on one image (inference), as a numpy array in [0, 1]."""
        return translate(self.generator, images, batch_size)


def _image_batch(images, caller: str = "translate") -> tuple[np.ndarray, bool]:
    """``images`` as a float32 N×H×W×3 batch, and whether it was one H×W×3 image; else a
    ValueError that names ``caller``, the shape given and the shape expected."""
    expected = f"{caller} expects a batch N×H×W×3 (or one H×W×3 image)"
    try:
        x = np.asarray(images)
    except ValueError:
        raise ValueError(f"{expected}; got a list of images of different sizes: "
                         "translate them one by one or crop them to one size") from None
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise ValueError(f"{expected} of real numbers in [0, 1]; got dtype {x.dtype}")
    if x.ndim == 2:
        raise ValueError(f"{expected}; got shape {x.shape}: for one greyscale image use "
                         "np.repeat(image[..., None], 3, axis=-1)")
    if x.ndim in (3, 4) and x.shape[-1] != 3:
        hint = {1: ": repeat the grey channel with np.repeat(images, 3, axis=-1)",
                4: ": drop the alpha channel with images[..., :3]"}.get(x.shape[-1], "")
        raise ValueError(f"{expected}; got shape {x.shape}, with {x.shape[-1]} channels instead of 3 (RGB){hint}")
    if x.ndim not in (3, 4):
        raise ValueError(f"{expected}; got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{expected}; got an empty array of shape {x.shape}")
    x = x.astype(np.float32)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{caller}: the images contain NaN or inf")
    return (x[None], True) if x.ndim == 3 else (x, False)


def translate(generator, images, batch_size: int = 32) -> np.ndarray:
    """Run a translator over an N×H×W×3 array in batches (inference), clipped to [0, 1].
    One H×W×3 image gives one H×W×3 image back."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    images, single = _image_batch(images, "translate")
    h, w = images.shape[1:3]
    grid = _grid(generator) if isinstance(generator, keras.Model) else 1
    if h % grid or w % grid:   # a pooling translator needs sizes it divides: pad by reflection, crop back
        images = np.pad(images, ((0, 0), (0, -h % grid), (0, -w % grid), (0, 0)), mode="reflect")
    out = [keras.ops.convert_to_numpy(generator(images[i:i + batch_size], training=False))
           for i in range(0, len(images), batch_size)]
    out = np.clip(np.concatenate(out), 0, 1)[:, :h, :w]
    return out[0] if single else out


class PairedTranslator(_Translator):
    """The oracle: G trained with L1 on pairs (x, S(x)); data ``(x, y)`` with y = S(x)."""

    def __init__(self, generator: keras.Model, name: str = "paired_translator", **kwargs):
        super().__init__(name=name, **kwargs)
        self.generator = generator

    def compile(self, learning_rate: float = 1e-3, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer = keras.optimizers.Adam(learning_rate)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.trackers = {"l1": keras.metrics.Mean(name="l1")}

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            l1 = tf.reduce_mean(tf.abs(self.generator(x, training=True) - y))
        self._apply(self.g_optimizer, tape, l1, self.generator.trainable_variables)
        return self._track({"l1": l1})


def _standardised(x, eps: float = 0.05):
    """Each image's channels shifted to mean 0 and scaled to std 1 (``eps`` keeps flat crops finite)."""
    x = tf.cast(x, tf.float32)
    mean, var = tf.nn.moments(x, axes=[1, 2], keepdims=True)
    return (x - mean) / (tf.sqrt(var) + eps)


def correlation_anchor(x, y):
    """Mean squared gap between two batches after standardising each image's channels: about
    2·(1 − Pearson correlation) per channel. It keeps the *pattern* of the input (which pixels are
    lighter or darker than their crop's others) and ignores each crop's per-channel mean and
    contrast, so a style may recolour a crop freely while its content stays in place."""
    return tf.reduce_mean(tf.square(_standardised(x) - _standardised(y)))


def squared_anchor(x, y):
    """Mean squared gap: no pull at the identity, a growing one for larger changes."""
    return tf.reduce_mean(tf.square(tf.cast(x, tf.float32) - tf.cast(y, tf.float32)))


# The anchors of FastTranslator: how G(a) is tied to a (content) and G(b) to b (identity).
ANCHORS = {"absolute": losses_mod.identity_loss,   # mean |x − G(x)|
           "squared": squared_anchor,
           "correlation": correlation_anchor}


def _ink_layer(generator: keras.Model, caller: str) -> InkOver:
    ink = next((l for l in generator.layers if isinstance(l, InkOver)), None)
    if ink is None:
        raise ValueError(f"{caller} needs a generator with an InkOver layer; {generator.name!r} has none")
    return ink


def _colour_map(generator: keras.Model, caller: str) -> keras.Model:
    """The ink generator's colour map C as a model of its own (sharing G's weights)."""
    return keras.Model(generator.input, _ink_layer(generator, caller).input[1])


def ink_layers(generator: keras.Model, images) -> dict:
    """Take an ink generator's output apart, for ``images`` (N×H×W×3): the ink ``mask`` m
    (N×H×W), the ``colour_map`` C(x), the ``output`` G(x), and the ink layer's trained numbers
    ``k``, ``t`` and ``ink`` (its RGB colour). What the GAN learnt, in the generator's own terms."""
    ink = _ink_layer(generator, "ink_layers")
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must be N×H×W×3, got shape {images.shape}")
    colours = translate(_colour_map(generator, "ink_layers"), images)
    return {"mask": ink.mask(images).numpy()[..., 0], "colour_map": colours,
            "output": translate(generator, images), "k": float(ink.k), "t": float(ink.t),
            "ink": tf.sigmoid(ink.ink).numpy()}


def luma_correlation_anchor(x, y):
    """The correlation anchor on luminance alone: ties light and dark, leaves colours entirely free."""
    grey = lambda t: tf.reduce_sum(tf.cast(t, tf.float32) * [0.299, 0.587, 0.114], -1, keepdims=True)  # noqa: E731
    return correlation_anchor(grey(x), grey(y))


def colour_map_anchor(generator: keras.Model):
    """The anchor of the ink generator: :func:`luma_correlation_anchor` between x and the *colour
    map* C(x) (it ignores G(x), its second argument). C draws no outlines, so this ties the colours'
    light and dark to the photo's without charging the ink: an anchor on G(x) pays G to stop drawing."""
    colours = _colour_map(generator, "colour_map_anchor")

    def anchor(x, _):
        return luma_correlation_anchor(x, colours(x, training=True))
    anchor.colours = colours
    return anchor


class FastTranslator(_Translator):
    """The course's unpaired recipe (one G, one D, no cycle); data ``(a, b)``, unpaired batches.

    G's loss = adversarial + ``colour_weight``·SWD(G(a), b) + ``identity_weight``·anchor(b, G(b))
    + ``content_weight``·anchor(a, G(a)). With ``adversarial_weight=0`` it is the no-GAN ablation.
    ``anchor`` (one of :data:`ANCHORS`, or any function (x, y) -> loss to try another), measured in benchmarks/unpaired_probe.py: "absolute"
    (mean |x − G(x)|) pulls with the same force at any change, even at none, and held G exactly at
    the identity against the first recipe's weak D; "squared" does not pull at the identity;
    "correlation" (:func:`correlation_anchor`, :func:`fast_recipe`'s) leaves each crop's colours free.
    """

    def __init__(self, generator: keras.Model, discriminator: keras.Model, name: str = "fast_translator",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.generator, self.discriminator = generator, discriminator

    def compile(self, loss: str = "least_squares", g_learning_rate: float = 1e-3, d_learning_rate: float = 2e-4,
                adversarial_weight: float = 1.0, colour_weight: float = 10.0, identity_weight: float = 1.0,
                content_weight: float = 0.5, r1_weight: float = 0.0, augment=None, colour_reference=None,
                anchor: str = "absolute", negatives: bool = False, decay_steps: int | None = None,
                patch_weight: float = 0.0, patch_scales=(1, 2), **kwargs):
        """``negatives``: D also sees the unstyled photos a as fakes, so a G that drifts back towards
        its input is told so (a D trained only on b and G(a) scores photos arbitrarily).
        ``colour_reference``: pixels (any shape ending in 3) of the whole style set; G's colours are
        compared with a sample of them rather than with the current B batch, whose colours depend more
        on what the few crops show than on the style. ``anchor="colour_map"``: :func:`colour_map_anchor`
        of this model's G. ``decay_steps``: both learning rates fall along a cosine to 0 at that step.
        ``patch_weight``: weight of :func:`gvr_helpers.losses.patch_sliced_wasserstein` between G(a)
        and b at ``patch_scales``: the style set's 5×5 patches as a distribution G must reproduce."""
        super().compile(**kwargs)
        self.colour_reference = None
        if colour_reference is not None:
            ref = np.asarray(colour_reference, np.float32).reshape(-1, 3)
            if len(ref) < 16 or not np.all(np.isfinite(ref)):
                raise ValueError(f"colour_reference needs at least 16 finite RGB pixels, got {len(ref)}")
            self.colour_reference = tf.constant(ref)
        weights = dict(adversarial_weight=adversarial_weight, colour_weight=colour_weight,
                       identity_weight=identity_weight, content_weight=content_weight, r1_weight=r1_weight,
                       patch_weight=patch_weight)
        for label, v in weights.items():
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ValueError(f"{label} must be a finite number >= 0, got {v!r}")
        if decay_steps is not None and (isinstance(decay_steps, bool) or not isinstance(decay_steps, int)
                                        or decay_steps < 1):
            raise ValueError(f"decay_steps must be None or an integer >= 1, got {decay_steps!r}")
        if anchor == "colour_map":
            self.anchor = colour_map_anchor(self.generator)
        elif callable(anchor) or anchor in ANCHORS:
            self.anchor = anchor if callable(anchor) else ANCHORS[anchor]
        else:
            raise ValueError(f"anchor must be one of {sorted(ANCHORS) + ['colour_map']} or a function "
                             f"(x, y) -> loss, got {anchor!r}")
        self.gan_loss = losses_mod.get_gan_loss(loss)
        self.weights_ = {k: float(v) for k, v in weights.items()}
        self.augment = augment
        self.negatives = bool(negatives)
        self.patch_scales = tuple(int(v) for v in patch_scales)
        if not self.patch_scales or min(self.patch_scales) < 1:
            raise ValueError(f"patch_scales must be pooling factors >= 1, got {patch_scales!r}")
        decay = (lambda lr: lr) if decay_steps is None else \
            (lambda lr: keras.optimizers.schedules.CosineDecay(lr, decay_steps))
        self.g_optimizer = _adam(decay(g_learning_rate), 0.5)
        self.d_optimizer = _adam(decay(d_learning_rate), 0.5)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        names = ["g_loss", "identity", "content"] + (["colour"] if self.weights_["colour_weight"] else []) \
            + (["patches"] if self.weights_["patch_weight"] else [])
        if self.weights_["adversarial_weight"]:
            names += ["d_loss", "g_adv"]
        self.trackers = {n: keras.metrics.Mean(name=n) for n in names}

    def _d_in(self, x):
        return self.augment(x) if self.augment is not None else x

    def train_step(self, data):
        a, b = data
        w = self.weights_
        adversarial = w["adversarial_weight"] > 0
        values = {}
        with tf.GradientTape() as tape:
            fake = self.generator(a, training=True)
            identity = self.anchor(b, self.generator(b, training=True)) if w["identity_weight"] \
                else tf.constant(0.0)
            content = self.anchor(a, fake)
            g_loss = w["identity_weight"] * identity + w["content_weight"] * content
            if w["colour_weight"]:   # sorting pixels costs CPU time: only when the loss counts
                colour = sliced_wasserstein_colours(
                    fake, b if self.colour_reference is None else self.colour_reference)
                g_loss = g_loss + w["colour_weight"] * colour
                values["colour"] = colour
            if w["patch_weight"]:
                patches = losses_mod.patch_sliced_wasserstein(fake, b, scales=self.patch_scales)
                g_loss = g_loss + w["patch_weight"] * patches
                values["patches"] = patches
            if adversarial:
                g_adv = self.gan_loss.g_loss(self.discriminator(self._d_in(fake), training=True))
                g_loss = g_loss + w["adversarial_weight"] * g_adv
                values["g_adv"] = g_adv
        self._apply(self.g_optimizer, tape, g_loss, self.generator.trainable_variables)
        if adversarial:
            with tf.GradientTape() as tape:
                real_in = self._d_in(b)
                shown = tf.concat([tf.stop_gradient(fake), a], 0) if self.negatives else tf.stop_gradient(fake)
                d_loss = self.gan_loss.d_loss(self.discriminator(real_in, training=True),
                                              self.discriminator(self._d_in(shown), training=True))
                total = d_loss
                if w["r1_weight"]:
                    total = total + 0.5 * w["r1_weight"] * losses_mod.r1_penalty(self.discriminator, real_in)
            self._apply(self.d_optimizer, tape, total, self.discriminator.trainable_variables)
            values["d_loss"] = d_loss
        values.update(g_loss=g_loss, identity=identity, content=content)
        return self._track(values)


class ImageHistory(keras.layers.Layer):
    """CycleGAN's image history buffer (Shrivastava et al. 2017), in the graph.

    D is shown, for each fake image, with probability ½ that image and otherwise one from
    the last ``size`` generated images (which is then replaced by the new one), so D does
    not forget what G produced a few steps ago. Holds a fixed ``size``×H×W×3 variable.
    """

    def __init__(self, size: int = 50, image_shape=(64, 64, 3), **kwargs):
        super().__init__(**kwargs)
        self.size, self.image_shape = int(size), tuple(image_shape)
        self.pool = self.add_weight(shape=(self.size, *self.image_shape), initializer="zeros",
                                    trainable=False, name="pool")
        self.count = self.add_weight(shape=(), initializer="zeros", dtype="int32", trainable=False, name="count")

    def call(self, images):
        n = tf.shape(images)[0]
        filled = tf.minimum(self.count, self.size)
        slot = tf.random.uniform([n], 0, self.size, dtype=tf.int32)
        use_old = (tf.random.uniform([n]) < 0.5) & (slot < filled)
        old = tf.gather(self.pool, slot)
        shown = tf.where(use_old[:, None, None, None], old, images)
        # Store the new images: in free slots while filling, else in the slot of the old image shown.
        target = tf.where(self.count + tf.range(n) < self.size, (self.count + tf.range(n)) % self.size, slot)
        keep = tf.where((self.count + tf.range(n) < self.size) | use_old)[:, 0]
        self.pool.assign(tf.tensor_scatter_nd_update(self.pool, tf.gather(target, keep)[:, None],
                                                     tf.gather(images, keep)))
        self.count.assign_add(n)
        return shown


class CycleGAN(_Translator):
    """CycleGAN: G: A→B, F: B→A, D_B judges G(a), D_A judges F(b); data ``(a, b)``.

    Losses as in the TensorFlow tutorial: adversarial (``loss``, default the BCE
    non-saturating one), cycle λ·(|F(G(a)) − a| + |G(F(b)) − b|) and identity
    ``identity``·λ·(|G(b) − b| + |F(a) − a|); D sees fakes through :class:`ImageHistory`.
    """

    def __init__(self, generator: keras.Model, inverse: keras.Model, discriminator_b: keras.Model,
                 discriminator_a: keras.Model, crop: int = 64, pool_size: int = 50, name: str = "cyclegan",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.generator, self.inverse = generator, inverse
        self.discriminator_b, self.discriminator_a = discriminator_b, discriminator_a
        self.history_b = ImageHistory(pool_size, (crop, crop, 3), name="history_b")
        self.history_a = ImageHistory(pool_size, (crop, crop, 3), name="history_a")

    def compile(self, loss: str = "nonsaturating", cycle_weight: float = 10.0, identity: float = 0.5,
                g_learning_rate: float = 2e-4, d_learning_rate: float = 2e-4, beta_1: float = 0.5, **kwargs):
        super().compile(**kwargs)
        for label, v in (("cycle_weight", cycle_weight), ("identity", identity)):
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
                raise ValueError(f"{label} must be a finite number >= 0, got {v!r}")
        self.gan_loss = losses_mod.get_gan_loss(loss)
        self.cycle_weight, self.identity_weight = float(cycle_weight), float(identity) * float(cycle_weight)
        self.g_optimizer = _adam(g_learning_rate, beta_1)
        self.d_optimizer = _adam(d_learning_rate, beta_1)
        self.g_optimizer.build(self.generator.trainable_variables + self.inverse.trainable_variables)
        self.d_optimizer.build(self.discriminator_b.trainable_variables + self.discriminator_a.trainable_variables)
        self.trackers = {n: keras.metrics.Mean(name=n) for n in ("g_loss", "d_loss", "cycle", "identity")}

    def _check_crop(self, batch):
        """Before tracing goes further: the history buffers hold crop×crop images, so other sizes cannot train."""
        expected, shape = self.history_b.image_shape, tuple(batch.shape)
        if len(shape) == 4 and all(s is None or s == e for s, e in zip(shape[1:], expected)):
            return
        h, w = expected[:2]
        fix = (f"build it with cyclegan_recipe(crop={shape[1]}) or crop the images to {h}"
               if len(shape) == 4 and shape[1] is not None and shape[1] == shape[2] and shape[3] == 3
               else f"feed it N×{h}×{w}×3 batches")
        raise ValueError(f"CycleGAN was built for {h}×{w} crops (crop={h}) but was fed batches of shape {shape}: {fix}")

    def train_step(self, data):
        a, b = data
        self._check_crop(a)
        self._check_crop(b)
        g_vars = self.generator.trainable_variables + self.inverse.trainable_variables
        d_vars = self.discriminator_b.trainable_variables + self.discriminator_a.trainable_variables
        with tf.GradientTape() as tape:
            fake_b, fake_a = self.generator(a, training=True), self.inverse(b, training=True)
            cycle = (losses_mod.cycle_loss(a, self.inverse(fake_b, training=True))
                     + losses_mod.cycle_loss(b, self.generator(fake_a, training=True)))
            identity = (losses_mod.identity_loss(b, self.generator(b, training=True))
                        + losses_mod.identity_loss(a, self.inverse(a, training=True))) if self.identity_weight \
                else tf.constant(0.0)
            adv = (self.gan_loss.g_loss(self.discriminator_b(fake_b, training=True))
                   + self.gan_loss.g_loss(self.discriminator_a(fake_a, training=True)))
            g_loss = adv + self.cycle_weight * cycle + self.identity_weight * identity
        self._apply(self.g_optimizer, tape, g_loss, g_vars)
        shown_b, shown_a = self.history_b(tf.stop_gradient(fake_b)), self.history_a(tf.stop_gradient(fake_a))
        with tf.GradientTape() as tape:
            d_loss = 0.5 * (self.gan_loss.d_loss(self.discriminator_b(b, training=True),
                                                 self.discriminator_b(shown_b, training=True))
                            + self.gan_loss.d_loss(self.discriminator_a(a, training=True),
                                                   self.discriminator_a(shown_a, training=True)))
        self._apply(self.d_optimizer, tape, d_loss, d_vars)
        return self._track({"g_loss": g_loss, "d_loss": d_loss, "cycle": cycle, "identity": identity})


# ============================================================ recipes
def fast_recipe(patch: int = 11, generator: str = "ink", filters: int | None = None, depth: int | None = None,
                adversarial: bool = True, d_filters: int = 32, d_receptive_field: int | None = None,
                spectral_norm: bool = True, noise: float = 0.05, ink_init: dict | None = None,
                decay_steps: int | None = 4000, **compile_options) -> FastTranslator:
    """The course's recipe, compiled. What each choice is for (measured in
    benchmarks/results/unpaired_probe_findings.md):

    * G: ``"ink"``, :func:`ink_over_colours`: ink drawn on the photo's edges over a per-pixel colour
      map, its five ink numbers learning 20× faster (``ink_init`` overrides its start). Or
      ``"residual"``: :func:`residual_translator` (``filters``, default 16, ``depth`` ≥ the style's ``patch``),
      which starts as the identity; the previous recipe, kept for the ablation. An option of the
      other generator (``filters``/``depth`` with ``"ink"``, ``ink_init`` with ``"residual"``) is an error.
    * D: a spectrally normalised PatchGAN of receptive field 16 px (34 for patches above 16), 32
      filters, learning rate 2e-3, ten times G's 2e-4. It sees flipped/rotated images with
      Gaussian instance noise σ = ``noise``; LSGAN loss.
    * Anchor: the content anchor is :func:`colour_map_anchor`, weight 5, no identity anchor. It
      ties the light and dark of the colour map to the photo's and leaves the ink free. Without it
      the game recolours whole crops and collapses.
    * Both learning rates fall along a cosine to 0 at step ``decay_steps`` (None: constant): the
      game does not settle by itself, so the recipe ends it while G is near its best.
    * No colour loss by default (``colour_weight``, with ``colour_reference`` = the style set's
      pixels, turns it on).

    Train on small crops in large batches (16×16 × 32). ``adversarial=False`` gives the no-GAN
    ablation; any ``compile_options`` override the defaults."""
    if generator not in ("ink", "residual"):
        raise ValueError(f"generator must be 'ink' or 'residual', got {generator!r}")
    other, unused = ("residual", {"filters": filters, "depth": depth}) if generator == "ink" else \
        ("ink", {"ink_init": ink_init})
    for label, value in unused.items():
        if value is not None:
            raise ValueError(f"{label} is an option of the {other} generator; generator={generator!r} does not use it")
    if generator == "ink":
        g = ink_over_colours({"lr_scale": 20.0, **(ink_init or {})})
        options = dict(anchor="colour_map", identity_weight=0.0)
    else:
        g = residual_translator(filters=16 if filters is None else filters,
                                depth=max(2, math.ceil((patch - 1) / 2)) if depth is None else depth)
        options = dict(anchor="correlation", identity_weight=5.0)
    d = build_discriminator("patchgan", filters=d_filters,
                            receptive_field=(16 if patch <= 16 else 34) if d_receptive_field is None
                            else d_receptive_field,
                            norm="none", spectral_norm=spectral_norm)
    model = FastTranslator(g, d)
    options.update(augment=colour_preserving_augment(noise), content_weight=5.0, colour_weight=0.0,
                   g_learning_rate=2e-4, d_learning_rate=2e-3, decay_steps=decay_steps)
    return _compiled(model, options, compile_options, adversarial)


def _compiled(model: FastTranslator, defaults: dict, overrides: dict, adversarial: bool) -> FastTranslator:
    """Compile a recipe with its defaults, the caller's overrides, and no GAN term if not adversarial."""
    options = {**defaults, **overrides}
    if not adversarial:
        options["adversarial_weight"] = 0.0
    model.compile(**options)
    return model


def style_recipe(adversarial: bool = True, filters: int = 16, depth: int = 8, low: int = 4,
                 d_filters: int = 32, d_receptive_field: int = 16, noise: float = 0.05,
                 **compile_options) -> FastTranslator:
    """The course's recipe for *any* style set, compiled; nothing in it knows a style.

    * G: :func:`style_translator`, a generic residual translator (full-resolution and
      pooled-by-4 branches) that starts as the identity.
    * D: a spectrally normalised PatchGAN (receptive field 16 px, 32 filters), LSGAN loss, seeing
      flipped/rotated inputs with instance noise σ = ``noise``; learning rate 2e-3, G's 1e-3.
    * A patch-distribution loss (weight 10): the sliced Wasserstein distance between G(a)'s 5×5
      patches and the style set's, at full and half resolution. It tells G *what* the style's
      patches look like from the first step, where a young D tells it little.
    * A structure anchor (weight 1, :func:`gvr_helpers.losses.structure_anchor`): the content's
      light and dark layout, pooled by 4, stays where it was; lines, strokes, blocks and colours
      are the style's to choose.

    ``adversarial=False`` gives the no-GAN ablation (the same losses without D). Settings were
    chosen on the validation tiles (benchmarks/recipe_search.py); ``compile_options`` override
    the defaults."""
    g = style_translator(filters=filters, depth=depth, low=low)
    d = build_discriminator("patchgan", filters=d_filters, receptive_field=d_receptive_field,
                            norm="none", spectral_norm=True)
    model = FastTranslator(g, d, name="style_recipe")
    options = dict(anchor=losses_mod.structure_anchor, content_weight=1.0, identity_weight=0.0,
                   colour_weight=0.0, patch_weight=10.0, augment=colour_preserving_augment(noise),
                   g_learning_rate=1e-3, d_learning_rate=2e-3, decay_steps=None)
    return _compiled(model, options, compile_options, adversarial)


def cyclegan_recipe(crop: int = 16, generator: keras.Model | None = None, inverse: keras.Model | None = None
                    ) -> CycleGAN:
    """The course's CycleGAN, compiled and sized for a CPU: two residual translators (or the given
    ``generator`` G and ``inverse`` F), two spectrally normalised 16-px PatchGANs, LSGAN, λ = 10,
    G's learning rate 2e-3 and no identity loss: with the tutorial's identity loss (0.5·λ), G and F
    stayed within 0.01 of the identity for 500+ steps of a 3000-step run, leaving nothing to
    invert; so did both at G learning rate 2e-4."""
    g = generator if generator is not None else residual_translator(name="G")
    f = inverse if inverse is not None else residual_translator(name="F")
    discs = [build_discriminator("patchgan", filters=16, receptive_field=16, norm="none", spectral_norm=True)
             for _ in range(2)]
    model = CycleGAN(g, f, discs[0], discs[1], crop=crop)
    model.compile(loss="least_squares", identity=0.0, g_learning_rate=2e-3)
    return model


def peer_cyclegan(crop: int = 64, filters: int = 32, n_blocks: int = 6) -> CycleGAN:
    """The TensorFlow tutorial's CycleGAN configuration at the course's image size: instance-norm
    generators, 70-px PatchGANs, BCE loss, λ = 10, identity 0.5·λ, Adam 2e-4/β₁ 0.5, batch 1.
    Train it on :func:`drop_flat_crops` pools: instance norm explodes on a single-colour crop."""
    gens = [build_generator("resnet", filters=filters, n_blocks=n_blocks, n_down=2) for _ in range(2)]
    discs = [build_discriminator("patchgan", filters=filters, n_layers=3) for _ in range(2)]
    model = CycleGAN(gens[0], gens[1], discs[0], discs[1], crop=crop)
    model.compile()
    return model


def drop_flat_crops(pool, min_std: float = 0.02) -> np.ndarray:
    """The crops of ``pool`` (N×H×W×3) that are not a single flat colour (some channel's standard
    deviation ≥ ``min_std``).

    Why: instance normalisation divides by an instance's own standard deviation (+ ε = 1e-5).
    On a flat crop, common in the woodblock style's B set (a whole 64×64 crop of one ink), that
    is ~0, and each normalisation layer multiplies the backward signal by up to 1/√ε ≈ 316: the
    peer recipe's gradients reached 1e28 and its weights NaN at its second step. The tutorial's
    photos are never flat; the peer trains without such crops, which carry no strokes anyway.
    """
    pool = np.asarray(pool, np.float32)
    if pool.ndim != 4 or pool.shape[-1] != 3:
        raise ValueError(f"pool must be N×H×W×3, got shape {pool.shape}")
    kept = pool[pool.std(axis=(1, 2)).max(axis=1) >= min_std]
    if len(kept) == 0:
        raise ValueError(f"every one of the {len(pool)} crops is flat (std < {min_std}); nothing to train on")
    return kept


def paired_oracle(patch: int = 11, filters: int = 16, depth: int | None = None,
                  learning_rate: float = 1e-3) -> PairedTranslator:
    """The oracle: the course's generator trained with paired L1."""
    depth = max(2, math.ceil((patch - 1) / 2)) if depth is None else depth
    model = PairedTranslator(residual_translator(filters=filters, depth=depth))
    model.compile(learning_rate=learning_rate)
    return model


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
        self.points.append((round(self.budget.elapsed, 2), self.budget.steps, test_psnr(self.model.generator, self.data)))
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


# fast_recipe's options for the previous recipe: the residual G (identity at the start), its
# correlation anchors, no spectral norm, constant learning rates. Notebook 06's warm start studies it.
RESIDUAL_RECIPE = {"generator": "residual", "spectral_norm": False, "decay_steps": None}

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
        db = test_psnr(model.generator, test_data)
        rows.append({"variant": name, "steps": run["steps"], "seconds": run["seconds"], "db": round(db, 3),
                     "gain_db": round(db - identity, 3)})
    return rows


def test_psnr(generator, data: StyleData) -> float:
    """Mean PSNR (dB) of G(test_x) against the ground truth S(test_x)."""
    from .metrics import psnr

    out = translate(generator, data.test_x)
    return float(np.mean([psnr(o, y) for o, y in zip(out, data.test_y)]))


test_psnr.__test__ = False


def input_psnr(data: StyleData) -> float:
    """Mean PSNR (dB) of the untouched test_x against S(test_x): the score of doing nothing."""
    from .metrics import psnr

    return float(np.mean([psnr(x, y) for x, y in zip(data.test_x, data.test_y)]))


def reconstruction_psnr(generator, inverse, images) -> float:
    """Mean PSNR (dB) of F(G(x)) against x over ``images``: how much of x the inverse recovers
    (the batch counterpart of :func:`gvr_helpers.transfer.inverse_transfer`)."""
    from .metrics import psnr

    images, _ = _image_batch(images, "reconstruction_psnr")
    back = translate(inverse, translate(generator, images))
    return float(np.mean([psnr(b, x) for b, x in zip(back, images)]))


# ============================================================ shipped translators
def shipped_translators() -> dict:
    """The manifest of the translators ``make checkpoints`` trained (data/checkpoints/manifest.json):
    name → recipe, steps, training time, test PSNR, file and its SHA-256."""
    import json

    from .config import DATA_DIR

    path = DATA_DIR / "checkpoints" / "manifest.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise FileNotFoundError(f"no manifest at {path}: run `make checkpoints` to train the shipped translators") from None


def load_translator(name: str, inverse: bool = False) -> keras.Model:
    """A shipped translator by its manifest name (e.g. ``"woodblock_fast"``), loaded in safe mode after
    checking that the file is the one the manifest describes; ``inverse=True``: a CycleGAN's F."""
    from .config import DATA_DIR
    from .data import sha256_file

    manifest = shipped_translators()
    if name not in manifest:
        raise ValueError(f"no shipped translator {name!r}; the manifest lists {sorted(manifest)}")
    entry = manifest[name]
    key = "inverse_" if inverse else ""
    if f"{key}file" not in entry:
        raise ValueError(f"shipped translator {name!r} has no inverse (only CycleGANs do)")
    path = DATA_DIR / "checkpoints" / entry[f"{key}file"]
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make checkpoints`")
    if sha256_file(path) != entry[f"{key}sha256"]:
        raise ValueError(f"{path} is not the file the manifest describes (SHA-256 differs): run `make checkpoints`")
    return keras.saving.load_model(path, safe_mode=True, compile=False)
