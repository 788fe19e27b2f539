"""Step 1 of the pipeline: unpaired data from content images and a style set.

An unpaired translator learns from two piles of crops that share no pixel: domain A (crops
of the content images) and domain B (crops of the style set). It is chosen on validation
tiles and scored on test tiles, both cut from pixels no training crop ever saw.

* :func:`unpaired_data` — *bring your own style*: any folder or list of content images and
  any folder or list of style examples. No ground truth.
* :func:`course_style_data` — the course's measured setting: the bundled photos and an
  algorithmic style of :mod:`gvr_helpers.styles`, with the ground truth S(x) for scoring.

Both draw their crops with the course's one sampler, :func:`gvr_helpers.data.random_crops`. The
pools are numpy arrays in memory: on a 2-core CPU a per-step Python input pipeline costs as
much as a small generator's step.

Also here, the older builder of the course's measured setting and the pieces that feed training:

* :func:`style_data` → :class:`StyleData` — unpaired crops of an algorithmic style from the
  course's photos, with the oracle's pairs and test tiles with their ground truth (the shipped
  checkpoints, notebook 05's recipes and the benchmarks were measured on it).
* :func:`crop_stream` — an endless, resumable ``tf.data`` stream of batches from two pools.
* :func:`drop_flat_crops` — a pool without its single-colour crops (for instance-norm generators).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import checks, data, styles

if TYPE_CHECKING:
    import tensorflow as tf

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
    return data.resize(x, shape)


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


# ------------------------------------------------------------------ random streams
def _rngs(seed) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent streams for A and B: A's crops do not change when the style set does."""
    seed = checks.integer("seed", seed, 0)
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
    that are multiples of ``align`` (see :func:`gvr_helpers.data.random_crops`); the same
    ``seed`` gives the same data.
    """
    crop = checks.integer("crop", crop, 4, checks.integer("tile", tile, 4))
    n_crops, align = checks.integer("n_crops", n_crops, 1), checks.integer("align", align, 1)
    if size is not None:
        size = checks.integer("size", size, 1)
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
    (a,) = data.random_crops(rng_a, n_crops, crop, regions, align=align)
    (b,) = data.random_crops(rng_b, n_crops, crop, style_images, align=align)
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
    (:func:`gvr_helpers.data.held_out_tiles`) are the test tiles. Squares are styled whole, so
    ``a_styled`` (the oracle's pairs) has no border effects from styling a small crop.

    ``align``: pass 4 for ``pixel_art``, whose 4×4 blocks are aligned to the image origin
    (the benchmark does); this function never guesses it from the style's name.
    """
    styles.check_style(style)
    crop = checks.integer("crop", crop, 4, checks.integer("block", block, 4))
    n_crops, align, size = checks.integer("n_crops", n_crops, 1), checks.integer("align", align, 1), checks.integer("size", size, 1)
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
    a, a_styled = data.random_crops(rng_a, n_crops, crop, pool_a, styles.apply_style(style, pool_a), align=align)
    (b,) = data.random_crops(rng_b, n_crops, crop, styles.apply_style(style, pool_b), align=align)
    test_x = data.held_out_tiles(images, block, TEST_FRACTION).astype(np.float32)
    return UnpairedData(a=a, b=b, val_x=val_x, test_x=test_x,
                        val_y=np.asarray(styles.apply_style(style, val_x), np.float32),
                        test_y=np.asarray(styles.apply_style(style, test_x), np.float32),
                        a_styled=a_styled, name=style)


# ------------------------------------------------------------ the older builder (shipped checkpoints, benchmarks)
@dataclass(frozen=True)
class StyleData:
    """Crops for one style: unpaired pools A (photos) and B (styled *other* pixels), the pairs
    only the oracle may see, and held-out test tiles with their ground truth S(x)."""

    style: str
    a: np.ndarray          # N×c×c×3 crops of content photos (CycleGAN's domain A)
    b: np.ndarray          # N×c×c×3 crops of the style set, from regions disjoint from a's (domain B)
    a_styled: np.ndarray   # S(a): the pairs, for the paired oracle only
    test_x: np.ndarray     # test tiles from the bottom of every image, never trained on
    test_y: np.ndarray     # S(test_x), the ground truth


