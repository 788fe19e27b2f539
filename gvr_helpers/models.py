"""Generators G(z; θ) or G(x; θ) and discriminators D(x; ψ), as Keras models.

``build_generator(kind=...)`` and ``build_discriminator(kind=...)`` pick an
architecture by name; an unknown name is an error that lists the known ones.
Image models take and return images in [0, 1] (the mapping to [-1, 1] and
back happens inside the model); noise and point models work on plain vectors.
Discriminators return *logits*.

Image translators are fully convolutional: they accept any height and width
that are multiples of their total stride (``total_stride(model)``).
Every convolution pads explicitly with :class:`Pad2D` and then runs a
``valid`` convolution, so one ``padding=`` option decides what the network
sees beyond the border: ``"zero"``, ``"reflect"`` or ``"circular"`` (wrap
around the width, reflect along the height: a 360° panorama's geometry).
With ``"circular"`` a translator commutes exactly with horizontal rolls by
multiples of its total stride.

Only native Keras 3 layers plus two small layers written here (``Pad2D`` and
``SizeCheck``), registered for safe-mode ``.keras`` loading.
"""
from __future__ import annotations

import math
import weakref
from dataclasses import asdict, dataclass
from typing import NamedTuple

import keras
from keras import layers, ops

PADDINGS = ("zero", "reflect", "circular")
NORMS = ("instance", "batch", "none")
UPSAMPLINGS = ("transpose", "resize")
_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}  # DCGAN / pix2pix / CycleGAN init


# ------------------------------------------------------------------ custom layers
def _pair(value, what: str) -> tuple[int, int]:
    if isinstance(value, int):
        value = (value, value)
    try:
        a, b = (int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be an int or a pair of ints, got {value!r}") from None
    if a < 0 or b < 0:
        raise ValueError(f"{what} must be non-negative, got {value!r}")
    return a, b


@keras.saving.register_keras_serializable(package="gvr")
class Pad2D(layers.Layer):
    """Pad the height and width of a B×H×W×C tensor.

    ``mode``: ``"zero"``; ``"reflect"`` (mirror without repeating the edge, as
    CycleGAN does); ``"circular"``: wrap around along the width (the left edge
    continues the right edge, as in a 360° panorama) and reflect along the
    height. Keras' ``ZeroPadding2D`` only pads with zeros and ``ops.pad`` has no
    wrap mode on TensorFlow, hence this layer.
    """

    def __init__(self, padding=((1, 1), (1, 1)), mode: str = "reflect", **kwargs):
        super().__init__(**kwargs)
        if mode not in PADDINGS:
            raise ValueError(f"unknown padding mode {mode!r}; choose one of: {', '.join(PADDINGS)}")
        if isinstance(padding, int):
            padding = ((padding, padding), (padding, padding))
        try:
            height, width = padding
        except (TypeError, ValueError):
            raise ValueError(f"padding must be an int or ((top, bottom), (left, right)), got {padding!r}") from None
        self.padding = (_pair(height, "height padding"), _pair(width, "width padding"))
        self.mode = mode

    def call(self, x):
        (top, bottom), (left, right) = self.padding
        if self.mode == "zero":
            return ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]])
        if self.mode == "reflect":
            return ops.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]], mode="reflect")
        x = ops.pad(x, [[0, 0], [top, bottom], [0, 0], [0, 0]], mode="reflect")
        parts = ([x[:, :, -left:, :]] if left else []) + [x] + ([x[:, :, :right, :]] if right else [])
        return ops.concatenate(parts, axis=2) if len(parts) > 1 else x

    def compute_output_shape(self, input_shape):
        (top, bottom), (left, right) = self.padding
        b, h, w, c = input_shape
        return (b, None if h is None else h + top + bottom, None if w is None else w + left + right, c)

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding], "mode": self.mode}


@keras.saving.register_keras_serializable(package="gvr")
class SizeCheck(layers.Layer):
    """Identity that raises a clear ``ValueError`` when the height or width is
    not a multiple of ``multiple`` (the network's total stride). Without it a
    wrong size fails deep inside the network, or silently returns another size.
    The check runs whenever the size is known (eagerly, or when a graph is traced
    for a fixed size); a graph traced for unknown sizes skips it."""

    def __init__(self, multiple: int = 1, **kwargs):
        super().__init__(**kwargs)
        if int(multiple) < 1:
            raise ValueError(f"multiple must be >= 1, got {multiple!r}")
        self.multiple = int(multiple)

    def call(self, x):
        h, w = x.shape[1], x.shape[2]
        bad = [(n, v) for n, v in (("height", h), ("width", w)) if v is not None and v % self.multiple]
        if bad:
            raise ValueError(
                f"image {h}×{w}: " + " and ".join(f"{n} {v}" for n, v in bad)
                + f" must be a multiple of the generator's total stride {self.multiple}; pad or crop the image first"
            )
        return x

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "multiple": self.multiple}


