"""Images in and out, the bundled photos and the train/test split of every image.

Every image that crosses a module boundary is a float32 RGB array H×W×3 in
[0, 1]. :func:`load_image` turns any file Pillow reads into that, or raises
:class:`ImageError` naming the file and the problem: it never returns a
half-decoded image. :func:`save_image` checks the array and writes atomically.

The course needs no download: :data:`BUNDLED` lists photos that installed
packages (scikit-image, matplotlib) already ship, with their licences; learners
who want the public CycleGAN datasets fetch them with :mod:`gvr_helpers.downloads`.
"""
from __future__ import annotations

import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

# Largest image load_image decodes (pixels). Pillow's own bomb limit is ~179 M;
# a course image never needs more than this. Change it at run time if you must.
MAX_PIXELS = 40_000_000
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm", ".pgm")


class ImageError(ValueError):
    """An image file that cannot be used; the message names the file and the problem."""


# ------------------------------------------------------------------ arrays
def as_image(array, name: str = "image") -> np.ndarray:
    """Check that ``array`` is an H×W×3 image in [0, 1] and return it as float32.

    A uint8 array is scaled by 1/255 and a 2-D (greyscale) one repeated to three
    channels; anything else that is not H×W×3, is empty, holds NaN/inf or
    leaves [0, 1] is an :class:`ImageError` (a ``ValueError``).
    """
    if array is None:
        raise ImageError(f"{name} is None; expected an H×W×3 array in [0, 1]")
    x = np.asarray(array)
    if x.dtype == np.uint8:
        x = x.astype(np.float32) / 255.0
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise ImageError(f"{name} must hold real numbers, got dtype {x.dtype}")
    if x.ndim == 2:
        x = np.repeat(x[..., None], 3, axis=-1)
    if x.ndim != 3 or x.shape[-1] != 3:
        raise ImageError(f"{name} must be H×W×3 (or H×W greyscale), got shape {x.shape}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ImageError(f"{name} is empty (shape {x.shape})")
    x = x.astype(np.float32, copy=False)
    if not np.all(np.isfinite(x)):
        raise ImageError(f"{name} contains NaN or inf")
    lo, hi = float(x.min()), float(x.max())
    if lo < -1e-6 or hi > 1 + 1e-6:
        raise ImageError(f"{name} must lie in [0, 1], got values from {lo:.4g} to {hi:.4g}")
    return np.clip(x, 0.0, 1.0)


def resize(x: np.ndarray, size) -> np.ndarray:
    """``size`` = (height, width), or n for n×n after a centred square crop (no distortion).

    Pillow's triangle filter on float channels: antialiased when shrinking
    (its support grows with the scale), no overshoot, 8× faster than skimage's resize.
    """
    from PIL import Image

    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        h, w = x.shape[:2]
        s = min(h, w)
        top, left = (h - s) // 2, (w - s) // 2
        x, size = x[top:top + s, left:left + s], (int(size), int(size))
    if (not isinstance(size, (tuple, list)) or len(size) != 2
            or not all(isinstance(v, (int, np.integer)) and v > 0 for v in size)):
        raise ValueError(f"size must be a positive int or (height, width), got {size!r}")
    if tuple(x.shape[:2]) == tuple(size):
        return x
    h, w = int(size[0]), int(size[1])
    channels = [Image.fromarray(np.ascontiguousarray(x[..., c], dtype=np.float32))
                .resize((w, h), Image.Resampling.BILINEAR) for c in range(x.shape[-1])]
    return np.clip(np.stack([np.asarray(c) for c in channels], axis=-1), 0.0, 1.0)


def bilinear(grid, rows, cols, wrap_rows: bool = False, wrap_cols: bool = False) -> np.ndarray:
    """``grid[rows, cols]`` at real-valued coordinates, interpolated bilinearly: the one sampler of
    the world's maps (a torus: both axes wrap), of panoramas (longitude wraps) and of cube faces.

    An axis that wraps reads modulo its size; one that does not is clamped to its last cell
    (a coordinate past it extrapolates from the last two rows or columns).
    """
    grid = np.asarray(grid)
    n, m = grid.shape[:2]

    def corners(v, size, wraps):
        low = np.floor(v)
        if wraps:
            i0 = low.astype(np.intp) % size
            return i0, (i0 + 1) % size, v - low
        i0 = np.clip(low.astype(np.intp), 0, size - 2)
        return i0, i0 + 1, v - i0

    r0, r1, fy = corners(rows, n, wrap_rows)
    c0, c1, fx = corners(cols, m, wrap_cols)
    if grid.ndim == 3:
        fx, fy = fx[..., None], fy[..., None]
    # Gathers from the flattened grid (np.take) are the same values as grid[r, c], read faster.
    flat = grid.reshape(n * m, *grid.shape[2:])
    r0, r1 = r0 * m, r1 * m
    top = np.take(flat, r0 + c0, axis=0) * (1 - fx) + np.take(flat, r0 + c1, axis=0) * fx
    bottom = np.take(flat, r1 + c0, axis=0) * (1 - fx) + np.take(flat, r1 + c1, axis=0) * fx
    return top * (1 - fy) + bottom * fy


# ------------------------------------------------------------------ files
_SUPPORTED_MODES = {"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr",
                    "I;16", "I;16L", "I;16B", "I;16N"}


def _pixels(im, label) -> np.ndarray:
    """Pillow image (any supported mode) -> float32 RGB in [0, 1]; alpha composited over white."""
    mode = im.mode
    if mode not in _SUPPORTED_MODES:
        raise ImageError(f"{label}: unsupported image mode {mode!r} (32-bit integer, float and exotic "
                         f"colour spaces have no defined white level); save it as 8- or 16-bit RGB or greyscale")
    if mode.startswith("I;16"):
        grey = np.asarray(im, dtype=np.uint16).astype(np.float32) / 65535.0
        return np.repeat(grey[..., None], 3, axis=-1)
    has_alpha = mode in ("LA", "La", "PA", "RGBA", "RGBa") or (mode == "P" and "transparency" in im.info)
    if has_alpha:
        rgba = np.asarray(im.convert("RGBA"), dtype=np.float32) / 255.0
        alpha = rgba[..., 3:]
        return rgba[..., :3] * alpha + (1.0 - alpha)  # over a white background
    return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0


def _declared_size(path: Path):
    """Width and height a PNG or GIF header declares (Pillow refuses 0×N files without saying why)."""
    import struct

    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", head[6:10])
    return None


def load_image(path, size=None, *, max_pixels: int | None = None) -> np.ndarray:
    """Read an image file as float32 RGB H×W×3 in [0, 1], or raise :class:`ImageError`.

    Handles greyscale, palette, 16-bit greyscale PNG (full 16-bit precision;
    Pillow decodes 16-bit *colour* PNG to 8 bits per channel),
    CMYK, and EXIF orientation (the image is turned upright). Transparent
    pixels (RGBA, LA, palette with transparency) are composited over **white**,
    the colour of a page, so a logo keeps its shape. ``size`` resizes to
    (height, width), or to n×n after a centred square crop when it is an int.
    Images with more than ``max_pixels`` (default :data:`MAX_PIXELS`) pixels are
    refused before they are decoded (a decompression bomb costs nothing).
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    label = f"image {str(path)!r}"
    limit = MAX_PIXELS if max_pixels is None else int(max_pixels)
    if not path.exists():
        raise ImageError(f"{label}: no such file")
    if path.is_dir():
        raise ImageError(f"{label}: is a directory, not an image file")
    if path.stat().st_size == 0:
        raise ImageError(f"{label}: the file is empty (0 bytes)")
    declared = _declared_size(path)
    if declared is not None and 0 in declared:
        raise ImageError(f"{label}: the image has zero size ({declared[0]}×{declared[1]})")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we enforce our own limit
            with Image.open(path) as im:
                width, height = im.size
                if width == 0 or height == 0:
                    raise ImageError(f"{label}: the image has zero size ({width}×{height})")
                if width * height > limit:
                    raise ImageError(f"{label}: {width}×{height} = {width * height:,} pixels is over the "
                                     f"limit of {limit:,} (data.MAX_PIXELS); refusing a possible "
                                     f"decompression bomb")
                im.verify()  # checksums and structure, without decoding
            with Image.open(path) as im:
                im.load()  # decodes everything: a truncated file fails here
                im = ImageOps.exif_transpose(im)
                x = _pixels(im, label)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(f"{label}: not an image file Pillow can read") from None
    except Image.DecompressionBombError as exc:  # Pillow's own, larger limit fired first
        raise ImageError(f"{label}: over the pixel limit of {limit:,} (data.MAX_PIXELS); refusing a "
                         f"possible decompression bomb ({exc})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ImageError(f"{label}: truncated or corrupt ({type(exc).__name__}: {exc})") from None
    return resize(x, size) if size is not None else x


def atomic_write(path, content) -> Path:
    """Write ``content`` to ``path`` through a temporary file, flushed to disk, then a rename: never a
    partial file. ``content`` is bytes, text (UTF-8) or a function that writes a given temporary path.

    The one way the course writes files (images, figures, manifests, pages, logs); the
    result is readable by everyone (0644), unlike mkstemp's private default.
    """
    if isinstance(content, (bytes, bytearray)):
        write = lambda tmp: Path(tmp).write_bytes(content)  # noqa: E731
    elif isinstance(content, str):
        write = lambda tmp: Path(tmp).write_text(content, encoding="utf-8")  # noqa: E731
    elif callable(content):
        write = content
    else:
        raise TypeError(f"content must be bytes, str or a function of a path, got {type(content).__name__}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name ends in the target's suffix: some writers (Keras' model.save) insist on it.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}")
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as written:  # on disk before the rename: a crash leaves the old file or the new
            os.fsync(written.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def encode_image(array, fmt: str = "png", **options) -> bytes:
    """An H×W×3 (or H×W) image in [0, 1] as 8-bit file bytes in Pillow's format ``fmt`` ("png",
    "jpeg", ...); ``options`` go to Pillow (e.g. ``quality=92, subsampling=0`` for 4:4:4 JPEG).

    The one image encoder: files (:func:`save_image`), viewer pages and training snapshots use it.
    """
    from PIL import Image

    x = as_image(array, name="image to encode")
    buf = io.BytesIO()
    try:
        Image.fromarray(np.round(x * 255).astype(np.uint8)).save(buf, format=fmt.upper(), **options)
    except KeyError:
        raise ValueError(f"unknown image format {fmt!r}; use 'png' or 'jpeg'") from None
    return buf.getvalue()


def save_image(array, path) -> Path:
    """Save an H×W×3 (or H×W) image in [0, 1] as 8-bit PNG/JPEG/…, atomically.

    Raises ``ValueError`` for a wrong shape, NaN, values outside [0, 1] or an
    unknown file extension; nothing is written then.
    """
    from PIL import Image

    path = Path(path)
    x = as_image(array, name=f"array for {str(path)!r}")
    fmt = Image.registered_extensions().get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot tell the image format of {str(path)!r} from its extension; use .png or .jpg")
    return atomic_write(path, encode_image(x, fmt))


def image_files(folder) -> list[Path]:
    """Image files in ``folder`` (by extension), sorted; ``ImageError`` if there are none."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImageError(f"folder {str(folder)!r}: no such directory")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not files:
        raise ImageError(f"folder {str(folder)!r}: no image files ({', '.join(IMAGE_SUFFIXES)})")
    return files


