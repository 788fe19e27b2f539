"""Resuming after ``kill -9``: a run killed at any point, even while a checkpoint is being written,
restarts from its last complete checkpoint and ends with the weights of an uninterrupted run.
Also: the fingerprint that decides whether tools/train_checkpoints.py may resume cached progress."""
import importlib.util
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import keras
import numpy as np
import pytest
import tensorflow as tf

from gvr_helpers.config import REPO_ROOT

# A tiny GAN trained with fit and the course's Checkpoints, one checkpoint per block of `steps` steps,
# once per checkpoint directory given. Batch s is a pure function of (seed, s), so a run resumed at
# block b sees the batches it would have seen. PAUSE_IN_SAVE=k: sleep inside checkpoint k's real
# write path, after its files are on disk and before it is committed. PAUSE_AT_STEP=s: sleep after
# step s. Either way the parent kills it there.
SCRIPT = textwrap.dedent("""
    import os, sys, time
    import numpy as np, keras
    from gvr_helpers import callbacks, config, models, train

    blocks, steps = int(sys.argv[1]), int(sys.argv[2])
    pause_in_save = int(os.environ.get("PAUSE_IN_SAVE", 0))
    pause_at_step = int(os.environ.get("PAUSE_AT_STEP", 0))

    def pause(what):
        print(what, flush=True)
        time.sleep(300)

    class Ckpt(callbacks.Checkpoints):
        def on_files_written(self, save_path):
            super().on_files_written(save_path)
            if int(self.epoch.numpy()) == pause_in_save:
                pause(f"paused in save {pause_in_save}")

    class PauseAtStep(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if int(self.model.g_optimizer.iterations.numpy()) == pause_at_step:
                pause(f"paused at step {pause_at_step}")

    def run(directory, out):
        config.set_seed(0)
        g = models.build_generator("mlp", noise_dim=2, data_dim=2, hidden=8, depth=1)
        d = models.build_discriminator("mlp", data_dim=2, hidden=8, depth=1)
        gan = train.GAN(g, d)
        gan.compile(loss="nonsaturating")
        ckpt = Ckpt(directory)
        start = ckpt.restore(gan)
        print(f"restored {start}", flush=True)
        data = np.random.default_rng(0).normal(size=(256, 2)).astype(np.float32)  # fixed data
        stream = train.make_dataset(data, gan.noise_shape, 16, seed=0, start_step=start * steps)
        gan.fit(stream, epochs=blocks, steps_per_epoch=steps, initial_epoch=start, verbose=0, shuffle=False,
                callbacks=[PauseAtStep(), ckpt])
        state = gan.get_weights() + [v.numpy() for v in gan.g_optimizer.variables + gan.d_optimizer.variables]
        np.savez(out, *state)

    for directory, out in zip(sys.argv[3::2], sys.argv[4::2]):
        run(directory, out)
""")
STEPS, BLOCKS = 3, 5
KILL_SEED = int(os.environ.get("GVR_KILL_SEED", "16"))  # another value kills at other points


class Run:
    """The script in a subprocess, training in each directory in turn; its output goes to a file
    the parent polls."""

    def __init__(self, tmp_path, name, directories, env=()):
        self.log = tmp_path / f"{name}.log"
        self.outs = [tmp_path / f"{name}-{i}.npz" for i in range(len(directories))]
        script = tmp_path / "tiny_run.py"
        script.write_text(SCRIPT)
        environ = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(REPO_ROOT), **dict(env))
        argv = [sys.executable, str(script), str(BLOCKS), str(STEPS)]
        argv += [str(x) for pair in zip(directories, self.outs) for x in pair]
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=environ)

    def text(self):
        return self.log.read_text()

    def wait_for(self, prefix, count=1, timeout=60):
        """The output lines starting with ``prefix``, once the run has printed ``count`` of them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in self.text().splitlines() if line.startswith(prefix)]
            if len(found) >= count:
                return found
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail(f"the run never printed {prefix!r}; its output:\n{self.text()[-3000:]}")
            time.sleep(0.02)

    def restored(self, count=1) -> list[int]:
        """The block each of the first ``count`` trainings resumed from."""
        return [int(line.split()[1]) for line in self.wait_for("restored ", count)]

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        assert self.proc.wait(timeout=30) == -signal.SIGKILL

    def finish(self):
        """Each training's final weights and optimizer state."""
        assert self.proc.wait(timeout=120) == 0, self.text()[-3000:]
        states = []
        for out in self.outs:
            with np.load(out) as saved:
                states.append([saved[f"arr_{i}"] for i in range(len(saved.files))])
        return states


@pytest.fixture
def start(tmp_path):
    """Starts runs; any still alive when the test ends (a failed assertion) is killed."""
    runs = []
    yield lambda *args, **kwargs: runs.append(Run(tmp_path, *args, **kwargs)) or runs[-1]
    for run in runs:
        if run.proc.poll() is None:
            run.proc.kill()
            run.proc.wait()


