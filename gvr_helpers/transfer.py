"""Step 3 of the pipeline: run a trained translator on new images of any size.

A translator (a Keras image-to-image model, [0, 1] in and out, fully
convolutional) is trained on small crops, but a VR skybox is 4096×2048 or
more. :func:`apply_generator` runs it tile by tile with overlapping,
feathered tiles, so memory stays bounded by the tile size whatever the image
size, and, for a network whose receptive field fits in a quarter of the
overlap, the result equals one whole-image pass. :func:`realism_score` is a
discriminator's verdict on a result (step 4, :mod:`gvr_helpers.fusion`, uses it too).
"""
from __future__ import annotations

import weakref

import numpy as np

from .checks import integer
from .data import ImageError, as_image as check_image

DEFAULT_TILE = 512
DEFAULT_OVERLAP = 32
DEFAULT_ALIGN = 8



def _one_image(image, name: str, caller: str) -> np.ndarray:
    """:func:`check_image`, but a batch N×H×W×3 gets an error that says what to do with it."""
    try:
        shape = np.shape(image)
    except ValueError:  # a ragged list: check_image says what is wrong with it
        shape = ()
    if len(shape) == 4:
        raise ImageError(f"{caller} takes one H×W×3 {name}, got a batch of shape {shape}: pass one image "
                         f"(e.g. images[0]) or call {caller} on each image in turn")
    return check_image(image, name)


def _run(generator, batch: np.ndarray) -> np.ndarray:
    """One forward pass; accepts a Keras model or any callable on B×H×W×3 arrays."""
    out = generator(batch, training=False) if hasattr(generator, "layers") else generator(batch)
    out = np.asarray(out, dtype=np.float32)
    if out.shape != batch.shape:
        raise ValueError(f"the generator must keep the image shape: {batch.shape} in, {out.shape} out "
                         "(is it fully convolutional with 'same' padding?)")
    return out


def _pad_to_multiple(image: np.ndarray, align: int) -> tuple[np.ndarray, int, int]:
    h, w = image.shape[:2]
    ph, pw = (-h) % align, (-w) % align
    if ph or pw:
        mode = "reflect" if h > ph and w > pw else "edge"
        image = np.pad(image, ((0, ph), (0, pw), (0, 0)), mode=mode)
    return image, h, w


def _starts(length: int, tile: int, step: int) -> list[int]:
    """Tile origins covering [0, length); the last tile is flush with the end."""
    if length <= tile:
        return [0]
    starts = list(range(0, length - tile, step)) + [length - tile]
    return sorted(set(starts))


def _ramp(n: int, overlap: int, at_start: bool, at_end: bool) -> np.ndarray:
    """Tile weights along one axis: 0 over the outer quarter of the overlap on inner
    sides (where the tile lacks context), then a linear ramp to 1; 1 at image borders."""
    x = np.arange(n, dtype=np.float32) + 0.5
    w = np.ones(n, dtype=np.float32)
    if overlap > 0:
        lo, width = overlap / 4.0, overlap / 2.0
        if not at_start:
            w = np.minimum(w, np.clip((x - lo) / width, 0.0, 1.0))
        if not at_end:
            w = np.minimum(w, np.clip((n - x - lo) / width, 0.0, 1.0))
    return np.maximum(w, 1e-6)


def _tile_shape(tile, H, W, align):
    """(tile height, tile width), each capped by the image; ``None`` = the whole extent."""
    pair = tile if isinstance(tile, (tuple, list)) else (tile, tile)
    if len(pair) != 2:
        raise ValueError(f"tile must be an int, a (height, width) pair or None, got {tile!r}")
    out = []
    for value, extent in zip(pair, (H, W)):
        if value is None:
            out.append(extent)
            continue
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < align or value % align:
            raise ValueError(f"tile must be a positive multiple of align={align}, got {tile!r}")
        out.append(min(int(value), extent))
    return tuple(out)


_OVERLAPS = weakref.WeakKeyDictionary()