def load_folder(folder, size=None) -> list[np.ndarray]:
    """Every image in ``folder``; a bad file stops with its :class:`ImageError` (never skipped silently)."""
    return [load_image(p, size) for p in image_files(folder)]


# ------------------------------------------------------------------ bundled photos
@dataclass(frozen=True)
class Bundled:
    """A photo an installed package ships: how to load it, its licence, which notebooks use it
    (numbers of notebooks not yet written are the planned users)."""

    loader: Callable[[], np.ndarray]
    licence: str
    source: str
    used_by: tuple[str, ...]


def _skimage(name):
    def load():
        import skimage.data

        return getattr(skimage.data, name)()
    return load


def _matplotlib(filename):
    def load():
        import matplotlib.cbook

        return np.asarray(load_image(matplotlib.cbook.get_sample_data(filename, asfileobj=False)))
    return load


_NASA_PD = "public domain (NASA)"
BUNDLED = {
    "astronaut": Bundled(_skimage("astronaut"), _NASA_PD, "skimage.data: Eileen Collins, NASA", ("00", "05")),
    "chelsea": Bundled(_skimage("chelsea"), "CC0 (Stefan van der Walt)", "skimage.data", ("00", "05")),
    "coffee": Bundled(_skimage("coffee"), "CC0 (Rachel Michetti)", "skimage.data", ("00", "05")),
    "rocket": Bundled(_skimage("rocket"), "public domain (SpaceX)", "skimage.data: DSCOVR launch", ("00", "05")),
    "immunohistochemistry": Bundled(_skimage("immunohistochemistry"), "no known copyright restrictions (CMMI)",
                                    "skimage.data", ("00", "05")),
    "hubble_deep_field": Bundled(_skimage("hubble_deep_field"), _NASA_PD, "skimage.data", ("00", "05")),
    "retina": Bundled(_skimage("retina"), "CC0 (Mikael Häggström)", "skimage.data via Wikimedia", ("00", "05")),
    "grace_hopper": Bundled(_matplotlib("grace_hopper.jpg"), "public domain (US Navy)",
                            "matplotlib sample data", ("00", "05")),
    "brick": Bundled(_skimage("brick"), "CC0 (cc0textures.com)", "skimage.data texture", ("03",)),
    "grass": Bundled(_skimage("grass"), "CC0 (linolafett, DeviantArt)", "skimage.data texture", ("03",)),
    "gravel": Bundled(_skimage("gravel"), "CC0 (cc0textures.com)", "skimage.data texture", ("03",)),
    "camera": Bundled(_skimage("camera"), "CC0 (Lav Varshney)", "skimage.data", ("02",)),
}
# Content photos: colour, natural, big enough for 64×64 crops. Used by the benchmark and notebook 05.
CONTENT = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry", "hubble_deep_field",
           "retina", "grace_hopper")
