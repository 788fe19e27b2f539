"""Step 1, unpaired data: shapes, determinism, disjoint splits (checked by construction), errors."""
import numpy as np
import pytest
from PIL import Image

from gvr_helpers import data, styles, unpaired_data as ud
from gvr_helpers.unpaired_data import course_style_data, unpaired_data


def coords(h, w, tag):
    """An image whose pixels say where they are: (row, col, tag) / 255, exact after decoding."""
    r, c = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    return (np.stack([r, c, np.full_like(r, tag)], axis=-1) / 255.0).astype(np.float32)


def where(crops):
    """Decode coordinate crops to integer (row, col, tag) per pixel, N×c×c×3."""
    return np.rint(np.asarray(crops) * 255).astype(int)


def pixel_ids(crops):
    """Set of (tag, row, col) of every pixel in a stack of coordinate crops."""
    w = where(crops).reshape(-1, 3)
    return set(zip(w[:, 2], w[:, 0], w[:, 1]))


# Content: shorter side 64 already (no resize, so the coordinates survive); different shapes.
CONTENT = [coords(64, 96, 0), coords(80, 64, 1)]
CUT = {0: 48, 1: 60}  # first held-out row of each content image (top 3/4 = round(0.75 h))
STYLE_SET = [coords(64, 64, 10), coords(72, 64, 11)]


def small(**kw):
    options = dict(crop=8, n_crops=256, size=64, tile=16, seed=0)
    options.update(kw)
    return unpaired_data(CONTENT, STYLE_SET, **options)


def test_shapes_dtypes_and_range():
    d = small()
    assert d.a.shape == d.b.shape == (256, 8, 8, 3)
    # Bottom quarters: 16×96 -> 6 tiles, 20×64 -> 4 tiles; dealt alternately: 5 validation, 5 test.
    assert d.val_x.shape == d.test_x.shape == (5, 16, 16, 3)
    for arr in (d.a, d.b, d.val_x, d.test_x):
        assert arr.dtype == np.float32 and 0.0 <= arr.min() and arr.max() <= 1.0
    assert d.val_y is None and d.test_y is None and d.a_styled is None and d.name == "style set"


def test_deterministic_given_seed():
    one, two, other = small(seed=3), small(seed=3), small(seed=4)
    for u, v in zip((one.a, one.b, one.val_x, one.test_x), (two.a, two.b, two.val_x, two.test_x)):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(one.a, other.a) and not np.array_equal(one.b, other.b)
    np.testing.assert_array_equal(one.val_x, other.val_x)  # the split does not depend on the seed


def test_training_validation_and_test_never_share_a_pixel():
    d = small(n_crops=1024)
    a = where(d.a)
    for tag, cut in CUT.items():
        rows = a[..., 0][a[..., 2] == tag]
        assert rows.size and rows.max() < cut  # A only from the top 3/4 of each content image
    val, test = pixel_ids(d.val_x), pixel_ids(d.test_x)
    assert not val & test
    assert all(row >= CUT[tag] for tag, row, _ in val | test)
    assert not pixel_ids(d.a) & (val | test)
    # The style set needs no held-out part: its crops reach its bottom quarter.
    b = where(d.b)
    assert set(np.unique(b[..., 2])) == {10, 11}
    assert b[..., 0][b[..., 2] == 10].max() >= 48
    # Left-right flips happen (align == 1): some crops run right to left.
    cols = a[:, 0, :, 1]
    assert (np.diff(cols, axis=1) == -1).all(axis=1).any() and (np.diff(cols, axis=1) == 1).all(axis=1).any()


def test_align_puts_crops_on_the_grid():
    d = small(align=4)
    for crops in (d.a, d.b):
        w = where(crops)
        assert (w[:, 0, 0, 0] % 4 == 0).all() and (w[:, 0, 0, 1] % 4 == 0).all()
        assert (np.diff(w[:, 0, :, 1], axis=1) == 1).all()  # no flips: they would move the grid


