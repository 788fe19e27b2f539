"""The repository's own promises: pins agree, notebooks are stored clean, the README leads with two commands."""
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pins(lines):
    pins = {}
    for line in lines:
        line = line.strip().lstrip("-").strip()
        m = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s#]+)", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_requirements_and_environment_agree():
    req = _pins((ROOT / "requirements.txt").read_text().splitlines())
    env = _pins((ROOT / "environment.yml").read_text().splitlines())
    assert req, "requirements.txt has no pins"
    assert req == env, f"pins differ: only in requirements {set(req.items()) - set(env.items())}, " \
                       f"only in environment.yml {set(env.items()) - set(req.items())}"


def test_every_requirement_is_pinned_and_nothing_from_git():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert "==" in line, f"unpinned requirement: {line}"
        assert "git+" not in line and "://" not in line, f"requirement installed from a URL: {line}"
    assert "tensorflow-addons" not in (ROOT / "requirements.txt").read_text()


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs (run nbstripout)"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"
    assert nb["metadata"]["kernelspec"]["name"] == "gvr-course"


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no command block"
    first = [l.split("#")[0].strip() for b in blocks[:2] for l in b.splitlines()]
    assert "make lab" in first and "make test" in first, first
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_contributors_get_nbstripout():
    assert "nbstripout" in (ROOT / ".pre-commit-config.yaml").read_text()
    assert "filter=nbstripout" in (ROOT / ".gitattributes").read_text()


def test_every_figure_the_readme_shows_is_committed():
    text = (ROOT / "README.md").read_text()
    linked = sorted(set(re.findall(r"\((figures/[^)]+\.png)\)", text)))
    assert linked, "the README shows no figure"
    missing = [f for f in linked if not (ROOT / f).is_file()]
    assert not missing, f"run `make figures`: missing {missing}"
