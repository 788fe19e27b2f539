"""Step 1 of the pipeline: unpaired data from content images and a style set.

An unpaired translator learns from two piles of crops that share no pixel: domain A (crops
of the content images) and domain B (crops of the style set). It is chosen on validation
tiles and scored on test tiles, both cut from pixels no training crop ever saw.

* :func:`unpaired_data` — *bring your own style*: any folder or list of content images and
  any folder or list of style examples. No ground truth.
* :func:`course_style_data` — the course's measured setting: the bundled photos and an
  algorithmic style of :mod:`gvr_helpers.styles`, with the ground truth S(x) for scoring.

Both draw their crops with one sampler, :func:`_crops`. The pools are numpy arrays in memory:
on a 2-core CPU a per-step Python input pipeline costs as much as a small generator's step.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np

from . import data, styles

TEST_FRACTION = 0.25  # the bottom quarter of every content image is held out
MAX_UPSCALE = 4.0     # an image enlarged more than this has no detail left at the crop's scale


@dataclass(frozen=True)
class UnpairedData:
    """Unpaired training pools, validation tiles and test tiles (float32, values in [0, 1]).

    ``a`` and ``b`` never share a pixel with each other's source regions, with ``val_x`` or
    with ``test_x``. ``val_y``, ``test_y`` and ``a_styled`` are the ground truth S(x) and
    exist only for an algorithmic style (None otherwise). ``a_styled`` holds the *pairs*
    (a, S(a)): for the paired oracle only — an unpaired method must never see them.
    Choose hyperparameters on validation; report on test.
    """

    a: np.ndarray                   # N×c×c×3 crops of the content images (domain A)
    b: np.ndarray                   # N×c×c×3 crops of the style set (domain B)
    val_x: np.ndarray               # validation tiles of content images
    test_x: np.ndarray              # test tiles of content images
    val_y: np.ndarray | None = None   # S(val_x)
    test_y: np.ndarray | None = None  # S(test_x)
    a_styled: np.ndarray | None = None  # S(a), same crops: the paired oracle only
    name: str = "style set"


# ------------------------------------------------------------------ checks
def _int(name: str, value, lo: int, hi: int | None = None) -> int:
    """``value`` as an int in [lo, hi], or a ValueError that says what was expected."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not ok or value < lo or (hi is not None and value > hi):
        want = f"an int between {lo} and {hi}" if hi is not None else f"an int >= {lo}"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return int(value)


def _shorter_side(x: np.ndarray, size: int | None, label: str) -> np.ndarray:
    """Resize so the shorter side is ``size``, keeping the aspect ratio (None: keep as is)."""
    if size is None:
        return x
    h, w = x.shape[:2]
    scale = size / min(h, w)
    if scale > MAX_UPSCALE:
        raise ValueError(f"{label} is {h}×{w}: too small to carry a style at size {size} (it would be enlarged "
                         f"{scale:.0f}×, inventing the detail a style is made of); use images whose shorter "
                         f"side is at least {math.ceil(size / MAX_UPSCALE)} px, or a smaller size")
    shape = (max(1, round(h * scale)), max(1, round(w * scale)))
    if shape[0] * shape[1] > data.MAX_PIXELS:
        raise ValueError(f"{label}: {h}×{w} resized to shorter side {size} is {shape[0]}×{shape[1]}, "
                         f"over data.MAX_PIXELS = {data.MAX_PIXELS:,} pixels (aspect ratio too extreme)")
    return data._resize(x, shape)


