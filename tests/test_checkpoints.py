"""The shipped translators in data/checkpoints/: safe-mode loadable, unchanged, as good as the manifest says."""
import hashlib
import json

import keras
import numpy as np
import pytest

from gvr_helpers import evaluation, translators, unpaired_data
from gvr_helpers.config import DATA_DIR

CHECKPOINTS = DATA_DIR / "checkpoints"
MANIFEST = CHECKPOINTS / "manifest.json"
ENTRIES = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}


def test_manifest_lists_every_shipped_file():
    assert ENTRIES, f"{MANIFEST} is missing or empty: run `make checkpoints`"
    shipped = {p.name for p in CHECKPOINTS.glob("*.keras")}
    assert shipped == {e["file"] for e in ENTRIES.values()} | {e["inverse_file"] for e in ENTRIES.values() if "inverse_file" in e}
    for key, entry in ENTRIES.items():
        assert entry["file"] == f"{key}.keras" and key.startswith(entry["style"] + "_")
        assert {"recipe", "steps", "training_seconds", "test_psnr", "sha256"} <= set(entry)


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_checkpoint_hash_safe_load_and_psnr(key):
    entry = ENTRIES[key]
    path = CHECKPOINTS / entry["file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], f"{path.name} differs from the file the manifest describes"
    generator = keras.saving.load_model(path, safe_mode=True, compile=False)
    data = unpaired_data.style_data(entry["style"], crop=64)
    measured = evaluation.style_psnr(generator, data)
    assert abs(measured - entry["test_psnr"]) <= 0.1, (measured, entry["test_psnr"])
    out = translators.translate(generator, data.test_x[:2])
    assert out.shape == data.test_x[:2].shape and np.all((out >= 0) & (out <= 1))


@pytest.mark.parametrize("key", sorted(k for k, e in ENTRIES.items() if "inverse_file" in e))
def test_inverse_generator_hash_and_reconstruction(key):
    entry = ENTRIES[key]
    path = CHECKPOINTS / entry["inverse_file"]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["inverse_sha256"]
    g = keras.saving.load_model(CHECKPOINTS / entry["file"], safe_mode=True, compile=False)
    f = keras.saving.load_model(path, safe_mode=True, compile=False)
    data = unpaired_data.style_data(entry["style"], crop=64)
    measured = evaluation.reconstruction_psnr(g, f, data.test_x)
    assert abs(measured - entry["reconstruction_psnr"]) <= 0.1


def test_training_resumes_only_a_run_with_the_same_fingerprint(tmp_path):
    import importlib.util

    from gvr_helpers.config import REPO_ROOT

    spec = importlib.util.spec_from_file_location("train_checkpoints", REPO_ROOT / "tools" / "train_checkpoints.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    first = tool.run_fingerprint("toon", "fast", 400, 0)
    assert first == tool.run_fingerprint("toon", "fast", 400, 0) != tool.run_fingerprint("toon", "fast", 600, 0)
    work = tool.resume_dir(tmp_path / "toon_fast", first)
    (work / "ckpt-1.index").write_text("progress")
    assert (tool.resume_dir(work, first) / "ckpt-1.index").exists()          # same run: resumed
    assert not (tool.resume_dir(work, "another") / "ckpt-1.index").exists()  # another run: discarded
