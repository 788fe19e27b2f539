"""Execute notebooks in order and stop at the first error.

    GVR_PROFILE=full GVR_FIGURES_DIR=figures python tools/run_notebooks.py notebooks
    GVR_PROFILE=full GVR_FIGURES_DIR=figures python tools/run_notebooks.py notebooks/02_generator.ipynb

Used by ``make figures``: each notebook saves its figures through
``gvr_helpers.plotting.save_figure``. The executed copies go to
build/executed/ so the committed notebooks stay without outputs.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def run(paths: list[Path], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = []
    for p in paths:
        notebooks += sorted(p.glob("[0-9]*.ipynb")) if p.is_dir() else [p]
    if not notebooks:
        raise SystemExit(f"no notebooks found in {', '.join(map(str, paths))}")
    for path in notebooks:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=None, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(nb, out_dir / path.name)
        print(f"{path.name}: {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: python tools/run_notebooks.py NOTEBOOK_DIR_OR_FILES...")
    run([Path(a) for a in sys.argv[1:]], Path("build/executed"))
