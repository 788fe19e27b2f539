"""gvr_helpers.data: every bad input gets a clear ImageError; good inputs become float32 RGB in [0, 1]."""
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from gvr_helpers import data
from gvr_helpers.data import ImageError


def _png(path, array, mode=None):
    Image.fromarray(array, mode=mode).save(path)
    return path


@pytest.fixture
def rgb_png(tmp_path):
    rng = np.random.default_rng(0)
    return _png(tmp_path / "rgb.png", rng.integers(0, 256, (20, 30, 3), dtype=np.uint8))


# ------------------------------------------------------------------ one test per bad-input kind
def test_missing_path(tmp_path):
    with pytest.raises(ImageError, match=r"nope\.png.*no such file"):
        data.load_image(tmp_path / "nope.png")


def test_directory(tmp_path):
    with pytest.raises(ImageError, match="is a directory"):
        data.load_image(tmp_path)


def test_empty_file(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageError, match=r"empty\.png.*empty \(0 bytes\)"):
        data.load_image(tmp_path / "empty.png")


def test_truncated_file(tmp_path, rgb_png):
    for suffix in (".png", ".jpg"):
        whole = tmp_path / f"whole{suffix}"
        Image.open(rgb_png).resize((200, 150)).save(whole)
        cut = tmp_path / f"cut{suffix}"
        cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
        with pytest.raises(ImageError, match=rf"cut\{suffix}.*truncated or corrupt"):
            data.load_image(cut)


def test_corrupt_file(tmp_path, rgb_png):
    raw = bytearray(rgb_png.read_bytes())
    start = raw.index(b"IDAT") + 8
    raw[start:start + 16] = bytes(16)  # damage the compressed pixels: the chunk CRC no longer matches
    bad = tmp_path / "bad.png"
    bad.write_bytes(bytes(raw))
    with pytest.raises(ImageError, match=r"bad\.png.*truncated or corrupt"):
        data.load_image(bad)


def test_not_an_image(tmp_path):
    (tmp_path / "notes.png").write_text("this is text, not pixels\n")
    with pytest.raises(ImageError, match=r"notes\.png.*not an image"):
        data.load_image(tmp_path / "notes.png")


def test_zero_sized_image(tmp_path):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 0, 5, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    (tmp_path / "zero.png").write_bytes(png)
    with pytest.raises(ImageError, match=r"zero size \(0×5\)"):
        data.load_image(tmp_path / "zero.png")


def test_image_over_the_pixel_limit(tmp_path, rgb_png, monkeypatch):
    with pytest.raises(ImageError, match=r"30×20 = 600 pixels is over the limit of 500"):
        data.load_image(rgb_png, max_pixels=500)
    monkeypatch.setattr(data, "MAX_PIXELS", 599)  # the module-wide limit is configurable too
    with pytest.raises(ImageError, match="decompression bomb"):
        data.load_image(rgb_png)
    assert data.load_image(rgb_png, max_pixels=600).shape == (20, 30, 3)


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    for side in (8000, 100_000):  # over our limit; over Pillow's own limit too
        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b""))
        (tmp_path / "bomb.png").write_bytes(png)  # 200 bytes that claim 64 M or 10 G pixels
        with pytest.raises(ImageError, match=r"bomb\.png.*decompression bomb"):
            data.load_image(tmp_path / "bomb.png")


def test_unsupported_mode(tmp_path):
    Image.fromarray(np.ones((4, 5), np.float32), mode="F").save(tmp_path / "float.tif")
    with pytest.raises(ImageError, match=r"float\.tif.*unsupported image mode 'F'"):
        data.load_image(tmp_path / "float.tif")


def test_image_error_is_a_value_error():
    assert issubclass(ImageError, ValueError)


# ------------------------------------------------------------------ good inputs
def test_rgb_round_trip_is_exact(tmp_path, rgb_png):
    x = data.load_image(rgb_png)
    assert x.dtype == np.float32 and x.shape == (20, 30, 3)
    np.testing.assert_array_equal(np.round(x * 255).astype(np.uint8), np.asarray(Image.open(rgb_png)))
    out = data.save_image(x, tmp_path / "copy.png")
    np.testing.assert_array_equal(data.load_image(out), x)


