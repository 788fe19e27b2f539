"""Exercise 6.4 (notebook 06): predict which fusion the style critic scores lowest; the check measures it."""
import numpy as np
import pytest

from gvr_helpers import exercises as ex


def greenness_critic(batch, training=False):
    """A stand-in critic that says 'style' where pixels are greener than they are red: it goes by colour
    only, like the notebook's critic, so luminance-only fusion (the original's colours) scores lowest."""
    batch = np.asarray(batch, dtype=np.float64)
    return 20.0 * (batch[..., 1:2] - batch[..., 0:1])


@pytest.fixture
def pair():
    rng = np.random.default_rng(64)
    yy, xx = np.mgrid[0:32, 0:32] / 31.0
    original = np.stack([0.55 + 0.2 * xx, 0.35 + 0.1 * yy, 0.25 + 0.05 * xx * yy], -1)   # a warm brown photo
    original = np.clip(original + 0.03 * rng.standard_normal(original.shape), 0, 1).astype(np.float32)
    stylized = np.stack([0.3 + 0.1 * xx, 0.75 - 0.1 * yy, 0.35 + 0.0 * xx], -1)          # green, with dark lines
    stylized[::8] *= 0.2
    return original, np.clip(stylized, 0, 1).astype(np.float32)


def test_measured_fusion_realism_scores_all_four(pair):
    scores = ex.measured_fusion_realism(greenness_critic, *pair)
    assert set(scores) == {"alpha", "luminance", "colour", "laplacian"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())
    assert min(scores, key=scores.get) == "luminance"
    assert sorted(scores.values())[1] > min(scores.values()) + 0.2       # a clear verdict to predict


def test_the_measured_answer_passes(pair, capsys):
    assert ex.check_critic_lowest_fusion("luminance", greenness_critic, *pair)
    out = capsys.readouterr().out
    assert out.startswith("PASS what the critic rewards") and "the original:" in out
    assert ex.check_critic_lowest_fusion(" Luminance ", greenness_critic, *pair)   # case and spaces forgiven


@pytest.mark.parametrize("wrong", ["alpha", "colour", "laplacian"])
def test_a_wrong_prediction_fails_with_the_measurement_and_a_hint(pair, capsys, wrong):
    assert not ex.check_critic_lowest_fusion(wrong, greenness_critic, *pair)
    out = capsys.readouterr().out
    assert out.startswith("TRY AGAIN what the critic rewards")
    assert f"{wrong} scores" in out and "not the lowest" in out         # says what was measured
    assert "luminance" in out and "colours" in out                       # the table, and where to look


@pytest.mark.parametrize("answer", [None, "pyramid", 3])
def test_an_answer_that_is_not_a_fusion_says_which_are(pair, capsys, answer):
    assert not ex.check_critic_lowest_fusion(answer, greenness_critic, *pair)
    out = capsys.readouterr().out
    assert "must be one of" in out and "'luminance'" in out


def test_the_check_follows_the_critic_not_a_fixed_answer(pair, capsys):
    """A critic that goes by darkness instead of colour makes another fusion the lowest: the check measures."""
    def brightness_critic(batch, training=False):
        return 20.0 * (np.asarray(batch, dtype=np.float64).mean(-1, keepdims=True) - 0.45)

    scores = ex.measured_fusion_realism(brightness_critic, *pair)
    lowest = min(scores, key=scores.get)
    assert lowest != "luminance"
    assert ex.check_critic_lowest_fusion(lowest, brightness_critic, *pair)
    assert not ex.check_critic_lowest_fusion("luminance", brightness_critic, *pair)
