"""world.panorama at headset resolution: the fast renderer gives the very pixels of the general
one, in bounded memory, and large panoramas are cached by (seed, size, code version)."""
import tracemalloc

import numpy as np
import pytest

from gvr_helpers import world


def general_render(seed, h, w):
    """What panorama() did before issue 17: world.render_rays on the full H×W grid."""
    wd = world.make_world(seed)
    az = 2 * np.pi * (np.arange(w) + 0.5) / w - np.pi
    el = np.pi / 2 - np.pi * (np.arange(h) + 0.5) / h
    image, depth = world.render_rays(wd, wd.camera, np.broadcast_to(az[None, :], (h, w)),
                                     np.broadcast_to(el[:, None], (h, w)))
    return image, depth.astype(np.float32)


@pytest.mark.parametrize("seed, h, w, chunk, threads", [
    (0, 96, 192, 1 << 12, 1),     # many bands, one thread
    (1, 96, 192, 1 << 12, 2),     # many bands, two threads
    (2, 50, 100, 1 << 18, 1),     # one band, sizes that are not powers of two
])
def test_fast_panorama_is_bit_for_bit_the_general_renderer(seed, h, w, chunk, threads):
    ref_image, ref_depth = general_render(seed, h, w)
    image, depth = world._shade_panorama(world.make_world(seed), h, w, return_depth=True, chunk_pixels=chunk,
                                         threads=threads)
    np.testing.assert_array_equal(image, ref_image)
    np.testing.assert_array_equal(depth, ref_depth)
    public, public_depth = world.panorama(seed, h, w, return_depth=True)
    np.testing.assert_array_equal(public, ref_image)
    np.testing.assert_array_equal(public_depth, ref_depth)


def test_crossings_count_like_searchsorted():
    rng = np.random.default_rng(0)
    k, cols, h = 40, 7, 33
    horizon = np.maximum.accumulate(rng.uniform(-1.5, 1.5, (cols, k)), axis=1)
    horizon[:, 5:9] = horizon[:, [4]]  # ties
    offset = 4.0 * np.arange(cols)
    el = np.pi / 2 - np.pi * (np.arange(h) + 0.5) / h
    el[3] = horizon[2, 10]  # an elevation exactly on a sample
    flat = (horizon + offset[:, None]).ravel()
    expected = np.searchsorted(flat, (el[:, None] + offset[None, :]).ravel()).reshape(h, cols) - np.arange(cols) * k
    np.testing.assert_array_equal(world._crossings(horizon, offset, el), expected)


def test_memory_does_not_grow_with_the_panorama_beyond_its_own_pixels(monkeypatch):
    monkeypatch.setattr(world, "PANORAMA_CHUNK_PIXELS", 1 << 14)
    wd = world.make_world(0)
    world._shade_panorama(wd, 16, 32)  # warm-up

    def extra(h):
        tracemalloc.start()
        image, _ = world._shade_panorama(wd, h, 2 * h, chunk_pixels=1 << 14)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak - image.nbytes

    small, large = extra(128), extra(512)  # 16× the pixels
    assert large < 2.0 * small, (small, large)  # bands: working memory set by the band, not the panorama


def test_large_panoramas_are_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("GVR_CACHE", str(tmp_path))
    monkeypatch.setattr(world, "CACHE_MIN_PIXELS", 64 * 128)
    stale = tmp_path / "world" / "panorama-3-64x128-000000000000.npy"  # from an earlier version of world.py
    stale.parent.mkdir()
    np.save(stale, np.zeros((64, 128, 3), np.float32))
    first = world.panorama(3, 64, 128)
    assert not stale.exists()
    files = list((tmp_path / "world").glob("panorama-3-64x128-*.npy"))
    assert len(files) == 1 and world._source_digest() in files[0].name
    np.testing.assert_array_equal(np.load(files[0], allow_pickle=False), first)
    calls = []
    monkeypatch.setattr(world, "_shade_panorama", lambda *a, **k: calls.append(a) or (_ for _ in ()).throw(
        AssertionError("rendered again")))
    np.testing.assert_array_equal(world.panorama(3, 64, 128), first)  # read back, not rendered
    assert not calls


def test_cache_is_skipped_for_small_sizes_depth_and_bad_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GVR_CACHE", str(tmp_path))
    world.panorama(0, 32, 64)  # below CACHE_MIN_PIXELS
    world.panorama(0, 32, 64, cache=True, return_depth=True)  # depth is never cached
    assert not (tmp_path / "world").exists()
    image = world.panorama(0, 32, 64, cache=True)
    (path,) = (tmp_path / "world").iterdir()
    path.write_bytes(b"not a .npy file")  # a broken file is rendered again and replaced
    np.testing.assert_array_equal(world.panorama(0, 32, 64, cache=True), image)
    np.testing.assert_array_equal(np.load(path, allow_pickle=False), image)
    assert not [p for p in (tmp_path / "world").iterdir() if ".tmp" in p.name]