# ------------------------------------------------------------------ building blocks
def _check_choice(value, choices, what):
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; choose one of: {', '.join(choices)}")


def _positive(**values):
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


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
    _positive(filters=filters, n_down=n_down, channels=channels)
    if isinstance(n_blocks, bool) or not isinstance(n_blocks, int) or n_blocks < 0:
        raise ValueError(f"n_blocks must be a non-negative integer, got {n_blocks!r}")
    _check_choice(norm, NORMS, "normalisation")
    _check_choice(upsampling, UPSAMPLINGS, "upsampling")
    _check_choice(padding, PADDINGS, "padding")


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


def dcgan_generator(noise_dim: int = 64, image_size: int = 32, filters: int = 32, norm: str = "batch",
                    upsampling: str = "transpose", padding: str = "zero", channels: int = 3,
                    kernel_size: int = 4) -> keras.Model:
    """DCGAN's G(z; θ): noise -> Dense to a 4×4 feature map -> stride-2 upsamplings to image_size ->
    3×3 conv + tanh, returned in [0, 1]. Channels halve at each upsampling, ending at ``filters``."""
    _positive(noise_dim=noise_dim, image_size=image_size, filters=filters, channels=channels)
    n_up = math.log2(image_size / 4) if image_size >= 8 else -1
    if n_up < 1 or n_up != int(n_up):
        raise ValueError(f"image_size must be 4·2^k with k >= 1 (8, 16, 32, 64, ...), got {image_size}")
    _check_choice(norm, NORMS, "normalisation")
    _check_choice(upsampling, UPSAMPLINGS, "upsampling")
    _check_choice(padding, PADDINGS, "padding")
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
    _positive(filters=filters, kernel_size=kernel_size, channels=channels)
    if receptive_field is not None:
        options = {patchgan_receptive_field(n, kernel_size): n for n in range(0, 7)}
        if receptive_field not in options:
            raise ValueError(f"receptive_field {receptive_field} is not reachable with kernel_size {kernel_size}; "
                             f"choose one of {sorted(options)} (or change kernel_size)")
        n_layers = options[receptive_field]
    if isinstance(n_layers, bool) or not isinstance(n_layers, int) or n_layers < 0:
        raise ValueError(f"n_layers must be a non-negative integer, got {n_layers!r}")
    _check_choice(norm, NORMS, "normalisation")
    _check_choice(padding, PADDINGS, "padding")
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
    _positive(image_size=image_size, filters=filters, channels=channels, kernel_size=kernel_size)
    n_down = math.log2(image_size / 4) if image_size >= 8 else -1
    if n_down < 1 or n_down != int(n_down):
        raise ValueError(f"image_size must be 4·2^k with k >= 1 (8, 16, 32, 64, ...), got {image_size}")
    _check_choice(norm, NORMS, "normalisation")
    _check_choice(padding, PADDINGS, "padding")
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


def total_stride(model: keras.Model) -> int:
    """The factor image sizes must be a multiple of (1 for a model without a SizeCheck)."""
    return max([layer.multiple for layer in model.layers if isinstance(layer, SizeCheck)] or [1])


# ------------------------------------------------------------------ describe: size, cost, receptive field
@dataclass(frozen=True)
class ModelDescription:
    """What ``describe`` measured. ``macs`` counts the multiply-accumulates of the convolutions and dense
    layers for one image of ``input_shape`` (normalisations, activations and additions are a few percent
    and are left out); ``receptive_field`` is how many input pixels along one axis one output value can
    see (the whole input for a model that ends in Flatten/Dense; ``None`` when the input is not an image)."""

    name: str
    params: int
    trainable_params: int
    input_shape: tuple
    output_shape: tuple
    macs: int
    macs_per_output_pixel: float
    receptive_field: int | None
    total_stride: int

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        rf = "n/a" if self.receptive_field is None else f"{self.receptive_field} px"
        return (f"{self.name}: {self.params:,} parameters, {self.macs_per_output_pixel:,.0f} MACs per output "
                f"pixel ({self.macs / 1e9:.3g} GMACs for {self.input_shape} -> {self.output_shape}), "
                f"receptive field {rf}, total stride {self.total_stride}")


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _inner(layer):
    return layer.layer if isinstance(layer, layers.SpectralNormalization) else layer


