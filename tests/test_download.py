"""downloads.download_dataset against a local HTTP server on 127.0.0.1 (never the internet)."""
import hashlib
import http.server
import io
import stat
import threading
import zipfile

import pytest

from gvr_helpers import downloads
from gvr_helpers.downloads import ArchiveError, DownloadError, RemoteDataset


def _zip(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for info, body in members:
            z.writestr(info, body)
    return buf.getvalue()


GOOD = _zip([("tiny/trainA/a.txt", b"A" * 3000), ("tiny/trainB/b.txt", b"B" * 3000)])


class Server:
    """Serves ``files`` (path -> bytes) with Range support; ``truncate`` paths stop half-way."""

    def __init__(self):
        self.files, self.truncate, self.requests = {}, set(), []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range")))
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                start, status = 0, 200
                if self.headers.get("Range"):
                    start, status = int(self.headers["Range"].split("=")[1].rstrip("-")), 206
                payload = body[start:]
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
                self.end_headers()
                if self.path in server.truncate:
                    payload = payload[: len(payload) // 2]
                    self.close_connection = True
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(self, name, body, sha=None):
        self.files[f"/{name}.zip"] = body
        return {name: RemoteDataset(f"{self.url}/{name}.zip", sha or hashlib.sha256(body).hexdigest(), len(body))}


@pytest.fixture
def server():
    s = Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


def test_good_download_is_verified_and_extracted(server, tmp_path):
    table = server.add("tiny", GOOD)
    folder = downloads.download_dataset("tiny", datasets=table, cache=tmp_path)
    assert (folder / "tiny" / "trainA" / "a.txt").read_bytes() == b"A" * 3000
    assert not list((tmp_path / "downloads").iterdir())  # the zip is removed once extracted
    n = len(server.requests)
    assert downloads.download_dataset("tiny", datasets=table, cache=tmp_path) == folder
    assert len(server.requests) == n  # already there: no second download


def test_bad_checksum_is_refused_and_deleted(server, tmp_path):
    table = server.add("tiny", GOOD, sha="0" * 64)
    with pytest.raises(DownloadError, match="SHA-256 .* does not match the pinned 0000"):
        downloads.download_dataset("tiny", datasets=table, cache=tmp_path)
    assert not (tmp_path / "datasets" / "tiny").exists()
    assert not list((tmp_path / "downloads").iterdir())


def test_path_traversal_is_refused_before_extracting(server, tmp_path):
    evil = _zip([("tiny/ok.txt", b"fine"), ("../../escape.txt", b"gotcha")])
    table = server.add("evil", evil)
    with pytest.raises(ArchiveError, match=r"'\.\./\.\./escape\.txt' climbs out"):
        downloads.download_dataset("evil", datasets=table, cache=tmp_path)
    assert not (tmp_path / "datasets" / "evil").exists()
    assert not list(tmp_path.rglob("escape.txt")) and not (tmp_path.parent / "escape.txt").exists()


def test_absolute_paths_links_and_bombs_are_refused(tmp_path, monkeypatch):
    link = zipfile.ZipInfo("tiny/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    cases = {
        "absolute": ([("/etc/passwd", b"x")], "absolute path"),
        "link": ([(link, b"/etc/passwd")], "symbolic link"),
        "big": ([("tiny/big.bin", b"\0" * 5000)], "over the limit"),
    }
    monkeypatch.setattr(downloads, "MAX_MEMBER_BYTES", 4000)
    for name, (members, message) in cases.items():
        archive = tmp_path / f"{name}.zip"
        archive.write_bytes(_zip(members))
        with pytest.raises(ArchiveError, match=message):
            downloads.safe_extract(archive, tmp_path / "out" / name)
        assert not (tmp_path / "out" / name).exists()
    monkeypatch.setattr(downloads, "MAX_MEMBERS", 1)
    (tmp_path / "many.zip").write_bytes(GOOD)
    with pytest.raises(ArchiveError, match="2 members"):
        downloads.safe_extract(tmp_path / "many.zip", tmp_path / "out" / "many")


def test_truncated_download_resumes(server, tmp_path):
    table = server.add("tiny", GOOD)
    server.truncate.add("/tiny.zip")
    with pytest.raises(DownloadError, match="stopped at .* of .* bytes; run download_dataset again to resume"):
        downloads.download_dataset("tiny", datasets=table, cache=tmp_path)
    part = tmp_path / "downloads" / "tiny.zip.part"
    assert 0 < part.stat().st_size < len(GOOD)
    server.truncate.clear()
    folder = downloads.download_dataset("tiny", datasets=table, cache=tmp_path)
    assert server.requests[-1][1] == f"bytes={len(GOOD) // 2}-"  # asked only for the rest
    assert (folder / "tiny" / "trainB" / "b.txt").read_bytes() == b"B" * 3000


def test_offline_error_says_the_course_works_without_it(tmp_path):
    closed = {"tiny": RemoteDataset("http://127.0.0.1:9/tiny.zip", "0" * 64, 10)}  # port 9: nobody listens
    with pytest.raises(DownloadError, match="offline.*does not need it"):
        downloads.download_dataset("tiny", datasets=closed, cache=tmp_path, timeout=2)


def test_pinned_table_and_unknown_names():
    assert {"horse2zebra", "monet2photo", "ukiyoe2photo"} <= set(downloads.DATASETS)
    for info in downloads.DATASETS.values():
        assert info.url.startswith("https://") and len(info.sha256) == 64 and info.size > 1_000_000
    with pytest.raises(ValueError, match="unknown dataset 'zebra'"):
        downloads.download_dataset("zebra")
