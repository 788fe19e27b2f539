import numpy as np
import pytest

from gvr_helpers import config


def test_profiles_by_environment(monkeypatch):
    monkeypatch.setenv("GVR_PROFILE", "full")
    assert config.get_profile().name == "full"
    monkeypatch.setenv("GVR_PROFILE", "FAST ")
    assert config.get_profile().name == "fast"
    monkeypatch.delenv("GVR_PROFILE")
    assert config.get_profile().name == "fast"


def test_unknown_profile_lists_the_valid_ones(monkeypatch):
    monkeypatch.setenv("GVR_PROFILE", "turbo")
    with pytest.raises(ValueError, match=r"'turbo'.*fast, full"):
        config.get_profile()


def test_steps_scale_with_the_profile():
    assert config.get_profile("full").steps(1000) == 1000
    assert config.get_profile("fast").steps(1000) == 100
    assert config.get_profile("fast").steps(3, minimum=2) == 2


def test_cache_dir_is_overridable(monkeypatch, tmp_path):
    monkeypatch.setenv("GVR_CACHE", str(tmp_path / "c"))
    assert config.cache_dir() == tmp_path / "c"
    assert (tmp_path / "c").is_dir()


def test_paths_point_into_the_repository():
    assert (config.REPO_ROOT / "pyproject.toml").is_file()
    assert config.DATA_DIR == config.REPO_ROOT / "data"


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_set_seed_rejects_bad_seeds(bad):
    with pytest.raises(ValueError, match="seed"):
        config.set_seed(bad)


def test_set_seed_repeats_a_training_step_exactly():
    import keras

    def one_run():
        config.set_seed(123)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dropout(0.5), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="mse")
        x = np.random.rand(64, 4).astype("float32")
        y = np.random.rand(64, 1).astype("float32")
        history = model.fit(x, y, epochs=2, batch_size=16, verbose=0, shuffle=True)
        return history.history["loss"], model.get_weights()

    loss_a, weights_a = one_run()
    loss_b, weights_b = one_run()
    assert loss_a == loss_b
    for a, b in zip(weights_a, weights_b):
        np.testing.assert_array_equal(a, b)


def test_gvr_seed_shifts_every_seed_and_bad_values_are_named(monkeypatch):
    import keras

    monkeypatch.setenv("GVR_SEED", "3")
    assert config.set_seed(2) == 5
    shifted = keras.random.normal((4,)).numpy()
    monkeypatch.delenv("GVR_SEED")
    assert config.set_seed(5) == 5
    np.testing.assert_array_equal(keras.random.normal((4,)).numpy(), shifted)
    for bad in ("-1", "two"):
        monkeypatch.setenv("GVR_SEED", bad)
        with pytest.raises(ValueError, match=f"GVR_SEED.*{bad}"):
            config.set_seed(0)
