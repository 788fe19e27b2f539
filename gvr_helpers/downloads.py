"""The optional download of public datasets: the CycleGAN image sets, for learners who want them.

The course needs none of it (every notebook runs on :data:`gvr_helpers.data.BUNDLED` and the
procedural worlds). :func:`download_dataset` fetches a pinned archive, resumes a stopped
download, checks its SHA-256 and extracts it only after every member passed :func:`safe_extract`.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import config


class DownloadError(RuntimeError):
    """A dataset could not be downloaded or verified; the message says what to do."""


class ArchiveError(ValueError):
    """A zip archive holds a member that is unsafe to extract."""


@dataclass(frozen=True)
class RemoteDataset:
    url: str
    sha256: str
    size: int  # bytes


_CYCLEGAN = "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/"
# Pinned from TensorFlow Datasets' checksums for the CycleGAN datasets
# (tensorflow/datasets: tensorflow_datasets/url_checksums/cycle_gan.txt).
# The files moved from people.eecs.berkeley.edu/~taesung_park/CycleGAN/datasets/ to this host.
_PINS = {
    "apple2orange": (78456409, "845a191e9af8926408ea597001cd03a452e3300a1f44a79fe329b3d59f6e3eb8"),
    "cezanne2photo": (279885071, "3a6c10ca21f9485862f1cbd707744b9dc258954a04631271d23a3605eeb63cff"),
    "facades": (35135868, "9a31ebf3a31b9b5cd195dd5bf62e9308e00cb94604d1019e3889ac84248695c0"),
    "horse2zebra": (116867962, "a74d9d392eecca9966b51287a76ca126af473d9de4f3e8fc0e9cda08fa1730a1"),
    "monet2photo": (305231073, "88f91b00fc228f97c9411fbf1880ec1d119c98f1722e4cfcfaa2fb35fac05b04"),
    "summer2winter_yosemite": (132640856, "167fe1726807a9d22bd106b4a6c0bd7953b688af924ac1bf967439c4961e49f9"),
    "ukiyoe2photo": (292946532, "02a2a2fb5ecf425ca1bf86aca7304377da64a2a1d3b86df54eb65e4068bf3b08"),
    "vangogh2photo": (306590349, "362c3473e70be0944bda08d49d660eafdc2854df55d697835b8186d1d79caaff"),
}
DATASETS: dict[str, RemoteDataset] = {
    name: RemoteDataset(f"{_CYCLEGAN}{name}.zip", sha, size) for name, (size, sha) in _PINS.items()
}
MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 50_000_000
MAX_TOTAL_BYTES = 2_000_000_000
OFFLINE_HINT = ("The course does not need it: every notebook runs on the bundled photos "
                "(data.BUNDLED) and the procedural worlds (gvr_helpers.world).")


def sha256_file(path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url: str, part: Path, expected_size: int, timeout: float) -> None:
    """Download ``url`` into ``part``, resuming from its current length with an HTTP Range request."""
    have = part.stat().st_size if part.exists() else 0
    if have > expected_size:
        part.unlink()
        have = 0
    if have == expected_size:
        return
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        mode = "ab" if have and response.status == 206 else "wb"
        if mode == "wb":
            have = 0
        with open(part, mode) as out:
            while block := response.read(1 << 16):
                out.write(block)
                have += len(block)
    if have != expected_size:
        raise DownloadError(f"download of {url} stopped at {have:,} of {expected_size:,} bytes; "
                            f"run download_dataset again to resume where it stopped")


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return "is an absolute path"
    if ".." in parts:
        return "climbs out of the folder with '..'"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "is a symbolic link"
    if info.file_size > MAX_MEMBER_BYTES:
        return f"is {info.file_size:,} bytes, over the limit of {MAX_MEMBER_BYTES:,}"
    return None


def safe_extract(archive: Path, dest: Path) -> Path:
    """Extract a zip into ``dest`` after checking every member; all or nothing.

    Refuses absolute paths, ``..``, symbolic links, too many members and too
    many bytes (a zip bomb) with :class:`ArchiveError`.
    """
    dest = Path(dest)
    with zipfile.ZipFile(archive) as z:
        members = z.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveError(f"{archive.name}: {len(members):,} members, over the limit of {MAX_MEMBERS:,}")
        total = sum(m.file_size for m in members)
        if total > MAX_TOTAL_BYTES:
            raise ArchiveError(f"{archive.name}: {total:,} bytes uncompressed, over the limit of {MAX_TOTAL_BYTES:,}")
        for m in members:
            problem = _member_problem(m)
            if problem:
                raise ArchiveError(f"{archive.name}: member {m.filename!r} {problem}; nothing was extracted")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
        try:
            z.extractall(tmp)
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(tmp, dest)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp)
    return dest


def download_dataset(name: str, *, datasets: dict | None = None, cache: Path | None = None,
                     timeout: float = 30.0) -> Path:
    """Download and unpack a public CycleGAN dataset into the cache; return its folder.

    Optional: the course runs without it. The zip is fetched into
    ``<cache>/downloads/<name>.zip.part`` (a stopped download resumes), its
    SHA-256 checked against the pinned value, and only then extracted safely
    to ``<cache>/datasets/<name>``. Raises :class:`DownloadError` when offline
    or when the checksum differs (the bad file is deleted).
    """
    table = DATASETS if datasets is None else datasets
    if name not in table:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(table)}")
    info = table[name]
    root = Path(cache) if cache is not None else config.cache_dir()
    target = root / "datasets" / name
    if (target / ".complete").exists():
        return target
    downloads = root / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    part = downloads / f"{name}.zip.part"
    try:
        _fetch(info.url, part, info.size, timeout)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"the server refused {info.url}: HTTP {exc.code}. {OFFLINE_HINT}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"could not download {info.url} ({reason}); are you offline? "
                            f"{OFFLINE_HINT} Run it again later to resume.") from None
    got = sha256_file(part)
    if got != info.sha256:
        part.unlink()
        raise DownloadError(f"{name}: SHA-256 {got} does not match the pinned {info.sha256}; "
                            f"the file was deleted. {OFFLINE_HINT}")
    safe_extract(part, target)
    (target / ".complete").write_text(info.sha256 + "\n")
    part.unlink()
    return target
