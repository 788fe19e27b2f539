"""Generators G(z; θ) or G(x; θ) and discriminators D(x; ψ), as Keras models.

``build_generator(kind=...)`` and ``build_discriminator(kind=...)`` pick an
architecture by name; an unknown name is an error that lists the known ones.
Image models take and return images in [0, 1] (the mapping to [-1, 1] and
back happens inside the model); noise and point models work on plain vectors.
Discriminators return *logits*.

Image translators are fully convolutional: they accept any height and width
that are multiples of their total stride (``geometry.total_stride(model)``).
Every convolution pads explicitly with :class:`Pad2D` and then runs a
``valid`` convolution, so one ``padding=`` option decides what the network
sees beyond the border: ``"zero"``, ``"reflect"`` or ``"circular"`` (wrap
around the width, reflect along the height: a 360° panorama's geometry).
With ``"circular"`` a translator commutes exactly with horizontal rolls by
multiples of its total stride.

Only native Keras 3 layers plus the two small layers of :mod:`gvr_helpers.layers`
(``Pad2D`` and ``SizeCheck``), registered for safe-mode ``.keras`` loading.
What a built model costs and sees (``describe``, receptive fields) is in
:mod:`gvr_helpers.geometry`.
"""
from __future__ import annotations

import math

import keras
from keras import layers

from .checks import choice, positive
from .layers import PADDINGS, Pad2D, SizeCheck

NORMS = ("instance", "batch", "none")
UPSAMPLINGS = ("transpose", "resize")
_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}  # DCGAN / pix2pix / CycleGAN init


# ------------------------------------------------------------------ building blocks
def _same_pad(kernel: int):
    """Pads (before, after) so that a ``valid`` conv of stride s maps a size n (a multiple of s) to n / s."""
    return (kernel - 1) // 2, kernel // 2


def _norm(x, norm: str):
    if norm == "instance":  # one group per channel = instance normalisation, with a learnt scale and shift
        return layers.GroupNormalization(groups=-1, epsilon=1e-5)(x)
    if norm == "batch":
        return layers.BatchNormalization()(x)
    return x


def _act(x, activation):
    if activation == "leaky":
        return layers.LeakyReLU(0.2)(x)
    if activation:
        return layers.Activation(activation)(x)
    return x


def _conv_layer(filters, kernel, stride, use_bias, spectral_norm, init=None):
    conv = layers.Conv2D(filters, kernel, strides=stride, padding="valid", use_bias=use_bias,
                         kernel_initializer=init or _INIT)
    return layers.SpectralNormalization(conv) if spectral_norm else conv


def conv_block(x, filters, kernel=3, stride=1, *, padding="reflect", norm="instance", activation="relu",
               spectral_norm=False, init=None):
    """Pad2D -> valid Conv2D -> normalisation -> activation."""
    p = _same_pad(kernel)
    x = Pad2D((p, p), padding)(x)
    x = _conv_layer(filters, kernel, stride, norm == "none", spectral_norm, init)(x)
    return _act(_norm(x, norm), activation)


def _transpose_pad_and_crop(kernel: int, stride: int) -> tuple[int, int, int]:
    """Input pad p and output crops (before, after) that make Pad2D -> valid Conv2DTranspose -> crop
    map a size n to exactly stride·n, every kept output seeing all its (padded) inputs.

    With circular padding that is the *circular* transposed convolution, so upsampling
    commutes with rolls; with zero padding it equals Keras' ``padding="same"``.
    """
    for p in range(1, kernel + 1):
        before = stride * p + max(kernel - stride, 0) // 2
        after = (2 * p - 1) * stride + kernel - before
        first_ok = before >= kernel - stride            # the first kept output has all its inputs
        last_ok = (before - 1) // stride + 1 <= 2 * p   # so has the last one
        if first_ok and last_ok and after >= 0:
            return p, before, after
    raise ValueError(f"no padding works for a transposed convolution with kernel {kernel} and stride {stride}")


def up_block(x, filters, kernel=3, stride=2, *, upsampling="transpose", padding="reflect", norm="instance",
             activation="relu"):
    """Upsample by ``stride``: a transposed convolution, or nearest-neighbour resize + convolution
    (the resize-convolution that avoids checkerboard artefacts)."""
    if upsampling == "resize":
        x = layers.UpSampling2D(stride, interpolation="nearest")(x)
        return conv_block(x, filters, kernel, 1, padding=padding, norm=norm, activation=activation)
    p, before, after = _transpose_pad_and_crop(kernel, stride)
    x = Pad2D(p, padding)(x)
    x = layers.Conv2DTranspose(filters, kernel, strides=stride, padding="valid", use_bias=norm == "none",
                               kernel_initializer=_INIT)(x)
    x = layers.Cropping2D(((before, after), (before, after)))(x)
    return _act(_norm(x, norm), activation)