STEREO_LICENCE = "Middlebury 2014 stereo dataset (Scharstein et al.), as shipped by scikit-image"
FACES_LICENCE = "Labeled Faces in the Wild (Huang et al.), 25×25 crops shipped by scikit-image"


def bundled_image(name: str, size=None) -> np.ndarray:
    """A bundled photo as float32 RGB in [0, 1] (greyscale repeated to three channels)."""
    if name not in BUNDLED:
        raise ValueError(f"unknown bundled image {name!r}; choose one of {sorted(BUNDLED)}")
    x = np.asarray(BUNDLED[name].loader())
    if x.dtype == np.uint8:
        x = x.astype(np.float32) / 255.0
    if x.ndim == 3 and x.shape[-1] == 4:
        x = x[..., :3] * x[..., 3:] + (1 - x[..., 3:])
    x = as_image(x, name=name)
    return resize(x, size) if size is not None else x


def content_images(size=None, names=CONTENT) -> list[np.ndarray]:
    """The content photos (``size`` as in :func:`load_image`)."""
    return [bundled_image(n, size) for n in names]


def bundled_stereo():
    """Middlebury 'motorcycle': (left, right, disparity of the left view in pixels; NaN = unknown).

    Left pixel x sees right pixel x - d (as in :mod:`gvr_helpers.metrics`);
    scikit-image marks unknown disparity with inf, replaced here by NaN.
    """
    import skimage.data

    left, right, disp = skimage.data.stereo_motorcycle()
    disp = np.where(np.isfinite(disp), disp, np.nan).astype(np.float32)
    return as_image(left), as_image(right), disp