def test_from_a_folder_of_pngs_of_different_sizes(tmp_path):
    rng = np.random.default_rng(0)
    for folder, shapes in (("photos", [(40, 60), (100, 80)]), ("style", [(50, 50), (33, 70)])):
        (tmp_path / folder).mkdir()
        for k, (h, w) in enumerate(shapes):
            Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8)).save(tmp_path / folder / f"{k}.png")
    d = unpaired_data(tmp_path / "photos", str(tmp_path / "style"), crop=8, n_crops=32, size=32, tile=8)
    # Shorter side 32, aspect kept: 32×48 (bottom 8 rows: 6 tiles) and 40×32 (bottom 10 rows: 4 tiles).
    assert d.a.shape == d.b.shape == (32, 8, 8, 3)
    assert d.val_x.shape == d.test_x.shape == (5, 8, 8, 3)
    # A list of arrays (uint8 and float) gives the same data as the folder.
    photos = [np.asarray(Image.open(tmp_path / "photos" / f"{k}.png")) for k in range(2)]
    style = [np.asarray(Image.open(tmp_path / "style" / f"{k}.png")) / 255.0 for k in range(2)]
    again = unpaired_data(photos, style, crop=8, n_crops=32, size=32, tile=8)
    np.testing.assert_allclose(again.a, d.a, atol=1e-6)
    np.testing.assert_allclose(again.b, d.b, atol=1e-6)


def test_size_none_keeps_the_images():
    d = unpaired_data(CONTENT, STYLE_SET, crop=8, n_crops=8, size=None, tile=16)
    assert d.val_x.shape == (5, 16, 16, 3)


@pytest.mark.parametrize("kwargs, match", [
    (dict(content=[]), "content: no images given"),
    (dict(style_set=[]), "style set: no images given"),
    (dict(content=None), "content must be a folder path or a list"),
    (dict(content=coords(64, 64, 0)), r"content: an array must be N×H×W×3"),
    (dict(content=[CONTENT[0], np.zeros((64, 64, 4))]), r"content image 1 must be H×W×3"),
    (dict(style_set=[np.full((64, 64, 3), np.nan)]), "style set image 0 contains NaN"),
    (dict(style_set=[STYLE_SET[0], np.full((64, 64, 3), 2.0)]), r"style set image 1 must lie in \[0, 1\]"),
    (dict(size=None, content=[coords(10, 64, 0)] + CONTENT), r"content image 0 is 10×64.*top 3/4\) is 8×64.*crop 12×12"),
    (dict(size=None, style_set=[coords(11, 40, 0)]), r"style set image 0 is 11×40.*smaller than the crop 12×12"),
    (dict(crop=3), "crop must be an integer between 4 and 16, got 3"),
    (dict(crop=17), "crop must be an integer between 4 and 16, got 17"),
    (dict(crop=8.0), "crop must be an int"),
    (dict(crop=True), "crop must be an int"),
    (dict(tile=2), "tile must be an integer >= 4"),
    (dict(align=0), "align must be an integer >= 1"),
    (dict(n_crops=0), "n_crops must be an integer >= 1"),
    (dict(seed=-1), "seed must be an integer >= 0"),
    (dict(content=[coords(64, 20, 0)], size=None), r"content: 1 tile\(s\) of 16×16 fit"),
])
def test_bad_input_is_a_clear_value_error(kwargs, match):
    options = dict(content=CONTENT, style_set=STYLE_SET, crop=12, n_crops=4, size=64, tile=16)
    options.update(kwargs)
    with pytest.raises(ValueError, match=match):
        unpaired_data(**options)


def test_bad_folders_and_files_are_named(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="content: folder .*empty.*no image files"):
        unpaired_data(tmp_path / "empty", STYLE_SET)
    with pytest.raises(ValueError, match="style set: folder .*missing.*no such directory"):
        unpaired_data(CONTENT, tmp_path / "missing")
    (tmp_path / "bad").mkdir()
    Image.fromarray(np.zeros((64, 64, 3), np.uint8)).save(tmp_path / "bad" / "a.png")
    (tmp_path / "bad" / "x.png").write_bytes(b"\x89PNG not really an image at all")
    with pytest.raises(ValueError, match=r"style set: image '.*x\.png'"):
        unpaired_data(CONTENT, tmp_path / "bad")


