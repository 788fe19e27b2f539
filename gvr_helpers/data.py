"""Images in and out, the bundled photos, the training pipeline and the optional download.

Every image that crosses a module boundary is a float32 RGB array H×W×3 in
[0, 1]. :func:`load_image` turns any file Pillow reads into that, or raises
:class:`ImageError` naming the file and the problem: it never returns a
half-decoded image. :func:`save_image` checks the array and writes atomically.

The course needs no download: :data:`BUNDLED` lists photos that installed
packages (scikit-image, matplotlib) already ship, with their licences.
:func:`download_dataset` fetches the public CycleGAN datasets for learners who
want them, checking a pinned SHA-256 and every archive member.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable

import numpy as np

from . import config

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
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


def elevation_model(name: str = "jacksboro") -> np.ndarray:
    """A real terrain height map from matplotlib's sample data, metres as float32 (H×W).

    ``jacksboro`` (USGS, public domain) or ``topobathy`` (land and sea floor).
    """
    import matplotlib.cbook

    files = {"jacksboro": ("jacksboro_fault_dem.npz", "elevation"), "topobathy": ("topobathy.npz", "topo")}
    if name not in files:
        raise ValueError(f"unknown elevation model {name!r}; choose one of {sorted(files)}")
    filename, key = files[name]
    with np.load(matplotlib.cbook.get_sample_data(filename, asfileobj=False), allow_pickle=False) as z:
        return z[key].astype(np.float32)


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


def training_dataset(source, crop: int = 64, batch_size: int = 16, *, test_fraction: float = 0.25,
                     size=None, seed: int = 0, flip: bool = True, align: int = 1, shuffle: int = 64,
                     repeat: bool = True, cache: bool = True):
    """An endless tf.data stream of random crops from the training regions, batched.

    ``source`` is a folder or a sequence of images. Only the top
    ``1 - test_fraction`` of each image is used (see :func:`split_regions`), so
    no training crop overlaps :func:`held_out_tiles`. Crops are ``crop``×``crop`` at
    offsets that are multiples of ``align`` (keep styles with a pixel grid
    aligned), flipped left-right at random, shuffled, batched (last partial
    batch dropped), cached after decoding and prefetched. Deterministic for a
    given ``seed``. Pass ``steps_per_epoch`` to ``fit`` since it repeats
    (``repeat=False`` gives one crop per image, then stops).
    """
    import tensorflow as tf

    if not isinstance(crop, (int, np.integer)) or crop < 1 or batch_size < 1 or align < 1:
        raise ValueError(f"crop, batch_size and align must be positive integers, got {crop}, {batch_size}, {align}")
    regions = [split_regions(x, test_fraction)[0] for x in _as_image_list(source, size)]
    for i, r in enumerate(regions):
        if r.shape[0] < crop or r.shape[1] < crop:
            raise ValueError(f"image {i}: its training region {r.shape[:2]} is smaller than the crop {crop}")
    # Images of different sizes: one ragged tensor of pixels plus each image's shape (no Python
    # generator, so the pipeline also runs under tf.distribute).
    pixels = tf.RaggedTensor.from_row_lengths(np.concatenate([r.reshape(-1, 3) for r in regions]),
                                              [r.shape[0] * r.shape[1] for r in regions])
    shapes = np.array([r.shape for r in regions], dtype=np.int64)
    ds = tf.data.Dataset.from_tensor_slices((pixels, shapes)).map(lambda p, shape: tf.reshape(p, shape))
    if cache:
        ds = ds.cache()
    if repeat:
        ds = ds.repeat()
    ds = tf.data.Dataset.zip(ds, tf.data.Dataset.counter())

    def random_crop(image, index):
        key = tf.stack([tf.constant(seed, tf.int64), index])
        shape = tf.shape(image, out_type=tf.int64)
        span = tf.stack([(shape[0] - crop) // align + 1, (shape[1] - crop) // align + 1])
        u = tf.random.stateless_uniform([3], seed=key, dtype=tf.float32)
        top = tf.cast(tf.cast(span[0], tf.float32) * u[0], tf.int64) * align
        left = tf.cast(tf.cast(span[1], tf.float32) * u[1], tf.int64) * align
        out = image[top:top + crop, left:left + crop]
        if flip:
            out = tf.cond(u[2] < 0.5, lambda: out[:, ::-1], lambda: out)
        return tf.ensure_shape(out, (crop, crop, 3))

    ds = ds.map(random_crop, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    if shuffle:
        ds = ds.shuffle(shuffle, seed=seed)
    return ds.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


def unpaired_dataset(domain_a, domain_b, crop: int = 64, batch_size: int = 16, **options):
    """Batches ``(a, b)`` of random crops drawn independently from two image sets (never pairs)."""
    import tensorflow as tf

    seed = options.pop("seed", 0)
    a = training_dataset(domain_a, crop, batch_size, seed=seed, **options)
    b = training_dataset(domain_b, crop, batch_size, seed=seed + 1, **options)
    return tf.data.Dataset.zip(a, b)


# ------------------------------------------------------------------ optional download
class DownloadError(RuntimeError):
    """A dataset could not be downloaded or verified; the message says what to do."""


class ArchiveError(ValueError):
    """A zip archive holds a member that is unsafe to extract."""


@dataclass(frozen=True)
class RemoteDataset:
    url: str
    sha256: str
    size: int  # bytes


_CYCLEGAN = "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/"
# Pinned from TensorFlow Datasets' checksums for the CycleGAN datasets
# (tensorflow/datasets: tensorflow_datasets/url_checksums/cycle_gan.txt).
# The files moved from people.eecs.berkeley.edu/~taesung_park/CycleGAN/datasets/ to this host.
_PINS = {
    "apple2orange": (78456409, "845a191e9af8926408ea597001cd03a452e3300a1f44a79fe329b3d59f6e3eb8"),
    "cezanne2photo": (279885071, "3a6c10ca21f9485862f1cbd707744b9dc258954a04631271d23a3605eeb63cff"),
    "facades": (35135868, "9a31ebf3a31b9b5cd195dd5bf62e9308e00cb94604d1019e3889ac84248695c0"),
    "horse2zebra": (116867962, "a74d9d392eecca9966b51287a76ca126af473d9de4f3e8fc0e9cda08fa1730a1"),
    "monet2photo": (305231073, "88f91b00fc228f97c9411fbf1880ec1d119c98f1722e4cfcfaa2fb35fac05b04"),
    "summer2winter_yosemite": (132640856, "167fe1726807a9d22bd106b4a6c0bd7953b688af924ac1bf967439c4961e49f9"),
    "ukiyoe2photo": (292946532, "02a2a2fb5ecf425ca1bf86aca7304377da64a2a1d3b86df54eb65e4068bf3b08"),
    "vangogh2photo": (306590349, "362c3473e70be0944bda08d49d660eafdc2854df55d697835b8186d1d79caaff"),
}
DATASETS: dict[str, RemoteDataset] = {
    name: RemoteDataset(f"{_CYCLEGAN}{name}.zip", sha, size) for name, (size, sha) in _PINS.items()
}
MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 50_000_000
MAX_TOTAL_BYTES = 2_000_000_000
OFFLINE_HINT = ("The course does not need it: every notebook runs on the bundled photos "
                "(data.BUNDLED) and the procedural worlds (gvr_helpers.world).")


def sha256_file(path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url: str, part: Path, expected_size: int, timeout: float) -> None:
    """Download ``url`` into ``part``, resuming from its current length with an HTTP Range request."""
    have = part.stat().st_size if part.exists() else 0
    if have > expected_size:
        part.unlink()
        have = 0
    if have == expected_size:
        return
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        mode = "ab" if have and response.status == 206 else "wb"
        if mode == "wb":
            have = 0
        with open(part, mode) as out:
            while block := response.read(1 << 16):
                out.write(block)
                have += len(block)
    if have != expected_size:
        raise DownloadError(f"download of {url} stopped at {have:,} of {expected_size:,} bytes; "
                            f"run download_dataset again to resume where it stopped")


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if ".." in parts:
        return "climbs out of the folder with '..'"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"is {info.file_size:,} bytes, over the limit of {MAX_MEMBER_BYTES:,}"
    return None


def safe_extract(archive: Path, dest: Path) -> Path:
    """Extract a zip into ``dest`` after checking every member; all or nothing.

    Refuses absolute paths, ``..``, symbolic links, too many members and too
    many bytes (a zip bomb) with :class:`ArchiveError`.
    """
    dest = Path(dest)
    with zipfile.ZipFile(archive) as z:
        members = z.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveError(f"{archive.name}: {len(members):,} members, over the limit of {MAX_MEMBERS:,}")
        total = sum(m.file_size for m in members)
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(f"{archive.name}: {total:,} bytes uncompressed, over the limit of {MAX_TOTAL_BYTES:,}")
        for m in members:
            problem = _member_problem(m)
            if problem:
                raise ArchiveError(f"{archive.name}: member {m.filename!r} {problem}; nothing was extracted")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
        try:
            z.extractall(tmp)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp, dest)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    return dest


def download_dataset(name: str, *, datasets: dict | None = None, cache: Path | None = None,
                     timeout: float = 30.0) -> Path:
    """Download and unpack a public CycleGAN dataset into the cache; return its folder.

    Optional: the course runs without it. The zip is fetched into
    ``<cache>/downloads/<name>.zip.part`` (a stopped download resumes), its
    SHA-256 checked against the pinned value, and only then extracted safely
    to ``<cache>/datasets/<name>``. Raises :class:`DownloadError` when offline
    or when the checksum differs (the bad file is deleted).
    """
    table = DATASETS if datasets is None else datasets
    if name not in table:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(table)}")
    info = table[name]
    root = Path(cache) if cache is not None else config.cache_dir()
    target = root / "datasets" / name
    if (target / ".complete").exists():
        return target
    downloads = root / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    part = downloads / f"{name}.zip.part"
    try:
        _fetch(info.url, part, info.size, timeout)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"the server refused {info.url}: HTTP {exc.code}. {OFFLINE_HINT}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"could not download {info.url} ({reason}); are you offline? "
                            f"{OFFLINE_HINT} Run it again later to resume.") from None
    got = sha256_file(part)
    if got != info.sha256:
        part.unlink()
        raise DownloadError(f"{name}: SHA-256 {got} does not match the pinned {info.sha256}; "
                            f"the file was deleted. {OFFLINE_HINT}")
    safe_extract(part, target)
    (target / ".complete").write_text(info.sha256 + "\n")
    part.unlink()
    return target
