"""Probe one variant of the unpaired recipe quickly: train it for a few CPU-seconds on one core
and print its test PSNR curve against the ground truth (the research loop behind notebook 06).

Run two probes side by side, one per core, so they share the machine fairly:

    taskset -c 0 python benchmarks/unpaired_probe.py toon 90 '{"oracle": true}' &
    taskset -c 1 python benchmarks/unpaired_probe.py toon 90 '{"d_luminance": true, "colour_weight": 0}' &

The course's fast_recipe is the probe with '{"generator": "ink_over_colours", "content_weight": 5,
"identity_weight": 0, "anchor": "colour_map", "spectral_norm": true, "decay_steps": 4000,
"ink_init": {"lr_scale": 20}}' (findings, sixth round).

Options (JSON; defaults are the previous recipe, recipes.RESIDUAL_RECIPE): oracle (paired L1 instead), filters (G),
d_kind ("patchgan" with d_receptive_field, or "dense": stride-1 3×3 layers, d_depth), d_filters,
spectral_norm, loss, g_learning_rate, d_learning_rate, adversarial_weight, colour_weight,
identity_weight, content_weight, r1_weight, augment (bool), d_noise (σ of Gaussian instance noise on
D's inputs), d_luminance (D sees grey images only),
straight_through_clip (G's [0, 1] clip, or the ink generator's colour map's, passes gradients), anchor (a name in unpaired.ANCHORS,
"luma_correlation", or for the ink generator "colour_map" (luma correlation of x with the colour map of x); default "correlation", the recipe's), mse_anchors (the first findings table's name:
true = anchor "squared", content and identity losses squared, no pull at the identity; false = "absolute"),
nce_weight (PatchNCE in place of the content anchor), decay_steps (cosine decay of both learning rates to 0 over that many steps), g_ema (momentum of an average of G's weights, evaluated at the end),
negatives (D also sees photos a as fakes), generator ("residual", the previous recipe's, or "ink_over_colours", the course's: ink_over_colours(), an ink layer gated by an edge detector over a per-pixel colour map), ink_init (its starting edge threshold t, sharpness k, ink logit and blur sigma; lr_scale: its numbers learn that many times faster; with "width", a logit, a fifth trained number mixes in the mask dilated by one pixel, for thick lines), edge_promoting (weight of CartoonGAN's edge-promoting loss: D also sees style crops with their edges smoothed, as fakes), split_roles (ink generator: the adversarial term trains only the ink layer, colour_weight·SWD only the colour map), monitor (print signals without ground truth every 500 steps: colour SWD ×1000 of G on training photos against the style set, D's score on them minus on style crops, the luma correlation anchor between photos and G(photos)), init (a .keras translator to start from), n_crops (training crops a domain), crop, batch, seed, save (a .png path: input | ground truth | G(x) for six test tiles).
The last line is one JSON object: options, test dB, identity dB, steps, curve (dB every 500 steps) and,
for the ink generator, ink_trace (step, k, t, ink RGB every 500 steps); with monitor, monitor_trace.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import tensorflow as tf

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers  # noqa: E402

from gvr_helpers import callbacks, evaluation, translators, unpaired, unpaired_data  # noqa: E402
from gvr_helpers.config import set_seed  # noqa: E402
from gvr_helpers.layers import Pad2D  # noqa: E402
from gvr_helpers.models import build_discriminator  # noqa: E402
from gvr_helpers.styles import STYLES  # noqa: E402


def dense_discriminator(filters: int = 32, depth: int = 4, spectral_norm: bool = False) -> keras.Model:
    """A stride-1 patch critic: one logit per pixel, receptive field 1 + 2·depth."""
    inputs = keras.Input((None, None, 3))
    x = layers.Rescaling(2.0, offset=-1.0)(inputs)
    for _ in range(depth):
        conv = layers.Conv2D(filters, 3, padding="valid")
        x = layers.LeakyReLU(0.2)((layers.SpectralNormalization(conv) if spectral_norm else conv)(
            Pad2D((1, 1), "reflect")(x)))
    return keras.Model(inputs, layers.Conv2D(1, 1)(x))


ANCHOR_OF_MSE_OPTION = {None: "correlation", True: "squared", False: "absolute"}   # no option: the recipe's


class PatchNCETranslator(unpaired.FastTranslator):
    """Probe-only: the content anchor replaced by CUT's PatchNCE loss (Park et al. 2020). G's last 3×3
    layer encodes a and G(a); a small head projects sampled positions; each position of G(a) must pick
    out the same position of a among the crop's others (InfoNCE, temperature ``tau``), which ties
    G(a) to a through features rather than pixels."""

    def setup_nce(self, weight: float, n_patches: int = 64, tau: float = 0.07, learning_rate: float = 2e-4):
        convs = [l for l in self.generator.layers if isinstance(l, layers.Conv2D) and l.kernel_size != (1, 1)]
        self.encoder = keras.Model(self.generator.input, convs[-1].output)   # shares G's weights
        self.head = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(64)])
        self.head.build((None, None, convs[-1].filters))
        self.nce_weight, self.n_patches, self.tau = float(weight), int(n_patches), float(tau)
        self.g_vars = self.generator.trainable_variables + self.head.trainable_variables
        self.g_optimizer = keras.optimizers.Adam(learning_rate, beta_1=0.5)
        self.g_optimizer.build(self.g_vars)

    def patch_nce(self, a, fake):
        q, k = self.encoder(fake, training=True), tf.stop_gradient(self.encoder(a, training=True))
        n_batch, c = tf.shape(q)[0], q.shape[-1]
        q, k = tf.reshape(q, [n_batch, -1, c]), tf.reshape(k, [n_batch, -1, c])
        idx = tf.random.shuffle(tf.range(tf.shape(q)[1]))[:self.n_patches]
        q = tf.math.l2_normalize(self.head(tf.gather(q, idx, axis=1)), -1)
        k = tf.math.l2_normalize(self.head(tf.gather(k, idx, axis=1)), -1)
        logits = tf.matmul(q, k, transpose_b=True) / self.tau
        labels = tf.tile(tf.range(tf.shape(logits)[1])[None], [n_batch, 1])
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))

    def train_step(self, data):
        a, b = data
        with tf.GradientTape() as tape:
            fake = self.generator(a, training=True)
            identity = self.anchor(b, self.generator(b, training=True))
            nce = self.patch_nce(a, fake)
            g_adv = self.gan_loss.g_loss(self.discriminator(self._d_in(fake), training=True))
            g_loss = g_adv + self.weights_["identity_weight"] * identity + self.nce_weight * nce
        self._apply(self.g_optimizer, tape, g_loss, self.g_vars)
        with tf.GradientTape() as tape:
            d_loss = self.gan_loss.d_loss(self.discriminator(self._d_in(b), training=True),
                                          self.discriminator(self._d_in(tf.stop_gradient(fake)), training=True))
        self._apply(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)
        return self._track({"g_loss": g_loss, "d_loss": d_loss, "g_adv": g_adv, "identity": identity, "content": nce})


def straight_through_clip(x):
    """A layer output clipped to [0, 1] forward, passed unchanged backward (straight-through)."""
    return layers.Lambda(lambda t: t + tf.stop_gradient(tf.clip_by_value(t, 0.0, 1.0) - t))(x)


def ink_over_colours(ink_init=None, straight_through: bool = False) -> keras.Model:
    """The course's ink generator (:func:`gvr_helpers.translators.ink_over_colours`); with
    ``straight_through`` its colour map's clip passes gradients backward, so colours pushed out of
    [0, 1] can come back."""
    return translators.ink_over_colours(ink_init, clip=straight_through_clip if straight_through else None)


def smooth_edges(images, sigma: float = 1.5, width: int = 2) -> np.ndarray:
    """CartoonGAN's edge-smoothed style images (Chen et al. 2018): Canny edges dilated by ``width``
    pixels, and a Gaussian blur of σ = ``sigma`` inside them. D is shown these as fakes."""
    from skimage import color, feature, filters, morphology

    out = []
    for x in np.asarray(images, np.float32):
        mask = morphology.dilation(feature.canny(color.rgb2gray(x)), morphology.disk(width))[..., None]
        out.append(np.where(mask, filters.gaussian(x, sigma, channel_axis=-1), x))
    return np.stack(out).astype(np.float32)


class EdgePromotingTranslator(unpaired.FastTranslator):
    """Probe-only: after each step of the recipe, one more D step with ``edge_weight``·(real style
    crops against edge-smoothed ones, labelled fake), so D learns that soft or missing outlines are
    not the style."""

    def setup_edges(self, smoothed, weight: float):
        self.smoothed, self.edge_weight = tf.constant(smoothed), float(weight)

    def train_step(self, data):
        a, b = data
        logs = super().train_step(data)   # G step and the usual D step
        pick = tf.random.uniform([tf.shape(b)[0]], 0, tf.shape(self.smoothed)[0], dtype=tf.int32)
        with tf.GradientTape() as tape:
            d_edge = self.gan_loss.d_loss(self.discriminator(self._d_in(b), training=True),
                                          self.discriminator(self._d_in(tf.gather(self.smoothed, pick)),
                                                             training=True))
            loss = self.edge_weight * d_edge
        self._apply(self.d_optimizer, tape, loss, self.discriminator.trainable_variables)
        return logs


class SplitRolesTranslator(unpaired.FastTranslator):
    """Probe-only, for the ink generator: the adversarial term trains only the ink layer (where and
    which ink), the colour loss only the colour map (the palette), so the game cannot move the colours."""

    def train_step(self, data):
        a, b = data
        ink_ids = {id(v) for l in self.generator.layers if isinstance(l, translators.InkOver) for v in l.trainable_variables}
        variables = self.generator.trainable_variables
        with tf.GradientTape(persistent=True) as tape:
            fake = self.generator(a, training=True)
            g_adv = self.gan_loss.g_loss(self.discriminator(self._d_in(fake), training=True))
            colour = unpaired.sliced_wasserstein_colours(fake, self.colour_reference)
        by_adv, by_colour = tape.gradient(g_adv, variables), tape.gradient(colour, variables)
        del tape
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        grads = [(ga if id(v) in ink_ids else self.weights_["colour_weight"] * gc) / replicas
                 for v, ga, gc in zip(variables, by_adv, by_colour)]
        self.g_optimizer.apply_gradients(zip(grads, variables))
        with tf.GradientTape() as tape:
            d_loss = self.gan_loss.d_loss(self.discriminator(self._d_in(b), training=True),
                                          self.discriminator(self._d_in(tf.stop_gradient(fake)), training=True))
        self._apply(self.d_optimizer, tape, d_loss, self.discriminator.trainable_variables)
        values = {"g_loss": g_adv + self.weights_["colour_weight"] * colour, "d_loss": d_loss, "g_adv": g_adv,
                  "colour": colour, "identity": 0.0, "content": 0.0}
        return self._track({k: v for k, v in values.items() if k in self.trackers})


def straight_through(generator: keras.Model) -> keras.Model:
    """G with its clip to [0, 1] kept forward but skipped backward, so saturated pixels can recover."""
    return keras.Model(generator.input, straight_through_clip(generator.get_layer("clip_0_1").input))


def probe(style: str, seconds: float, opts: dict) -> dict:
    set_seed(int(opts.get("seed", 0)))
    crop, batch = int(opts.get("crop", 16)), int(opts.get("batch", 32))
    test = unpaired_data.style_data(style, crop=64)
    data = unpaired_data.style_data(style, crop=crop, n_crops=int(opts.get("n_crops", 2048)))
    depth = max(2, -(-(STYLES[style].patch - 1) // 2))
    ink_generator = opts.get("generator") == "ink_over_colours"
    g = ink_over_colours(opts.get("ink_init"), bool(opts.get("straight_through_clip"))) if ink_generator else \
        translators.residual_translator(filters=int(opts.get("filters", 16)), depth=depth)
    if opts.get("init"):   # start from a saved translator's weights (e.g. the oracle: does the game keep it?)
        g.set_weights(keras.models.load_model(opts["init"], safe_mode=True).get_weights())
    if opts.get("straight_through_clip") and not ink_generator:
        g = straight_through(g)
    if opts.get("oracle"):
        model = unpaired.PairedTranslator(g)
        model.compile(learning_rate=opts.get("g_learning_rate", 1e-3))
        stream = unpaired_data.crop_stream(data.a, data.a_styled, batch, paired=True)
    else:
        sn = bool(opts.get("spectral_norm", False))
        d = (dense_discriminator(opts.get("d_filters", 32), opts.get("d_depth", 4), sn)
             if opts.get("d_kind") == "dense" else
             build_discriminator("patchgan", filters=opts.get("d_filters", 32),
                                 receptive_field=opts.get("d_receptive_field", 16), norm="none", spectral_norm=sn))
        sigma = float(opts.get("d_noise", 0.05))   # instance noise: D cannot see changes smaller than it
        augment = unpaired.colour_preserving_augment(sigma) if opts.get("augment", True) else \
            (lambda x: x + tf.random.normal(tf.shape(x), stddev=sigma))
        if opts.get("d_luminance"):
            base = augment
            augment = lambda x: base(tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(x)))  # noqa: E731
        anchor = opts.get("anchor", ANCHOR_OF_MSE_OPTION[opts.get("mse_anchors")])
        model = (PatchNCETranslator if opts.get("nce_weight") else
                 SplitRolesTranslator if opts.get("split_roles") else
                 EdgePromotingTranslator if opts.get("edge_promoting") else unpaired.FastTranslator)(g, d)
        model.compile(loss=opts.get("loss", "least_squares"), g_learning_rate=opts.get("g_learning_rate", 2e-4),
                      d_learning_rate=opts.get("d_learning_rate", 2e-3),
                      adversarial_weight=opts.get("adversarial_weight", 1.0),
                      colour_weight=opts.get("colour_weight", 0.0), identity_weight=opts.get("identity_weight", 5.0),
                      content_weight=opts.get("content_weight", 5.0), r1_weight=opts.get("r1_weight", 0.0),
                      augment=augment, colour_reference=data.b, negatives=bool(opts.get("negatives")),
                      anchor=(unpaired.luma_correlation_anchor if anchor == "luma_correlation" else
                              unpaired.colour_map_anchor(g) if anchor == "colour_map" else anchor))
        stream = unpaired_data.crop_stream(data.a, data.b, batch)
        if opts.get("edge_promoting"):
            model.setup_edges(smooth_edges(data.b), opts["edge_promoting"])
        if opts.get("nce_weight"):
            model.setup_nce(opts["nce_weight"], learning_rate=opts.get("g_learning_rate", 2e-4))
        if opts.get("decay_steps"):   # both learning rates decay to 0 along a cosine over that many steps
            for name, lr in (("g_optimizer", opts.get("g_learning_rate", 2e-4)),
                             ("d_optimizer", opts.get("d_learning_rate", 2e-3))):
                opt = keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(lr, int(opts["decay_steps"])),
                                            beta_1=0.5)
                opt.build((model.generator if name == "g_optimizer" else model.discriminator).trainable_variables)
                setattr(model, name, opt)
        if opts.get("g_ema"):   # G's weights averaged over steps (Keras' optimizer EMA), swapped in at the end
            model.g_optimizer = keras.optimizers.Adam(opts.get("g_learning_rate", 2e-4), beta_1=0.5, use_ema=True,
                                                      ema_momentum=float(opts["g_ema"]))
            model.g_optimizer.build(model.generator.trainable_variables)
    every = 500
    ink = next((l for l in g.layers if isinstance(l, translators.InkOver)), None)
    ink_trace = []       # the ink layer's k, t and ink colour every `every` steps: what moves before a collapse
    monitor_trace = []   # signals without ground truth every `every` steps: could one pick the step to stop at?
    if opts.get("monitor"):
        photos, style_pixels = tf.constant(data.a[:256]), tf.constant(data.b)

    def record_traces(step, logs):
        if (step + 1) % every:
            return
        if ink is not None:
            ink_trace.append([step + 1, round(float(ink.k.numpy()), 3), round(float(ink.t.numpy()), 4),
                              [round(float(v), 3) for v in tf.sigmoid(ink.ink).numpy()]]
                             + ([round(float(tf.sigmoid(ink.width)), 3)] if ink.width_start is not None else []))
        if opts.get("monitor"):
            fake = model.generator(photos, training=False)
            swd = unpaired.sliced_wasserstein_colours(fake, style_pixels, n_projections=64, n_samples=8192, seed=7)
            fooled = tf.reduce_mean(model.discriminator(fake)) - tf.reduce_mean(model.discriminator(style_pixels[:256]))
            kept = unpaired.luma_correlation_anchor(photos, fake)   # how much of the photos' light and dark G keeps
            monitor_trace.append([step + 1, round(float(swd) * 1e3, 3), round(float(fooled), 3),
                                  round(float(kept), 4)])

    run = evaluation.train_for(model, stream, seconds, data=test, every=every,
                               callbacks=[callbacks.NaNGuard(),
                                          keras.callbacks.LambdaCallback(on_train_batch_end=record_traces)])
    identity = evaluation.input_psnr(test)
    if opts.get("g_ema"):
        model.g_optimizer.finalize_variable_values(model.generator.trainable_variables)
    if opts.get("save"):
        from PIL import Image
        rows = [np.concatenate([x, y, o], axis=1) for x, y, o in
                zip(test.test_x[:6], test.test_y[:6], translators.translate(model.generator, test.test_x[:6]))]
        Image.fromarray((np.concatenate(rows) * 255).round().astype(np.uint8)).save(opts["save"])
    return {"style": style, "options": opts, "db": round(evaluation.style_psnr(model.generator, test), 3),
            "identity_db": round(identity, 3), "steps": run["steps"], "seconds": run["seconds"],
            "curve_db": [round(p[2], 2) for p in run["curve"]], **({"ink_trace": ink_trace} if ink is not None else {}),
            **({"monitor_trace": monitor_trace} if monitor_trace else {})}


if __name__ == "__main__":
    import argparse
    import os

    tf.config.threading.set_intra_op_parallelism_threads(1)   # one core per probe
    tf.config.threading.set_inter_op_parallelism_threads(1)
    fast = os.environ.get("GVR_PROFILE", "").strip().lower() == "fast"   # `make bench`: a 3-s smoke run
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("style", nargs="?", default="toon", choices=sorted(STYLES))
    parser.add_argument("seconds", nargs="?", type=float, default=3.0 if fast else 90.0)
    parser.add_argument("options", nargs="?", type=json.loads, default={}, help="JSON object of options")
    args = parser.parse_args()
    print(json.dumps(probe(args.style, args.seconds, args.options)))