def residual_block(x, filters, *, padding="reflect", norm="instance"):
    """CycleGAN's residual block: x + conv(relu(conv(x)))."""
    y = conv_block(x, filters, 3, 1, padding=padding, norm=norm, activation="relu")
    y = conv_block(y, filters, 3, 1, padding=padding, norm=norm, activation=None)
    return layers.Add()([x, y])


def _image_in(channels, multiple):
    inputs = keras.Input((None, None, channels), name="image")
    x = SizeCheck(multiple)(inputs)
    return inputs, layers.Rescaling(2.0, offset=-1.0, name="to_minus1_1")(x)


def _image_out(x, channels, padding):
    x = Pad2D((_same_pad(7), _same_pad(7)), padding)(x)
    x = layers.Conv2D(channels, 7, padding="valid", kernel_initializer=_INIT)(x)
    x = layers.Activation("tanh")(x)
    return layers.Rescaling(0.5, offset=0.5, name="to_0_1")(x)


def _check_translator(filters, n_blocks, n_down, norm, upsampling, padding, channels):
    positive(filters=filters, n_down=n_down, channels=channels)
    if isinstance(n_blocks, bool) or not isinstance(n_blocks, int) or n_blocks < 0:
        raise ValueError(f"n_blocks must be a non-negative integer, got {n_blocks!r}")
    choice("normalisation", norm, NORMS)
    choice("upsampling", upsampling, UPSAMPLINGS)
    choice("padding", padding, PADDINGS)


# ------------------------------------------------------------------ generators
def resnet_generator(filters: int = 32, n_blocks: int = 6, n_down: int = 2, norm: str = "instance",
                     upsampling: str = "transpose", padding: str = "reflect", channels: int = 3,
                     kernel_size: int = 3) -> keras.Model:
    """CycleGAN's translator: c7s1 -> n_down stride-2 convs -> n_blocks residual blocks -> n_down
    upsamplings -> c7s1 + tanh. CycleGAN uses filters=64, n_blocks=9 (6 at 128 px); the defaults here
    are smaller so that it trains on a CPU. Total stride 2**n_down."""
    _check_translator(filters, n_blocks, n_down, norm, upsampling, padding, channels)
    inputs, x = _image_in(channels, 2 ** n_down)
    x = conv_block(x, filters, 7, 1, padding=padding, norm=norm)
    f = filters
    for _ in range(n_down):
        f *= 2
        x = conv_block(x, f, kernel_size, 2, padding=padding, norm=norm)
    for _ in range(n_blocks):
        x = residual_block(x, f, padding=padding, norm=norm)
    for _ in range(n_down):
        f //= 2
        x = up_block(x, f, kernel_size, 2, upsampling=upsampling, padding=padding, norm=norm)
    return keras.Model(inputs, _image_out(x, channels, padding), name="resnet_generator")


def unet_generator(filters: int = 32, n_blocks: int = 1, n_down: int = 3, norm: str = "instance",
                   upsampling: str = "transpose", padding: str = "reflect", channels: int = 3,
                   kernel_size: int = 3, max_filters: int = 256) -> keras.Model:
    """U-Net translator: an encoder of stride-2 convs, n_blocks residual blocks at the bottom, and a
    decoder that concatenates each encoder level (the skip connections carry fine detail across).
    Total stride 2**n_down."""
    _check_translator(filters, n_blocks, n_down, norm, upsampling, padding, channels)
    inputs, x = _image_in(channels, 2 ** n_down)
    x = conv_block(x, filters, 7, 1, padding=padding, norm=norm)
    skips, widths, f = [], [], filters
    for _ in range(n_down):
        skips.append(x)
        widths.append(f)
        f = min(2 * f, max_filters)
        x = conv_block(x, f, kernel_size, 2, padding=padding, norm=norm, activation="leaky")
        x = conv_block(x, f, 3, 1, padding=padding, norm=norm, activation="leaky")
    for _ in range(n_blocks):
        x = residual_block(x, f, padding=padding, norm=norm)
    for skip, f in zip(reversed(skips), reversed(widths)):
        x = up_block(x, f, kernel_size, 2, upsampling=upsampling, padding=padding, norm=norm)
        x = layers.Concatenate()([x, skip])
        x = conv_block(x, f, 3, 1, padding=padding, norm=norm)
    return keras.Model(inputs, _image_out(x, channels, padding), name="unet_generator")


