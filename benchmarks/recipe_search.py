"""Search for a generic unpaired recipe on a *validation* split (never the test tiles).

    python benchmarks/recipe_search.py STYLE STEPS 'JSON options'     # e.g. toon 800 '{"adv": 0}'

A research loop, kept outside the package: its own model (`Search`) with switchable terms (patch
SWD, a nearest-patch projection, anchors, the GAN) on the validation squares of a three-way
checkerboard. Prints one JSON line: validation PSNR of the input and of the result, the curve,
structure (Sobel) PSNR, steps, seconds and the options that differ from DEFAULTS. Rounds and
findings: benchmarks/results/recipe_search.md. Under `make bench` (no arguments): toon, 20 steps.
"""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from gvr_helpers import translators, unpaired, unpaired_data  # noqa: E402
from gvr_helpers.config import set_seed  # noqa: E402
from gvr_helpers.data import content_images, split_regions, tiles  # noqa: E402
from gvr_helpers.metrics import psnr  # noqa: E402
from gvr_helpers.layers import Pad2D  # noqa: E402
from gvr_helpers.models import build_discriminator  # noqa: E402
from gvr_helpers.styles import apply_style  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import view_distance_blindness as views_mod  # noqa: E402  (the structure views: results/view_distance_blindness.md)


def split(style, crop=16, n=4096, size=256, block=64, seed=0):
    """Squares of the top 3/4 of each photo in three colours: A, B (styled), V (validation)."""
    rng = np.random.default_rng(seed)
    pools = {0: [], 1: [], 2: []}
    for x in content_images(size):
        sq = tiles(split_regions(x, 0.25)[0], block)
        cols = size // block
        for k, s in enumerate(sq):
            pools[(k // cols + k % cols) % 3].append(s)
    a_sq, b_sq, v = (np.stack(pools[i]) for i in range(3))
    b_sq = apply_style(style, b_sq)
    s_sq = apply_style(style, a_sq)
    align = 4 if style == "pixel_art" else 1

    def crops(*pools):
        i = rng.integers(len(pools[0]), size=n)
        t = rng.integers((block - crop) // align + 1, size=n) * align
        l = rng.integers((block - crop) // align + 1, size=n) * align
        return [np.stack([p[j, a:a + crop, c:c + crop] for j, a, c in zip(i, t, l)]).astype(np.float32)
                for p in pools]

    a, a_s = crops(a_sq, s_sq)
    (b,) = crops(b_sq)
    return a, b, a_s, v.astype(np.float32), apply_style(style, v).astype(np.float32)


def sobel_psnr(out, truth):
    def grad(x):
        lum = tf.image.rgb_to_grayscale(tf.constant(x))
        return tf.image.sobel_edges(lum).numpy()
    go, gt = grad(out), grad(truth)
    mse = np.mean((go - gt) ** 2, axis=(1, 2, 3, 4))
    peak = 8.0  # sobel of [0,1] images spans about ±4
    return float(np.mean(10 * np.log10(peak ** 2 / np.maximum(mse, 1e-12))))


def patch_swd(x, y, k=5, n_proj=64, max_patches=None):
    """Sliced Wasserstein distance between the k×k patch distributions of two batches.

    Projecting every k×k×3 patch on n_proj random unit directions is one VALID convolution
    (cheap, with a cheap gradient, unlike extract_patches); each projection's values are
    sorted and compared (1-D optimal transport)."""
    d = tf.random.normal([k, k, 3, n_proj])
    d = d / tf.norm(tf.reshape(d, [-1, n_proj]), axis=0)
    px = tf.reshape(tf.nn.conv2d(x, d, 1, "VALID"), [-1, n_proj])
    py = tf.reshape(tf.nn.conv2d(y, d, 1, "VALID"), [-1, n_proj])
    return tf.reduce_mean(tf.square(tf.sort(px, axis=0) - tf.sort(py, axis=0)))


def patches(x, k):
    return tf.reshape(tf.image.extract_patches(x, [1, k, k, 1], [1, 1, 1, 1], [1, 1, 1, 1], "VALID"), [-1, k * k * 3])


def nn_projection(fake, b, k=5, bank=4096):
    """Each output pixel is pulled towards the centre of the style patch nearest to its k×k
    neighbourhood (matching without gradient; the pull on the centre pixel only)."""
    inner = fake[:, k // 2:-(k // 2), k // 2:-(k // 2)] if k > 1 else fake
    q = patches(tf.stop_gradient(fake), k)
    p = tf.random.shuffle(patches(b, k))[:bank]
    d = tf.reduce_sum(tf.square(q), 1, keepdims=True) - 2 * q @ tf.transpose(p) + tf.reduce_sum(tf.square(p), 1)[None]
    idx = tf.argmin(d, axis=1)
    c = (k * k // 2) * 3
    target = tf.gather(p[:, c:c + 3], idx)
    return tf.reduce_mean(tf.square(tf.reshape(inner, [-1, 3]) - target))


def translator(filters=16, depth=8, low=0, name="g"):
    """Residual translator, optionally with a low-resolution branch (pool by `low`, convs, nearest up)."""
    inp = keras.Input((None, None, 3))
    x0 = layers.Rescaling(2.0, offset=-1.0)(inp)
    x = x0
    for _ in range(depth):
        x = Pad2D((1, 1), "reflect")(x)
        x = layers.Conv2D(filters, 3, activation="relu")(x)
    feats = [x]
    if low:
        y = layers.AveragePooling2D(low)(x0)
        y = layers.Conv2D(filters, 1, activation="relu")(y)
        for _ in range(3):
            y = Pad2D((1, 1), "reflect")(y)
            y = layers.Conv2D(filters, 3, activation="relu")(y)
        feats.append(layers.UpSampling2D(low, interpolation="nearest")(y))
    x = layers.Concatenate()(feats) if len(feats) > 1 else feats[0]
    for _ in range(2):
        x = layers.Conv2D(2 * filters, 1, activation="relu")(x)
    delta = layers.Conv2D(3, 1, kernel_initializer="zeros")(x)
    out = layers.ReLU(max_value=1.0)(layers.Add()([inp, delta]))
    return keras.Model(inp, out, name=name)


class Ink(layers.Layer):
    """out = (1 − g)·colour + g·ink: a learnt gate g and a learnt ink colour (one RGB value)."""
    def build(self, shapes):
        self.ink = self.add_weight(shape=(3,), initializer=keras.initializers.Constant(0.1), name="ink")

    def call(self, inputs):
        colour, gate = inputs
        return (1.0 - gate) * colour + gate * tf.clip_by_value(self.ink, 0.0, 1.0)


def gated_translator(filters=16, depth=6, name="g"):
    """A residual colour map (two 3×3 convolutions: local smoothing and recolouring) under a learnt
    ink layer: a gate from `depth` 3×3 convolutions, sigmoid, started near 0 (bias −4), so the
    translator starts at the identity. The course's ink generator with its edge detector learnt."""
    inp = keras.Input((None, None, 3))
    x0 = layers.Rescaling(2.0, offset=-1.0)(inp)
    c = x0
    for _ in range(2):
        c = Pad2D((1, 1), "reflect")(c)
        c = layers.Conv2D(filters, 3, activation="relu")(c)
    c = layers.Conv2D(2 * filters, 1, activation="relu")(c)
    colour = layers.ReLU(max_value=1.0)(layers.Add()([inp, layers.Conv2D(3, 1, kernel_initializer="zeros")(c)]))
    g = x0
    for _ in range(depth):
        g = Pad2D((1, 1), "reflect")(g)
        g = layers.Conv2D(filters, 3, activation="relu")(g)
    gate = layers.Conv2D(1, 1, activation="sigmoid", bias_initializer=keras.initializers.Constant(-4.0))(g)
    ink = Ink()
    model = keras.Model(inp, ink([colour, gate]), name=name)
    model.parts, model.ink_layer = keras.Model(inp, [colour, gate]), ink   # for `split` (Search.train_step)
    return model


def pooled(x, f):
    return tf.nn.avg_pool2d(x, f, f, "VALID") if f > 1 else x


def corr_anchor(x, y, pool=4, lum=True):
    if lum:
        x, y = tf.image.rgb_to_grayscale(x), tf.image.rgb_to_grayscale(y)
    x, y = pooled(x, pool), pooled(y, pool)
    return unpaired.correlation_anchor(x, y)


def blurred(x, sigma=1.0):
    """A style example with its fine structure smoothed away (CartoonGAN's edge-smoothed negatives)."""
    r = int(math.ceil(2 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    k = (k / k.sum()).astype(np.float32)
    kernel = tf.constant(np.tile((k[:, None] * k[None, :])[:, :, None, None], (1, 1, 3, 1)))
    x = tf.pad(x, [[0, 0], [r, r], [r, r], [0, 0]], mode="REFLECT")
    return tf.nn.depthwise_conv2d(x, kernel, [1, 1, 1, 1], "VALID")


def recoloured(a, b):
    """The photos a with each RGB channel's values replaced by b's at the same rank (per-channel
    histogram matching within the batch): the style's colours without its structure."""
    shape = tf.shape(a)
    fa, fb = tf.reshape(a, [-1, 3]), tf.reshape(b, [-1, 3])
    n = tf.minimum(tf.shape(fa)[0], tf.shape(fb)[0])
    sb = tf.sort(fb[:n], axis=0)
    ranks = tf.argsort(tf.argsort(fa, axis=0), axis=0)                                  # rank of each value
    idx = tf.cast(tf.cast(ranks, tf.float32) * tf.cast(n - 1, tf.float32) / tf.cast(tf.shape(fa)[0] - 1, tf.float32), tf.int32)
    out = tf.stack([tf.gather(sb[:, c], idx[:, c]) for c in range(3)], axis=-1)
    return tf.reshape(out, shape)


DECOYS = {"blur": lambda a, b: blurred(b), "recolour": recoloured}


class Search(keras.Model):
    def __init__(self, g, d, o):
        super().__init__()
        self.generator, self.discriminator, self.o = g, d, o
        self.g_opt = keras.optimizers.Adam(o["g_lr"], beta_1=0.5)
        self.step_count = tf.Variable(0, dtype=tf.int32, trainable=False)
        self.view_norms = {}   # each view divided by its D(photos, style set) at the start: every term starts near 1
        self.d_opt = keras.optimizers.Adam(o["d_lr"], beta_1=0.5)

    def train_step(self, data):
        a, b = data
        o = self.o
        with tf.GradientTape() as tape:
            fake = self.generator(a, training=True)
            fake_adv, brake = fake, 0.0
            if o.get("split"):   # distribution terms and anchor train the colours (and the gate, with
                #                  "gate_too"), the GAN only the ink layer
                colour, gate = self.generator.parts(a, training=True)
                ink = self.generator.ink_layer
                sg = tf.stop_gradient
                fake = ink([colour, gate if o["split"] == "gate_too" else sg(gate)])
                fake_adv = ink([sg(colour), gate])
                if o.get("ink_share"):   # brake: as much ink as the style set has pixels near the ink colour
                    near = tf.exp(-tf.reduce_sum(tf.square(b - sg(tf.clip_by_value(ink.ink, 0.0, 1.0))), -1) / 0.01)
                    brake = o["ink_share"] * tf.square(tf.reduce_mean(gate) - tf.reduce_mean(near))
            loss = brake
            if o.get("oracle"):
                loss = tf.reduce_mean(tf.abs(fake - b))
                o = {**o, "scales": [], "anchor": None, "adv": 0}
            for s in o["scales"]:
                loss += o["swd"] * patch_swd(pooled(fake, s), pooled(b, s), o["k"], o["proj"])
            for name, w in o.get("views", {}).items():
                k = self.step_count + 1
                loss += w * views_mod.distance(name, fake, b, k) / self.view_norms[name]
            if o.get("nn"):
                loss += o["nn"] * nn_projection(fake, b, o.get("nn_k", 5), o.get("nn_bank", 4096))
            if o["anchor"] == "corr":
                loss += o["anchor_w"] * corr_anchor(a, fake, o["anchor_pool"], o["anchor_lum"])
            elif o["anchor"] == "edges":   # where the content has edges, G's output has edges (any colour)
                def edges(t):
                    return tf.norm(views_mod._grad(views_mod._lum(t)) + 1e-6, axis=-1, keepdims=True)
                loss += o["anchor_w"] * unpaired.correlation_anchor(edges(a), edges(fake))
            elif o["anchor"] == "l2":
                loss += o["anchor_w"] * tf.reduce_mean(tf.square(pooled(fake, o["anchor_pool"]) - pooled(a, o["anchor_pool"])))
            if o["adv"]:
                loss += o["adv"] * tf.reduce_mean(tf.square(self.discriminator(fake_adv + tf.random.normal(tf.shape(fake), stddev=o["noise"])) - 1.0))
        gr = tape.gradient(loss, self.generator.trainable_variables)
        self.g_opt.apply_gradients(zip(gr, self.generator.trainable_variables))
        self.step_count.assign_add(1)
        if o["adv"]:
            with tf.GradientTape() as tape:
                n = lambda t: t + tf.random.normal(tf.shape(t), stddev=o["noise"])
                dl = tf.reduce_mean(tf.square(self.discriminator(n(b)) - 1.0)) + \
                    tf.reduce_mean(tf.square(self.discriminator(n(tf.stop_gradient(fake)))))
                for name, w in o.get("decoys", {}).items():   # more fakes: what G must not settle for
                    dl += w * tf.reduce_mean(tf.square(self.discriminator(n(DECOYS[name](a, b)))))
            gr = tape.gradient(dl, self.discriminator.trainable_variables)
            self.d_opt.apply_gradients(zip(gr, self.discriminator.trainable_variables))
        return {"loss": loss}


def no_truth_score(view, out, b):
    """A structure view's patch SWD from validation outputs to the style set (fixed projections):
    what a learner can compute for early stopping without any ground truth."""
    c, k = b.shape[1], out.shape[1] // b.shape[1]
    t = np.asarray(out)[:, :k * c, :k * c].reshape(len(out), k, c, k, c, 3).transpose(0, 1, 3, 2, 4, 5).reshape(-1, c, c, 3)
    n = min(len(t), len(b) // 4, 512)
    return float(np.mean([views_mod.distance(view, t[:n], b[j * n:(j + 1) * n], 20_000 + j) for j in range(4)]))


DEFAULTS = dict(filters=16, depth=8, low=0, g_lr=1e-3, d_lr=2e-3, swd=10.0, scales=[1, 2], k=5, proj=64,
                anchor="corr", anchor_w=1.0, anchor_pool=4, anchor_lum=True, adv=1.0, noise=0.05,
                crop=16, batch=32, d_rf=16, seed=0)


def arguments(defaults: dict) -> tuple[str, int, dict]:
    """STYLE STEPS 'JSON options' from the command line (default toon, 20 steps: `make bench`)."""
    style = sys.argv[1] if len(sys.argv) > 1 else "toon"
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    return style, steps, {**defaults, **(json.loads(sys.argv[3]) if len(sys.argv) > 3 else {})}


def main():
    style, steps, o = arguments(DEFAULTS)
    set_seed(o["seed"])
    a, b, a_s, vx, vy = split(style, o["crop"])
    if o.get("oracle"):
        b = a_s
    make = (lambda name="g": gated_translator(o["filters"], o["depth"], name)) if o.get("gen") == "gated" else \
        (lambda name="g": translator(o["filters"], o["depth"], o["low"], name))
    g = make()
    d = build_discriminator("patchgan", filters=32, receptive_field=o["d_rf"], norm="none", spectral_norm=True)
    m = Search(g, d, o)
    for name in o.get("views", {}):
        m.view_norms[name] = float(np.mean([views_mod.distance(name, a[i:i + o["batch"]], b[i:i + o["batch"]], 10_000 + i)
                                            for i in range(0, 8 * o["batch"], o["batch"])]))
    m.compile()
    stream = unpaired_data.crop_stream(a, b, o["batch"], seed=o["seed"], paired=bool(o.get("oracle")))
    callbacks = []
    if o.get("ema"):      # an exponential moving average of G's weights (Yazıcı et al. 2019), scored beside G
        ema = make("g_ema")
        ema.set_weights(g.get_weights())

        class EMA(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                for e, w in zip(ema.weights, g.weights):
                    e.assign(o["ema"] * e + (1.0 - o["ema"]) * w)
        callbacks.append(EMA())
    t = time.perf_counter()
    curve, ema_curve, style_curve = [], [], []
    chunk = max(1, steps // o.get("evals", 5))

    def val_db(model):
        out = translators.translate(model, vx)
        return round(float(np.mean([psnr(p, q) for p, q in zip(out, vy)])), 2), out

    for i in range(0, steps, chunk):
        m.fit(stream, epochs=1, steps_per_epoch=min(chunk, steps - i), verbose=0, callbacks=callbacks)
        db, out = val_db(g)
        curve.append(db)
        if o.get("score"):  # a validation score with no ground truth: style distance of G(v) to the style set
            style_curve.append(round(float(no_truth_score(o["score"], out, b)), 5))
        if o.get("ema"):
            ema_curve.append(val_db(ema)[0])
    out = translators.translate(g, vx)
    res = dict(style=style, steps=steps, seconds=round(time.perf_counter() - t, 1),
               input_db=round(float(np.mean([psnr(p, q) for p, q in zip(vx, vy)])), 2),
               db=curve[-1], curve=curve, input_sobel=round(sobel_psnr(vx, vy), 2),
               sobel=round(sobel_psnr(out, vy), 2), options={k: v for k, v in o.items() if DEFAULTS.get(k) != v})
    if ema_curve:
        res["ema_curve"] = ema_curve
    if style_curve:
        res["score_curve"] = style_curve
        res["input_score"] = round(float(no_truth_score(o["score"], vx, b)), 5)
        res["db_at_best_score"] = curve[int(np.argmin(style_curve))]
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
