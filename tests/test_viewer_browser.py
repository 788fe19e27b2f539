"""The exported viewer in a real browser: sharp, turns by the expected yaw, toggles, stereo per eye.

Debian's headless Chromium (WebGL through SwiftShader) is driven through its DevTools
protocol (websocket-client, which jupyter_server already installs): the page opens at
1280×720, the test reads ``window.viewer`` and takes screenshots.

* Sharpness: the mean gradient energy of the default view is at least half that of
  ``sphere.perspective`` of the full-resolution panorama at the same pose. The viewer's fov is
  the window's vertical one and ``perspective`` takes one fov for both axes, so the two are
  compared on the window's centre square (720×720, where both are the same pinhole view).
* A drag of N pixels turns the view by N × (degrees per pixel at the centre), an arrow key by
  ``headset.VIEWER_KEY_STEP``, and the picture follows (it matches ``perspective`` at the new yaw).
* "t" and the button swap the stylized and the original panorama.
* Stereo 360: the page's WebXR path, run against a stand-in headset (an ``navigator.xr`` with
  one session whose two views fill the window's left and right halves), draws each eye from
  its own panorama.

`make test` installs Chromium; without it the test is skipped, except in CI.
"""
import base64
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy.ndimage import gaussian_filter, zoom

from gvr_helpers import headset, sphere

W, H = 1280, 720
YAW, PITCH, FOV = 30.0, 10.0, 75.0


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


class Browser:
    """One headless Chromium, one page, spoken to over the DevTools protocol."""

    def __init__(self, executable, timeout=30.0):
        import websocket  # websocket-client

        self.profile = tempfile.mkdtemp(prefix="gvr-cdp-")
        self.log = open(Path(self.profile) / "chromium.log", "wb")
        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--hide-scrollbars",
             "--remote-debugging-port=0", f"--user-data-dir={self.profile}", f"--window-size={W},{H}",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=self.log, start_new_session=True)
        self.next_id = 0
        try:
            port = self._port(timeout)
            deadline = time.monotonic() + timeout
            while True:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                    pages = [t for t in json.load(r) if t.get("type") == "page"]
                if pages or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            assert pages, "Chromium opened no page"
            self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=timeout,
                                                  suppress_origin=True)
            self.call("Page.enable")
            self.call("Emulation.setDeviceMetricsOverride", width=W, height=H, deviceScaleFactor=1, mobile=False)
        except BaseException:
            self.close()
            raise

    def _port(self, timeout):
        marker = Path(self.profile) / "DevToolsActivePort"  # Chromium writes it once it listens
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Chromium exited with {self.proc.returncode}: "
                                   f"{(Path(self.profile) / 'chromium.log').read_text(errors='replace')[-2000:]}")
            if marker.is_file():
                lines = marker.read_text().split()
                if lines:
                    return int(lines[0])
            time.sleep(0.05)
        raise TimeoutError("Chromium did not open its DevTools port")

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:  # skip events until our answer
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression, await_promise=False):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, page: Path, timeout=25.0):
        self.call("Page.navigate", url=page.resolve().as_uri())
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            state = self.evaluate("window.viewer ? {ready: viewer.ready, error: viewer.error} : null")
            if state and state["error"]:
                raise AssertionError(f"the page reports: {state['error']}")
            if state and state["ready"]:
                return self.frame()
            time.sleep(0.1)
        raise TimeoutError(f"the viewer did not get ready in {timeout:.0f} s")

    def viewer(self):
        return self.evaluate("({yaw: viewer.yaw, pitch: viewer.pitch, fov: viewer.fov, hfov: viewer.hfov, "
                             "showing: viewer.showing, eye: viewer.eye, frames: viewer.frames, "
                             "textureWidth: viewer.textureWidth, error: viewer.error})")

    def frame(self):
        """Wait until the browser has drawn (two animation frames)."""
        return self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))",
                             await_promise=True)

    def screenshot(self) -> np.ndarray:
        self.frame()
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        with Image.open(io.BytesIO(data)) as im:
            return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0

    def key(self, key, code, keycode, text=None):
        extra = {"text": text, "unmodifiedText": text} if text else {}
        self.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=code, windowsVirtualKeyCode=keycode,
                  nativeVirtualKeyCode=keycode, **extra)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=keycode,
                  nativeVirtualKeyCode=keycode)

    def mouse(self, kind, x, y, buttons=0, button="none"):
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button=button, buttons=buttons, clickCount=1)

    def drag(self, x0, y0, dx, dy, steps=4):
        self.mouse("mousePressed", x0, y0, buttons=1, button="left")
        for i in range(1, steps + 1):
            self.mouse("mouseMoved", x0 + dx * i / steps, y0 + dy * i / steps, buttons=1, button="left")
        self.mouse("mouseReleased", x0 + dx, y0 + dy, button="left")

    def close(self):
        try:
            if getattr(self, "ws", None) is not None:
                self.ws.close()
        except Exception:
            pass
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # our own session: Chromium and its helpers
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: `make test` (target system) should have installed it")
        pytest.skip("no Chromium found (chromium, chromium-browser or /usr/bin/chromium; "
                    "`apt-get install chromium` as root, which `make test` does)")
    b = Browser(executable)
    yield b
    b.close()


