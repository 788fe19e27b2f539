"""The checks of notebooks 07–09 accept the reference answers and explain typical mistakes."""
import numpy as np
import pytest

from gvr_helpers import exercises, metrics


def _not_done(*args):
    raise NotImplementedError()


def test_row_latitudes(capsys):
    assert exercises.check_row_latitudes(lambda h: 90.0 - (np.arange(h) + 0.5) * 180.0 / h)
    assert not exercises.check_row_latitudes(lambda h: 90.0 - np.arange(h) * 180.0 / h)
    assert "top edges" in capsys.readouterr().out
    assert not exercises.check_row_latitudes(_not_done)
    assert "not done yet" in capsys.readouterr().out


def test_wrap_pad(capsys):
    assert exercises.check_wrap_pad(lambda x, p: np.concatenate([x[:, -p:], x, x[:, :p]], axis=1))
    assert exercises.check_wrap_pad(lambda x, p: np.pad(x, ((0, 0), (p, p), (0, 0)), mode="wrap"))
    assert not exercises.check_wrap_pad(lambda x, p: np.pad(x, ((0, 0), (p, p), (0, 0)), mode="reflect"))
    assert "reflect" in capsys.readouterr().out


def test_right_from_left(capsys):
    assert exercises.check_right_from_left(lambda s, d: metrics.warp_horizontal(s, d)[0])
    assert not exercises.check_right_from_left(lambda s, d: metrics.warp_horizontal(s, -d)[0])
    assert "sign" in capsys.readouterr().out
    assert not exercises.check_right_from_left(lambda s, d: s[:, :-1])


def test_screen_space_ms(capsys):
    assert exercises.check_screen_space_ms(lambda m, hw, r: 2 * hw[0] * hw[1] * m / r * 1000)
    assert not exercises.check_screen_space_ms(lambda m, hw, r: hw[0] * hw[1] * m / r * 1000)
    assert "one eye" in capsys.readouterr().out


def test_strongest_alpha():
    def right(o, s, floor, alphas):
        return max(a for a in alphas if metrics.ssim((1 - a) * o + a * s, o) >= floor)

    assert exercises.check_strongest_alpha(right)
    assert not exercises.check_strongest_alpha(lambda o, s, floor, alphas: 1.0)
    assert not exercises.check_strongest_alpha(_not_done)


@pytest.fixture(scope="module")
def panorama():
    from scipy.ndimage import gaussian_filter

    x = gaussian_filter(np.random.default_rng(0).random((32, 64, 3)), (2, 2, 0), mode="wrap")
    return ((x - x.min()) / (x.max() - x.min())).astype(np.float32)


def test_seamless(panorama, capsys):
    from scipy.ndimage import uniform_filter

    def blur(x):  # a local "translator" that treats the image as flat (edges clamp)
        return uniform_filter(x, size=(1, 9, 1), mode="nearest")

    def blur_wrapped(x):
        return uniform_filter(x, size=(1, 9, 1), mode="wrap")

    assert exercises.check_seamless(blur_wrapped, panorama)
    assert not exercises.check_seamless(lambda x: blur(x) * np.linspace(0.5, 1, x.shape[1])[None, :, None], panorama)
    assert "turning the world" in capsys.readouterr().out
    assert not exercises.check_seamless(lambda x: x[:, :-1], panorama)
