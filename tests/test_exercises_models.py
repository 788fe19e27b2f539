"""Checks of notebooks 02 and 03: a right answer passes, typical wrong answers get a hint that names the mistake."""
import numpy as np

from gvr_helpers import exercises as ex


def test_conv_output_size(capsys):
    assert ex.check_conv_output_size(lambda n, k, s, p: (n + p - k) // s + 1)
    assert "PASS" in capsys.readouterr().out
    assert not ex.check_conv_output_size(lambda n, k, s, p: (n + p - k) / s + 1)
    assert "Round down" in capsys.readouterr().out
    assert not ex.check_conv_output_size(lambda n, k, s, p: (n + 2 * p - k) // s + 1)
    assert "total" in capsys.readouterr().out
    assert not ex.check_conv_output_size(lambda n, k, s, p: (n + p - k) // s)
    assert "+1" in capsys.readouterr().out


def test_transposed_output_size(capsys):
    assert ex.check_transposed_output_size(lambda n, k, s, p: (n - 1) * s + k - p)
    assert not ex.check_transposed_output_size(lambda n, k, s, p: n * s + k - p)
    assert "n - 1 strides" in capsys.readouterr().out
    assert not ex.check_transposed_output_size(lambda n, k, s, p: (n - 1) * s + k)
    assert "Subtract the padding" in capsys.readouterr().out


def test_conv_macs(capsys):
    assert ex.check_conv_macs(lambda k, ci, co: k * k * ci * co)
    assert not ex.check_conv_macs(lambda k, ci, co: k * ci * co)
    assert "k×k" in capsys.readouterr().out
    assert not ex.check_conv_macs(lambda k, ci, co: k * k * ci * co + co)
    assert "bias" in capsys.readouterr().out


def test_receptive_field(capsys):
    def right(stack):
        rf, jump = 1, 1
        for k, s in stack:
            rf, jump = rf + (k - 1) * jump, jump * s
        return rf
    assert ex.check_receptive_field(right)
    assert not ex.check_receptive_field(lambda stack: 1 + sum(k - 1 for k, _ in stack))
    assert "product of earlier strides" in capsys.readouterr().out


def test_power_iteration(capsys):
    def right(w, steps):
        v = np.ones(w.shape[1])
        for _ in range(steps):
            u = w @ v
            u /= np.linalg.norm(u)
            v = w.T @ u
            v /= np.linalg.norm(v)
        return float(u @ w @ v)
    assert ex.check_power_iteration(right)
    assert not ex.check_power_iteration(lambda w, steps: np.linalg.norm(w, ord=2) ** 2)
    assert "σ_max²" in capsys.readouterr().out
    assert not ex.check_power_iteration(lambda w, steps: np.linalg.svd(w, compute_uv=False).min())
    assert "smallest" in capsys.readouterr().out


def test_unfinished_and_non_numbers(capsys):
    def stub(*_):
        raise NotImplementedError()
    for check in (ex.check_conv_output_size, ex.check_transposed_output_size, ex.check_conv_macs,
                  ex.check_receptive_field, ex.check_power_iteration):
        assert not check(stub)
        assert "not done yet" in capsys.readouterr().out
    assert not ex.check_conv_macs(lambda *a: "many")
    assert "one number" in capsys.readouterr().out