def detailed_panorama(seed, h=1024, tint=(1.0, 1.0, 1.0)):
    """A 2h×h panorama with detail down to a few pixels everywhere (and seamless in longitude)."""
    rng = np.random.default_rng(seed)
    fine = gaussian_filter(rng.random((h, 2 * h)), 1.2, mode=("nearest", "wrap"))
    coarse = zoom(gaussian_filter(rng.random((h // 8, h // 4)), 1.5, mode=("nearest", "wrap")), 8, order=1)
    grey = 0.6 * (fine - fine.mean()) / fine.std() + 0.4 * (coarse - coarse.mean()) / coarse.std()
    grey = np.clip(0.5 + 0.18 * grey, 0, 1)
    return np.clip(grey[..., None] * np.asarray(tint)[None, None], 0, 1).astype(np.float32)


def grey(image):
    return np.asarray(image, dtype=np.float64).mean(axis=-1)


def gradient_energy(image) -> float:
    g = grey(image)
    return float(np.mean(np.diff(g, axis=1) ** 2) + np.mean(np.diff(g, axis=0) ** 2))


def centre_square(shot):
    left = (W - H) // 2
    return shot[:, left:left + H]


def similarity(a, b) -> float:
    """Correlation after a small blur: the same view up to sub-pixel resampling differences."""
    a, b = gaussian_filter(grey(a), 2), gaussian_filter(grey(b), 2)
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def turned(before, after):
    return (after - before + 180) % 360 - 180


@pytest.fixture(scope="module")
def panoramas():
    stylized = detailed_panorama(1)
    original = detailed_panorama(2, tint=(1.0, 0.85, 0.6))
    return stylized, original


@pytest.fixture(scope="module")
def page(tmp_path_factory, panoramas):
    stylized, original = panoramas
    return headset.export_viewer(stylized, tmp_path_factory.mktemp("viewer") / "viewer.html", yaw=YAW, pitch=PITCH,
                            fov=FOV, title="browser test", original=original)


def test_default_view_is_as_sharp_as_the_perspective_view(browser, page, panoramas):
    stylized, _ = panoramas
    browser.open(page)
    state = browser.viewer()
    assert (state["yaw"], state["pitch"], state["fov"], state["showing"]) == (YAW, PITCH, FOV, "stylized")
    assert state["textureWidth"] == 2048  # the full resolution reached the GPU
    browser.key("h", "KeyH", 72, "h")  # hide the help text and buttons: only the panorama is measured
    shot = centre_square(browser.screenshot())
    reference = sphere.perspective(stylized, YAW, PITCH, FOV, hw=(H, H))
    assert similarity(shot, reference) > 0.9, "the page does not show the pose it was given"
    ratio = gradient_energy(shot) / gradient_energy(reference)
    assert ratio >= 0.5, f"the view is blurred: gradient energy {ratio:.2f} × that of sphere.perspective"
    # Control: the old viewer's texture (256×128) is clearly below the bar at this resolution.
    small = np.asarray(Image.fromarray((stylized * 255).astype(np.uint8)).resize((256, 128), Image.BILINEAR),
                       dtype=np.float32) / 255
    blurred = sphere.perspective(small, YAW, PITCH, FOV, hw=(H, H))
    assert gradient_energy(blurred) / gradient_energy(reference) < 0.25
    browser.key("h", "KeyH", 72, "h")


def test_drag_and_arrow_key_turn_by_the_expected_yaw(browser, page, panoramas):
    stylized, _ = panoramas
    browser.open(page)
    start = browser.viewer()
    n = 200
    browser.drag(W / 2, H / 2, n, 0)
    after = browser.viewer()
    per_pixel = np.degrees(2 * np.tan(np.radians(FOV) / 2) / H)  # at the view's centre
    assert turned(start["yaw"], after["yaw"]) == pytest.approx(-n * per_pixel, abs=1e-6)  # the world follows the pointer
    assert after["pitch"] == pytest.approx(start["pitch"])
    browser.key("h", "KeyH", 72, "h")
    shot = centre_square(browser.screenshot())
    browser.key("h", "KeyH", 72, "h")
    now = sphere.perspective(stylized, after["yaw"], after["pitch"], FOV, hw=(H, H))
    before = sphere.perspective(stylized, start["yaw"], start["pitch"], FOV, hw=(H, H))
    assert similarity(shot, now) > 0.9 > similarity(shot, before)

    browser.key("ArrowRight", "ArrowRight", 39)
    assert turned(after["yaw"], browser.viewer()["yaw"]) == pytest.approx(headset.VIEWER_KEY_STEP, abs=1e-9)
    browser.key("ArrowLeft", "ArrowLeft", 37)
    assert browser.viewer()["yaw"] == pytest.approx(after["yaw"], abs=1e-9)
    fov = browser.viewer()["fov"]
    browser.key("+", "Equal", 187, "+")  # zoom in
    assert browser.viewer()["fov"] == pytest.approx(fov / headset.VIEWER_ZOOM_STEP)


def test_toggle_swaps_the_textures(browser, page, panoramas):
    stylized, original = panoramas
    browser.open(page)
    browser.key("h", "KeyH", 72, "h")
    first = centre_square(browser.screenshot())
    browser.key("t", "KeyT", 84, "t")
    assert browser.viewer()["showing"] == "original"
    second = centre_square(browser.screenshot())
    assert np.mean(np.abs(first - second)) > 0.05, "the pixels did not change"
    reference = sphere.perspective(original, YAW, PITCH, FOV, hw=(H, H))
    assert np.abs(second.mean(axis=(0, 1)) - reference.mean(axis=(0, 1))).max() < 0.03  # its colours
    assert similarity(second, reference) > 0.9
    browser.key("h", "KeyH", 72, "h")
    # the button swaps them back
    box = browser.evaluate("(() => { const r = document.getElementById('toggle').getBoundingClientRect(); "
                           "return [r.x + r.width / 2, r.y + r.height / 2, r.width]; })()")
    assert box[2] > 0, "the toggle button is not shown"
    browser.mouse("mousePressed", box[0], box[1], buttons=1, button="left")
    browser.mouse("mouseReleased", box[0], box[1], button="left")
    assert browser.viewer()["showing"] == "stylized"


FAKE_HEADSET = """
(() => {
  // A stand-in for a WebXR headset: one immersive session whose two views (left, right) fill
  // the window's left and right halves with 90° square projections, looking straight ahead.
  const near = 0.1, far = 100, projection = new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0,
      -(far + near) / (far - near), -1, 0, 0, -2 * far * near / (far - near), 0]);
  const view = (eye) => ({eye, projectionMatrix: projection, transform: {orientation: {x: 0, y: 0, z: 0, w: 1}}});
  const listeners = {};
  const session = {
    frames: 0,
    updateRenderState(state) { this.renderState = state; },
    requestReferenceSpace() { return Promise.resolve({}); },
    addEventListener(name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
    end() { (listeners.end || []).forEach(fn => fn()); },
    requestAnimationFrame(cb) {
      if (this.frames++ < 4) setTimeout(() => cb(performance.now(), {getViewerPose: () => ({views: [view("left"), view("right")]})}), 20);
    },
  };
  window.XRWebGLLayer = function () {
    this.framebuffer = null;
    this.getViewport = (v) => ({x: v.eye === "left" ? 0 : 640, y: 40, width: 640, height: 640});
  };
  for (const C of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (C) C.prototype.makeXRCompatible = () => Promise.resolve();
  }
  Object.defineProperty(navigator, "xr", {configurable: true, value: {
    isSessionSupported: () => Promise.resolve(true),
    requestSession: () => Promise.resolve(session),
  }});
  window.fakeXR = {session, listeners};
})();
"""


def test_stereo_pair_each_eye_sees_its_own_panorama_in_webxr(browser, tmp_path):
    left = detailed_panorama(3, tint=(1.0, 0.45, 0.3))
    right = detailed_panorama(4, tint=(0.3, 0.5, 1.0))
    page = headset.export_viewer(left, tmp_path / "stereo.html", fov=FOV, right=right, title="stereo")
    script = browser.call("Page.addScriptToEvaluateOnNewDocument", source=FAKE_HEADSET)["identifier"]
    try:
        browser.open(page)
        assert browser.viewer()["eye"] == "left"
        browser.key("e", "KeyE", 69, "e")  # on the page, "e" shows the other eye
        assert browser.viewer()["eye"] == "right"
        browser.key("e", "KeyE", 69, "e")
        button = browser.evaluate("document.getElementById('vr').textContent")
        assert button == "Enter VR"
        browser.evaluate("viewer.enterVR()")
        deadline = time.monotonic() + 10
        while browser.evaluate("fakeXR.session.frames") < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert browser.evaluate("viewer.inVR") and browser.viewer()["error"] is None
        browser.key("h", "KeyH", 72, "h")
        shot = browser.screenshot()
        eyes = {"left": shot[40:680, :640], "right": shot[40:680, 640:]}
        for eye, pano, other in (("left", left, right), ("right", right, left)):
            expected = sphere.perspective(pano, 0.0, 0.0, 90.0, hw=(640, 640))
            wrong = sphere.perspective(other, 0.0, 0.0, 90.0, hw=(640, 640))
            assert similarity(eyes[eye], expected) > 0.9 > similarity(eyes[eye], wrong) + 0.3, eye
            assert np.abs(eyes[eye].mean(axis=(0, 1)) - expected.mean(axis=(0, 1))).max() < 0.03, eye
        browser.evaluate("viewer.exitVR()")
        assert browser.evaluate("viewer.inVR") is False
    finally:
        browser.call("Page.removeScriptToEvaluateOnNewDocument", identifier=script)


# ------------------------------------------------------------ the page itself (no browser needed)
def page_config(page: Path) -> dict:
    text = page.read_text()
    start = text.index("var GVR_VIEWER = ") + len("var GVR_VIEWER = ")
    return json.loads(text[start:text.index(";\n</script>", start)])


def test_page_holds_every_texture_and_no_external_code(tmp_path):
    pano = detailed_panorama(5, h=64)
    page = headset.export_viewer(pano, tmp_path / "v.html", yaw=-20, original=1 - pano, right=pano[:, ::-1].copy(),
                            title="a </script> title")
    text = page.read_text()
    assert "<script src" not in text and "http://" not in text and "https://" not in text
    assert text.count("</script>") == 2  # the title cannot close the script that holds the config
    config = page_config(page)
    assert config["yaw"] == -20 and config["stereo"] and config["hasOriginal"]
    assert sorted(config["textures"]) == ["original", "stylized"]
    assert sorted(config["textures"]["stylized"]) == ["left", "right"] and list(config["textures"]["original"]) == ["left"]
    data = base64.b64decode(config["textures"]["stylized"]["left"].split(",", 1)[1])
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (128, 64) and im.format == "JPEG"  # the full resolution, not a preview


def test_images_beside_the_page(tmp_path):
    pano = detailed_panorama(6, h=32)
    page = headset.export_viewer(pano, tmp_path / "v.html", embed=False, image_format="png", original=pano,
                            right=pano, original_right=pano)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "v.html", "v.original.png", "v.original.right.png", "v.png", "v.right.png"]
    assert page_config(page)["textures"] == {"stylized": {"left": "v.png", "right": "v.right.png"},
                                             "original": {"left": "v.original.png", "right": "v.original.right.png"}}


def test_bad_stereo_arguments_are_refused(tmp_path):
    pano = detailed_panorama(7, h=32)
    with pytest.raises(ValueError, match="two eyes of a stereo pair must have one size"):
        headset.export_viewer(pano, tmp_path / "v.html", right=detailed_panorama(7, h=16))
    with pytest.raises(ValueError, match="original_right needs original"):
        headset.export_viewer(pano, tmp_path / "v.html", right=pano, original_right=pano)
    with pytest.raises(ValueError, match="width = 2"):
        headset.export_viewer(pano, tmp_path / "v.html", original=pano[:, :32])
    with pytest.raises(ValueError, match="image format"):
        headset.export_viewer(pano, tmp_path / "v.html", image_format="webp")