def _layer_macs(layer, in_shape, out_shape) -> int:
    layer = _inner(layer)
    if isinstance(layer, layers.Conv2DTranspose):  # every input pixel scatters a k×k×out block
        kh, kw = layer.kernel_size
        return math.prod(in_shape[1:]) * kh * kw * layer.filters
    if isinstance(layer, (layers.Conv1D, layers.Conv2D, layers.Conv3D)):
        k = math.prod(layer.kernel_size)
        return math.prod(out_shape[1:]) * k * in_shape[-1] // getattr(layer, "groups", 1)
    if isinstance(layer, layers.Dense):
        return math.prod(in_shape[1:]) * layer.units
    return 0


def _propagate_rf(layer, states):
    """(rf, jump) per axis after ``layer``; ``states`` are its inputs' (rf, jump) pairs per axis.
    rf grows by (k_eff − 1)·jump at each conv/pool; jump multiplies by its stride."""
    rf = tuple(max(s[0][a] for s in states) for a in range(2))
    jump = tuple(max(s[1][a] for s in states) for a in range(2))
    inner = _inner(layer)
    if isinstance(inner, (layers.Flatten, layers.GlobalAveragePooling2D, layers.GlobalMaxPooling2D)) or (
            isinstance(inner, layers.Dense) and len(inner.input.shape) == 2):
        return (math.inf, math.inf), jump
    kernel = getattr(inner, "kernel_size", None) or getattr(inner, "pool_size", None)
    if kernel is not None and len(kernel) == 2:
        strides = inner.strides or kernel
        dilation = getattr(inner, "dilation_rate", (1, 1))
        k_eff = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        if isinstance(inner, layers.Conv2DTranspose):  # an output sees ceil(k/s) inputs, then the grid refines
            return (tuple(r + (math.ceil(k / s) - 1) * j for r, k, s, j in zip(rf, k_eff, strides, jump)),
                    tuple(j / s for j, s in zip(jump, strides)))
        return (tuple(r + (k - 1) * j for r, k, j in zip(rf, k_eff, jump)),
                tuple(j * s for j, s in zip(jump, strides)))
    if isinstance(inner, layers.UpSampling2D):
        return rf, tuple(j / s for j, s in zip(jump, inner.size))
    return rf, jump


class UnknownGeometry(ValueError):
    """The receptive field of a generator cannot be read from its layers (a Lambda, a custom layer, a callable)."""


class Geometry(NamedTuple):
    """What a seam-free method must know of an image translator (``vr.circular_pad`` pads by it)."""

    rf: int                 # receptive field, px (the larger of its height and width)
    stride: int             # total stride
    wraps: str | None       # None if every border the network sees wraps around the width, else why not

    @property
    def radius(self) -> int:
        return self.rf // 2 + 1


def _kernel_width(layer):
    kernel = getattr(layer, "kernel_size", None) or getattr(layer, "pool_size", None)
    if kernel is None:
        return 1
    dilation = getattr(layer, "dilation_rate", None) or (1,) * len(kernel)
    return dilation[-1] * (kernel[-1] - 1) + 1


