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
