"""Checks of notebooks 01 and 04: the reference answers pass, typical wrong answers fail with a hint."""
import numpy as np

from gvr_helpers import exercises, losses, ring


def test_optimal_discriminator_and_nonsaturating_checks(capsys):
    assert exercises.check_optimal_discriminator(lambda a, b: a / (a + b))
    assert not exercises.check_optimal_discriminator(lambda a, b: b / (a + b))
    assert "1 - D*" in capsys.readouterr().out
    assert exercises.check_nonsaturating_loss(lambda d: np.mean(-np.log(d)))
    assert not exercises.check_nonsaturating_loss(lambda d: np.mean(np.log1p(-d)))
    assert "saturating loss" in capsys.readouterr().out


def test_hq_fraction_check_accepts_the_metric_and_explains_mistakes(capsys):
    assert exercises.check_hq_fraction(lambda x, c, s: ring.mode_coverage(x, c, s)["hq_fraction"])
    assert not exercises.check_hq_fraction(lambda x, c, s: 2)
    assert "count" in capsys.readouterr().out

    def not_done(x, c, s):
        raise NotImplementedError()
    assert not exercises.check_hq_fraction(not_done)
    assert "not done yet" in capsys.readouterr().out


def test_hinge_check_accepts_the_library_loss_and_explains_swaps(capsys):
    assert exercises.check_hinge_d_loss(lambda r, f: float(losses.hinge_d_loss(r, f)))
    assert not exercises.check_hinge_d_loss(lambda r, f: float(losses.hinge_d_loss(f, r) * 0 +
                                                               np.mean(np.maximum(0, 1 + r)) +
                                                               np.mean(np.maximum(0, 1 - f))))
    assert "swapped" in capsys.readouterr().out
    assert not exercises.check_hinge_d_loss(lambda r, f: np.mean(1 - r) + np.mean(1 + f))
    assert "Clip at zero" in capsys.readouterr().out
