"""Train the translators the course ships in data/checkpoints/ (``make checkpoints``).

For each style, trains the course's fast unpaired recipe (:func:`gvr_helpers.recipes.fast_recipe`)
and, for reference, the paired oracle, for the profile's number of steps, exports each generator as
``<style>_<recipe>.keras`` and records in ``data/checkpoints/manifest.json`` (keyed by the file's
stem): style, recipe, steps, training time, test PSNR against the ground truth (and the input's),
and the file's SHA-256. tests/test_checkpoints.py reloads every
file in Keras safe mode, checks the hash and reproduces the PSNR.

A run that is stopped resumes from its last finished block of steps (tf.train checkpoints under
the cache directory), but only if nothing that defines the run has changed since (any source file
of gvr_helpers or this script, the settings, the versions of TensorFlow, Keras and NumPy: see
:func:`run_fingerprint`); the cache is removed once the file is exported. Files are written atomically.

    python tools/train_checkpoints.py                      # full profile, all styles
    python tools/train_checkpoints.py --styles toon --steps 2000
"""
from __future__ import annotations

import argparse
import json
import hashlib
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

import gvr_helpers  # noqa: E402
from gvr_helpers import callbacks, evaluation, recipes, unpaired_data  # noqa: E402
from gvr_helpers.config import DATA_DIR, cache_dir, get_profile, seed_offset, set_seed  # noqa: E402
from gvr_helpers.data import atomic_write  # noqa: E402
from gvr_helpers.downloads import sha256_file  # noqa: E402
from gvr_helpers.styles import STYLES  # noqa: E402

CHECKPOINT_DIR = DATA_DIR / "checkpoints"
MANIFEST = CHECKPOINT_DIR / "manifest.json"
FULL_STEPS = 6000
BLOCK = 200          # steps per fit "epoch": the unit of checkpointing and resuming
CROP, BATCH = 16, 32


sha256 = sha256_file  # the downloads module's: one way to hash a file


def load_manifest() -> dict:
    return json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}


RECIPES = {"fast": "fast_recipe (unpaired: ink generator, colour-map anchor, rates decayed to 0 by step 4000)",
           "oracle": "paired_oracle (L1 on pairs S(x); for reference)",
           "cyclegan": "CycleGAN with the course's 8-channel residual generators (cyclegan_recipe), SN PatchGANs, LSGAN, cycle λ=10, "
                       "no identity loss (unpaired; G and inverse F)"}


PACKAGE_DIR = Path(gvr_helpers.__file__).resolve().parent


