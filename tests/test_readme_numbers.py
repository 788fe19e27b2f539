"""One source for numbers: the README's benchmark numbers are generated from benchmarks/results/.

Fast: reads text files; trains nothing, imports no TensorFlow.
When a test here fails after a benchmark re-run, commit the result and run
`python tools/readme_numbers.py` to regenerate the README's blocks.
"""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("readme_numbers", ROOT / "tools" / "readme_numbers.py")
rn = importlib.util.module_from_spec(_spec)
sys.modules["readme_numbers"] = rn
_spec.loader.exec_module(rn)


# ------------------------------------------------------------------ the README against the results
def test_readme_blocks_match_the_committed_results():
    diff = rn.check(rn.README)
    assert not diff, ("README.md's generated numbers differ from benchmarks/results/ "
                      "(run `python tools/readme_numbers.py`):\n" + diff)


def test_readme_has_every_block_once():
    names = rn.blocks_in(rn.README.read_text(encoding="utf-8"))
    assert sorted(names) == sorted(rn.BLOCKS)


def _outside_blocks(text: str) -> str:
    text = rn.BLOCK.sub(" ", text)
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"`[^`]*`", " ", text)


# What a measured number looks like in this README: dB, a share in per cent, a ratio, seconds with
# decimals, modes of 8.
MEASURED = re.compile(r"\d+(?:\.\d+)?\s?(?:dB|%)|\bratios?\s+\d|\d+\.\d+\s?s\b|\b\d/8\b|\bMSE\s+\d")


def test_the_measured_number_pattern_catches_what_it_should():
    for typed in ("ends at 20.2 dB", "58 % of the gain", "seam ratio 2.00", "in 2.4 s", "covers 8/8 modes",
                  "yaw-equivariance MSE 1e-16"):
        assert MEASURED.search(typed), typed
    for fine in ("Python 3.10–3.12", "20× faster", "by step 4000", "72/90/120 Hz", "a 2048×1024 panorama"):
        assert not MEASURED.search(fine), fine


def test_no_measured_number_is_typed_outside_a_generated_block():
    rest = _outside_blocks(rn.README.read_text(encoding="utf-8"))
    typed = [m.group(0) for m in MEASURED.finditer(rest)]
    assert not typed, (f"README.md quotes measured numbers outside a `<!-- numbers:... -->` block: {typed}; "
                       f"generate them with tools/readme_numbers.py from a committed result, or point to "
                       f"the figure or the command that shows them")


# ------------------------------------------------------------------ the parsers read the real files
def test_oracle_log_last_line_is_json_with_the_expected_keys():
    lines = [l for l in rn.ORACLE_LOG.read_text(encoding="utf-8").splitlines() if l.strip()]
    summary = json.loads(lines[-1])
    assert set(summary["styles"]) == {"toon", "woodblock"}
    for row in summary["styles"].values():
        assert set(rn.STYLE_KEYS) <= set(row)
    assert {"peer_db", "peer_ratio", "no_gan_db"} <= set(summary["styles"]["woodblock"])
    assert rn.read_oracle_log()["summary"] == summary


def test_oracle_log_curves_end_where_the_summary_does():
    log = rn.read_oracle_log()
    for style, row in log["summary"]["styles"].items():
        curve = log["curves"][style]["course"]
        # gain / oracle gain, as the benchmark defines the share
        assert round(curve[-1][2], 3) == pytest.approx(row["course_db"], abs=1e-3)
        assert curve[-1][0] == pytest.approx(row["seconds"], abs=1.0)
        share = (row["course_db"] - row["identity_db"]) / (row["oracle_db"] - row["identity_db"])
        assert share == pytest.approx(row["course_ratio"], abs=1e-3)
    no_gan = log["curves"]["woodblock"]["no_gan"]
    assert round(no_gan[-1][2], 3) == pytest.approx(log["summary"]["styles"]["woodblock"]["no_gan_db"], abs=1e-3)


def test_warm_start_result_has_every_variant_and_starts_at_the_shipped_oracle():
    ws = rn.read_warm_start()
    assert set(ws["by_variant"]) == set(rn.WARM_START_LABELS)
    for run in ws["runs"]:
        assert run["curve"][0][1] == 0 and run["curve"][0][2] == pytest.approx(ws["start_db"])
        assert run["curve"][-1][2] == pytest.approx(run["db"])
    manifest = json.loads((ROOT / "data" / "checkpoints" / "manifest.json").read_text(encoding="utf-8"))
    oracle = manifest[f"{ws['style']}_oracle"]
    assert ws["start_db"] == pytest.approx(oracle["test_psnr"], abs=1e-3)
    assert ws["identity_db"] == pytest.approx(oracle["identity_psnr"], abs=1e-3)


def test_previous_recipe_log_parses():
    summary = rn.read_previous_summary()
    assert summary["minutes_per_method"] == 10
    for style in ("toon", "woodblock"):
        assert 0 < summary["styles"][style]["course_ratio"] < 0.5


# ------------------------------------------------------------------ the tool catches drift
def test_check_fails_with_the_diff_when_a_number_drifts(tmp_path, capsys):
    readme = tmp_path / "README.md"
    text = rn.README.read_text(encoding="utf-8")
    assert "**20.20** (50.5 %)" in text
    readme.write_text(text.replace("**20.20** (50.5 %)", "**20.21** (50.5 %)"), encoding="utf-8")
    assert rn.main(["--check", "--readme", str(readme)]) == 1
    out = capsys.readouterr().out
    assert "-| toon | 16.34 | 23.98 | **20.21**" in out and "+| toon | 16.34 | 23.98 | **20.20**" in out
    # without --check the tool rewrites the block, and then the check passes
    assert rn.main(["--readme", str(readme)]) == 0
    assert readme.read_text(encoding="utf-8") == rn.render(text)
    assert not list(tmp_path.glob(".README.md.*")), "the atomic write left its temporary file"


def test_check_fails_when_a_block_is_removed_or_unknown(tmp_path, capsys):
    text = rn.README.read_text(encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(rn.BLOCK.sub(lambda m: "" if m.group(2) == "unpaired_warm_start" else m.group(0), text),
                      encoding="utf-8")
    assert rn.main(["--check", "--readme", str(readme)]) == 1
    assert "blocks missing ['unpaired_warm_start']" in capsys.readouterr().err
    readme.write_text(text + "\n<!-- numbers:made_up -->\n1 dB\n<!-- /numbers -->\n", encoding="utf-8")
    assert rn.main(["--check", "--readme", str(readme)]) == 1
    assert "unknown blocks ['made_up']" in capsys.readouterr().err


def test_a_claim_the_results_no_longer_support_stops_the_tool(monkeypatch):
    log = rn.read_oracle_log()
    log["summary"]["styles"]["toon"]["course_ratio"] = 0.62   # no longer "only just" over half
    monkeypatch.setattr(rn, "read_oracle_log", lambda path=rn.ORACLE_LOG: log)
    with pytest.raises(rn.ResultsError, match="only just"):
        rn.block_unpaired_recipe_curve()


def test_numbers_round_half_up_on_the_written_decimal():
    assert rn.fmt(14.885) == "14.89" and rn.fmt(20.195) == "20.20" and rn.fmt(23.55, 1) == "23.6"
    assert rn.pct(0.505) == "50.5 %" and rn.pct(-0.153) == "-15.3 %"
