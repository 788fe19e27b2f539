"""The exported viewer shows the panorama at the default head pose in a real browser.

The page is opened in Debian's headless Chromium (WebGL through SwiftShader), and the
screenshot is compared with py360convert's perspective view of the same panorama.
`make install` installs Chromium; without it the test is skipped, except in CI.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import gaussian_filter

from gvr_helpers import headset, sphere

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SIZE = 400
HELP_ROWS, BUTTON_ROWS = 70, 80  # the help text on top and the VR button at the bottom


def _need_chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: `make install` should have installed it")
        pytest.skip("no /usr/bin/chromium (run `make install` as root to install it)")


def screenshot(page: Path, out: Path, size=SIZE) -> np.ndarray:
    profile = tempfile.mkdtemp(prefix="gvr-chromium-")
    try:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
             "--hide-scrollbars", "--virtual-time-budget=8000", f"--window-size={size},{size}",
             f"--screenshot={out}", page.resolve().as_uri()],
            check=True, timeout=120, capture_output=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    with Image.open(out) as im:
        return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0


def quadrant_panorama(h=256):
    """Blue, green, red, yellow quarters of longitude from −180°; the upper half paler."""
    pano = np.zeros((h, 2 * h, 3), np.float32)
    for q, colour in enumerate([(0, 0, 1), (0, 1, 0), (1, 0, 0), (1, 1, 0)]):
        pano[:, q * h // 2:(q + 1) * h // 2] = colour
    pano[: h // 2] = 0.5 * pano[: h // 2] + 0.25
    return pano


def test_default_heading_shows_the_front_of_the_panorama(tmp_path):
    _need_chromium()
    page = headset.export_viewer(quadrant_panorama(), tmp_path / "viewer.html", fov=90, image_format="png")
    shot = screenshot(page, tmp_path / "shot.png")
    assert shot.shape == (SIZE, SIZE, 3)
    body = shot[HELP_ROWS:-BUTTON_ROWS]
    left, right = body[:, : SIZE // 2 - 10], body[:, SIZE // 2 + 10:]
    # straight ahead is longitude 0: green (−90°..0°) on the left, red (0°..90°) on the right
    assert np.allclose(np.median(left[-20:].reshape(-1, 3), axis=0), (0, 1, 0), atol=0.1)
    assert np.allclose(np.median(right[-20:].reshape(-1, 3), axis=0), (1, 0, 0), atol=0.1)
    # above the horizon the paler half
    assert np.allclose(np.median(left[:20].reshape(-1, 3), axis=0), (0.25, 0.75, 0.25), atol=0.1)


def test_screenshot_matches_the_perspective_view_at_the_default_pose(tmp_path):
    _need_chromium()
    rng = np.random.default_rng(3)
    pano = gaussian_filter(rng.random((256, 512, 3)), (6, 6, 0), mode="wrap")
    pano = ((pano - pano.min()) / (pano.max() - pano.min())).astype(np.float32)
    yaw, pitch, fov = 60.0, 15.0, 80.0
    page = headset.export_viewer(pano, tmp_path / "viewer.html", yaw=yaw, pitch=pitch, fov=fov)  # JPEG embedded
    shot = screenshot(page, tmp_path / "shot.png")
    expected = sphere.perspective(pano, yaw, pitch, fov, (SIZE, SIZE))
    a, b = shot[HELP_ROWS:-BUTTON_ROWS], expected[HELP_ROWS:-BUTTON_ROWS]
    assert a.std() > 0.05, "the page rendered a blank view"
    corr = np.corrcoef(a.ravel(), b.ravel())[0, 1]
    assert corr > 0.95, f"the rendered view does not match the panorama at the default pose (r = {corr:.3f})"
    assert np.mean(np.abs(a - b)) < 0.05
    # and it is not the view from another heading
    other = sphere.perspective(pano, yaw + 90, pitch, fov, (SIZE, SIZE))[HELP_ROWS:-BUTTON_ROWS]
    assert np.mean(np.abs(a - other)) > 2 * np.mean(np.abs(a - b))


def test_page_is_self_contained(tmp_path):
    page = headset.export_viewer(quadrant_panorama(64), tmp_path / "v.html")
    text = page.read_text()
    assert "data:image/jpeg;base64," in text
    assert "http://" not in text.split("<script>")[0] and "<script src" not in text
    assert "<canvas" in text and "three" not in text.lower()   # the course's own WebGL viewer, no library
    assert "</script" not in (headset.VIEWER_DIR / "viewer.js").read_text()  # it is inlined in a <script> element


def test_image_beside_the_page(tmp_path):
    page = headset.export_viewer(quadrant_panorama(64), tmp_path / "v.html", embed=False, image_format="png")
    assert (tmp_path / "v.png").is_file() and '"v.png"' in page.read_text()


@pytest.mark.parametrize("bad, message", [
    (np.zeros((64, 64, 3), np.float32), "width = 2"),
    (np.zeros((64, 128, 4), np.float32), "H×W×3"),
    (np.full((64, 128, 3), np.nan, np.float32), "NaN"),
])
def test_bad_panoramas_are_refused(tmp_path, bad, message):
    with pytest.raises(ValueError, match=message):
        headset.export_viewer(bad, tmp_path / "v.html")


def test_bad_fov_is_refused(tmp_path):
    with pytest.raises(ValueError, match="fov"):
        headset.export_viewer(quadrant_panorama(64), tmp_path / "v.html", fov=0)
