"""Shared fixtures: the built site (built once per run) and disposable copies of the project."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def load_module(relative_path: str):
    """Import a project file that is not a package (a hook, a tool) by its path from the root."""
    path = ROOT / relative_path
    # A name of its own (hooks/notebooks.py and tools/notebooks.py share a stem), registered as
    # MkDocs registers a hook: dataclasses look their module up in sys.modules.
    name = "project_" + relative_path.removesuffix(".py").replace("/", "_").replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # As MkDocs loads a hook: its folder is importable meanwhile (hooks/notebooks.py needs that).
    sys.path.insert(0, str(path.parent))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


# Helpers the tests share with the hooks and tools (Chromium, child environment, site URL).
shared = load_module("hooks/shared.py")
quiet_env = shared.quiet_env


def mkdocs_build(project: Path, site_dir: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        env=quiet_env(**env),
        timeout=600,
    )


def build_fails(project: Path) -> str:
    """Build a project copy that holds a planted mistake; return the log of the refused build."""
    result = mkdocs_build(project, project / "site")
    assert result.returncode != 0, "the build passed, but it should have refused this input"
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built from the working tree with --strict, under /guide/ as GitHub Pages has it."""
    root = tmp_path_factory.mktemp("served")
    site = root / shared.site_path()  # site_url's path: checked as it will be served
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stderr[-4000:]}"
    if os.environ.get("KEEP_SITE"):  # CI publishes the very site the tests checked
        shutil.copytree(site, ROOT / os.environ["KEEP_SITE"], dirs_exist_ok=True)
    return site


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory) -> Path:
    """The `make site` build: offline plugin on, for reading from file://."""
    site = tmp_path_factory.mktemp("offline") / "site"
    result = mkdocs_build(ROOT, site, OFFLINE="true")
    assert result.returncode == 0, f"offline build failed:\n{result.stderr[-4000:]}"
    return site


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throwaway copy of the project, for feeding a contributor's mistake to the build."""
    copy = tmp_path / "project"
    copy.mkdir()
    return shared.copy_build_inputs(copy)


# Longer limits for the tests whose first run also sets up a shared fixture that runs every
# sample or notebook (two at a time), or drives a browser over every page.
LONG_TIMEOUTS = {"frameworks": 2400, "browser": 600}


def pytest_collection_modifyitems(items):
    for item in items:
        for marker, seconds in LONG_TIMEOUTS.items():
            if item.get_closest_marker(marker) and not item.get_closest_marker("timeout"):
                item.add_marker(pytest.mark.timeout(seconds))