def test_greyscale_and_palette_become_rgb(tmp_path):
    grey = np.arange(12, dtype=np.uint8).reshape(3, 4) * 20
    x = data.load_image(_png(tmp_path / "grey.png", grey))
    assert x.shape == (3, 4, 3)
    np.testing.assert_allclose(x[..., 0], grey / 255, atol=1e-6)
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    pal = Image.fromarray(np.full((4, 4, 3), (255, 0, 0), np.uint8)).convert("P", palette=Image.Palette.ADAPTIVE)
    pal.save(tmp_path / "pal.png")
    np.testing.assert_allclose(data.load_image(tmp_path / "pal.png")[0, 0], [1, 0, 0])


def test_alpha_is_composited_over_white(tmp_path):
    rgba = np.zeros((2, 2, 4), np.uint8)
    rgba[0, 0] = (0, 0, 0, 255)       # opaque black stays black
    rgba[0, 1] = (0, 0, 0, 0)         # transparent shows the white page
    rgba[1, 0] = (255, 0, 0, 128)     # half-transparent red over white: pink
    x = data.load_image(_png(tmp_path / "a.png", rgba))
    np.testing.assert_allclose(x[0, 0], 0)
    np.testing.assert_allclose(x[0, 1], 1)
    np.testing.assert_allclose(x[1, 0], [1, 127 / 255, 127 / 255], atol=1e-2)
    la = Image.fromarray(rgba[..., [0, 3]], mode="LA")
    la.save(tmp_path / "la.png")
    np.testing.assert_allclose(data.load_image(tmp_path / "la.png")[0, 1], 1)


def test_16_bit_png_keeps_its_precision(tmp_path):
    deep = np.array([[0, 1000], [40000, 65535]], np.uint16)
    Image.fromarray(deep).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I;16")
    x = data.load_image(tmp_path / "deep.png")
    np.testing.assert_allclose(x[..., 1], deep / 65535, atol=1e-7)  # 8 bits would be off by up to 2e-3


