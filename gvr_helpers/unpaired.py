"""Unpaired image-to-image translation (step 2 of the pipeline): the translators that learn on a CPU,
their losses and anchors. The settings that build and compile them are :mod:`gvr_helpers.recipes`.

Three translators, each a ``keras.Model`` with a ``train_step``, trained with ``fit``
and the callbacks of :mod:`gvr_helpers.callbacks` (progress, history, snapshots,
checkpoints/resume, NaN guard):

* :class:`FastTranslator` — the course's recipe (:func:`~gvr_helpers.recipes.fast_recipe`). One G shaped like a
  print, :func:`~gvr_helpers.translators.ink_over_colours`: ink drawn on the photo's edges
  (:class:`~gvr_helpers.translators.InkOver`, five trained numbers) over a per-pixel colour map.
  One spectrally normalised PatchGAN D at the style's scale that sees its inputs through instance
  noise. A :func:`colour_map_anchor` ties the colour map's light and dark to the photo's without
  charging the ink, and both learning rates decay to 0, because the game does not settle by
  itself. The previous recipe (a small residual G that starts as the identity,
  :func:`~gvr_helpers.translators.residual_translator`, :data:`~gvr_helpers.recipes.RESIDUAL_RECIPE`) stays for the
  ablation. An optional sliced-Wasserstein *colour* loss hands G the style set's palette
  (exercise 5.2). :func:`~gvr_helpers.recipes.style_recipe` is the generic recipe for any style set.
* :class:`CycleGAN` — Zhu et al. (2017) as in the TensorFlow tutorial: two generators,
  two discriminators, cycle and identity losses and an image history buffer. Its
  second generator F gives the inverse transfer F(G(a)) ≈ a.
* :class:`PairedTranslator` — the *oracle*: a generator trained with L1 on pairs (x, S(x)).
  Unpaired methods cannot know the pairs; the oracle says how much is learnable at all in the
  same time. :func:`~gvr_helpers.recipes.paired_oracle` uses the generic residual G, not the course's print-shaped one:
  given pairs it finds the outlines by itself, and it needs no prior about the style.

The generators and :func:`~gvr_helpers.translators.translate` are in :mod:`gvr_helpers.translators`;
the data (:func:`~gvr_helpers.unpaired_data.style_data`, :func:`~gvr_helpers.unpaired_data.crop_stream`)
in :mod:`gvr_helpers.unpaired_data`; the time-budget training and the PSNR scores in
:mod:`gvr_helpers.evaluation`.
"""
from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from . import losses as losses_mod
from .translators import colour_map, translate


# ============================================================ losses and augmentation
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


def luma_correlation_anchor(x, y):
    """The correlation anchor on luminance alone: ties light and dark, leaves colours entirely free."""
    return correlation_anchor(losses_mod.luminance(x), losses_mod.luminance(y))


def colour_map_anchor(generator: keras.Model):
    """The anchor of the ink generator: :func:`luma_correlation_anchor` between x and the *colour
    map* C(x) (it ignores G(x), its second argument). C draws no outlines, so this ties the colours'
    light and dark to the photo's without charging the ink: an anchor on G(x) pays G to stop drawing."""
    colours = colour_map(generator, "colour_map_anchor")

    def anchor(x, _):
        return luma_correlation_anchor(x, colours(x, training=True))
    anchor.colours = colours
    return anchor


# ============================================================ models
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


class FastTranslator(_Translator):
    """The course's unpaired recipe (one G, one D, no cycle); data ``(a, b)``, unpaired batches.

    G's loss = adversarial + ``colour_weight``·SWD(G(a), b) + ``identity_weight``·anchor(b, G(b))
    + ``content_weight``·anchor(a, G(a)). With ``adversarial_weight=0`` it is the no-GAN ablation.
    ``anchor`` (one of :data:`ANCHORS`, or any function (x, y) -> loss to try another), measured in benchmarks/unpaired_probe.py: "absolute"
    (mean |x − G(x)|) pulls with the same force at any change, even at none, and held G exactly at
    the identity against the first recipe's weak D; "squared" does not pull at the identity;
    "correlation" (:func:`correlation_anchor`, :func:`~gvr_helpers.recipes.fast_recipe`'s) leaves each crop's colours free.
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
