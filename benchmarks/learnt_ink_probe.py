"""Round 6 of the recipe search: the course's ink recipe with its edge detector *learnt*.

    python benchmarks/learnt_ink_probe.py STYLE STEPS 'JSON options'

The course recipe (`recipes.fast_recipe`: FastTranslator, colour-map anchor weight 5, SN PatchGAN,
instance noise, learning rates decaying to 0) reaches half the paired oracle's gain on toon and
woodblock because its ink mask is |Sobel(blur(luminance))| > t, the operator of the styles' own
outlines. Here the mask is learnt and trained only by the GAN (`gate`: "cnn", a small CNN;
"energy", `EnergyGate`, a learnt local-contrast detector; "core", the same idea in core Keras
layers), over a colour layer (`colours`: "mlp", the recipe's per-pixel map; "style", the generic
`style_translator`; "none", the photo). `gen: "fixed"` runs the course's own generator on the same
split, for reference. Validation squares only (recipe_search.split).
Prints one JSON line; findings in benchmarks/results/recipe_search.md (round 6), runs in
benchmarks/results/learnt_ink_runs.jsonl. Under `make bench` (no arguments): toon, 20 steps.
"""
from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import layers  # noqa: E402

from gvr_helpers import losses, recipes, translators, unpaired, unpaired_data  # noqa: E402
from gvr_helpers.config import set_seed  # noqa: E402
from gvr_helpers.checks import positive  # noqa: E402
from gvr_helpers.metrics import psnr  # noqa: E402
from recipe_search import arguments, sobel_psnr, split  # noqa: E402


class ReZero(layers.Layer):
    """x·α with one learnt α that starts at 0 (Bachlechner et al. 2020), stored divided by ``speed``."""

    def __init__(self, speed=1.0, **kw):
        super().__init__(**kw)
        self.speed = speed

    def build(self, shape):
        self.alpha = self.add_weight(shape=(), initializer="zeros", name="alpha")

    def call(self, x):
        return x * self.alpha * self.speed


def finite(name, value, above=None):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or (above is not None and value <= above):
        raise ValueError(f"{name} must be a finite number{'' if above is None else f' > {above:g}'}, got {value!r}")
    return float(value)


class LearntInk(layers.Layer):
    """out = (1 − g)·colours + g·sigmoid(ink): the gate g comes from a CNN, the ink is one learnt
    RGB value stored divided by ``lr_scale`` (it moves that much faster, like InkOver's numbers)."""

    def __init__(self, lr_scale=20.0, **kw):
        super().__init__(**kw)
        self.lr_scale = lr_scale

    def build(self, shapes):
        self.ink_ = self.add_weight(shape=(3,), initializer=keras.initializers.Constant(-1.0 / self.lr_scale),
                                    name="ink")

    def call(self, inputs):
        colours, gate = inputs
        return (1.0 - gate) * colours + gate * tf.sigmoid(self.ink_ * self.lr_scale)


class EnergyGate(layers.Layer):
    """g = sigmoid(k·(E − t)), E = the local contrast energy sqrt(Σ_f (f * lum)²) under ``n`` learnt
    zero-mean, unit-norm ``size``×``size`` filters (random at the start: any zero-mean filter answers
    edges), lum a learnt grey mix of RGB. k, t stored divided by ``lr_scale``. A prior that ink
    follows local contrast, with the filters, their scale and the threshold learnt."""

    def __init__(self, n=8, size=5, lr_scale=20.0, k=20.0, t=0.6, filter_scale=1.0, **kw):
        super().__init__(**kw)
        self.n, self.size, self.lr_scale, self.k0, self.t0 = n, size, lr_scale, k, t
        self.filter_scale = filter_scale   # the filters are stored divided by it: they learn that much faster

    def build(self, shape):
        self.mix = self.add_weight(shape=(1, 1, 3, 1), initializer=keras.initializers.Constant(1 / 3), name="mix")
        self.filters = self.add_weight(shape=(self.size, self.size, 1, self.n), initializer=keras.initializers.RandomNormal(stddev=1.0 / self.filter_scale),
                                       name="filters")
        self.k_ = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.k0 / self.lr_scale), name="k")
        self.t_ = self.add_weight(shape=(), initializer=keras.initializers.Constant(self.t0 / self.lr_scale), name="t")

    def call(self, x):
        lum = tf.nn.conv2d(x, self.mix, 1, "SAME")
        f = self.filters * self.filter_scale
        f = f - tf.reduce_mean(f, axis=(0, 1), keepdims=True)
        f = f / tf.norm(tf.reshape(f, [-1, self.n]), axis=0)
        r = self.size // 2
        lum = tf.pad(lum, [[0, 0], [r, r], [r, r], [0, 0]], mode="REFLECT")
        e = tf.sqrt(tf.reduce_sum(tf.square(tf.nn.conv2d(lum, f, 1, "VALID")), -1, keepdims=True) + 1e-6)
        return tf.sigmoid(self.k_ * self.lr_scale * (e - self.t_ * self.lr_scale))


