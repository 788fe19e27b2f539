"""The course's text is consistent: structure of every notebook, one vocabulary, a glossary,
further reading, and README figures that a notebook really draws.

Fast: reads the notebooks' JSON, the glossary and the README; executes nothing.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GLOSSARY = ROOT / "docs" / "glossary.md"
README = ROOT / "README.md"
GLOSSARY_LINK = "../docs/glossary.md"

YEAR = re.compile(r"\(?(19|20)\d\d\)?")


def _cells(path: Path, kind: str) -> list[tuple[int, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == kind:
            src = cell["source"]
            out.append((i, src if isinstance(src, str) else "".join(src)))
    return out


def markdown(path: Path) -> list[tuple[int, str]]:
    return _cells(path, "markdown")


def code(path: Path) -> list[tuple[int, str]]:
    return _cells(path, "code")


def ids(paths):
    return [p.stem for p in paths]


# ------------------------------------------------------------------ structure of every notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_learning_objectives_at_the_top(path):
    first = markdown(path)[:2]
    assert first and first[0][0] == 0, f"{path.name} must start with a markdown cell"
    assert any("Learning objectives" in text for _, text in first), \
        f"{path.name}: 'Learning objectives' must be in the first markdown cells"


def _heading_cell(cells, heading: str):
    pattern = re.compile(rf"^##\s+{re.escape(heading)}\s*$", re.M)
    found = [i for i, text in cells if pattern.search(text)]
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_summary_then_further_reading_with_references(path):
    cells = markdown(path)
    summary = _heading_cell(cells, "Summary")
    further = _heading_cell(cells, "Further reading")
    assert len(summary) == 1, f"{path.name}: expected one '## Summary' cell, found cells {summary}"
    assert len(further) == 1, f"{path.name}: expected one '## Further reading' cell, found cells {further}"
    assert further[0] > summary[0], \
        f"{path.name}: '## Further reading' (cell {further[0]}) must come after '## Summary' (cell {summary[0]})"
    text = dict(cells)[further[0]]
    references = [line for line in text.splitlines()
                  if re.match(r"\s*(?:[*-]|\d+\.)\s", line) and YEAR.search(line)]
    assert len(references) >= 2, \
        f"{path.name}: Further reading needs at least two references with a year, found {references}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_at_least_two_checked_exercises(path):
    """A teacher can assign every notebook: at least two exercises that nbgrader grades and that a
    ``gvr_helpers.exercises`` check verifies."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    graded = [c for c in nb["cells"] if c["cell_type"] == "code" and c.get("metadata", {}).get("nbgrader", {}).get("grade")
              and "exercises.check_" in (c["source"] if isinstance(c["source"], str) else "".join(c["source"]))]
    assert len(graded) >= 2, f"{path.name}: {len(graded)} graded exercise cells that call exercises.check_*"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
def test_notebook_links_the_glossary(path):
    text = "\n".join(t for _, t in markdown(path))
    assert GLOSSARY_LINK in text, f"{path.name}: its markdown must link to {GLOSSARY_LINK}"


# ------------------------------------------------------------------ the glossary
# Terms the course uses; each must be (part of) a heading of docs/glossary.md.
REQUIRED_TERMS = [
    "content image", "style set", "source and target", "ground truth",
    "GAN", "generator", "discriminator", "logit", "value function", "minimax",
    "optimal discriminator", "Jensen-Shannon", "saturating loss", "non-saturating loss", "mode collapse",
    "DCGAN", "translator", "fully convolutional", "strided convolution", "transposed convolution",
    "total stride", "checkerboard artefact", "resize-convolution", "ResNet", "residual block", "U-Net",
    "skip connection", "receptive field", "MACs", "instance normalisation", "padding",
    "PatchGAN", "spectral normalisation", "power iteration",
    "LSGAN", "hinge loss", "R1 penalty", "TTUR", "instance noise", "DiffAugment", "Adam", "EMA",
    "learning-rate decay", "ablation",
    "paired and unpaired", "pix2pix", "CycleGAN", "cycle-consistency", "identity loss",
    "image history buffer", "PatchNCE", "CUT", "L1 loss", "oracle", "gain ratio", "anchor",
    "ink layer", "colour map", "inverse transfer", "histogram matching", "Reinhard",
    "neural style transfer", "AdaIN",
    "PSNR", "SSIM", "sliced Wasserstein", "local binary patterns", "style distance", "realism score",
    "fusion", "alpha blending", "strength", "luminance", "chroma", "YCbCr", "gamut", "Laplacian pyramid",
    "strength-fidelity curve", "tiled transfer",
    "equirectangular", "perspective view", "cubemap", "skybox", "seam", "seam ratio", "circular padding",
    "yaw equivariance", "WebXR", "stereo pair", "disparity", "disocclusion", "stereo consistency",
    "retinal rivalry", "temporal warping error", "texture space", "screen space", "frame budget",
]


