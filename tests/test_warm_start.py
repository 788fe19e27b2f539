"""benchmarks/unpaired_warm_start.py: G really starts at the shipped oracle, and a missing one is named."""
import dataclasses
import importlib.util
import json

import numpy as np
import pytest

from gvr_helpers import config, evaluation, translators, unpaired, unpaired_data
from gvr_helpers.metrics import psnr

spec = importlib.util.spec_from_file_location("unpaired_warm_start",
                                              config.REPO_ROOT / "benchmarks" / "unpaired_warm_start.py")
warm_start = importlib.util.module_from_spec(spec)
spec.loader.exec_module(warm_start)


def test_the_game_starts_at_the_shipped_oracle():
    manifest = json.loads((config.DATA_DIR / "checkpoints" / "manifest.json").read_text())
    test = unpaired_data.style_data("woodblock", crop=64)
    data = unpaired_data.style_data("woodblock", crop=16, n_crops=64)
    model = warm_start.oracle_recipe("woodblock", data)
    assert evaluation.style_psnr(model.generator, test) == pytest.approx(manifest["woodblock_oracle"]["test_psnr"],
                                                                         abs=0.1)


def test_a_missing_oracle_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    data = unpaired_data.style_data("toon", crop=16, size=128, n_crops=8, block=32)
    with pytest.raises(FileNotFoundError, match="toon_oracle.keras"):
        warm_start.oracle_recipe("toon", data)


def test_shipped_result_has_every_variant_and_starts_at_the_oracle():
    result = json.loads((config.REPO_ROOT / "benchmarks" / "results" / "unpaired_warm_start_woodblock.json").read_text())
    assert [r["variant"] for r in result["runs"]] == [*warm_start.VARIANTS, warm_start.CYCLEGAN]
    assert all(r["curve"][0][2] == result["start_db"] for r in result["runs"])
    assert set(result["critic"]) >= {"real style b", "true style S(a)", "oracle G(a)", "photos a"}
    assert set(result["anchor_prices"]) == set(unpaired.ANCHORS)
    assert result["runs"][-1]["start_reconstruction_db"] > 0


def test_anchor_prices_are_zero_for_no_change_and_name_every_anchor():
    data = unpaired_data.style_data("toon", crop=16, size=128, n_crops=16, block=32)
    prices = warm_start.anchor_prices(data)
    assert set(prices) == set(unpaired.ANCHORS)
    assert all(p["answer"] > 0 and p["wrong answer"] > 0 for p in prices.values())
    unchanged = dataclasses.replace(data, a_styled=data.a)
    assert all(p["answer"] < 1e-6 for p in warm_start.anchor_prices(unchanged).values())


STEPS = 300   # of F's paired training: a step count, so the result does not depend on the machine's load


def test_the_cyclegan_starts_at_the_oracle_with_an_inverse_that_undoes_some_of_it():
    test = unpaired_data.style_data("woodblock", crop=64)
    data = unpaired_data.style_data("woodblock", crop=16, n_crops=256)
    config.set_seed(0)
    model = warm_start.oracle_cyclegan("woodblock", data, inverse_steps=STEPS)
    assert evaluation.style_psnr(model.generator, test) > 23.0
    x = test.test_x[:8]
    styled_db = float(np.mean([psnr(s, t) for s, t in zip(translators.translate(model.generator, x), x)]))
    assert evaluation.reconstruction_psnr(model.generator, model.inverse, x) > styled_db + 1.0   # F undoes part of the style