def learnt_ink(o):
    inp = keras.Input((None, None, 3))
    x0 = layers.Rescaling(2.0, offset=-1.0)(inp)
    if o["colours"] == "mlp":           # the course recipe's per-pixel colour map
        c = x0
        for _ in range(2):
            c = layers.Conv2D(32, 1, activation="relu")(c)
        colours = layers.ReLU(max_value=1.0)(layers.Add()([inp, layers.Conv2D(3, 1, kernel_initializer="zeros")(c)]))
    elif o["colours"] == "rezero":      # per-pixel map + the generic translator's change × a learnt α, α = 0 at the start
        c = x0
        for _ in range(2):
            c = layers.Conv2D(32, 1, activation="relu")(c)
        st = translators.style_translator(filters=16, depth=8, low=4)
        st.get_layer("delta").set_weights([np.random.default_rng(o["seed"]).normal(0, 0.05, (1, 1, 32, 3)).astype("float32"),
                                           np.zeros(3, "float32")])
        wide = keras.Model(st.input, st.get_layer("delta").output)(inp)
        colours = layers.ReLU(max_value=1.0)(layers.Add()([inp, layers.Conv2D(3, 1, kernel_initializer="zeros")(c),
                                                          ReZero(o["rezero_speed"])(wide)]))
    elif o["colours"] == "none":        # the photo itself: the GAN trains the ink layer only
        colours = inp
    else:                               # the generic translator as the colour layer
        colours = translators.style_translator(filters=16, depth=o["colour_depth"], low=4)(inp)
    g = x0
    for _ in range(o["gate_depth"] if o["gate"] == "cnn" else 0):
        g = layers.Conv2D(o["gate_filters"], 3, padding="same", activation="relu")(g)
    if o["gate"] == "energy":
        gate = EnergyGate(o["energy_n"], o["energy_size"], filter_scale=o["filter_scale"], name="gate")(inp)
    elif o["gate_gain"]:   # logits = gain·(last 1×1 conv, started at 0) − 4: the last layer learns `gain`× faster
        logit = layers.Rescaling(o["gate_gain"], offset=-4.0)(layers.Conv2D(1, 1, kernel_initializer="zeros")(g))
        gate = layers.Activation("sigmoid", name="gate")(logit)
    else:
        gate = layers.Conv2D(1, 1, activation="sigmoid", bias_initializer=keras.initializers.Constant(-4.0),
                             name="gate")(g)
    model = keras.Model(inp, LearntInk(o["ink_lr_scale"])([colours, gate]))
    model.colours = keras.Model(inp, colours)
    model.gate = keras.Model(inp, gate)
    return model


# ---- round 6's core-Keras versions (kept here as the record; not in the package: they lost to EnergyGate)
def ink_style_translator(blocks: bool = False, ink: dict | None = None) -> keras.Model:
    """The package's `style_translator` with `_block_mix` (``blocks``) and `core_ink` (options ``ink``)
    built on its graph."""
    st = translators.style_translator()
    out = _block_mix(st.input, st.output, st.get_layer("low_2").output, 4) if blocks else st.output
    return keras.Model(st.input, core_ink(st.input, out, **(ink or {})), name="ink_style_translator")


