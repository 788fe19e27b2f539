"""What a headset shows: a skybox on disk (six faces and a manifest) and a self-contained viewer page
(WebGL, drag/touch/keys, original ↔ stylized, WebXR with one panorama per eye)."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np

from .data import as_image as check_image, atomic_write, encode_image
from .sphere import FACE_ORDER, FACES, PY360_NAMES, check_equirect, check_faces


# ------------------------------------------------------------ skybox export
def export_skybox(faces: dict, folder, name: str = "skybox") -> Path:
    """Write px.png … nz.png and ``manifest.json`` (face order, axes, convention) into ``folder``.

    Returns the manifest's path. Files are written atomically.
    """
    size = check_faces(faces)
    folder = Path(folder)
    files = {}
    for face in FACE_ORDER:
        check_image(faces[face], f"face {face}")
        atomic_write(folder / f"{face}.png", encode_image(faces[face]))
        files[face] = f"{face}.png"
    manifest = {
        "name": name,
        "format": "cubemap",
        "face_size": int(size),
        "order": list(FACE_ORDER),
        "files": files,
        "axes": {f: {"forward": list(a[0]), "right": list(a[1]), "up": list(a[2])} for f, a in FACES.items()},
        "convention": ("world axes +Y up, front -Z, right +X (three.js); each face is the view from the cube's "
                       "centre along 'forward' with image columns along 'right' and rows downwards along -'up'; "
                       "py360convert names: " + ", ".join(f"{v}={k}" for k, v in PY360_NAMES.items())),
    }
    path = folder / "manifest.json"
    atomic_write(path, json.dumps(manifest, indent=2) + "\n")
    return path


def load_skybox(folder) -> dict:
    """Read a skybox written by :func:`export_skybox` (checks the manifest).

    A missing folder or manifest.json is a FileNotFoundError; a manifest that is not JSON, lacks
    ``order`` or ``files``, lists a face file that is missing or not an image, or whose faces are
    not ``face_size``×``face_size``, is a ValueError that names the manifest and the problem."""
    from PIL import Image

    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not folder.is_dir():
        raise FileNotFoundError(f"no skybox folder {folder} (export_skybox(faces, folder) writes one)")
    if not manifest_path.is_file():
        raise FileNotFoundError(f"no manifest.json in {folder}: a skybox folder holds the six faces and the "
                                "manifest.json that export_skybox writes")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError as err:  # not UTF-8 text, or not JSON
        raise ValueError(f"{manifest_path} is not valid JSON ({err})") from None
    if not isinstance(manifest, dict):
        raise ValueError(f"{manifest_path} must hold a JSON object, got a {type(manifest).__name__}")
    for key in ("order", "files"):
        if key not in manifest:
            raise ValueError(f"{manifest_path} has no key {key!r} (export_skybox writes it)")
    if manifest["order"] != list(FACE_ORDER):
        raise ValueError(f"{manifest_path}: unexpected face order {manifest['order']}; expected {list(FACE_ORDER)}")
    files = manifest["files"]
    unnamed = [f for f in FACE_ORDER if not isinstance(files, dict) or not isinstance(files.get(f), str)]
    if unnamed:
        raise ValueError(f"{manifest_path}: 'files' must name the file of every face; none for {', '.join(unnamed)}")
    size = manifest.get("face_size")
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
        raise ValueError(f"{manifest_path}: face_size must be a positive integer, got {size!r}")
    faces = {}
    for face in FACE_ORDER:
        path = folder / files[face]
        if not path.is_file():
            raise ValueError(f"{manifest_path} lists {files[face]!r} for face {face}, but {path} does not exist")
        try:
            with Image.open(path) as im:
                faces[face] = np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0
        except OSError as err:  # PIL's UnidentifiedImageError is an OSError
            raise ValueError(f"{manifest_path}: face {face}'s file {path} is not a readable image ({err})") from None
        side = size if size is not None else faces[FACE_ORDER[0]].shape[0]
        h, w = faces[face].shape[:2]
        if (h, w) != (side, side):
            what = f"face_size {side}" if size is not None else f"the size of face {FACE_ORDER[0]}"
            raise ValueError(f"{manifest_path}: face {face} ({path.name}) is {h}×{w}, expected {side}×{side} ({what})")
    check_faces(faces)
    return faces


# ------------------------------------------------------------ viewer
# The page is written here, with no library: a WebGL fragment shader looks up the equirect
# texture for every screen pixel (no sphere mesh, so no tessellation blur), and WebXR, where
# the browser has it, renders each eye with its own projection and, for a stereo pair, its
# own panorama. It needs no network and opens from file://.
VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
VIEWER_KEY_STEP = 5.0          # degrees per arrow-key press
VIEWER_ZOOM_STEP = 1.1         # fov factor per +/- press
VIEWER_FOV_RANGE = (20.0, 110.0)  # vertical field of view, degrees

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html,body{{margin:0;height:100%;overflow:hidden;background:#000;font-family:sans-serif}}
#view{{position:absolute;left:0;top:0;width:100%;height:100%;display:block;touch-action:none;cursor:grab;outline:none}}
#help{{position:absolute;top:8px;left:8px;right:8px;color:#fff;font-size:13px;pointer-events:none}}
#help span{{background:rgba(0,0,0,.5);padding:4px 8px;border-radius:4px;line-height:1.9}}
#bar{{position:absolute;left:0;right:0;bottom:12px;text-align:center}}
#bar button{{font:13px sans-serif;margin:0 4px;padding:6px 12px;color:#fff;background:rgba(0,0,0,.6);
border:1px solid #fff;border-radius:4px;cursor:pointer}}
#bar button:disabled{{opacity:.5;cursor:default}}
#msg{{position:absolute;top:40%;left:10%;right:10%;color:#f88;text-align:center;font-size:15px}}
body.clean #help,body.clean #bar{{display:none}}
</style>
</head><body>
<canvas id="view" tabindex="0"></canvas>
<div id="help"><span>{title} — drag, swipe or arrow keys to look around; wheel, pinch or +/− to zoom{hints};
h hides this</span></div>
<div id="bar"><button id="toggle" hidden>Show original (t)</button><button id="vr" disabled>VR not available</button></div>
<div id="msg" hidden></div>
<script>
var GVR_VIEWER = {config};
</script>
<script>
{script}
</script>
</body></html>
"""

