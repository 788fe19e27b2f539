"""The two small layers the course's networks use besides native Keras 3 layers.

:class:`Pad2D` pads explicitly before every ``valid`` convolution, so one
``padding=`` option decides what a network sees beyond the border: ``"zero"``,
``"reflect"`` or ``"circular"`` (wrap around the width, reflect along the
height: a 360° panorama's geometry). :class:`SizeCheck` gives a clear error
when an image's size is not a multiple of a translator's total stride.

Both are registered as ``gvr>Pad2D`` and ``gvr>SizeCheck`` for safe-mode
``.keras`` loading; the shipped checkpoints store those names.
"""
from __future__ import annotations

import keras
from keras import layers, ops

PADDINGS = ("zero", "reflect", "circular")


def int_pair(value, what: str) -> tuple[int, int]:
    """``value`` as two non-negative ints (an int means the same twice); a clear error otherwise."""
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
        self.padding = (int_pair(height, "height padding"), int_pair(width, "width padding"))
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
