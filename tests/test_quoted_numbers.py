"""Numbers the notebooks' text quotes from committed results files (benchmarks/results/) still match them.
(Notebook 05's 10-minute benchmark numbers are asserted in the notebook itself, next to its figure.)"""
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def markdown(notebook: str) -> str:
    nb = json.loads((ROOT / "notebooks" / notebook).read_text(encoding="utf-8"))
    return "\n".join(c["source"] for c in nb["cells"] if c["cell_type"] == "markdown")


def test_notebook_05_quotes_the_own_style_runs_as_committed():
    runs = [json.loads(line) for line in (ROOT / "benchmarks/results/own_style_world_runs.jsonl").open()]
    assert {(r["seed"], r["onednn"]) for r in runs} == {(s, o) for s in (0, 1, 2) for o in ("0", "1")}
    fell = [100 * (1 - r["after"]["total"] / r["before"]["total"]) for r in runs]
    quote = re.search(r"fell by (\d+)–(\d+) % in every run we tried", markdown("05_unpaired_style_transfer.ipynb"))
    assert quote, "notebook 05 no longer quotes how far the style distance fell; update this test"
    assert (int(quote[1]), int(quote[2])) == (int(min(fell)), round(max(fell)))
    highest_photo_score = max(r["d_input"] for r in runs)
    assert f"photos already scored {highest_photo_score:.2f}" in markdown("05_unpaired_style_transfer.ipynb")


def test_notebook_06_quotes_the_critic_margins_as_committed():
    gaps = []
    for onednn in (0, 1):
        log = (ROOT / f"benchmarks/results/critic_margin_gan_onednn{onednn}.log").read_text(encoding="utf-8")
        run = json.loads(log.strip().splitlines()[-1])
        assert run["onednn"] == str(onednn) and run["rows"][0]["steps"] == 1000
        gaps += run["rows"][0]["gaps"]
    assert len(gaps) == 12
    text = re.sub(r"\s+", " ", markdown("06_fusion_and_quality.ipynb"))
    assert f"by {min(gaps):.2f} to {max(gaps):.2f}" in text, "notebook 06's critic range no longer matches the logs"