def _learnt_constant(inputs, value: float, channels: int, name: str, speed: float = 20.0):
    """A trained constant map, sigmoid(speed·c), in core layers: a 1×1 convolution's bias on a blank
    image. c is stored divided by ``speed`` and starts at logit ``value``."""
    blank = layers.Rescaling(0.0, name=f"{name}_blank")(inputs)
    c = layers.Conv2D(channels, 1, kernel_initializer="zeros", name=f"{name}_logit",
                      bias_initializer=keras.initializers.Constant(value / speed))(blank)
    return layers.Activation("sigmoid", name=name)(layers.Rescaling(speed)(c))


def _block_mix(inputs, colours, low_features, low: int):
    """colours + β·(blocks − colours): blocks are the low branch's own colours, one per low×low
    block (the block's mean plus a learnt change, repeated); β is one trained number that starts
    near 0. A style drawn at a coarser resolution (pixel art) can take its blocks whole, which a
    per-pixel head on top of the photo's own detail could hardly learn to do."""
    means = layers.AveragePooling2D(low, name="block_means")(inputs)
    change = layers.Conv2D(3, 1, kernel_initializer="zeros", name="block_delta")(
        layers.Conv2D(low_features.shape[-1], 1, activation="relu", name="block_head")(low_features))
    block = layers.ReLU(max_value=1.0, name="block_clip")(layers.Add(name="block_colour")([means, change]))
    blocks = layers.UpSampling2D(low, interpolation="nearest", name="blocks")(block)
    beta = _learnt_constant(inputs, -4.0, 1, "block_share")
    return layers.Add(name="colours")([colours, layers.Multiply(name="block_mix")(
        [beta, layers.Subtract(name="blocks_minus_colours")([blocks, colours])])])


def core_ink(inputs, colours, filters: int = 8, size: int = 5, k: float = 76.0, t: float = 0.12,
               speed: float = 20.0):
    """An ink layer over ``colours`` (a Keras tensor): out = colours + g·(ink − colours).

    The ink is one learnt RGB colour. The gate g = sigmoid(k·(E − t)) puts it where the photo's
    *local contrast* E is high: E is the energy Σ r² of ``filters`` learnt, unit-norm
    ``size``×``size`` filters r applied to a learnt grey mix of the photo with its local mean
    removed. Random filters already answer edges, so the GAN only has to choose which contrast is
    a line and how dark; a gate that must first invent an edge detector from D's gradient never did
    (recipe_search.md, round 6). The filters, the grey mix, k, t and the ink are
    all trained; k and t start where about 1 % of a photo's pixels are inked, and they and the ink
    are stored divided by ``speed``, so they move that many times faster than the filters. Core
    Keras layers only (safe-mode loading needs no import)."""
    positive(filters=filters, size=size)
    k, t, speed = finite("k", k, 0), finite("t", t), finite("speed", speed, 0)
    constant = keras.initializers.Constant
    grey = layers.Conv2D(1, 1, use_bias=False, kernel_initializer=constant(1 / 3), name="ink_grey")(inputs)
    local_mean = layers.AveragePooling2D(size, strides=1, padding="same", name="ink_local_mean")(grey)
    detail = layers.Subtract(name="ink_detail")([grey, local_mean])
    r = layers.Conv2D(filters, size, padding="same", use_bias=False, name="ink_filters",
                      kernel_initializer=keras.initializers.RandomNormal(stddev=1.0 / size),
                      kernel_constraint=keras.constraints.UnitNorm(axis=[0, 1, 2]))(detail)
    energy = layers.Conv2D(1, 1, use_bias=False, kernel_initializer="ones", trainable=False,
                           name="ink_energy")(layers.Multiply(name="ink_squares")([r, r]))
    logit = layers.Conv2D(1, 1, kernel_initializer=constant(k / speed), bias_initializer=constant(-k * t / speed),
                          kernel_constraint=keras.constraints.NonNeg(), name="ink_threshold")(energy)
    gate = layers.Activation("sigmoid", name="ink_gate")(layers.Rescaling(speed)(logit))
    ink = _learnt_constant(inputs, -1.0, 3, "ink")
    return layers.Add(name="inked")([colours, layers.Multiply(name="ink_share")(
        [gate, layers.Subtract(name="ink_minus_colours")([ink, colours])])])


