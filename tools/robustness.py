"""Run every notebook under several seeds and both oneDNN settings; report the cells that fail.

A notebook's assertion is a claim the course makes to every learner. It must hold on any CPU,
whatever the random start, so this sweep re-runs each notebook in the fast profile with
``GVR_SEED`` = each seed (added to every seed the notebook gives ``config.set_seed``) and
``TF_ENABLE_ONEDNN_OPTS`` = 0 and 1 (TensorFlow's oneDNN kernels round differently), and lists
which cells fail in which run. Not part of ``make test``: it takes about an hour on two cores.

    python tools/robustness.py                              # seeds 0,1,2 x oneDNN 0,1, all notebooks
    python tools/robustness.py --seeds 0,1,2,3 --notebooks notebooks/06_fusion_and_quality.ipynb

Each finished run is appended to ``benchmarks/results/robustness_runs.jsonl`` straight away, and a
re-started sweep skips the runs already there for the same code cells and package code (``--fresh``
starts over), so stopping it loses at most the notebook that was running. The report,
``benchmarks/results/robustness.md``, is rewritten from that file at the end of every run.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
RUNS = RESULTS / "robustness_runs.jsonl"
REPORT = RESULTS / "robustness.md"


def notebook_digest(path: Path) -> str:
    """The notebook's code cells and the package code they run: a run of other code is not reused
    (a change to the notebook's text alone keeps its runs)."""
    nb = nbformat.read(path, as_version=4)
    digest = hashlib.sha256("\n".join(c.source for c in nb.cells if c.cell_type == "code").encode())
    for source in sorted((ROOT / "gvr_helpers").rglob("*.py")):
        digest.update(source.relative_to(ROOT).as_posix().encode() + source.read_bytes())
    return digest.hexdigest()[:12]


def failures(nb) -> list[dict]:
    """The code cells whose outputs hold an error: index among all cells, error name and message."""
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "error":
                found.append({"cell": index, "error": out.get("ename", ""),
                              "message": str(out.get("evalue", "")).strip().splitlines()[0][:200]
                              if str(out.get("evalue", "")).strip() else ""})
    return found


def run_one(path: Path, seed: int, onednn: int, timeout: int) -> dict:
    """Execute one notebook in a fresh kernel with the given seed offset and oneDNN setting."""
    env = {"GVR_PROFILE": "fast", "GVR_SEED": str(seed), "TF_ENABLE_ONEDNN_OPTS": str(onednn)}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)          # the kernel inherits this process's environment
    start = time.perf_counter()
    try:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
            failed = failures(nb)
        except Exception as error:  # a timeout or a dead kernel is a failure of the whole run
            failed = failures(nb) + [{"cell": None, "error": type(error).__name__, "message": str(error)[:200]}]
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"notebook": path.name, "digest": notebook_digest(path), "seed": seed, "onednn": onednn,
            "seconds": round(time.perf_counter() - start, 1), "failures": failed}


def load_runs() -> list[dict]:
    if not RUNS.exists():
        return []
    return [json.loads(line) for line in RUNS.read_text().splitlines() if line.strip()]


def write_report(runs: list[dict], notebooks: list[Path]) -> str:
    """The markdown report: one row a notebook, one column a (seed, oneDNN) run, and the failures."""
    current = {(p.name, notebook_digest(p)) for p in notebooks}
    runs = [r for r in runs if (r["notebook"], r["digest"]) in current]
    settings = sorted({(r["seed"], r["onednn"]) for r in runs})
    by_key = {(r["notebook"], r["seed"], r["onednn"]): r for r in runs}
    head = " | ".join(f"seed {s}, oneDNN {o}" for s, o in settings)
    lines = ["# Robustness sweep: every notebook, several seeds, oneDNN on and off", "",
             f"Made by `python tools/robustness.py` (fast profile) on {platform.machine()}, "
             f"{_cpu_name()}, Python {platform.python_version()}. A cell is ✓ when the notebook ran "
             "to the end with no error; otherwise the failing cells are named (index among all cells). "
             "Seconds are wall-clock for the whole notebook.", "",
             f"| notebook | {head} |", "|---" * (len(settings) + 1) + "|"]
    failed_runs = 0
    for p in notebooks:
        cells = []
        for s, o in settings:
            r = by_key.get((p.name, s, o))
            if r is None:                  # not run yet with this code
                cells.append("—")
            elif r["failures"]:
                failed_runs += 1
                cells.append("✗ cells " + ", ".join(str(f["cell"]) for f in r["failures"]) + f" ({r['seconds']} s)")
            else:
                cells.append(f"✓ {r['seconds']} s")
        lines.append(f"| {p.name} | " + " | ".join(cells) + " |")
    done = sum(1 for p in notebooks for s, o in settings if (p.name, s, o) in by_key)
    summary = f"{done} runs, {failed_runs} with a failing cell"
    lines += ["", f"**Summary:** {summary}.", ""]
    for r in runs:
        for f in r["failures"]:
            lines.append(f"- {r['notebook']} (seed {r['seed']}, oneDNN {r['onednn']}), cell {f['cell']}: "
                         f"{f['error']}: {f['message']}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    tmp = REPORT.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, REPORT)
    return summary


def _cpu_name() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    names = [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("model name")]
    isa = "AVX-512" if "avx512f" in info else "AVX2" if "avx2" in info else "no AVX2"
    return f"{names[0] if names else platform.processor() or 'unknown CPU'} ({isa}, {os.cpu_count()} cores)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated GVR_SEED values")
    parser.add_argument("--onednn", default="0,1", help="comma-separated TF_ENABLE_ONEDNN_OPTS values")
    parser.add_argument("--notebooks", nargs="*", default=None, help="default: every notebook in notebooks/")
    parser.add_argument("--timeout", type=int, default=900, help="seconds a cell may take")
    parser.add_argument("--fresh", action="store_true", help="forget the runs already recorded")
    args = parser.parse_args(argv)
    try:
        seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
        onednn = [int(o) for o in args.onednn.split(",") if o.strip()]
    except ValueError:
        parser.error(f"--seeds and --onednn take comma-separated integers, got {args.seeds!r} and {args.onednn!r}")
    if not seeds or any(s < 0 for s in seeds) or not onednn or any(o not in (0, 1) for o in onednn):
        parser.error("--seeds must be non-negative integers and --onednn a list of 0 and 1")
    notebooks = [Path(p).resolve() for p in args.notebooks] if args.notebooks else \
        sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing or not notebooks:
        parser.error(f"no such notebook: {', '.join(missing) or 'notebooks/ is empty'}")
    if args.fresh and RUNS.exists():
        RUNS.unlink()
    done = {(r["notebook"], r["digest"], r["seed"], r["onednn"]) for r in load_runs()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        for o in onednn:
            for path in notebooks:
                if (path.name, notebook_digest(path), seed, o) in done:
                    continue
                result = run_one(path, seed, o, args.timeout)
                with RUNS.open("a") as f:
                    f.write(json.dumps(result) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                status = "ok" if not result["failures"] else "FAILED cells " + ", ".join(
                    str(x["cell"]) for x in result["failures"])
                print(f"seed {seed} oneDNN {o} {path.name}: {status} ({result['seconds']} s)", flush=True)
    summary = write_report(load_runs(), notebooks)
    print(f"robustness: {summary}; report {REPORT.relative_to(ROOT)}")
    return 0 if summary.endswith(" 0 with a failing cell") else 1


if __name__ == "__main__":
    sys.exit(main())