def _collection(source, role: str, size: int | None) -> list[tuple[str, np.ndarray]]:
    """(label, image) for every image of a folder or a list; errors name the role and the image."""
    if isinstance(source, (str, os.PathLike)):
        try:
            files = data.image_files(source)
            found = [(f"{role} image {str(p)!r}", data.load_image(p)) for p in files]
        except data.ImageError as exc:  # names the folder or the file already
            raise data.ImageError(f"{role}: {exc}") from None
    else:
        if isinstance(source, np.ndarray) and source.ndim != 4:
            raise ValueError(f"{role}: an array must be N×H×W×3 (a batch of images), got shape {source.shape}; "
                             f"pass one image as a list [image]")
        try:
            items = list(source)
        except TypeError:
            raise ValueError(f"{role} must be a folder path or a list of H×W×3 images, "
                             f"got {type(source).__name__}") from None
        found = [(f"{role} image {i}", data.as_image(x, name=f"{role} image {i}")) for i, x in enumerate(items)]
    if not found:
        raise ValueError(f"{role}: no images given")
    return [(label, _shorter_side(x, size, label)) for label, x in found]


def _too_small(label: str, x: np.ndarray, region: np.ndarray, crop: int, part: str = "") -> None:
    if region.shape[0] < crop or region.shape[1] < crop:
        part = f", so its {part} is {region.shape[0]}×{region.shape[1]}" if part else ""
        raise ValueError(f"{label} is {x.shape[0]}×{x.shape[1]} (after resizing){part}: smaller than "
                         f"the crop {crop}×{crop}; use a smaller crop or a larger size")


