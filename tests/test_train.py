"""The GAN training loop: fit, determinism, resume, NaN guard, exports, MirroredStrategy."""
import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from gvr_helpers import callbacks, config, models, ring, train

DATA = ring.sample_ring(512, std=0.05, seed=0)


def small_gan(seed=0, **compile_kw):
    config.set_seed(seed)
    g = models.build_generator("mlp", noise_dim=2, data_dim=2, hidden=16, depth=1)
    d = models.build_discriminator("mlp", data_dim=2, hidden=16, depth=1)
    gan = train.GAN(g, d)
    gan.compile(**compile_kw)
    return gan


def weights(model):
    return [np.array(w) for w in model.get_weights()]


def test_fit_returns_a_history_of_losses_per_step_and_epoch():
    gan = small_gan(loss="hinge", r1_weight=1.0, d_steps=2)
    history = train.train_gans(gan, DATA, epochs=2, batch_size=32, steps_per_epoch=5, progress=False)
    assert len(history.epochs) == 2 and len(history.steps) == 10
    assert {"d_loss", "g_loss", "d_real", "d_fake", "r1"} <= set(history.epochs[-1])
    assert np.all(np.isfinite(history.series("d_loss")))
    assert gan.sample(7).shape == (7, 2)


def test_two_seeded_runs_give_identical_losses_and_different_seeds_do_not():
    runs = []
    for seed in (3, 3, 4):
        gan = small_gan(seed)
        h = train.train_gans(gan, DATA, epochs=1, batch_size=32, steps_per_epoch=6, progress=False, seed=seed)
        runs.append(h.series("g_loss", per="step"))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_an_interrupted_run_resumes_from_its_last_finished_epoch(tmp_path):
    straight = small_gan()
    train.train_gans(straight, DATA, epochs=4, batch_size=32, steps_per_epoch=3, progress=False)

    class Crash(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if self.model.optimizer_steps() >= 2 * 3 + 2:  # in the middle of the third epoch
                raise KeyboardInterrupt

    first = small_gan()
    first.optimizer_steps = lambda: int(first.g_optimizer.iterations.numpy())
    with pytest.raises(KeyboardInterrupt):
        train.train_gans(first, DATA, epochs=4, batch_size=32, steps_per_epoch=3, progress=False,
                         checkpoint_dir=tmp_path, callbacks=[Crash()])
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("ckpt-2")
    saved = json.loads((tmp_path / "history.json").read_text())
    assert [e["epoch"] for e in saved["epochs"]] == [0, 1]

    resumed = small_gan(seed=99)  # different initial weights: everything must come from the checkpoint
    history = train.train_gans(resumed, DATA, epochs=4, batch_size=32, steps_per_epoch=3, progress=False,
                               checkpoint_dir=tmp_path)
    assert [e["epoch"] for e in history.epochs] == [0, 1, 2, 3]
    assert int(resumed.g_optimizer.iterations.numpy()) == 12
    for a, b in zip(weights(straight), weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    # A finished run is not trained again.
    again = train.train_gans(resumed, DATA, epochs=4, batch_size=32, steps_per_epoch=3, progress=False,
                             checkpoint_dir=tmp_path)
    assert len(again.epochs) == 4 and int(resumed.g_optimizer.iterations.numpy()) == 12


@pytest.mark.parametrize("damage", ["garbage index", "truncated data", "deleted index"])
def test_restore_falls_back_to_the_previous_checkpoint_when_the_latest_cannot_be_read(tmp_path, damage):
    saved = {}

    class Keep(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            saved[epoch + 1] = weights(self.model)

    train.train_gans(small_gan(), DATA, epochs=3, batch_size=32, steps_per_epoch=2, progress=False,
                     checkpoint_dir=tmp_path, callbacks=[Keep()])
    index, data = tmp_path / "ckpt-3.index", tmp_path / "ckpt-3.data-00000-of-00001"
    if damage == "garbage index":
        index.write_bytes(b"not a checkpoint" * 8)
    elif damage == "truncated data":
        data.write_bytes(data.read_bytes()[:data.stat().st_size // 2])
    else:
        index.unlink()
    resumed = small_gan(seed=99)
    with pytest.warns(UserWarning, match=r"could not read checkpoint \S*ckpt-3 .*; resuming from \S*ckpt-2 instead"):
        assert callbacks.Checkpoints(tmp_path).restore(resumed) == 2
    for a, b in zip(saved[2], weights(resumed)):
        np.testing.assert_array_equal(a, b)
    assert int(resumed.g_optimizer.iterations.numpy()) == 4
    # With no readable checkpoint left, restore says so rather than silently starting over.
    (tmp_path / "ckpt-2.index").write_bytes(b"")
    with pytest.raises(RuntimeError, match=r"no checkpoint in \S+ can be read .*ckpt-3.*ckpt-2.*delete the directory"):
        callbacks.Checkpoints(tmp_path).restore(small_gan())


def test_a_failed_export_removes_its_temporary_file_and_names_the_file(tmp_path):
    gan = small_gan()
    train.train_gans(gan, DATA, epochs=1, batch_size=32, steps_per_epoch=2, progress=False,
                     checkpoint_dir=tmp_path, export=["generator"])
    exported = (tmp_path / "generator.keras").read_bytes()

    def full_disk(path, *args, **kwargs):
        with open(path, "wb") as f:
            f.write(b"half a zip")  # the save had begun writing its temporary file
        raise OSError(28, "No space left on device")

    gan.generator.save = full_disk
    with pytest.raises(OSError, match=r"could not save \S*generator\.keras: OSError: .*No space left"):
        train.train_gans(gan, DATA, epochs=2, batch_size=32, steps_per_epoch=2, progress=False,
                         checkpoint_dir=tmp_path, export=["generator"])
    assert sorted(p.name for p in tmp_path.iterdir() if "generator" in p.name) == ["generator.keras"]
    assert (tmp_path / "generator.keras").read_bytes() == exported  # the previous export is intact


def test_nan_guard_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint(tmp_path):
    class Poison(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 1:
                w = self.model.discriminator.layers[-1]
                w.kernel.assign(np.full(w.kernel.shape, np.nan, np.float32))

    gan = small_gan()
    with pytest.raises(callbacks.TrainingDivergedError, match=r"diverged at epoch 2, step 1: .*d_loss=nan.*ckpt-1"):
        train.train_gans(gan, DATA, epochs=3, batch_size=32, steps_per_epoch=4, progress=False,
                         checkpoint_dir=tmp_path, callbacks=[Poison()])
    assert tf.train.latest_checkpoint(str(tmp_path)).endswith("ckpt-1")
    assert all(np.all(np.isfinite(w)) for w in weights(gan))  # the good checkpoint was restored


def test_exported_generator_loads_in_safe_mode_and_snapshots_are_written(tmp_path):
    gan = small_gan()
    snaps = callbacks.Snapshots(lambda m: np.full((4, 8, 8, 3), 0.5, np.float32), directory=tmp_path / "snaps")
    history = train.train_gans(gan, DATA, epochs=2, batch_size=32, steps_per_epoch=2, progress=True,
                               checkpoint_dir=tmp_path, export=["generator"], callbacks=[snaps])
    loaded = keras.saving.load_model(tmp_path / "generator.keras", safe_mode=True)
    z = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    np.testing.assert_allclose(loaded(z), gan.generator(z), rtol=1e-6)
    assert [e for e, _ in snaps.frames] == [1, 2]
    assert sorted(p.name for p in (tmp_path / "snaps").iterdir()) == ["snapshot_0001.png", "snapshot_0002.png"]
    assert not list(tmp_path.glob("*.tmp*"))
    fig = history.plot(name="test_loss_history")
    assert len(fig.axes) >= 1


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="d_steps"):
        small_gan(d_steps=0)
    with pytest.raises(ValueError, match="r1_weight"):
        small_gan(r1_weight=-1)
    with pytest.raises(ValueError, match="unknown GAN loss"):
        small_gan(loss="wasserstein9")
    g = models.build_generator("mlp", noise_dim=2, data_dim=2)
    with pytest.raises(ValueError, match="compile the GAN first"):
        train.train_gans(train.GAN(g, models.build_discriminator("mlp", data_dim=2)), DATA, epochs=1)
    with pytest.raises(TypeError, match="keras.Model"):
        train.GAN(g, "not a model")
    bad = DATA.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train.make_dataset(bad, (2,), batch_size=8)
    with pytest.raises(ValueError, match="at least batch_size"):
        train.make_dataset(DATA[:4], (2,), batch_size=8)


def test_diff_augment_keeps_shape_and_passes_gradients():
    x = tf.constant(np.random.default_rng(0).uniform(size=(3, 16, 16, 3)).astype(np.float32))
    identity = train.diff_augment(translation=0, brightness=0, contrast=0)
    np.testing.assert_allclose(identity(x), x, atol=1e-6)
    aug = train.diff_augment()
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = aug(x)
        total = tf.reduce_sum(y)
    assert y.shape == x.shape
    grad = tape.gradient(total, x)
    assert grad is not None and float(tf.reduce_sum(tf.abs(grad))) > 0
    shifted = train.diff_augment(translation=0.25, brightness=0, contrast=0)(x)
    assert not np.allclose(shifted, x)  # some sample moved (P(no shift for all 3) is tiny)


MIRRORED = textwrap.dedent("""
    import json, numpy as np, tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from gvr_helpers import config, models, ring, train

    def run(strategy):
        config.set_seed(0)
        with strategy.scope():
            g = models.build_generator("mlp", noise_dim=2, data_dim=2, hidden=16, depth=1)
            d = models.build_discriminator("mlp", data_dim=2, hidden=16, depth=1)
            gan = train.GAN(g, d)
            gan.compile(loss="nonsaturating", r1_weight=1.0)
        h = train.train_gans(gan, ring.sample_ring(256, seed=0), epochs=1, batch_size=32,
                             steps_per_epoch=1, progress=False)
        return h.epochs[0], [w.tolist() for w in g.get_weights()], strategy.num_replicas_in_sync

    single = run(tf.distribute.get_strategy())
    mirrored = run(tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"]))
    print(json.dumps({"single": single, "mirrored": mirrored}))
""")


def test_mirrored_strategy_on_two_logical_cpus_matches_one_device():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-c", MIRRORED], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    (loss1, w1, n1), (loss2, w2, n2) = result["single"], result["mirrored"]
    assert (n1, n2) == (1, 2)
    for key in ("d_loss", "g_loss", "r1", "d_real", "d_fake"):
        assert loss2[key] == pytest.approx(loss1[key], rel=1e-5, abs=1e-6), key
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(np.array(b), np.array(a), rtol=1e-5, atol=1e-6)


def test_ring_experiment_measures_its_samples_and_checks_variant_names():
    run = ring.train_ring(seed=0, steps=20, hidden=8, depth=1, snapshot_every=10, spectral_norm=True,
                           instance_noise=0.1, n_eval=500)
    assert 0 <= run["modes_covered"] <= 8 and 0 <= run["hq_fraction"] <= 1
    assert [s for s, _ in run["frames"]] == [10, 20] and run["samples"].shape == (500, 2)
    assert any("spectral" in layer.name for layer in run["gan"].discriminator.layers)
    table = ring.compare_ring_variants(["saturating (minimax)"], seeds=[0], done={("saturating (minimax)", 0): run})
    assert table["saturating (minimax)"]["modes_covered"] == [run["modes_covered"]]
    with pytest.raises(ValueError, match="unknown ring variants"):
        ring.compare_ring_variants(["wgan"])


def test_a_tf_data_pipeline_of_batches_can_be_the_data():
    gan = small_gan()
    batches = tf.data.Dataset.from_tensor_slices(DATA).batch(16, drop_remainder=True)
    history = train.train_gans(gan, batches, epochs=1, steps_per_epoch=3, progress=False)
    assert len(history.steps) == 3
    with pytest.raises(ValueError, match="steps_per_epoch"):
        train.train_gans(gan, batches, epochs=1, progress=False)
    with pytest.raises(ValueError, match="fixed batch size"):
        train.make_dataset(tf.data.Dataset.from_tensor_slices(DATA).batch(16), (2,))
