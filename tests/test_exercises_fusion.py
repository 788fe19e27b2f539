"""Checks of notebook 06: the reference answers pass, typical mistakes fail with a specific hint."""
import numpy as np
from skimage.filters import gaussian

from gvr_helpers import exercises as ex

LUMA = np.array([0.299, 0.587, 0.114])


def luminance_only(stylized, original):
    return original + (stylized @ LUMA - original @ LUMA)[..., None]


def two_band(stylized, original, sigma):
    blur = lambda x: gaussian(x, sigma=sigma, channel_axis=-1)  # noqa: E731
    return blur(stylized) + original - blur(original)


def best_strength(strengths, ssim_values, realism, floor):
    allowed = ssim_values >= floor
    return strengths[allowed][np.argmax(realism[allowed])]


def stub(*_):
    raise NotImplementedError()


def test_luminance_only(capsys):
    assert ex.check_luminance_only(luminance_only)
    assert capsys.readouterr().out.startswith("PASS")
    assert not ex.check_luminance_only(lambda s, o: luminance_only(o, s))
    assert "stylized image's colours" in capsys.readouterr().out
    assert not ex.check_luminance_only(lambda s, o: np.repeat((s @ LUMA)[..., None], 3, -1))
    assert "grey image" in capsys.readouterr().out
    assert not ex.check_luminance_only(lambda s, o: s)
    assert "expected" in capsys.readouterr().out


def test_two_band_fusion(capsys):
    assert ex.check_two_band_fusion(two_band)
    assert capsys.readouterr().out.startswith("PASS")
    assert not ex.check_two_band_fusion(lambda s, o, sigma: two_band(o, s, sigma))
    assert "swapped" in capsys.readouterr().out
    assert not ex.check_two_band_fusion(lambda s, o, sigma: s)
    assert "TRY AGAIN" in capsys.readouterr().out


def test_best_strength(capsys):
    assert ex.check_best_strength(best_strength)
    assert capsys.readouterr().out.strip() == "PASS best strength under a floor"
    assert not ex.check_best_strength(lambda t, s, r, f: t[np.argmax(r)])
    assert "filter by the floor first" in capsys.readouterr().out
    assert not ex.check_best_strength(lambda t, s, r, f: t[s >= f].max())
    assert "more realism" in capsys.readouterr().out
    assert not ex.check_best_strength(lambda t, s, r, f: None)
    assert "TRY AGAIN" in capsys.readouterr().out


def test_unfinished_fusion_exercises_say_not_done(capsys):
    for check in (ex.check_luminance_only, ex.check_two_band_fusion, ex.check_best_strength):
        assert not check(stub)
        assert "not done yet" in capsys.readouterr().out