def _walk(model, where: str):
    """(rf per axis, output jump per axis, largest jump, why it does not wrap or None) of ``model``'s
    graph, with the receptive-field arithmetic of :func:`gvr_helpers.models.describe`, plus the
    layers describe does not look into (nested models, layers that state a ``receptive_field_px``)."""
    L = layers
    pointwise = (L.Rescaling, L.Activation, L.ReLU, L.LeakyReLU, L.PReLU, L.ELU, L.Softmax, L.Add, L.Subtract,
                 L.Multiply, L.Average, L.Maximum, L.Minimum, L.Concatenate, L.Dropout, L.SpatialDropout2D,
                 L.GaussianNoise, L.GaussianDropout, L.Identity, L.BatchNormalization, L.GroupNormalization,
                 L.LayerNormalization, L.Dense, SizeCheck, Pad2D, L.ZeroPadding2D, L.Cropping2D)
    spatial = (L.Conv2D, L.DepthwiseConv2D, L.SeparableConv2D, L.Conv2DTranspose, L.MaxPooling2D,
               L.AveragePooling2D, L.UpSampling2D)
    whole = (L.Flatten, L.GlobalAveragePooling2D, L.GlobalMaxPooling2D)
    graph = getattr(model, "_functional", None) or model  # a built Sequential runs through a Functional
    by_depth = getattr(graph, "_nodes_by_depth", None)
    if by_depth is None or not graph.inputs:
        raise UnknownGeometry(f"{where} has no graph of layers to follow")
    start = ((1, 1), (1, 1))
    states = {id(t): start for t in graph.inputs}
    largest, wraps = 1.0, None
    # node by node, as Keras runs the graph: a layer called twice has two nodes
    nodes = [n for depth in sorted(by_depth, reverse=True) for n in by_depth[depth]
             if n.operation is not None and not n.is_input]
    for node in nodes:
        layer, ins, outs = node.operation, list(node.input_tensors), list(node.outputs)
        if any(id(t) not in states for t in ins):
            raise UnknownGeometry(f"{where}: cannot follow layer {layer.name!r} through the graph")
        found = [states[id(t)] for t in ins] or [start]
        rf = tuple(max(s[0][a] for s in found) for a in range(2))
        jump = tuple(max(s[1][a] for s in found) for a in range(2))
        inner = _inner(layer)
        if hasattr(inner, "receptive_field_px"):  # a layer that states its own reach (translators.InkOver)
            k = int(inner.receptive_field_px)
            state = (tuple(r + (k - 1) * j for r, j in zip(rf, jump)), jump)
            wraps = wraps or f"layer {layer.name!r} ({type(inner).__name__}) pads by reflection"
        elif isinstance(inner, keras.Model):
            n_rf, n_jump, n_largest, n_wraps = _walk(inner, f"{where} > {inner.name}")
            state = (tuple(r + (nr - 1) * j for r, nr, j in zip(rf, n_rf, jump)),
                     tuple(j * nj for j, nj in zip(jump, n_jump)))
            largest = max(largest, max(jump) * n_largest)
            wraps = wraps or n_wraps
        elif isinstance(inner, pointwise + spatial + whole):
            state = _propagate_rf(layer, found)
            if isinstance(inner, L.UpSampling2D) and inner.interpolation != "nearest":
                state = (tuple(r + j for r, j in zip(state[0], jump)), state[1])  # two coarse pixels per output
            if any(math.isinf(r) for r in state[0]):
                raise ValueError(f"{where}: layer {layer.name!r} ({type(inner).__name__}) makes every output depend "
                                 "on the whole image; a seam-free method needs a fully convolutional translator")
            if wraps is None:
                if isinstance(inner, Pad2D) and inner.mode != "circular" and any(inner.padding[1]):
                    wraps = f"layer {layer.name!r} pads with mode {inner.mode!r}"
                elif isinstance(inner, L.ZeroPadding2D) and any(inner.padding[1]):
                    wraps = f"layer {layer.name!r} pads with zeros"
                elif getattr(inner, "padding", None) in ("same", "causal") and _kernel_width(inner) > 1:
                    wraps = f"layer {layer.name!r} pads with zeros (padding={inner.padding!r})"
        else:
            raise UnknownGeometry(f"{where}: cannot tell the receptive field of layer {layer.name!r} "
                                   f"({type(inner).__name__})")
        largest = max(largest, *state[1])
        for t in outs:
            states[id(t)] = state
    if len(graph.outputs) != 1 or id(graph.outputs[0]) not in states:
        raise UnknownGeometry(f"{where}: cannot follow the graph to its output")
    out = states[id(graph.outputs[0])]
    return out[0], out[1], largest, wraps


def translator_geometry(generator) -> Geometry:
    """Receptive field, total stride and wrap-around of a Keras image translator (cached per model).
    Raises UnknownGeometry when they cannot be read, ValueError when it is no image translator."""
    try:
        cached = _GEOMETRY_CACHE.get(generator)
    except TypeError:
        cached = None
    if cached is not None:
        return cached
    if not isinstance(generator, keras.Model):
        raise UnknownGeometry(f"the generator is a {type(generator).__name__}, not a Keras model")
    name = f"generator {generator.name!r}"
    try:
        inputs, outputs = generator.inputs, generator.outputs
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs:
        raise UnknownGeometry(f"{name} has no input yet (build it on keras.Input((None, None, 3)))")
    if len(inputs) != 1 or len(outputs) != 1 or len(inputs[0].shape) != 4 or len(outputs[0].shape) != 4:
        shapes = ", ".join(str(tuple(t.shape)) for t in inputs)
        raise ValueError(f"{name} takes {shapes}: a seam-free method needs an image-to-image translator "
                         "(one B×H×W×C image in, one out), e.g. build_generator('resnet') or 'unet', "
                         "translators.residual_translator")
    rf, jump, largest, wraps = _walk(generator, name)
    if any(abs(j - 1) > 1e-9 for j in jump):
        raise ValueError(f"{name} changes the image size (output grid {jump[0]:g}× the input's): a seam-free "
                         "method needs an image-to-image translator that keeps the size")
    result = Geometry(int(math.ceil(max(rf))), max(int(round(largest)), total_stride(generator)), wraps)
    try:
        _GEOMETRY_CACHE[generator] = result
    except TypeError:
        pass
    return result