def test_16_bit_colour_png_loads_to_8_bit_precision(tmp_path):
    """Pillow decodes 48-bit RGB PNG to 8 bits per channel: right values, coarser steps."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    px = np.array([[[0, 1000, 65535], [30000, 50000, 12345]]], dtype=">u2")
    raw = b"\x00" + px[0].tobytes()
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 1, 16, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    (tmp_path / "rgb16.png").write_bytes(png)
    x = data.load_image(tmp_path / "rgb16.png")
    np.testing.assert_allclose(x[0], px[0] / 65535, atol=1 / 255)


def test_exif_orientation_turns_the_image_upright(tmp_path):
    img = np.zeros((10, 20, 3), np.uint8)
    img[0, -1] = 255  # a marker in the top-right corner
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    Image.fromarray(img).save(tmp_path / "phone.jpg", exif=exif, quality=100)
    x = data.load_image(tmp_path / "phone.jpg")
    assert x.shape == (20, 10, 3)
    assert np.unravel_index(np.argmax(x[..., 0]), x.shape[:2]) == (19, 9)  # top-right -> bottom-right


def test_resize_options(rgb_png):
    assert data.load_image(rgb_png, size=(8, 12)).shape == (8, 12, 3)
    square = data.load_image(rgb_png, size=10)
    assert square.shape == (10, 10, 3) and 0 <= square.min() and square.max() <= 1
    with pytest.raises(ValueError, match="size must be"):
        data.load_image(rgb_png, size=(0, 4))


def test_save_image_refuses_bad_arrays_and_writes_nothing(tmp_path):
    good = np.full((4, 4, 3), 0.5, np.float32)
    bad = {"outside": good * 3, "nan": np.where(good > 0, np.nan, good), "shape": np.zeros((4, 4, 2))}
    for name, arr in bad.items():
        with pytest.raises(ValueError, match=r"\[0, 1\]|NaN|H×W×3"):
            data.save_image(arr, tmp_path / f"{name}.png")
    with pytest.raises(ValueError, match="format"):
        data.save_image(good, tmp_path / "image.unknown")
    assert list(tmp_path.iterdir()) == []  # no partial or temporary file left behind


def test_load_folder_stops_at_a_bad_file(tmp_path, rgb_png):
    (tmp_path / "zz_broken.png").write_text("oops")
    with pytest.raises(ImageError, match="zz_broken"):
        data.load_folder(tmp_path)
    (tmp_path / "sub").mkdir()
    with pytest.raises(ImageError, match="no image files"):
        data.load_folder(tmp_path / "sub")


# ------------------------------------------------------------------ bundled data
def test_every_bundled_image_loads_with_a_licence():
    for name, entry in data.BUNDLED.items():
        x = data.bundled_image(name)
        assert x.dtype == np.float32 and x.ndim == 3 and x.shape[-1] == 3, name
        assert 0 <= x.min() and x.max() <= 1 and x.std() > 0.02, name
        assert entry.licence and entry.used_by, name
    assert set(data.CONTENT) <= set(data.BUNDLED)
    with pytest.raises(ValueError, match="unknown bundled image"):
        data.bundled_image("lily")


def test_bundled_stereo_disparity_explains_the_right_view():
    from gvr_helpers import metrics

    left, right, disp = data.bundled_stereo()
    assert left.shape == right.shape == (500, 741, 3) and disp.shape == (500, 741)
    assert np.isnan(disp).any() and not np.isinf(disp).any()
    exact = metrics.stereo_warp_error(left, right, disp)
    assert exact < 0.5 * metrics.stereo_warp_error(left, right, np.zeros_like(disp))


def test_faces():
    faces = data.bundled_faces()
    assert faces.shape == (100, 25, 25, 3) and faces.min() == 0 and faces.max() == 1


# ------------------------------------------------------------------ train/test split
def _coordinate_image(h, w):
    """Channel 0 = row/h, channel 1 = column/w: a crop tells where it came from."""
    yy, xx = np.mgrid[0:h, 0:w]
    return np.stack([yy / h, xx / w, np.zeros((h, w))], -1).astype(np.float32)


def test_held_out_tiles_come_from_the_test_region():
    img = _coordinate_image(80, 60)
    test = data.held_out_tiles([img], crop=16, test_fraction=0.25)
    assert test.shape == (3, 16, 16, 3) and (test[..., 0] * 80).min() >= 60


def test_random_crops_cut_parallel_sources_alike_and_weigh_images_by_their_positions():
    rng = np.random.default_rng(0)
    small = np.zeros((8, 8, 3), np.float32)
    big = np.broadcast_to(np.arange(40 * 40, dtype=np.float32).reshape(40, 40, 1) / 1600, (40, 40, 3))
    crops, twins = data.random_crops(rng, 2000, 8, [small, big], [small + 0.5, big / 2])
    assert crops.shape == twins.shape == (2000, 8, 8, 3)
    in_big = crops.max(axis=(1, 2, 3)) > 0
    np.testing.assert_array_equal(twins[in_big], crops[in_big] / 2)      # same image, place and flip
    assert (twins[~in_big] == 0.5).all()
    # The small image has 1 position, the big one 33 × 33: about 1 crop in 1090 is the small one.
    assert (~in_big).sum() <= 10
    assert (np.diff(crops[in_big][:, 0, :, 0], axis=1) < 0).any()       # some crops are flipped
    (each,) = data.random_crops(rng, 2000, 8, [small, big], per_image=True)  # every image the same say
    assert 850 < (each.max(axis=(1, 2, 3)) == 0).sum() < 1150
    with pytest.raises(data.ImageError, match=r"image 0 of shape \(8, 8, 3\) is smaller than the crop 9"):
        data.random_crops(rng, 1, 9, [small, big])