def glossary_entries() -> dict[str, str]:
    """``{heading: definition}`` for every ``###`` entry of the glossary."""
    entries, heading, body = {}, None, []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            if heading is not None:
                entries[heading] = "\n".join(body).strip()
            heading = line.lstrip("#").strip() if line.startswith("### ") else None
            body = []
        elif heading is not None:
            body.append(line)
    if heading is not None:
        entries[heading] = "\n".join(body).strip()
    return entries


def slug(heading: str) -> str:
    """The anchor GitHub (and JupyterLab) give a markdown heading."""
    s = heading.strip().lower()
    s = re.sub(r"[^\w\- ]", "", s)
    return s.replace(" ", "-")


def test_glossary_has_every_term():
    assert GLOSSARY.is_file(), "docs/glossary.md is missing"
    headings = [h.lower() for h in glossary_entries()]
    missing = [t for t in REQUIRED_TERMS
               if not any(re.search(rf"(?<![\w-]){re.escape(t.lower())}(?:s|es)?(?![\w-])", h) for h in headings)]
    assert not missing, f"glossary has no entry for: {missing}"


def test_every_glossary_entry_has_a_definition():
    entries = glossary_entries()
    assert len(entries) >= len(REQUIRED_TERMS) // 2
    thin = [h for h, text in entries.items() if len(text.split()) < 8 or not text.rstrip().endswith((".", "]"))]
    assert not thin, f"glossary entries without a definition of a sentence or more: {thin}"


def test_psnr_and_ssim_come_with_their_formula():
    entries = {h.lower(): text for h, text in glossary_entries().items()}
    assert "log" in entries["psnr"] and "MSE" in entries["psnr"], entries["psnr"]
    assert "μ" in entries["ssim"] and "σ" in entries["ssim"] and "C₁" in entries["ssim"], entries["ssim"]


def test_glossary_links_point_at_entries():
    anchors = {slug(h) for h in glossary_entries()}
    texts = [(p.name, t) for p in NOTEBOOKS for _, t in markdown(p)]
    texts.append((README.name, README.read_text(encoding="utf-8")))
    broken = [(name, a) for name, t in texts
              for a in re.findall(r"glossary\.md#([\w\-]+)", t) if a not in anchors]
    assert not broken, f"links to glossary entries that do not exist: {broken}"


# ------------------------------------------------------------------ one vocabulary
# The course says "content images" and "style set". The seed article's "source"/"target" and
# CycleGAN's "domain A/B" for these roles are explained once, in notebook 00, and nowhere else.
# Code spans are dropped first, so the seed's API `style_transfer(..., source_image, target_image)`
# may be mentioned anywhere.
ROLE_WORDS = re.compile(
    r"\b(?:source|target)[\s-]+(?:image|images|set|sets|domain|domains|style|styles|photo|photos|content)\b",
    re.I)
DOMAIN_LETTERS = re.compile(r"\bdomains?\s+[AB]\b|\b(?:set|sets|photos|images|content|style)\s+[AB]\b"
                            r"|\bfrom\s+[AB]\s+(?:back\s+)?to\s+[AB]\b")