DEFAULTS = dict(gen="learnt", colours="mlp", rezero_speed=1.0, gate="cnn", energy_n=8, energy_size=5, filter_scale=1.0,
                colour_depth=8, gate_depth=4, gate_filters=16, gate_gain=0, ink_lr_scale=20.0,
                anchor="luma", content_weight=5.0, g_lr=2e-4, d_lr=2e-3, decay=True, noise=0.05, patch_weight=0.0,
                evals=8, seed=0, crop=16, batch=32)


def main():
    style, steps, o = arguments(DEFAULTS)
    set_seed(o["seed"])
    a, b, _, vx, vy = split(style, o["crop"])
    model = recipes.fast_recipe(decay_steps=steps if o["decay"] else None)   # the course's recipe
    if o["gen"] == "learnt":
        if o["gate"] == "core" and o["colours"] == "mlp":   # core_ink over the per-pixel map
            inp = keras.Input((None, None, 3))
            c = layers.Rescaling(2.0, offset=-1.0)(inp)
            for _ in range(2):
                c = layers.Conv2D(32, 1, activation="relu")(c)
            col = layers.ReLU(max_value=1.0)(layers.Add()([inp, layers.Conv2D(3, 1, kernel_initializer="zeros")(c)]))
            g = keras.Model(inp, core_ink(inp, col, **{k: o[k] for k in ("k", "t", "speed") if k in o}))
            g.colours = keras.Model(inp, col)
            g.gate = keras.Model(inp, g.get_layer("ink_gate").output)
        elif o["gate"] == "core":   # core_ink over the generic translator
            g = ink_style_translator(ink={k: o[k] for k in ("k", "t", "speed") if k in o},
                                             blocks=o.get("blocks", False))
            names = {layer.name for layer in g.layers}
            g.colours = keras.Model(g.input, g.get_layer("colours" if "colours" in names else "clip_0_1").output)
            g.gate = keras.Model(g.input, g.get_layer("ink_gate").output)
        else:
            g = learnt_ink(o)
        colours = g.colours

        def anchor(x, _):   # on the colour layer only: the ink is the GAN's
            if o["anchor"] == "structure":
                return losses.structure_anchor(x, colours(x, training=True))
            return unpaired.luma_correlation_anchor(x, colours(x, training=True))
        model = unpaired.FastTranslator(g, model.discriminator)
        model.compile(anchor=anchor, identity_weight=0.0, augment=unpaired.colour_preserving_augment(o["noise"]),
                      content_weight=o["content_weight"], colour_weight=0.0, patch_weight=o["patch_weight"],
                      g_learning_rate=o["g_lr"], d_learning_rate=o["d_lr"],
                      decay_steps=steps if o["decay"] else None)
    stream = unpaired_data.crop_stream(a, b, o["batch"], seed=o["seed"])

    def val():
        out = translators.translate(model.generator, vx)
        return round(float(np.mean([psnr(p, q) for p, q in zip(out, vy)])), 2), out

    curve, chunk, t = [], max(1, steps // o["evals"]), time.perf_counter()
    for i in range(0, steps, chunk):
        model.fit(stream, epochs=1, steps_per_epoch=min(chunk, steps - i), verbose=0)
        curve.append(val()[0])
    db, out = val()
    res = dict(style=style, steps=steps, seconds=round(time.perf_counter() - t, 1),
               input_db=round(float(np.mean([psnr(p, q) for p, q in zip(vx, vy)])), 2), db=db, curve=curve,
               input_sobel=round(sobel_psnr(vx, vy), 2), sobel=round(sobel_psnr(out, vy), 2),
               options={k: v for k, v in o.items() if DEFAULTS.get(k) != v})
    if o["gen"] == "learnt":
        res["mean_gate"] = round(float(np.mean(translators.translate(model.generator.gate, vx[:64]))), 4)
    print(json.dumps(res), flush=True)
    if o.get("save"):
        np.save(o["save"], out[:16])


if __name__ == "__main__":
    main()
