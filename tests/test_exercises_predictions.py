"""The prediction and design exercises (issue 18): the right answer passes, wrong ones fail, and each check
measures what it claims with a margin (so it holds on any CPU and seed)."""
import math

import numpy as np
import pytest

from gvr_helpers import exercises as ex
from gvr_helpers.exercises import gan


# ------------------------------------------------------------ 00: windows of the styles
def test_style_patches_right_and_wrong(capsys):
    assert ex.check_style_patches("painterly", "pixel_art")
    assert "painterly" in capsys.readouterr().out
    assert not ex.check_style_patches("toon", "pixel_art")
    assert "TRY AGAIN" in capsys.readouterr().out
    assert not ex.check_style_patches("painterly", "ink_wash")
    assert ex.check_style_patches("Painterly", "pixel-art")
    assert not ex.check_style_patches("oil", "pixel_art")
    assert "must be one of" in capsys.readouterr().out


def test_measured_patches_have_a_margin():
    from gvr_helpers import data

    image = data.content_images(size=128)[0]
    patches = {s: ex.measured_patch(s, image) for s in ("toon", "woodblock", "painterly", "pixel_art", "ink_wash")}
    others = [p for s, p in patches.items() if s not in ("painterly", "pixel_art")]
    assert patches["painterly"] >= max(others) + 6, patches
    assert patches["pixel_art"] + 4 <= min(others), patches


# ------------------------------------------------------------ 01: where D says real
def test_where_d_says_real_right_and_wrong(capsys):
    assert ex.check_where_d_says_real({"left tail", "right tail"})
    assert not ex.check_where_d_says_real({"centre"})
    assert not ex.check_where_d_says_real("left tail")
    assert not ex.check_where_d_says_real({"left tail", "middle"})
    assert "must be one of" in capsys.readouterr().out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_narrow_generator_discriminator_has_a_margin(seed):
    grid, d, d_star = ex.narrow_generator_discriminator(seed)
    for region, (a, b) in ex.TOY_REGIONS.items():
        mean = d[(grid >= a) & (grid <= b)].mean()
        assert abs(mean - 0.5) > 0.1, (region, mean)
        assert (mean > 0.5) == (d_star[(grid >= a) & (grid <= b)].mean() > 0.5), region


# ------------------------------------------------------------ 02: the cheapest translator
def test_translator_design_right_and_wrong(capsys):
    assert ex.check_translator_design(3, 1)
    assert not ex.check_translator_design(2, 2)           # sees far enough, costs more
    assert "as much" in capsys.readouterr().out
    assert not ex.check_translator_design(3, 0)           # too short-sighted
    assert "does not see" in capsys.readouterr().out
    assert not ex.check_translator_design(4, 0)
    assert not ex.check_translator_design("3", 1)


def test_the_cheapest_design_is_the_one_the_check_knows():
    best = None
    for n_down in ex.TRANSLATOR_CHOICES["n_down"]:
        for n_blocks in ex.TRANSLATOR_CHOICES["n_blocks"]:  # cost grows with blocks: the first that reaches wins
            rf, macs = gan._translator_cost(n_down, n_blocks)
            if rf >= ex.TRANSLATOR_REACH:
                if best is None or macs < best[0]:
                    best = (macs, (n_down, n_blocks))
                break
    assert best[1] == gan._CHEAPEST


# ------------------------------------------------------------ 03: verdicts per pixel
def test_verdicts_per_pixel_right_and_wrong(capsys):
    assert ex.check_verdicts_per_pixel(lambda r, s: math.ceil(r / s))
    assert not ex.check_verdicts_per_pixel(lambda r, s: r // s)
    assert "Round up" in capsys.readouterr().out
    assert not ex.check_verdicts_per_pixel(lambda r, s: r)


def test_poked_logits_are_counted_exactly():
    for rf, expected in ((16, (2, 8)), (34, (4, 9)), (70, (8, 9))):
        stride, count, margin = ex.measured_verdicts(rf)
        assert (stride, count) == expected
        assert margin > 1e6  # the logits that do not move do not move at all


# ------------------------------------------------------------ 04: which losses saturate
def test_saturating_losses_right_and_wrong(capsys):
    assert ex.check_saturating_losses({"minimax"})
    assert ex.check_saturating_losses(["saturating"])       # an alias is read as its loss
    capsys.readouterr()
    assert not ex.check_saturating_losses({"minimax", "hinge"})
    assert "hinge generator loss" in capsys.readouterr().out
    assert not ex.check_saturating_losses(set())
    assert not ex.check_saturating_losses({"nonsaturating"})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generator_gradient_ratios_have_a_margin(seed):
    ratios, d_fake = ex.generator_gradient_ratios(seed)
    assert d_fake < 0.01
    assert ratios["minimax"] < 0.01
    assert min(ratios["least_squares"], ratios["hinge"]) > 0.5


# ------------------------------------------------------------ 08: what only the right eye sees
def test_measured_disocclusion_is_the_difference_of_disparities():
    for near, far in ((12, 2), (8, 3), (20, 0), (6, 5)):
        assert ex.measured_disocclusion(near, far) == ("right", near - far)


def test_disocclusion_right_and_wrong(capsys):
    assert ex.check_disocclusion("right", lambda near, far: near - far)
    assert not ex.check_disocclusion("left", lambda near, far: near - far)
    assert "on the right" in capsys.readouterr().out
    assert not ex.check_disocclusion("right", lambda near, far: near)
    assert "10 columns" in capsys.readouterr().out
    assert not ex.check_disocclusion("up", lambda near, far: near - far)

    def not_done(near, far):
        raise NotImplementedError()
    assert not ex.check_disocclusion("right", not_done)
    assert "not done yet" in capsys.readouterr().out


def test_min_wrap_pad_is_measured_and_a_wrong_prediction_fails():
    from gvr_helpers import translators, world

    g = translators.residual_translator(depth=4)          # receptive field 9 px
    g.get_layer("delta").set_weights([0.3 * np.random.default_rng(0).standard_normal(w.shape).astype("float32")
                                      for w in g.get_layer("delta").get_weights()])
    pano = world.panorama(seed=1, height=32, width=64)
    assert ex.measured_min_wrap_pad(g, pano) == 4
    assert ex.check_min_wrap_pad(4, g, pano, 9)
    for wrong in (3, 5, 9, "four", 4.5):
        assert not ex.check_min_wrap_pad(wrong, g, pano, 9)


def test_fusion_prediction_is_measured():
    rng = np.random.default_rng(0)
    from gvr_helpers.data import bundled_image

    original = bundled_image("astronaut", 64)
    stylized = np.clip(original[::-1] * 0.5 + 0.3 * rng.random(original.shape), 0, 1).astype(np.float32)
    scores = ex.measured_fusion_ssim(original, stylized)
    best = max(scores, key=scores.get)
    assert ex.check_fusion_keeps_face(best, [original], [stylized])
    for wrong in {"alpha", "luminance", "laplacian"} - {best}:
        assert not ex.check_fusion_keeps_face(wrong, [original], [stylized])
    assert not ex.check_fusion_keeps_face("pyramid", [original], [stylized])
