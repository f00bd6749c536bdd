"""The built artefact starts: the wheel, installed outside the checkout, runs Siang.

The wheel is built from the checkout and installed, without its dependencies, into a fresh
virtual environment in a temporary directory; the dependencies come from the test
environment (one ``.pth`` line), so what is tested is the package itself: its code, its
config, templates, model weights, lexicons, training data, sample and dashboard bundle,
found through ``importlib.resources``. Every command runs from a temporary directory, so
nothing can be read from the checkout by accident.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, elasticsearch_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the new environment's ``siang``, a working directory outside the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps",
         "-q", "-w", str(root / "dist")],
        check=True, cwd=root, capture_output=True,
    )  # fmt: skip
    [wheel] = (root / "dist").glob("siang-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "siang-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    work = root / "work"
    work.mkdir()
    yield venv / "bin" / "siang", work


def _run(siang: Path, work: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(siang), *args],
        cwd=work,
        env={**os.environ, "PYTHONPATH": "", **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_package_comes_from_the_wheel(installed: tuple[Path, Path]) -> None:
    siang, work = installed
    where = subprocess.run(
        [str(siang.with_name("python")), "-c", "import config, domain; print(domain.__file__)"],
        cwd=work, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(REPO) not in where and "site-packages" in where
    settings = json.loads(_run(siang, work, "config"))
    assert settings["store"]["backend"] == "embedded"


def test_demo_runs_on_a_small_sample(installed: tuple[Path, Path]) -> None:
    siang, work = installed
    sample = work / "sample"
    sample.mkdir()
    posts = (REPO / "sample_data" / "posts.jsonl").read_text(encoding="utf-8").splitlines()
    (sample / "posts.jsonl").write_text("\n".join(posts[:600]) + "\n", encoding="utf-8")
    complaints = (REPO / "sample_data" / "complaints.jsonl").read_text(encoding="utf-8")
    (sample / "complaints.jsonl").write_text(
        "\n".join(complaints.splitlines()[:20]) + "\n", encoding="utf-8"
    )
    output = _run(siang, work, "demo", "--no-serve", "--sample-dir", str(sample))
    assert "Siang demo summary" in output and "600 in store" in output
    assert (work / "var" / "siang.db").is_file()  # relative paths are the user's, not the wheel's


def test_es_setup_and_serve_from_the_wheel(installed: tuple[Path, Path]) -> None:
    siang, work = installed
    conn = elasticsearch_settings()
    env = {
        "SIANG_ELASTICSEARCH__HOSTS": json.dumps([conn["url"]]),
        "SIANG_ELASTICSEARCH__PASSWORD": conn["password"],
        "SIANG_ELASTICSEARCH__INDEX_PREFIX": "wheeltest",
    }
    output = _run(siang, work, "es", "setup", env=env)
    assert "created" in output or "unchanged" in output
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(siang), "serve", "--port", str(port)],
        cwd=work, env={**os.environ, "PYTHONPATH": ""},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        pages = {}
        deadline = time.monotonic() + 60
        for path in ("/health", "/dashboard", "/docs", "/dashboard/assets/docs/swagger-ui.css"):
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as answer:
                        pages[path] = (answer.status, answer.read().decode("utf-8", "replace"))
                    break
                except OSError:
                    assert time.monotonic() < deadline, f"{path} never answered"
                    time.sleep(0.5)
        assert all(status == 200 for status, _ in pages.values())
        assert "<title>" in pages["/dashboard"][1] and "swagger-ui-bundle.js" in pages["/docs"][1]
    finally:
        server.terminate()
        server.wait(timeout=20)