def style_data(style: str, crop: int = 64, size: int = 256, n_crops: int = 512, seed: int = 0,
                test_fraction: float = 0.25, block: int = 64) -> StyleData:
    """Build :class:`StyleData` from the course's content photos, resized to ``size``×``size``.

    Each photo's top ``1 - test_fraction`` is for training, cut into ``block``×``block``
    squares in a checkerboard: white squares feed domain A (photos), black squares are
    styled and feed domain B. So A and B never share a pixel (no pairs), yet both sample
    the same mix of content, and the only systematic difference between them is the style
    (with A = left halves and B = right halves, the photos' own colour differences swamp
    the style's). The bottom part is cut into ``block``×``block`` test tiles. ``n_crops`` random
    ``crop``×``crop`` crops (with left-right flips) are drawn inside the squares per domain.
    """
    styles.check_style(style)
    checks.integer("crop", crop, 8, block)
    images = data.content_images(size)
    rng_a, rng_b = _rngs(seed)
    align = 4 if style == "pixel_art" else 1
    squares_a, squares_b = [], []
    for x in images:
        squares = data.tiles(data.split_regions(x, test_fraction)[0], block)
        cols = size // block
        for k, sq in enumerate(squares):
            (squares_a if (k // cols + k % cols) % 2 == 0 else squares_b).append(sq)
    squares_a = np.stack(squares_a)
    styled_a = styles.apply_style(style, squares_a).astype(np.float32)
    styled_b = styles.apply_style(style, np.stack(squares_b)).astype(np.float32)

    a, a_styled = data.random_crops(rng_a, n_crops, crop, squares_a, styled_a, align=align)
    (b,) = data.random_crops(rng_b, n_crops, crop, styled_b, align=align)
    test_x = data.held_out_tiles(images, block, test_fraction)
    return StyleData(style, a, b, a_styled, test_x, styles.apply_style(style, test_x).astype(np.float32))


def drop_flat_crops(pool, min_std: float = 0.02) -> np.ndarray:
    """The crops of ``pool`` (N×H×W×3) that are not a single flat colour (some channel's standard
    deviation ≥ ``min_std``).

    Why: instance normalisation divides by an instance's own standard deviation (+ ε = 1e-5).
    On a flat crop, common in the woodblock style's B set (a whole 64×64 crop of one ink), that
    is ~0, and each normalisation layer multiplies the backward signal by up to 1/√ε ≈ 316: the
    peer recipe's gradients reached 1e28 and its weights NaN at its second step. The tutorial's
    photos are never flat; the peer trains without such crops, which carry no strokes anyway.
    """
    pool = np.asarray(pool, np.float32)
    if pool.ndim != 4 or pool.shape[-1] != 3:
        raise ValueError(f"pool must be N×H×W×3, got shape {pool.shape}")
    kept = pool[pool.std(axis=(1, 2)).max(axis=1) >= min_std]
    if len(kept) == 0:
        raise ValueError(f"every one of the {len(pool)} crops is flat (std < {min_std}); nothing to train on")
    return kept


# ------------------------------------------------------------ feeding training
def crop_stream(first, second, batch_size: int = 16, seed: int = 0, start_step: int = 0,
                paired: bool = False) -> tf.data.Dataset:
    """An endless stream of batches ``(x, y)`` drawn from two in-memory crop pools.

    Batch ``s`` is a pure function of ``(seed, s)`` (stateless random indices), so a run
    resumed at ``start_step`` sees the batches it would have seen. Unpaired: x and y use
    independent indices; ``paired=True``: the same ones (for the oracle).
    """
    import tensorflow as tf  # here, so that building the numpy pools does not start TensorFlow

    first, second = np.asarray(first, np.float32), np.asarray(second, np.float32)
    for name, arr in (("first", first), ("second", second)):
        if arr.ndim != 4 or arr.shape[-1] != 3 or len(arr) < 1:
            raise ValueError(f"{name} pool must be N×H×W×3 with N >= 1, got shape {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} pool contains NaN or inf")
    if paired and len(first) != len(second):
        raise ValueError(f"paired pools must have the same length, got {len(first)} and {len(second)}")
    x_table, y_table = tf.constant(first), tf.constant(second)
    seed_t = tf.constant(int(seed), tf.int64)

    def batch_at(step):
        i = tf.random.stateless_uniform([batch_size], tf.stack([seed_t, step]), maxval=len(first), dtype=tf.int64)
        j = i if paired else tf.random.stateless_uniform(
            [batch_size], tf.stack([seed_t + 7919, step]), maxval=len(second), dtype=tf.int64)
        return tf.gather(x_table, i), tf.gather(y_table, j)

    return tf.data.Dataset.counter(start=int(start_step)).map(batch_at).prefetch(2)
