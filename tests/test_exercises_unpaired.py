"""Notebook 05's checks accept right answers and explain wrong ones."""
import numpy as np

from gvr_helpers import exercises as ex


def test_gain_ratio(capsys):
    assert ex.check_gain_ratio(lambda m, i, o: (m - i) / (o - i))
    assert capsys.readouterr().out.startswith("PASS")
    assert not ex.check_gain_ratio(lambda m, i, o: (m - i) / o)
    assert "expected 0.5" in capsys.readouterr().out
    assert not ex.check_gain_ratio(lambda m, i, o: abs(m - i) / (o - i))  # worse than the input must be negative
    assert "expected -0.5" in capsys.readouterr().out


def test_wasserstein_1d(capsys):
    assert ex.check_sliced_wasserstein_1d(lambda x, y: np.mean((np.sort(x) - np.sort(y)) ** 2))
    assert not ex.check_sliced_wasserstein_1d(lambda x, y: np.mean((x - y) ** 2))  # forgot to sort
    assert "sort both" in capsys.readouterr().out

    def stub(x, y):
        raise NotImplementedError()
    assert not ex.check_sliced_wasserstein_1d(stub)
    assert "not done yet" in capsys.readouterr().out


def test_one_pass_line_for_a_right_answer(capsys):
    assert ex.check_gain_ratio(lambda m, i, o: (m - i) / (o - i))
    assert capsys.readouterr().out.count("PASS") == 1