_GEOMETRY_CACHE = weakref.WeakKeyDictionary()


def describe(model: keras.Model, size: int | tuple[int, int] = 256) -> ModelDescription:
    """Parameters, multiply-accumulates per output pixel and receptive field of a functional model.

    A fully convolutional model is measured on a ``size``×``size`` input (its MACs per output pixel do
    not depend on the size); a model with a fixed input shape on that shape."""
    if not isinstance(model, keras.Model) or not hasattr(model, "inputs") or len(model.inputs) != 1:
        raise ValueError("describe needs a functional Keras model with one input "
                         f"(as build_generator/build_discriminator return), got {type(model).__name__}")
    h, w = _pair(size, "size")
    shape = tuple(dim if dim is not None else extent
                  for dim, extent in zip(model.input_shape[1:], (h, w) + model.input_shape[3:]))
    clone = keras.models.clone_model(model, input_tensors=keras.Input(batch_shape=(1, *shape)))
    is_image = len(shape) == 3
    states, macs = {}, 0
    for layer in clone.layers:
        outputs = _as_list(layer.output)
        if isinstance(layer, keras.layers.InputLayer):
            for t in outputs:
                states[id(t)] = ((1, 1), (1, 1))
            continue
        inputs = _as_list(layer.input)
        macs += _layer_macs(layer, tuple(inputs[0].shape), tuple(outputs[0].shape))
        found = [states[id(t)] for t in inputs if id(t) in states] or [((1, 1), (1, 1))]
        if hasattr(_inner(layer), "receptive_field_px"):  # a layer that states its own reach (translators.InkOver)
            (rf, jump), k = found[0], int(_inner(layer).receptive_field_px)
            state = (tuple(r + (k - 1) * j for r, j in zip(rf, jump)), jump)
        else:
            state = _propagate_rf(layer, found)
        for t in outputs:
            states[id(t)] = state
    out_shape = tuple(clone.outputs[0].shape)
    positions = math.prod(out_shape[1:3]) if len(out_shape) == 4 else 1
    rf = None
    if is_image:
        rf_h = states[id(clone.outputs[0])][0][0]
        rf = int(shape[0] if math.isinf(rf_h) else rf_h)
    return ModelDescription(
        name=model.name, params=int(model.count_params()),
        trainable_params=int(sum(math.prod(v.shape) for v in model.trainable_weights)),
        input_shape=shape, output_shape=out_shape[1:], macs=int(macs),
        macs_per_output_pixel=macs / positions, receptive_field=rf, total_stride=total_stride(model))


def largest_singular_values(model: keras.Model) -> dict[str, float]:
    """σ_max of each conv/dense kernel reshaped to a (k·k·C_in) × C_out matrix: the number spectral
    normalisation divides by (Miyato et al. 2018). Keyed by layer name, in layer order."""
    import numpy as np

    values = {}
    for layer in model.layers:
        inner = _inner(layer)
        if isinstance(inner, (layers.Conv2D, layers.Conv2DTranspose, layers.Dense)) and inner.built:
            kernel = keras.ops.convert_to_numpy(inner.kernel)
            values[layer.name] = float(np.linalg.norm(kernel.reshape(-1, kernel.shape[-1]), ord=2))
    return values


def upsampling_overlap(kernel: int = 3, stride: int = 2, upsampling: str = "transpose", n: int = 8):
    """How many kernel taps land on each output position (1-D, away from the borders).

    A transposed convolution scatters each input over ``kernel`` outputs spaced ``stride`` apart, so
    when ``kernel`` is not a multiple of ``stride`` some outputs receive more taps than their
    neighbours: the checkerboard of Odena et al. (2016). Resize + convolution gives every output
    ``kernel`` taps."""
    import numpy as np

    _check_choice(upsampling, UPSAMPLINGS, "upsampling")
    _positive(kernel=kernel, stride=stride, n=n)
    if upsampling == "resize":
        return np.full(n * stride, kernel, dtype=int)
    counts = np.zeros((n - 1) * stride + kernel, dtype=int)
    for j in range(n):
        counts[j * stride: j * stride + kernel] += 1
    margin = kernel  # drop the ends, where the first and last inputs are missing neighbours
    return counts[margin: margin + (n - 2) * stride] if n > 2 else counts