def test_a_run_killed_anywhere_resumes_from_its_last_complete_checkpoint_and_ends_like_a_straight_run(start, tmp_path):
    rng = random.Random(KILL_SEED)
    in_save = rng.randint(2, BLOCKS - 1)                              # checkpoint being written at the first kill
    at_step = rng.randint((in_save - 1) * STEPS + 1, BLOCKS * STEPS)  # step after which the resumed run is killed
    where = f"(GVR_KILL_SEED={KILL_SEED}: killed in checkpoint {in_save}'s write, then after step {at_step})"
    work = tmp_path / "work"

    # 1. Killed while checkpoint `in_save` is written: its files are on disk, not yet committed
    #    (the state file still names the previous one).
    first = start("first", [work], {"PAUSE_IN_SAVE": str(in_save)})
    first.wait_for(f"paused in save {in_save}")
    assert (work / f"ckpt-{in_save}.index").exists(), where
    assert tf.train.get_checkpoint_state(str(work)).model_checkpoint_path.endswith(f"ckpt-{in_save - 1}"), where
    first.kill9()

    # 2. It resumes from the last complete checkpoint, not the uncommitted one; killed again mid-run.
    second = start("second", [work], {"PAUSE_AT_STEP": str(at_step)})
    [kept] = second.restored()
    assert kept == in_save - 1, where
    assert in_save * STEPS - kept * STEPS <= STEPS, where  # steps done before the kill minus steps kept
    second.wait_for(f"paused at step {at_step}")
    second.kill9()

    # 3. Resumed again, from the last block finished before step `at_step`: at most one block of work
    #    lost. It ends where a straight run (the same process, a fresh directory) ends, to the bit.
    third = start("third", [work, tmp_path / "straight"])
    kept, straight_start = third.restored(count=2)
    assert kept == (at_step - 1) // STEPS, where
    assert 0 < at_step - kept * STEPS <= STEPS, where
    assert straight_start == 0
    resumed, expected = third.finish()
    assert len(resumed) == len(expected) > 10  # weights, Adam moments and step counters
    for a, b in zip(resumed, expected):
        np.testing.assert_array_equal(a, b, err_msg=where)


# ------------------------------------------------------------ the fingerprint of tools/train_checkpoints.py
@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("train_checkpoints", REPO_ROOT / "tools" / "train_checkpoints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fingerprint_changes_with_every_package_source_file_and_the_script(tool, tmp_path):
    package = tmp_path / "gvr_helpers"
    shutil.copytree(tool.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    script = tmp_path / "train_checkpoints.py"
    shutil.copy(tool.__file__, script)

    def fingerprint():
        return tool.run_fingerprint("toon", "fast", 400, 0, package_dir=package, script=script)

    base = fingerprint()
    assert base == tool.run_fingerprint("toon", "fast", 400, 0)  # the copy is the package
    sources = sorted(package.rglob("*.py"))
    assert {p.name for p in sources} >= {"unpaired.py", "train.py", "models.py", "losses.py", "data.py"}
    for path in sources + [script]:
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert fingerprint() != base, f"changing {path.name} does not change the fingerprint"
        path.write_bytes(original)
    assert fingerprint() == base
    # A file's path counts, not only its bytes: a move or a new module changes the run.
    (package / "models.py").rename(package / "models_old.py")
    assert fingerprint() != base
    (package / "models_old.py").rename(package / "models.py")
    (package / "extra.py").write_text("")
    assert fingerprint() != base


def test_fingerprint_changes_with_every_setting_and_library_version(tool, monkeypatch):
    base = tool.run_fingerprint("toon", "fast", 400, 0)
    assert base == tool.run_fingerprint("toon", "fast", 400, 0)
    others = {tool.run_fingerprint("woodblock", "fast", 400, 0), tool.run_fingerprint("toon", "oracle", 400, 0),
              tool.run_fingerprint("toon", "fast", 600, 0), tool.run_fingerprint("toon", "fast", 400, 1)}
    for module, name in [(tool, "CROP"), (tool, "BATCH"), (tool, "BLOCK")]:
        with monkeypatch.context() as m:
            m.setattr(module, name, getattr(module, name) + 1)
            others.add(tool.run_fingerprint("toon", "fast", 400, 0))
    for module in (tf, keras, np):
        with monkeypatch.context() as m:
            m.setattr(module, "__version__", module.__version__ + ".changed")
            others.add(tool.run_fingerprint("toon", "fast", 400, 0))
    with monkeypatch.context() as m:
        m.setenv("GVR_SEED", "5")  # set_seed adds it to the seed: other initial weights
        others.add(tool.run_fingerprint("toon", "fast", 400, 0))
    assert len(others) == 11 and base not in others
