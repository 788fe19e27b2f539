"""`make lab`, the README's first command, starts JupyterLab on notebooks/ -- as root and as a user.

Jupyter refuses to start as root unless given `--allow-root`; containers and CI run as root. The
Makefile passes the flag only when `id -u` is 0 (as a non-root user it is omitted, and
`test_allow_root_only_for_root` checks both paths with `make -n lab USER_ID=...`). The headless test
runs the real command, `make lab LAB_ARGS="--no-browser --port=... --ServerApp.token=..."`, so when
the tests run as root (the machine, CI) it exercises the root path, and as a user the other one.
It only talks to 127.0.0.1 and stops the whole process group (make, jupyter) when it is done.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
KERNEL = "gvr-course"
DISPLAY_NAME = "Python (GAN style transfer for VR)"
START_TIMEOUT = 60.0   # s, bound on the wait for the server to answer
STOP_TIMEOUT = 15.0    # s, bound on the wait for the server to go away after SIGTERM

# urllib without the environment's proxies: only loopback is ever contacted.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _make_env():
    """The environment for a make run as the Makefile expects it, without an outer make's flags."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "LAB_ARGS", "USER_ID")}
    env.setdefault("PYTHON", sys.executable)
    return env


def _installed():
    """True when .venv is installed and its stamp is up to date (so `make lab` installs nothing)."""
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        return False
    r = subprocess.run(["make", "-q", ".venv/.gvr-installed"], cwd=ROOT, env=_make_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return r.returncode == 0


pytestmark = pytest.mark.skipif(not _installed(),
                                reason="the venv is not installed or out of date: `make lab` would install first")


def _dry_run(*args):
    r = subprocess.run(["make", "-n", "lab", *args], cwd=ROOT, env=_make_env(),
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _listening(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        return s.connect_ex((HOST, port)) == 0


def _get(port, path, token=None, timeout=10.0):
    req = urllib.request.Request(f"http://{HOST}:{port}{path}")
    if token is not None:
        req.add_header("Authorization", f"token {token}")
    with _OPENER.open(req, timeout=timeout) as resp:
        return resp.status, resp.read().decode("utf-8", "replace")


def _group_alive(pgid):
    """Whether any process of the group is still running (zombies waiting for a reaper do not count)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":   # fields: state, ppid, pgrp, ...
            return True
    return False


def _log(path):
    return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def test_allow_root_only_for_root():
    """--allow-root for uid 0 only, LAB_ARGS before the folder, and no reinstall when installed."""
    as_root = _dry_run("USER_ID=0", "LAB_ARGS=--no-browser")
    as_user = _dry_run("USER_ID=1000", "LAB_ARGS=--no-browser")
    actual = _dry_run()
    for out in (as_root, as_user, actual):
        assert "pip install" not in out and "ipykernel install" not in out, f"make lab reinstalls:\n{out}"
    (line,) = [l for l in as_root.splitlines() if "jupyter lab" in l]
    assert "--allow-root" in line.split() and line.split()[-2:] == ["--no-browser", "notebooks/"], line
    (line,) = [l for l in as_user.splitlines() if "jupyter lab" in l]
    assert "--allow-root" not in line and line.split()[-2:] == ["--no-browser", "notebooks/"], line
    assert ("--allow-root" in actual) == (os.geteuid() == 0), actual


def test_make_lab_serves_the_course_headless(tmp_path):
    port = _free_port()
    token = secrets.token_hex(16)
    lab_args = " ".join([
        "--no-browser", f"--port={port}", "--ServerApp.port_retries=0", f"--ServerApp.ip={HOST}",
        f"--ServerApp.token={token}", "--ServerApp.open_browser=False",
    ])
    env = _make_env()
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "runtime")   # keep the server's files out of ~/.local
    log = tmp_path / "lab.log"
    t0 = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(["make", "lab", f"LAB_ARGS={lab_args}"], cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    pgid = proc.pid   # start_new_session: make leads its own process group, jupyter is in it
    try:
        # Wait (bounded) until the server answers.
        while True:
            if proc.poll() is not None:
                pytest.fail(f"make lab exited with {proc.returncode} before serving:\n{_log(log)}")
            try:
                status, _ = _get(port, "/api/status", token, timeout=2.0)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, socket.timeout, OSError):
                pass
            if time.monotonic() - t0 > START_TIMEOUT:
                pytest.fail(f"no answer on {HOST}:{port} after {START_TIMEOUT:.0f} s:\n{_log(log)}")
            time.sleep(0.25)

        status, page = _get(port, "/lab", token)
        assert status == 200
        assert "<title>JupyterLab</title>" in page and "jupyter-config-data" in page, page[:2000]

        status, body = _get(port, "/api/kernelspecs", token)
        assert status == 200
        specs = json.loads(body)["kernelspecs"]
        assert KERNEL in specs, f"kernel {KERNEL} not registered: {sorted(specs)}"
        assert specs[KERNEL]["spec"]["display_name"] == DISPLAY_NAME

        # The server's root is notebooks/.
        status, body = _get(port, "/api/contents", token)
        names = {item["name"] for item in json.loads(body)["content"]}
        assert "00_overview.ipynb" in names, sorted(names)

        # The token is enforced.
        with pytest.raises(urllib.error.HTTPError) as err:
            _get(port, "/api/kernelspecs")
        assert err.value.code == 403

        # make echoes its command line first; read the whole log, since a fresh install's startup
        # messages push that line out of _log's tail.
        (echoed,) = [l for l in log.read_text(errors="replace").splitlines() if "bin/jupyter lab" in l]
        assert ("--allow-root" in echoed) == (os.geteuid() == 0), echoed
    finally:
        # Stop the whole group cleanly (SIGTERM: jupyter shuts down), then force it if it lingers.
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.monotonic() + STOP_TIMEOUT
        try:
            proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        lingering = _group_alive(pgid)
        if lingering:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
    assert not lingering, f"the lab's process group outlived SIGTERM by {STOP_TIMEOUT:.0f} s:\n{_log(log)}"
    deadline = time.monotonic() + 5.0
    while _listening(port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _listening(port), f"something still listens on {HOST}:{port}"
