"""The checks: a right answer passes, a wrong one fails with a hint that says what was expected."""
import numpy as np
import pytest

from gvr_helpers import exercises as ex


def test_optimal_discriminator_right(capsys):
    assert ex.check_optimal_discriminator(lambda p, q: p / (p + q))
    assert capsys.readouterr().out.startswith("PASS")


def test_optimal_discriminator_swapped_gets_a_hint(capsys):
    assert not ex.check_optimal_discriminator(lambda p, q: q / (p + q))
    out = capsys.readouterr().out
    assert "TRY AGAIN" in out and "expected" in out and "1 - D*" in out


def test_unfinished_exercise_says_not_done(capsys):
    def stub(*_):
        raise NotImplementedError()
    assert not ex.check_optimal_discriminator(stub)
    assert "not done yet" in capsys.readouterr().out


def test_a_crashing_answer_is_reported_not_raised(capsys):
    assert not ex.check_nonsaturating_loss(lambda d: undefined_name)  # noqa: F821
    assert "NameError" in capsys.readouterr().out


def test_nonsaturating_right_and_wrong(capsys):
    assert ex.check_nonsaturating_loss(lambda d: np.mean(-np.log(d)))
    assert not ex.check_nonsaturating_loss(lambda d: np.mean(np.log(1 - d)))
    assert "saturating loss" in capsys.readouterr().out
    assert not ex.check_nonsaturating_loss(lambda d: np.mean(np.log(d)))
    assert "sign is flipped" in capsys.readouterr().out
    assert not ex.check_nonsaturating_loss(lambda d: -np.log(d))
    assert "one number" in capsys.readouterr().out


def test_check_close_reports_shape_and_nan(capsys):
    assert not ex.check_close("x", [1.0, 2.0], [1.0, 2.0, 3.0])
    assert "shape" in capsys.readouterr().out
    assert not ex.check_close("x", [np.nan], [1.0])
    assert "NaN" in capsys.readouterr().out
    assert not ex.check_close("x", "abc", [1.0])


def test_pipeline_order(capsys):
    assert ex.check_pipeline_order(["Prepare", "train", "transfer", "fuse"])
    assert not ex.check_pipeline_order(["train", "prepare", "transfer", "fuse"])
    assert "step 1 should be 'prepare'" in capsys.readouterr().out
    assert not ex.check_pipeline_order(["prepare", "train"])
    assert "exactly these four words" in capsys.readouterr().out
    assert not ex.check_pipeline_order(3)