def run_fingerprint(style: str, recipe: str, steps: int, seed: int, package_dir=PACKAGE_DIR,
                    script=Path(__file__)) -> str:
    """What defines a training run: its settings, the library versions and every source file that
    can change what it learns (each ``.py`` of ``package_dir``, by relative path and content, and
    this script). Cached progress from a run with another fingerprint must not be resumed: it
    would mix two different runs. Tests pass a copy of the package as ``package_dir``."""
    settings = {"style": style, "recipe": recipe, "steps": steps, "seed": seed, "seed_offset": seed_offset(),
                "crop": CROP, "batch": BATCH, "block": BLOCK,
                "tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__}
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    package_dir = Path(package_dir)
    sources = sorted((p.relative_to(package_dir).as_posix(), p) for p in package_dir.rglob("*.py")
                     if not any(part.startswith(".") for part in p.relative_to(package_dir).parts))
    for name, path in sources + [(f"<script>/{Path(script).name}", Path(script))]:
        content = path.read_bytes()
        digest.update(f"\0{name}\0{len(content)}\0".encode())  # name and length: no two trees collide
        digest.update(content)
    return digest.hexdigest()


def resume_dir(work: Path, fingerprint: str) -> Path:
    """``work``, emptied first if the progress cached there belongs to a run with another fingerprint."""
    stamp = work / "run.json"
    if work.exists() and (not stamp.exists() or json.loads(stamp.read_text()).get("fingerprint") != fingerprint):
        print(f"{work.name}: cached progress is from another version of the run; starting afresh")
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    atomic_write(stamp, json.dumps({"fingerprint": fingerprint}))
    return work


def train_style(style: str, steps: int, recipe: str = "fast", seed: int = 0) -> dict:
    set_seed(seed)
    train_data = unpaired_data.style_data(style, crop=CROP, n_crops=2048, seed=seed)
    test_data = unpaired_data.style_data(style, crop=64)
    if recipe == "fast":
        model = recipes.fast_recipe(patch=STYLES[style].patch, colour_reference=train_data.b)
        second = train_data.b
    elif recipe == "cyclegan":
        model, second = recipes.cyclegan_recipe(CROP), train_data.b
    else:
        model = recipes.paired_oracle(patch=STYLES[style].patch)
        second = train_data.a_styled
    work = resume_dir(cache_dir() / "checkpoints" / f"{style}_{recipe}", run_fingerprint(style, recipe, steps, seed))
    ckpt = callbacks.Checkpoints(work)
    start_block = ckpt.restore(model)
    blocks = max(1, steps // BLOCK)
    timing_file = work / "seconds.json"
    seconds = json.loads(timing_file.read_text())["seconds"] if start_block and timing_file.exists() else 0.0
    if start_block < blocks:
        stream = unpaired_data.crop_stream(train_data.a, second, BATCH, seed=seed, start_step=start_block * BLOCK,
                                           paired=(recipe == "oracle"))

        class Clock(keras.callbacks.Callback):  # training seconds survive a resume
            def on_epoch_begin(self, epoch, logs=None):
                self.t = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                nonlocal seconds
                seconds += time.perf_counter() - self.t
                atomic_write(timing_file, json.dumps({"seconds": seconds}))

        model.fit(stream, epochs=blocks, steps_per_epoch=BLOCK, initial_epoch=start_block, verbose=0,
                  callbacks=[Clock(), callbacks.NaNGuard(ckpt), ckpt, callbacks.TqdmProgress(desc=style)])
    CHECKPOINT_DIR.mkdir(parents=True, exist_ok=True)
    final = callbacks.save_atomic(model.generator, CHECKPOINT_DIR / f"{style}_{recipe}.keras")
    extra = {}
    if recipe == "cyclegan":  # also ship the inverse generator F and how well F(G(x)) recovers x
        inverse = callbacks.save_atomic(model.inverse, CHECKPOINT_DIR / f"{style}_{recipe}_inverse.keras")
        recovered = evaluation.reconstruction_psnr(model.generator, model.inverse, test_data.test_x)
        extra = {"inverse_file": inverse.name, "inverse_sha256": sha256(inverse),
                 "reconstruction_psnr": round(recovered, 4)}
    shutil.rmtree(work)   # exported: the resume state has done its job
    return {**extra, "file": final.name, "style": style, "recipe": RECIPES[recipe], "steps": blocks * BLOCK,
            "crop": CROP, "batch": BATCH, "training_seconds": round(seconds, 1),
            "test_psnr": round(evaluation.style_psnr(model.generator, test_data), 4),
            "identity_psnr": round(evaluation.input_psnr(test_data), 4),
            "sha256": sha256(final)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--styles", default=",".join(STYLES), help="comma-separated style names")
    parser.add_argument("--recipes", default="fast,oracle,cyclegan", help=f"comma-separated, from {sorted(RECIPES)}")
    parser.add_argument("--steps", type=int, default=None, help=f"default: the profile's share of {FULL_STEPS}")
    args = parser.parse_args(argv)
    styles = [s.strip() for s in args.styles.split(",") if s.strip()]
    if not styles or any(s not in STYLES for s in styles):
        parser.error(f"choose styles from {sorted(STYLES)}, got {args.styles!r}")
    steps = args.steps or get_profile().steps(FULL_STEPS, minimum=BLOCK)
    if steps < BLOCK:
        parser.error(f"--steps must be at least {BLOCK}")
    recipes = [r.strip() for r in args.recipes.split(",") if r.strip()]
    if not recipes or any(r not in RECIPES for r in recipes):
        parser.error(f"choose recipes from {sorted(RECIPES)}, got {args.recipes!r}")
    for style in styles:
        for recipe in recipes:
            entry = train_style(style, steps, recipe)
            manifest = load_manifest()
            manifest[f"{style}_{recipe}"] = entry
            atomic_write(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            os.chmod(MANIFEST, 0o644)
            print(json.dumps(entry), flush=True)


if __name__ == "__main__":
    main()