def _dcgan_levels(image_size: int) -> int:
    """How many stride-2 steps lie between a 4×4 map and ``image_size`` (which must be 4·2^k, k >= 1)."""
    levels = math.log2(image_size / 4) if image_size >= 8 else -1
    if levels < 1 or levels != int(levels):
        raise ValueError(f"image_size must be 4·2^k with k >= 1 (8, 16, 32, 64, ...), got {image_size}")
    return int(levels)


def dcgan_generator(noise_dim: int = 64, image_size: int = 32, filters: int = 32, norm: str = "batch",
                    upsampling: str = "transpose", padding: str = "zero", channels: int = 3,
                    kernel_size: int = 4) -> keras.Model:
    """DCGAN's G(z; θ): noise -> Dense to a 4×4 feature map -> stride-2 upsamplings to image_size ->
    3×3 conv + tanh, returned in [0, 1]. Channels halve at each upsampling, ending at ``filters``."""
    positive(noise_dim=noise_dim, image_size=image_size, filters=filters, channels=channels)
    n_up = _dcgan_levels(image_size)
    choice("normalisation", norm, NORMS)
    choice("upsampling", upsampling, UPSAMPLINGS)
    choice("padding", padding, PADDINGS)
    n_up = int(n_up)
    f = filters * 2 ** n_up
    z = keras.Input((noise_dim,), name="z")
    x = layers.Dense(4 * 4 * f, use_bias=norm == "none", kernel_initializer=_INIT)(z)
    x = layers.Reshape((4, 4, f))(x)
    x = _act(_norm(x, norm), "relu")
    for _ in range(n_up):
        f //= 2
        x = up_block(x, f, kernel_size, 2, upsampling=upsampling, padding=padding, norm=norm)
    x = Pad2D((_same_pad(3), _same_pad(3)), padding)(x)
    x = layers.Conv2D(channels, 3, padding="valid", kernel_initializer=_INIT, activation="tanh")(x)
    return keras.Model(z, layers.Rescaling(0.5, offset=0.5, name="to_0_1")(x), name="dcgan_generator")


# ------------------------------------------------------------------ discriminators
def patchgan_receptive_field(n_layers: int, kernel_size: int = 4) -> int:
    """Receptive field of :func:`patchgan_discriminator`: n_layers stride-2 convs, then two stride-1 convs.
    With kernel 4: n_layers 1, 2, 3 -> 16, 34, 70 px (pix2pix's 70×70 PatchGAN is n_layers=3)."""
    strides = [2] * n_layers + [1, 1]
    rf, jump = 1, 1
    for s in strides:
        rf += (kernel_size - 1) * jump
        jump *= s
    return rf


def patchgan_discriminator(filters: int = 32, n_layers: int = 3, kernel_size: int = 4,
                           receptive_field: int | None = None, norm: str = "instance",
                           spectral_norm: bool = False, padding: str = "zero", channels: int = 3,
                           max_filters: int = 256, kernel_initializer=None) -> keras.Model:
    """pix2pix/CycleGAN's PatchGAN: a fully convolutional D that returns a map of logits, one per
    overlapping patch. ``receptive_field`` (e.g. 16, 34, 70) picks ``n_layers`` for you.
    ``kernel_initializer`` defaults to pix2pix's N(0, 0.02); without normalisation a deep stack
    starts faster from "he_normal"."""
    positive(filters=filters, kernel_size=kernel_size, channels=channels)
    if receptive_field is not None:
        options = {patchgan_receptive_field(n, kernel_size): n for n in range(0, 7)}
        if receptive_field not in options:
            raise ValueError(f"receptive_field {receptive_field} is not reachable with kernel_size {kernel_size}; "
                             f"choose one of {sorted(options)} (or change kernel_size)")
        n_layers = options[receptive_field]
    if isinstance(n_layers, bool) or not isinstance(n_layers, int) or n_layers < 0:
        raise ValueError(f"n_layers must be a non-negative integer, got {n_layers!r}")
    choice("normalisation", norm, NORMS)
    choice("padding", padding, PADDINGS)
    inputs = keras.Input((None, None, channels), name="image")
    x = layers.Rescaling(2.0, offset=-1.0, name="to_minus1_1")(inputs)
    opts = dict(padding=padding, activation="leaky", spectral_norm=spectral_norm, init=kernel_initializer)
    f = filters
    for i in range(n_layers):
        x = conv_block(x, f, kernel_size, 2, norm="none" if i == 0 else norm, **opts)
        f = min(2 * f, max_filters)
    x = conv_block(x, f, kernel_size, 1, norm="none" if n_layers == 0 else norm, **opts)
    x = conv_block(x, 1, kernel_size, 1, padding=padding, norm="none", activation=None, spectral_norm=spectral_norm,
                   init=kernel_initializer)
    return keras.Model(inputs, x, name="patchgan_discriminator")


