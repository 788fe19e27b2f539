"""Translators (the generators of steps 2–3) and how to apply them.

* Generators: :func:`residual_translator` (a small residual G that starts as the identity: the
  previous recipe, the oracle's and the CycleGAN's), :func:`style_translator` (the generic
  translator of :func:`gvr_helpers.recipes.style_recipe`, core Keras layers only) and
  :func:`ink_over_colours`, the course's print-shaped G: ink drawn on the photo's edges
  (:class:`InkOver`, five trained numbers, a registered Keras layer) over a per-pixel colour map.
* Applying them: :func:`translate` (batched inference, any size), :func:`ink_layers` (an ink
  generator's output taken apart), :func:`colour_map`.
* The shipped translators ``make checkpoints`` trained: :func:`shipped_translators` (the manifest)
  and :func:`load_translator` (safe mode, checked against the manifest's SHA-256).

How they are trained is :mod:`gvr_helpers.unpaired`; how they are measured, :mod:`gvr_helpers.evaluation`.
"""
from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from .layers import Pad2D
from .checks import integer, positive


# ============================================================ generators
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
    positive(filters=filters, depth=depth, kernel=kernel)
    integer("pointwise", pointwise, 0)
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
    positive(filters=filters, depth=depth, low_filters=low_filters)
    integer("low", low, 0)
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


# ============================================================ the ink generator
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
        """How far the layer reaches, for seam-free padding (geometry.translator_geometry): the blur's
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
    integer("hidden", hidden)
    inputs = keras.Input((None, None, 3), name="image")
    c = layers.Rescaling(2.0, offset=-1.0)(inputs)
    for _ in range(2):
        c = layers.Conv2D(hidden, 1, activation="relu")(c)
    summed = layers.Add()([inputs, layers.Conv2D(3, 1, kernel_initializer="zeros", name="colour_delta")(c)])
    colours = clip(summed) if clip is not None else layers.ReLU(max_value=1.0, name="colour_map")(summed)
    return keras.Model(inputs, InkOver(**(ink_init or {}), name="ink")([inputs, colours]), name=name)


def _ink_layer(generator: keras.Model, caller: str) -> InkOver:
    ink = next((l for l in generator.layers if isinstance(l, InkOver)), None)
    if ink is None:
        raise ValueError(f"{caller} needs a generator with an InkOver layer; {generator.name!r} has none")
    return ink


def colour_map(generator: keras.Model, caller: str) -> keras.Model:
    """The ink generator's colour map C as a model of its own (sharing G's weights); ``caller`` names
    who asked, in the error for a generator without an :class:`InkOver` layer."""
    return keras.Model(generator.input, _ink_layer(generator, caller).input[1])


def ink_layers(generator: keras.Model, images) -> dict:
    """Take an ink generator's output apart, for ``images`` (N×H×W×3): the ink ``mask`` m
    (N×H×W), the ``colour_map`` C(x), the ``output`` G(x), and the ink layer's trained numbers
    ``k``, ``t`` and ``ink`` (its RGB colour). What the GAN learnt, in the generator's own terms."""
    ink = _ink_layer(generator, "ink_layers")
    images = np.asarray(images, np.float32)
    if images.ndim != 4 or images.shape[-1] != 3:
        raise ValueError(f"images must be N×H×W×3, got shape {images.shape}")
    colours = translate(colour_map(generator, "ink_layers"), images)
    return {"mask": ink.mask(images).numpy()[..., 0], "colour_map": colours,
            "output": translate(generator, images), "k": float(ink.k), "t": float(ink.t),
            "ink": tf.sigmoid(ink.ink).numpy()}


# ============================================================ applying a translator
def image_batch(images, caller: str = "translate") -> tuple[np.ndarray, bool]:
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
    integer("batch_size", batch_size)
    images, single = image_batch(images, "translate")
    h, w = images.shape[1:3]
    grid = _grid(generator) if isinstance(generator, keras.Model) else 1
    if h % grid or w % grid:   # a pooling translator needs sizes it divides: pad by reflection, crop back
        images = np.pad(images, ((0, 0), (0, -h % grid), (0, -w % grid), (0, 0)), mode="reflect")
    out = [keras.ops.convert_to_numpy(generator(images[i:i + batch_size], training=False))
           for i in range(0, len(images), batch_size)]
    out = np.clip(np.concatenate(out), 0, 1)[:, :h, :w]
    return out[0] if single else out


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
    from .downloads import sha256_file

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
