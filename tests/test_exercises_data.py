"""The data-tour exercise check: passes the right answer, explains the usual mistakes."""
import numpy as np

from gvr_helpers import exercises


def test_disparity_check_accepts_the_answer_and_explains_mistakes(capsys):
    assert exercises.check_disparity_from_depth(lambda z, f, b: f * b / z)
    assert "PASS" in capsys.readouterr().out
    assert not exercises.check_disparity_from_depth(lambda z, f, b: z / (f * b))
    assert "upside down" in capsys.readouterr().out
    assert not exercises.check_disparity_from_depth(lambda z, f, b: np.zeros(3))
    assert "expected shape (2, 3)" in capsys.readouterr().out

    def not_done(z, f, b):
        raise NotImplementedError()
    assert not exercises.check_disparity_from_depth(not_done)
    assert "not done yet" in capsys.readouterr().out
