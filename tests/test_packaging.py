"""The distributions carry the licence the project declares.

The sdist and the wheel are built with hatchling's PEP 517 hooks (the same
backend ``pip install .`` uses), in a temporary folder.
"""

from __future__ import annotations

import os
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
backend = pytest.importorskip("hatchling.build", reason="hatchling builds the distributions")


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """Build the sdist and the wheel once; return their paths."""
    out = tmp_path_factory.mktemp("dist")
    here = Path.cwd()
    os.chdir(ROOT)  # the PEP 517 hooks build the project in the working directory
    try:
        sdist = out / backend.build_sdist(str(out))
        wheel = out / backend.build_wheel(str(out))
    finally:
        os.chdir(here)
    return sdist, wheel


def test_license_file_is_bsd_3_clause():
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("BSD 3-Clause License")
    assert "Neither the name of the copyright holder" in text


def test_sdist_holds_the_license_and_the_package(dist):
    sdist, _ = dist
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert "LICENSE" in names
    assert "cnnexplain/__init__.py" in names


def test_wheel_holds_the_license_and_declares_it(dist):
    _, wheel = dist
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = zf.read(metadata_name).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: BSD-3-Clause" in metadata
    assert any(n == "cnnexplain/__init__.py" for n in names)


def test_wheel_ships_the_explorers_code_and_schema(dist):
    _, wheel = dist
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    viz = {
        f"cnnexplain/viz/{name}"
        for name in (
            "network.js",
            "explorer.js",
            "explorer.css",
            "explorer.schema.json",
            "lines.js",
            "history_writer.js",
            "kernel_tests.js",
            "lab.js",
            "lab_worker.js",
            "lab.css",
        )
    }
    assert viz <= names, viz - names