# ------------------------------------------------------------------ the one crop sampler
def _crops(rng: np.random.Generator, n: int, crop: int, align: int, *sources) -> tuple[np.ndarray, ...]:
    """``n`` random crop×crop crops of the images in ``sources[0]``, cut at the same places from
    every parallel source (e.g. the photos and their styled versions, for pairs).

    Every allowed position (image, top, left) is equally likely, so a big image gives more
    crops than a small one; top and left are multiples of ``align`` so a style on an
    origin-aligned grid keeps its grid. Left-right flips (half the crops) only when
    ``align == 1``: a flip moves the grid.
    """
    pools = sources[0]
    spans = np.array([[(p.shape[0] - crop) // align + 1, (p.shape[1] - crop) // align + 1] for p in pools])
    weights = spans.prod(axis=1).astype(np.float64)
    idx = rng.choice(len(pools), size=n, p=weights / weights.sum())
    top = rng.integers(spans[idx, 0]) * align
    left = rng.integers(spans[idx, 1]) * align
    flip = rng.random(n) < 0.5 if align == 1 else np.zeros(n, bool)

    def cut(source):
        out = np.empty((n, crop, crop, 3), np.float32)
        for k, (i, t, l, f) in enumerate(zip(idx, top, left, flip)):
            c = source[i][t:t + crop, l:l + crop]
            out[k] = c[:, ::-1] if f else c
        return out

    return tuple(cut(s) for s in sources)


def _rngs(seed) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent streams for A and B: A's crops do not change when the style set does."""
    seed = _int("seed", seed, 0)
    return np.random.default_rng([seed, 0]), np.random.default_rng([seed, 1])


# ------------------------------------------------------------------ bring your own style
def unpaired_data(content, style_set, crop: int = 16, n_crops: int = 2048, size: int | None = 256,
                  seed: int = 0, tile: int = 64, align: int = 1, name: str = "style set") -> UnpairedData:
    """Unpaired data from any two image collections (a folder path, or a list of H×W×3 images).

    Every image is resized so its shorter side is ``size`` (aspect kept; ``size=None`` keeps
    the images as they are, e.g. pixel art whose grid a resize would blur). Content images:
    the top 3/4 of each feeds the ``a`` crops; the bottom quarter is cut into ``tile``×``tile``
    tiles, numbered image by image, row by row, and dealt alternately to validation (even
    numbers) and test (odd), so the three never share a pixel. Style-set images need no
    held-out part: all of each feeds the ``b`` crops. ``n_crops`` crops per domain, at offsets
    that are multiples of ``align`` (see :func:`_crops`); the same ``seed`` gives the same data.
    """
    crop = _int("crop", crop, 4, _int("tile", tile, 4))
    n_crops, align = _int("n_crops", n_crops, 1), _int("align", align, 1)
    if size is not None:
        size = _int("size", size, 1)
    rng_a, rng_b = _rngs(seed)
    regions, held_out = [], []
    for label, x in _collection(content, "content", size):
        top, bottom = data.split_regions(x, TEST_FRACTION)
        _too_small(label, x, top, crop, "training part (top 3/4)")
        regions.append(top)
        held_out.append(data.tiles(bottom, tile))
    held_out = np.concatenate(held_out)
    if len(held_out) < 2:
        raise ValueError(f"content: {len(held_out)} tile(s) of {tile}×{tile} fit in the bottom quarters of the "
                         f"images; validation and test need at least one each — use a smaller tile, a larger "
                         f"size or more images")
    style_images = []
    for label, x in _collection(style_set, "style set", size):
        _too_small(label, x, x, crop)
        style_images.append(x)
    (a,) = _crops(rng_a, n_crops, crop, align, regions)
    (b,) = _crops(rng_b, n_crops, crop, align, style_images)
    return UnpairedData(a=a, b=b, val_x=held_out[0::2].astype(np.float32),
                        test_x=held_out[1::2].astype(np.float32), name=str(name))


# ------------------------------------------------------------------ the course's measured setting
def course_style_data(style: str, crop: int = 16, n_crops: int = 2048, size: int = 256, seed: int = 0,
                      block: int = 64, align: int = 1) -> UnpairedData:
    """Unpaired data for an algorithmic style, with its ground truth, from the course's photos.

    Each photo (``size``×``size``, :func:`gvr_helpers.data.content_images`) has its top 3/4 cut
    into ``block``×``block`` squares in a three-way checkerboard ``(row + col) % 3``: 0 feeds
    domain A (photos), 1 is styled and feeds domain B, 2 gives the validation tiles. So A, B
    and validation share no pixel, yet all three sample the same mix of content, and the only
    systematic difference between A and B is the style. The bottom quarter's squares
    (:func:`gvr_helpers.data.test_tiles`) are the test tiles. Squares are styled whole, so
    ``a_styled`` (the oracle's pairs) has no border effects from styling a small crop.

    ``align``: pass 4 for ``pixel_art``, whose 4×4 blocks are aligned to the image origin
    (the benchmark does); this function never guesses it from the style's name.
    """
    if style not in styles.STYLES:
        raise ValueError(f"unknown style {style!r}; choose one of {sorted(styles.STYLES)}")
    crop = _int("crop", crop, 4, _int("block", block, 4))
    n_crops, align, size = _int("n_crops", n_crops, 1), _int("align", align, 1), _int("size", size, 1)
    rng_a, rng_b = _rngs(seed)
    squares = ([], [], [])
    images = data.content_images(size)
    for x in images:
        top = data.split_regions(x, TEST_FRACTION)[0]
        cols = top.shape[1] // block
        for k, square in enumerate(data.tiles(top, block)):
            squares[(k // cols + k % cols) % 3].append(square)
    if not all(squares):
        raise ValueError(f"size {size} leaves too few {block}×{block} squares in the top 3/4 of a photo for "
                         f"domain A, domain B and validation; use a larger size or a smaller block")
    pool_a, pool_b, val_x = (np.stack(s).astype(np.float32) for s in squares)
    a, a_styled = _crops(rng_a, n_crops, crop, align, pool_a, styles.apply_style(style, pool_a))
    (b,) = _crops(rng_b, n_crops, crop, align, styles.apply_style(style, pool_b))
    test_x = data.test_tiles(images, block, TEST_FRACTION).astype(np.float32)
    return UnpairedData(a=a, b=b, val_x=val_x, test_x=test_x,
                        val_y=np.asarray(styles.apply_style(style, val_x), np.float32),
                        test_y=np.asarray(styles.apply_style(style, test_x), np.float32),
                        a_styled=a_styled, name=style)
