"""GAN losses, all computed from the discriminator's *logits* (no sigmoid).

Why logits: ``log D(x) = log sigmoid(l) = -softplus(-l)`` and
``log(1 - D(x)) = -softplus(l)`` are exact and never underflow, while
``log(sigmoid(l))`` computed in two steps returns ``-inf`` as soon as the
sigmoid rounds to 0. Every function returns a scalar: the mean over the
batch (and over all patches, for a PatchGAN's map of logits).

Discriminator losses take ``(real_logits, fake_logits)``, generator losses
take ``fake_logits``; :data:`GAN_LOSSES` pairs them by name so the training
code can pick a loss with one string.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import tensorflow as tf


def _mean(x):
    return tf.reduce_mean(tf.cast(x, tf.float32))


# ------------------------------------------------------------ minimax (Goodfellow et al. 2014)
def minimax_d_loss(real_logits, fake_logits):
    """D maximises V = E[log D(x)] + E[log(1 - D(G(z)))]; as a loss to minimise, -V.

    Also the binary cross-entropy with labels 1 for real and 0 for fake."""
    return _mean(tf.nn.softplus(-real_logits)) + _mean(tf.nn.softplus(fake_logits))


def minimax_g_loss(fake_logits):
    """The *saturating* generator loss E[log(1 - D(G(z)))], exactly as in V.

    Its gradient vanishes when D confidently rejects the fakes (early training)."""
    return -_mean(tf.nn.softplus(fake_logits))


def nonsaturating_g_loss(fake_logits):
    """The non-saturating generator loss E[-log D(G(z))]: same fixed point, strong gradient early."""
    return _mean(tf.nn.softplus(-fake_logits))


# ------------------------------------------------------------ least squares (Mao et al. 2017)
def least_squares_d_loss(real_logits, fake_logits):
    """LSGAN: D's raw output is pushed to 1 on real and 0 on fake, ½ E[(D(x)-1)²] + ½ E[D(G(z))²]."""
    return 0.5 * _mean(tf.square(real_logits - 1.0)) + 0.5 * _mean(tf.square(fake_logits))


def least_squares_g_loss(fake_logits):
    """LSGAN generator: ½ E[(D(G(z)) - 1)²]."""
    return 0.5 * _mean(tf.square(fake_logits - 1.0))