def bundled_faces() -> np.ndarray:
    """The 100 LFW faces of ``skimage.data.lfw_subset`` (the other 100 are not faces), N×25×25×3."""
    import skimage.data

    faces = skimage.data.lfw_subset()[:100].astype(np.float32)
    faces = (faces - faces.min()) / (faces.max() - faces.min())
    return np.repeat(faces[..., None], 3, axis=-1)


# ------------------------------------------------------------------ train/test regions
def split_regions(image, test_fraction: float = 0.25):
    """Cut an image into a training part (top rows) and a test part (bottom rows) that share no pixel."""
    x = as_image(image)
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r}")
    cut = int(round(x.shape[0] * (1 - test_fraction)))
    return x[:cut], x[cut:]


def tiles(image, size: int, stride: int | None = None) -> np.ndarray:
    """Crops ``size``×``size`` on a regular grid (non-overlapping by default), N×size×size×3."""
    x = as_image(image)
    stride = stride or size
    h, w = x.shape[:2]
    out = [x[t:t + size, l:l + size] for t in range(0, h - size + 1, stride) for l in range(0, w - size + 1, stride)]
    return np.stack(out) if out else np.zeros((0, size, size, 3), np.float32)


def _as_image_list(source, size=None) -> list[np.ndarray]:
    if isinstance(source, (str, os.PathLike)):
        return load_folder(source, size)
    images = [as_image(x, name=f"image {i}") for i, x in enumerate(source)]
    if not images:
        raise ValueError("no images given")
    return [resize(x, size) for x in images] if size is not None else images