def prose(text: str) -> str:
    """Markdown without code, emphasis or quotes, so `**source** image` reads as 'source image'."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    text = re.sub(r"`[^`]*`", " ", text)
    return re.sub(r"[*\"“”‘’]", "", text)


def role_word_uses(text: str) -> list[str]:
    clean = prose(text)
    return [m.group(0) for m in ROLE_WORDS.finditer(clean)] + [m.group(0) for m in DOMAIN_LETTERS.finditer(clean)]


def test_the_vocabulary_check_catches_what_it_should():
    for bad in ("Prepare a *source* image set A", "from the source set", "in the target style",
                "a real example of the target set", "white squares become domain A", "(content A, style B)",
                "a second generator F from B back to A", "the **target** image is the content"):
        assert role_word_uses(bad), bad
    for fine in ("`style_transfer(generator, discriminator, source_image, target_image)`",
                 "squared error to targets 1 / 0", "it chases a moving target",
                 "the two images a little apart", "the source code of the course"):
        assert not role_word_uses(fine), fine


@pytest.mark.parametrize("path", NOTEBOOKS[1:], ids=ids(NOTEBOOKS[1:]))
def test_content_and_style_set_only(path):
    uses = [(i, u) for i, text in markdown(path) for u in role_word_uses(text)]
    assert not uses, (f"{path.name} uses the seed's or CycleGAN's words for the content / style-set roles "
                      f"(cell, phrase): {uses}; say 'content image(s)' and 'style set' (see notebook 00)")


def test_overview_explains_the_other_words_once():
    path = NOTEBOOKS[0]
    assert path.name.startswith("00_")
    words = ("seed article", "source", "target", "CycleGAN", "content image", "style set", "style_transfer")
    explaining = [i for i, text in markdown(path) if all(w in text for w in words)]
    assert explaining, f"notebook 00 must explain, in one markdown cell, all of {words}"


def test_minimax_notebook_introduces_the_seeds_notation():
    path = next(p for p in NOTEBOOKS if p.name.startswith("01_"))
    text = "\n".join(t for _, t in markdown(path)).replace(" ", "")
    assert r"G(z;\theta)=f(z;\theta)" in text, "notebook 01 must write G(z; θ) = f(z; θ)"
    assert r"D(x;\psi)=p(x;\psi)" in text, "notebook 01 must write D(x; ψ) = p(x; ψ)"


# ------------------------------------------------------------------ README
def test_readme_has_further_reading_linking_the_glossary():
    text = README.read_text(encoding="utf-8")
    m = re.search(r"^## Further reading\s*$(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    assert m, "README needs a '## Further reading' section"
    section = m.group(1)
    assert "docs/glossary.md" in section, "README's Further reading must link docs/glossary.md"
    assert len([l for l in section.splitlines() if l.lstrip().startswith(("*", "-")) and YEAR.search(l)]) >= 5


def readme_figures() -> list[str]:
    return sorted(set(re.findall(r"!\[[^\]]*\]\((figures/[^)\s]+\.png)\)", README.read_text(encoding="utf-8"))))


def _plotting_defaults() -> dict[str, str]:
    """``{function: default figure name}`` of gvr_helpers.plotting (every module of the sub-package)."""
    out = {}
    for path in sorted((ROOT / "gvr_helpers" / "plotting").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                args = node.args.args + node.args.kwonlyargs
                defaults = [None] * (len(node.args.args) - len(node.args.defaults)) + node.args.defaults \
                    + node.args.kw_defaults
                for arg, default in zip(args, defaults):
                    if arg.arg == "name" and isinstance(default, ast.Constant) and isinstance(default.value, str):
                        out[node.name] = default.value
    return out


def figures_notebooks_draw() -> dict[str, str]:
    """``{figure stem: where}``: every string constant of a notebook code cell, and the default name
    of every gvr_helpers.plotting function that a notebook calls without ``name=``."""
    defaults = _plotting_defaults()
    drawn = {}
    for path in NOTEBOOKS:
        for i, src in code(path):
            tree = ast.parse(src)
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    drawn.setdefault(node.value, f"{path.name} cell {i}")
                if isinstance(node, ast.Call):
                    f = node.func
                    fname = f.attr if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) \
                        and f.value.id == "plotting" else None
                    if fname in defaults and not any(k.arg == "name" for k in node.keywords):
                        drawn.setdefault(defaults[fname], f"{path.name} cell {i} (plotting.{fname} default)")
    return drawn


def test_every_figure_the_readme_shows_exists():
    shown = readme_figures()
    assert shown, "the README shows no figure"
    missing = [f for f in shown if not (ROOT / f).is_file()]
    assert not missing, f"README shows figures that are not in figures/: {missing}"


# README figures that no notebook draws today. Each is a strict xfail: once a notebook draws it,
# the test passes unexpectedly and fails, and the entry must be removed.
NOT_DRAWN_BY_A_NOTEBOOK: dict[str, str] = {}


def _figure_params():
    params = []
    for f in readme_figures():
        stem = Path(f).stem
        marks = [pytest.mark.xfail(strict=True, reason=NOT_DRAWN_BY_A_NOTEBOOK[stem])] \
            if stem in NOT_DRAWN_BY_A_NOTEBOOK else []
        params.append(pytest.param(stem, marks=marks, id=stem))
    return params


@pytest.mark.parametrize("stem", _figure_params())
def test_readme_figure_is_drawn_by_a_notebook(stem):
    drawn = figures_notebooks_draw()
    assert stem in drawn, (f"README shows figures/{stem}.png, but no notebook draws it: no notebook code cell "
                           f"names \"{stem}\" and no gvr_helpers.plotting function with that default name is "
                           f"called by a notebook, so `make figures` cannot redraw it")