# The page's script: a small WebGL equirect viewer (drag/touch/keys, zoom, toggle, WebXR with one
# panorama per eye), written for the course so a page needs no library and no network.
_VIEWER_JS = (VIEWER_DIR / "viewer.js").read_text()


def _viewer_texture(image, name: str, like=None) -> np.ndarray:
    pano = check_equirect(image, name)
    if like is not None and pano.shape != like.shape:
        raise ValueError(f"{name} is {pano.shape[0]}×{pano.shape[1]}, but the panorama is "
                         f"{like.shape[0]}×{like.shape[1]}: the two eyes of a stereo pair must have one size")
    return pano


def export_viewer(panorama, path, yaw: float = 0.0, pitch: float = 0.0, fov: float = 75.0,
                  title: str = "Stylized panorama", image_format: str = "jpeg", embed: bool = True, *,
                  original=None, right=None, original_right=None, quality: int = 92) -> Path:
    """Write a web page to look around ``panorama`` at its full resolution.

    * Look around by dragging (mouse or one finger) or with the arrow keys
      (:data:`VIEWER_KEY_STEP` degrees a press); zoom with the wheel, a pinch or +/−.
    * ``original=``: the panorama before stylization; a button and the key "t" (in VR, a
      controller's trigger) swap the two.
    * ``right=``: the right eye's panorama of an omnidirectional stereo pair (``panorama`` is
      then the left eye's); ``original_right=`` the same for the original (default: ``original``
      for both eyes). On the page, "e" shows the other eye.
    * "Enter VR" appears where the browser has WebXR and a headset (``immersive-vr``): each eye
      is drawn with its own projection and, for a stereo pair, its own panorama.
    * (yaw, pitch, fov) is the first view in this module's convention (yaw 0 = the panorama's
      centre column; fov = the window's vertical field of view, degrees). ``window.viewer``
      on the page holds the current yaw, pitch, fov, hfov, which texture is ``showing``
      ("stylized" or "original") and which ``eye``.

    The page has no library and needs no network: a small WebGL fragment shader looks up the
    equirect texture for every screen pixel (bilinear, mipmapped where WebGL 2 allows), so
    the view is as sharp as ``perspective`` of the same panorama. The images are embedded as
    base64 data URLs (``embed=True``, the default: one file, which opens from file://, whereas
    WebGL refuses textures read from a file:// page's sibling files) or written beside the page
    (``embed=False``: smaller page, but serve the folder over http, e.g. ``python -m
    http.server``, for a headset's browser). JPEG (``quality``, full-resolution colour, no
    chroma subsampling) keeps a 4096×2048 panorama to a few MB; PNG is lossless and larger.
    """
    pano = _viewer_texture(panorama, "panorama")
    if not 1 <= fov <= 150:
        raise ValueError(f"fov must be between 1 and 150 degrees, got {fov}")
    if image_format not in ("jpeg", "png"):
        raise ValueError(f"image format must be 'png' or 'jpeg', got {image_format!r}")
    if original is None and original_right is not None:
        raise ValueError("original_right needs original (the left eye's original panorama)")
    sets = {"stylized": {"left": pano}}
    if right is not None:
        sets["stylized"]["right"] = _viewer_texture(right, "right", like=pano)
    if original is not None:
        sets["original"] = {"left": _viewer_texture(original, "original")}
        if original_right is not None:
            sets["original"]["right"] = _viewer_texture(original_right, "original_right", like=sets["original"]["left"])
    path = Path(path)
    ext = "jpg" if image_format == "jpeg" else "png"
    sources = {}
    for showing, eyes in sets.items():
        sources[showing] = {}
        for eye, image in eyes.items():
            data = encode_image(image, image_format, **({"quality": quality, "subsampling": 0} if image_format == "jpeg" else {}))
            if embed:
                src = f"data:image/{image_format};base64," + base64.b64encode(data).decode("ascii")
            else:
                suffix = "" if showing == "stylized" else ".original"
                suffix += "" if eye == "left" else f".{eye}"
                image_path = path.with_suffix(f"{suffix}.{ext}")
                atomic_write(image_path, data)
                src = image_path.name
            sources[showing][eye] = src
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    hints = (", t or the button swaps original and stylized" if original is not None else "")
    hints += (", e shows the other eye" if right is not None else "")
    config = {"yaw": float(yaw), "pitch": float(pitch), "fov": float(fov), "stereo": right is not None,
              "hasOriginal": original is not None, "keyStep": VIEWER_KEY_STEP, "zoomStep": VIEWER_ZOOM_STEP,
              "fovRange": list(VIEWER_FOV_RANGE), "textures": sources}
    page = _PAGE.format(title=safe_title, hints=hints, script=_VIEWER_JS.strip("\n"),
                        config=json.dumps(config).replace("</", "<\\/"))
    atomic_write(path, page)
    return path


