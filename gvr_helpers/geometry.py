"""What a built model is: its size, cost, receptive field and stride.

``describe(model)`` counts parameters, multiply-accumulates per output pixel
and the receptive field of any functional Keras model; ``translator_geometry``
reads what a seam-free method must know of an image translator (receptive
field, total stride, whether every border wraps around), following the graph
node by node. The receptive-field arithmetic: at each convolution or pooling
the field grows by (k_eff − 1)·jump and the jump multiplies by the stride.
"""
from __future__ import annotations

import math
import weakref
from dataclasses import asdict, dataclass
from typing import NamedTuple

import keras
from keras import layers

from .layers import Pad2D, SizeCheck, int_pair


def total_stride(model: keras.Model) -> int:
    """The factor image sizes must be a multiple of (1 for a model without a SizeCheck)."""
    return max([layer.multiple for layer in model.layers if isinstance(layer, SizeCheck)] or [1])


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
    graph, with the receptive-field arithmetic of :func:`describe`, plus the
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
    h, w = int_pair(size, "size")
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