# ------------------------------------------------------------ hinge (Lim & Ye 2017, SAGAN, BigGAN)
def hinge_d_loss(real_logits, fake_logits):
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))]: D stops pushing once a sample is past the margin."""
    return _mean(tf.nn.relu(1.0 - real_logits)) + _mean(tf.nn.relu(1.0 + fake_logits))


def hinge_g_loss(fake_logits):
    """Hinge generator: -E[D(G(z))]."""
    return -_mean(fake_logits)


# ------------------------------------------------------------ regularisers and translator losses
def r1_penalty(discriminator, real, training: bool = True):
    """R1 (Mescheder et al. 2018): E[‖∇ₓ D(x)‖²] on *real* data.

    Penalising D's slope at the data keeps it from becoming arbitrarily sharp
    there, which is what makes simultaneous gradient descent converge. Multiply
    by γ/2 (the ``r1_weight`` of :class:`gvr_helpers.train.GAN` is γ).
    """
    real = tf.convert_to_tensor(real)
    with tf.GradientTape() as tape:
        tape.watch(real)
        logits = discriminator(real, training=training)
        total = tf.reduce_sum(logits)
    grads = tape.gradient(total, real)
    per_sample = tf.reduce_sum(tf.reshape(tf.square(grads), [tf.shape(grads)[0], -1]), axis=1)
    return _mean(per_sample)


def cycle_loss(original, reconstructed):
    """L1 cycle-consistency: mean |x - F(G(x))| (CycleGAN's inverse-transfer term)."""
    return _mean(tf.abs(tf.cast(original, tf.float32) - tf.cast(reconstructed, tf.float32)))


def identity_loss(image, mapped):
    """L1 identity: mean |y - G(y)| for an image y of the style set, so G leaves the style's colours alone."""
    return _mean(tf.abs(tf.cast(image, tf.float32) - tf.cast(mapped, tf.float32)))


# ------------------------------------------------------------ registry
@dataclass(frozen=True)
class GANLoss:
    """A named pair: the discriminator's loss and the generator's loss."""

    name: str
    d_loss: Callable
    g_loss: Callable


GAN_LOSSES = {
    "minimax": GANLoss("minimax", minimax_d_loss, minimax_g_loss),
    "nonsaturating": GANLoss("nonsaturating", minimax_d_loss, nonsaturating_g_loss),
    "least_squares": GANLoss("least_squares", least_squares_d_loss, least_squares_g_loss),
    "hinge": GANLoss("hinge", hinge_d_loss, hinge_g_loss),
}
ALIASES = {"saturating": "minimax", "ns": "nonsaturating", "lsgan": "least_squares"}


def get_gan_loss(name: str) -> GANLoss:
    """Look a loss pair up by name (``minimax``/``saturating``, ``nonsaturating``, ``least_squares``, ``hinge``)."""
    if isinstance(name, GANLoss):
        return name
    key = ALIASES.get(str(name).lower(), str(name).lower())
    if key not in GAN_LOSSES:
        known = sorted(set(GAN_LOSSES) | set(ALIASES))
        raise ValueError(f"unknown GAN loss {name!r}; choose one of: {', '.join(known)}")
    return GAN_LOSSES[key]


# ------------------------------------------------------------ distribution losses (no pairs needed)
def patch_sliced_wasserstein(x, y, patch: int = 5, n_projections: int = 64, scales=(1, 2)):
    """Sliced Wasserstein distance between the ``patch``×``patch`` patch distributions of two
    batches, summed over ``scales`` (1 = full resolution, 2 = average-pooled by 2, …).

    A style is a distribution of small patches (Heitz et al. 2021; Elnekave & Weiss 2022): its
    colours, how flat its regions are, what its lines and strokes look like. Each step draws
    ``n_projections`` random unit directions in patch space; projecting every patch on them is
    one VALID convolution (cheap, with a cheap gradient); the 1-D optimal transport cost of each
    projection is the mean squared gap between the sorted values of x and y. No pairs: x and y
    may show different content, and are compared only as bags of patches.
    """
    total = 0.0
    for s in scales:
        xs, ys = tf.cast(x, tf.float32), tf.cast(y, tf.float32)
        if s > 1:
            xs, ys = tf.nn.avg_pool2d(xs, s, s, "VALID"), tf.nn.avg_pool2d(ys, s, s, "VALID")
        channels = xs.shape[-1]
        d = tf.random.normal([patch, patch, channels, n_projections])
        d = d / tf.norm(tf.reshape(d, [-1, n_projections]), axis=0)
        px = tf.reshape(tf.nn.conv2d(xs, d, 1, "VALID"), [-1, n_projections])
        py = tf.reshape(tf.nn.conv2d(ys, d, 1, "VALID"), [-1, n_projections])
        n = tf.minimum(tf.shape(px)[0], tf.shape(py)[0])  # batches of unequal size: compare as many
        total += _mean(tf.square(tf.sort(px[:n], axis=0) - tf.sort(py[:n], axis=0)))
    return total


def luminance(x):
    """Rec. 601 luma of an N×H×W×3 batch, N×H×W×1."""
    return tf.reduce_sum(tf.cast(x, tf.float32) * [0.299, 0.587, 0.114], -1, keepdims=True)


def structure_anchor(x, y, pool: int = 4, eps: float = 0.05):
    """How far G(x) = ``y`` strays from the *layout* of the content ``x``: the mean squared gap
    between their luminances average-pooled by ``pool`` and standardised per image (about
    2·(1 − correlation)). Pooling leaves fine structure (lines, strokes, blocks) to the style, and
    standardising leaves each crop's brightness and contrast free; what it keeps is where the
    light and dark regions of the content are, so the style is laid on *this* image."""
    lx, ly = luminance(x), luminance(y)
    if pool > 1:
        lx, ly = tf.nn.avg_pool2d(lx, pool, pool, "VALID"), tf.nn.avg_pool2d(ly, pool, pool, "VALID")

    def standardised(t):
        mean, var = tf.nn.moments(t, axes=[1, 2], keepdims=True)
        return (t - mean) / (tf.sqrt(var) + eps)

    return _mean(tf.square(standardised(lx) - standardised(ly)))