def held_out_tiles(source, crop: int, test_fraction: float = 0.25, size=None) -> np.ndarray:
    """The test split: non-overlapping crops from the bottom ``test_fraction`` of every image."""
    parts = [tiles(split_regions(x, test_fraction)[1], crop) for x in _as_image_list(source, size)]
    out = np.concatenate(parts)
    if not len(out):
        raise ValueError(f"no test crop of {crop}×{crop} fits; use smaller crops or a larger test_fraction")
    return out


def random_crops(rng: np.random.Generator, n: int, crop: int, *sources, align: int = 1,
                 per_image: bool = False) -> tuple[np.ndarray, ...]:
    """``n`` random crop×crop crops of the images in ``sources[0]``, cut at the same places from
    every parallel source (e.g. the photos and their styled versions, for pairs).

    Every allowed position (image, top, left) is equally likely, so a big image gives more
    crops than a small one (training data: every pixel counts once); ``per_image=True`` picks
    the image first, uniformly, so every example of a set has the same say however large it is
    (a critic of a style set). Top and left are multiples of ``align`` so a style on an
    origin-aligned grid keeps its grid. Left-right flips (half the crops) only when
    ``align == 1``: a flip moves the grid. The course's one crop sampler: unpaired data, the
    oracle's pairs and the style critic all draw with it.
    """
    pools = sources[0]
    if len(pools) == 0:
        raise ValueError("no images to crop")
    for i, p in enumerate(pools):
        if p.shape[0] < crop or p.shape[1] < crop:
            raise ImageError(f"image {i} of shape {tuple(p.shape)} is smaller than the crop {crop}")
    spans = np.array([[(p.shape[0] - crop) // align + 1, (p.shape[1] - crop) // align + 1] for p in pools])
    weights = np.ones(len(pools)) if per_image else spans.prod(axis=1).astype(np.float64)
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