def auto_overlap(generator, tile=DEFAULT_TILE, align: int = DEFAULT_ALIGN) -> int:
    """An overlap whose ignored outer quarter covers the generator's receptive-field radius
    (from geometry.describe), so tiling changes nothing; capped at half a tile. Falls back
    to DEFAULT_OVERLAP for models describe cannot read (e.g. plain callables)."""
    try:
        cached = _OVERLAPS.get(generator)
    except TypeError:
        cached = None
    if cached is None:
        try:
            from .geometry import describe

            radius = int(describe(generator, size=64).receptive_field) // 2 + 1
            cached = 4 * radius
        except Exception:  # not a functional Keras model: keep the default
            cached = DEFAULT_OVERLAP
        try:
            _OVERLAPS[generator] = cached
        except TypeError:
            pass
    overlap = -(-cached // align) * align
    sides = [t for t in (tile if isinstance(tile, (tuple, list)) else (tile,)) if t is not None]
    if sides:
        limit = min(sides) // 2
        overlap = min(overlap, limit - limit % align)
    return int(overlap)


def apply_generator(generator, image, tile: int | None = DEFAULT_TILE, overlap: int | None = None,
                    align: int = DEFAULT_ALIGN) -> np.ndarray:
    """Translate one image of any size with ``generator``.

    ``tile``: side of the square tiles, or (height, width) where ``None`` means the whole
    extent (``None`` alone = one pass over the whole image);
    ``overlap``: pixels shared by neighbouring tiles (their outer quarter is ignored,
    the middle half is cross-faded; ``None`` = :func:`auto_overlap`); ``align``: the generator's total stride (tile
    sizes and origins are multiples of it; the image is reflect-padded to a multiple
    and cropped back). Memory use is bounded by one tile, not by the image.
    """
    image = _one_image(image, "image", "apply_generator")
    if overlap is None and tile is not None:
        overlap = auto_overlap(generator, tile, align)
    overlap = 0 if overlap is None else overlap
    integer("align", align, 1)
    integer("overlap", overlap, 0)
    padded, h, w = _pad_to_multiple(image, align)
    H, W = padded.shape[:2]
    th, tw = _tile_shape(tile, H, W, align)
    if th >= H and tw >= W:
        return _run(generator, padded[None])[0, :h, :w]
    overlap = int(overlap) - int(overlap) % align
    if overlap >= min(th, tw):
        raise ValueError(f"overlap ({overlap}) must be smaller than the tile ({th}×{tw})")
    out = np.zeros((H, W, 3), dtype=np.float32)
    weight = np.zeros((H, W, 1), dtype=np.float32)
    for y0 in _starts(H, th, th - overlap):
        wy = _ramp(th, overlap, y0 == 0, y0 + th >= H)
        for x0 in _starts(W, tw, tw - overlap):
            wx = _ramp(tw, overlap, x0 == 0, x0 + tw >= W)
            styled = _run(generator, padded[None, y0:y0 + th, x0:x0 + tw])[0]
            wgt = (wy[:, None] * wx[None, :])[..., None]
            out[y0:y0 + th, x0:x0 + tw] += styled * wgt
            weight[y0:y0 + th, x0:x0 + tw] += wgt
    return np.clip(out / weight, 0.0, 1.0)[:h, :w]


def realism_score(discriminator, image) -> float:
    """The discriminator's verdict D(x) = sigmoid(logit), averaged over its patches:
    near 1 = 'looks like the style set', near 0 = 'looks translated'."""
    image = _one_image(image, "image", "realism_score")
    logits = np.asarray(discriminator(image[None], training=False), dtype=np.float64)
    return float(np.mean(1.0 / (1.0 + np.exp(-logits))))


def style_transfer(generator, *args, tile: int | None = DEFAULT_TILE, overlap: int | None = None,
                   align: int = DEFAULT_ALIGN, return_score: bool = False):
    """Apply a trained translator to one H×W×3 image of any size: ``style_transfer(generator, image)``.

    The seed article's form ``style_transfer(generator, discriminator, source_image, target_image)``
    also works. Its roles: the *source* image is an example of the style (the seed's
    "source" set supplies the style), the *target* image is the content that receives
    it, so the result is ``generator(target_image)``. The generator has already learnt
    the style in training; the discriminator and the source image are only used when
    ``return_score=True``, which returns ``(result, {"result": D(result), "source": D(source)})``
    so you can see how convincing the result is next to a real style image.
    ``discriminator`` may be ``None``.
    """
    if len(args) == 1:
        discriminator, source_image, target_image = None, None, args[0]
    elif len(args) == 3:
        discriminator, source_image, target_image = args
    else:
        raise TypeError("use style_transfer(generator, image) or "
                        "style_transfer(generator, discriminator, source_image, target_image); "
                        f"got {1 + len(args)} positional arguments")
    result = apply_generator(generator, _one_image(target_image, "target_image", "style_transfer"), tile=tile,
                             overlap=overlap, align=align)
    if not return_score:
        return result
    if discriminator is None:
        raise ValueError("return_score=True needs a discriminator")
    scores = {"result": realism_score(discriminator, result)}
    if source_image is not None:
        scores["source"] = realism_score(discriminator, _one_image(source_image, "source_image", "style_transfer"))
    return result, scores


# ------------------------------------------------------------ 05 unpaired: inverse transfer
def inverse_transfer(generator, inverse, image, tile: int | None = DEFAULT_TILE, overlap: int = DEFAULT_OVERLAP,
                     align: int = DEFAULT_ALIGN) -> dict:
    """Style an image with G, map it back with CycleGAN's second generator F, and measure what returns.

    Style transfer never changes the original file; the question is whether the *stylized* image
    still holds enough to recover it. Returns ``stylized`` = G(x), ``reconstructed`` = F(G(x)),
    ``reconstruction_psnr`` (dB, F(G(x)) vs x; higher = more recoverable) and ``stylized_psnr``
    (G(x) vs x, how far the style moved it). What a style throws away (fine texture under flat
    colours, detail under outlines) cannot come back: look at ``abs(reconstructed - image)``.
    """
    from .metrics import psnr

    image = _one_image(image, "image", "inverse_transfer")
    stylized = apply_generator(generator, image, tile=tile, overlap=overlap, align=align)
    reconstructed = apply_generator(inverse, stylized, tile=tile, overlap=overlap, align=align)
    return {"stylized": stylized, "reconstructed": reconstructed,
            "reconstruction_psnr": psnr(reconstructed, image), "stylized_psnr": psnr(stylized, image)}
