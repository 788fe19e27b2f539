"""gvr_helpers.results: the committed benchmark logs read back (what notebook 05 and the README quote)."""
import pytest

from gvr_helpers import results


@pytest.mark.parametrize("name", ["unpaired_vs_oracle_10min.log", "unpaired_vs_oracle_all_2min.log"])
def test_the_committed_logs_read_back_with_curves_of_seconds_steps_and_db(name):
    log = results.read_benchmark_log(results.RESULTS_DIR / name)
    assert set(log["curves"]) == set(log["summary"]["styles"])
    for methods in log["curves"].values():
        for points in methods.values():
            assert points and all(len(p) == 3 for p in points)


def test_a_missing_empty_or_malformed_log_is_an_error_that_names_it(tmp_path):
    with pytest.raises(results.ResultsError, match="not found"):
        results.read_benchmark_log(tmp_path / "nope.log")
    empty = tmp_path / "empty.log"
    empty.write_text("\n")
    with pytest.raises(results.ResultsError, match="empty.log: empty"):
        results.read_benchmark_log(empty)
    cut = tmp_path / "cut.log"
    cut.write_text('curves (seconds, steps, dB): {"toon": {}}\n{"styles": {"toon"')
    with pytest.raises(results.ResultsError, match="last line is not one JSON object"):
        results.read_benchmark_log(cut)
    twice = tmp_path / "twice.log"
    twice.write_text('curves (a): {}\ncurves (b): {}\n{"styles": {}}\n')
    with pytest.raises(results.ResultsError, match="found 2"):
        results.read_benchmark_log(twice)