# ------------------------------------------------------------------ the course's measured setting
@pytest.fixture
def coordinate_course(monkeypatch):
    """course_style_data on coordinate images, with an identity 'style' so B can be decoded too."""
    monkeypatch.setattr(data, "content_images", lambda size: [coords(size, size, t) for t in range(3)])
    monkeypatch.setattr(styles, "apply_style", lambda name, x: np.asarray(x, np.float32))
    return course_style_data("toon", crop=8, n_crops=512, size=64, block=16, seed=1)


def test_three_way_checkerboard_keeps_a_b_and_validation_apart(coordinate_course):
    d = coordinate_course

    def squares(crops):
        w = where(crops)
        return (w[..., 0] // 16 + w[..., 1] // 16) % 3, w[..., 0]

    for crops, colour in ((d.a, 0), (d.b, 1), (d.val_x, 2)):
        colours, rows = squares(crops)
        assert (colours == colour).all() and rows.max() < 48
    assert len(d.val_x) == 3 * 4  # 12 squares per photo in the top 3/4, a third of them
    assert (where(d.test_x)[..., 0] >= 48).all() and len(d.test_x) == 3 * 4
    ids = [pixel_ids(x) for x in (d.a, d.b, d.val_x, d.test_x)]
    assert all(not ids[i] & ids[j] for i in range(4) for j in range(i + 1, 4))


@pytest.fixture(scope="module")
def toon():
    return course_style_data("toon", crop=8, n_crops=64, size=64, block=16)


def test_course_style_data_has_the_ground_truth(toon):
    assert toon.a.shape == toon.b.shape == toon.a_styled.shape == (64, 8, 8, 3)
    assert toon.val_x.shape == toon.val_y.shape and toon.test_x.shape == toon.test_y.shape
    assert toon.val_x.shape[1:] == (16, 16, 3) and len(toon.val_x) == 8 * 4 and len(toon.test_x) == 8 * 4
    for arr in (toon.a, toon.b, toon.a_styled, toon.val_x, toon.val_y, toon.test_x, toon.test_y):
        assert arr.dtype == np.float32 and 0.0 <= arr.min() and arr.max() <= 1.0
    np.testing.assert_allclose(toon.val_y, styles.apply_style("toon", toon.val_x), atol=1e-6)
    np.testing.assert_allclose(toon.test_y, styles.apply_style("toon", toon.test_x), atol=1e-6)
    assert np.abs(toon.a_styled - toon.a).mean() > 0.02 and toon.name == "toon"
    again = course_style_data("toon", crop=8, n_crops=64, size=64, block=16)
    np.testing.assert_array_equal(again.a, toon.a)
    np.testing.assert_array_equal(again.a_styled, toon.a_styled)


def test_pixel_art_on_its_grid_pairs_exactly():
    d = course_style_data("pixel_art", crop=8, n_crops=32, size=64, block=16, align=4)
    # Crops at multiples of 4 keep pixel art's origin-aligned blocks: S(crop) == crop of S(square).
    np.testing.assert_allclose(d.a_styled, styles.apply_style("pixel_art", d.a), atol=1e-6)


@pytest.mark.parametrize("kwargs, match", [
    (dict(style="cubism"), r"unknown style 'cubism'; choose one of: ink_wash, painterly"),
    (dict(crop=40), "crop must be an integer between 4 and 16, got 40"),
    (dict(crop=2), "crop must be an integer between 4 and 16"),
    (dict(align=0), "align must be an integer >= 1"),
    (dict(size=20), "too few 16×16 squares"),
])
def test_course_style_data_bad_input(kwargs, match, monkeypatch):
    monkeypatch.setattr(data, "content_images", lambda size: [coords(size, size, 0)])
    options = dict(style="toon", crop=8, n_crops=4, size=64, block=16)
    options.update(kwargs)
    with pytest.raises(ValueError, match=match):
        course_style_data(**options)


def test_module_depends_only_on_lower_layers():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(ud))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level for a in n.names}
    assert imported <= {"checks", "config", "data", "styles"}


def test_a_tiny_image_is_refused_not_enlarged():
    rng = np.random.default_rng(0)
    content = [rng.random((64, 64, 3)).astype(np.float32)]
    with pytest.raises(ValueError, match=r"style set image 1 is 3×3: too small"):
        unpaired_data(content, [rng.random((64, 64, 3)), rng.random((3, 3, 3))], size=64,
                      tile=16, crop=8)