def dcgan_discriminator(image_size: int = 32, filters: int = 32, norm: str = "none", spectral_norm: bool = False,
                        padding: str = "zero", channels: int = 3, kernel_size: int = 4,
                        kernel_initializer=None) -> keras.Model:
    """DCGAN's D(x; ψ): stride-2 convs down to 4×4, then one logit for the whole image.
    norm defaults to "none" because penalties such as R1 assume each sample's logit depends only on it."""
    positive(image_size=image_size, filters=filters, channels=channels, kernel_size=kernel_size)
    n_down = _dcgan_levels(image_size)
    choice("normalisation", norm, NORMS)
    choice("padding", padding, PADDINGS)
    inputs = keras.Input((image_size, image_size, channels), name="image")
    x = layers.Rescaling(2.0, offset=-1.0, name="to_minus1_1")(inputs)
    f = filters
    for i in range(int(n_down)):
        x = conv_block(x, f, kernel_size, 2, padding=padding, norm="none" if i == 0 else norm,
                       activation="leaky", spectral_norm=spectral_norm, init=kernel_initializer)
        f *= 2
    x = layers.Flatten()(x)
    dense = layers.Dense(1, kernel_initializer=kernel_initializer or _INIT)
    x = (layers.SpectralNormalization(dense) if spectral_norm else dense)(x)
    return keras.Model(inputs, x, name="dcgan_discriminator")


# ------------------------------------------------------------------ toy MLPs (notebooks 01, 04)
def _mlp(input_dim: int, output_dim: int, hidden: int, depth: int, activation: str,
         output_activation: str | None, name: str) -> keras.Model:
    inputs = keras.Input((input_dim,))
    x = inputs
    for _ in range(depth):
        x = layers.Dense(hidden, activation=activation)(x)
    outputs = layers.Dense(output_dim, activation=output_activation)(x)
    return keras.Model(inputs, outputs, name=name)


def mlp_generator(noise_dim: int = 1, data_dim: int = 1, hidden: int = 32, depth: int = 2,
                  activation: str = "relu") -> keras.Model:
    """G(z; θ) for points: noise in R^noise_dim -> a point in R^data_dim (toy GANs of notebooks 01, 04)."""
    return _mlp(noise_dim, data_dim, hidden, depth, activation, None, "mlp_generator")


def mlp_discriminator(data_dim: int = 1, hidden: int = 32, depth: int = 2,
                      activation: str = "relu") -> keras.Model:
    """D(x; ψ) for points, returning a *logit*: D(x) = sigmoid(logit). Losses take logits
    because log(sigmoid(.)) computed from a logit never underflows."""
    return _mlp(data_dim, 1, hidden, depth, activation, None, "mlp_discriminator")


GENERATORS = {"mlp": mlp_generator, "dcgan": dcgan_generator, "resnet": resnet_generator, "unet": unet_generator}
DISCRIMINATORS = {"mlp": mlp_discriminator, "dcgan": dcgan_discriminator, "patchgan": patchgan_discriminator}


def _pick(table: dict, kind: str, what: str):
    if kind not in table:
        raise ValueError(f"unknown {what} kind {kind!r}; choose one of: {', '.join(sorted(table))}")
    return table[kind]


def build_generator(kind: str = "mlp", **options) -> keras.Model:
    """Build a generator by name; ``options`` go to the architecture's builder."""
    return _pick(GENERATORS, kind, "generator")(**options)


def build_discriminator(kind: str = "mlp", **options) -> keras.Model:
    """Build a discriminator by name; it returns logits (no sigmoid)."""
    return _pick(DISCRIMINATORS, kind, "discriminator")(**options)


def upsampling_overlap(kernel: int = 3, stride: int = 2, upsampling: str = "transpose", n: int = 8):
    """How many kernel taps land on each output position (1-D, away from the borders).

    A transposed convolution scatters each input over ``kernel`` outputs spaced ``stride`` apart, so
    when ``kernel`` is not a multiple of ``stride`` some outputs receive more taps than their
    neighbours: the checkerboard of Odena et al. (2016). Resize + convolution gives every output
    ``kernel`` taps."""
    import numpy as np

    choice("upsampling", upsampling, UPSAMPLINGS)
    positive(kernel=kernel, stride=stride, n=n)
    if upsampling == "resize":
        return np.full(n * stride, kernel, dtype=int)
    counts = np.zeros((n - 1) * stride + kernel, dtype=int)
    for j in range(n):
        counts[j * stride: j * stride + kernel] += 1
    margin = kernel  # drop the ends, where the first and last inputs are missing neighbours
    return counts[margin: margin + (n - 2) * stride] if n > 2 else counts
