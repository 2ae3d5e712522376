"""What the hooks, tools and tests share: project facts and small helpers, each written once.

It lives in hooks/ because MkDocs puts a hook's folder on sys.path, so a hook imports it as a
sibling (``from shared import ...``), while tools and tests load it by its path, as they already
load hooks (tests/conftest.py's ``load_module``); it is not a hook itself (mkdocs.yml does not list
it). Nothing here imports MkDocs' plugins or Playwright until a function needs them.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"
# What a build reads from the project; copies of the project (tests, benchmarks) take these.
BUILD_INPUTS = [
    "mkdocs.yml", "docs", "notebooks", "overrides", "hooks", "examples", "requirements",
]

# The pinned packages the site names: package name in requirements/frameworks.txt -> label.
# The page footer (hooks/versions.py) shows these pins; a notebook's execution record
# (tools/notebooks.py) lists the installed versions of these and of NOTEBOOK_EXTRAS.
FRAMEWORK_PACKAGES = {
    "torch": "PyTorch",
    "tensorflow-cpu": "TensorFlow",
    "keras": "Keras",
    "jax": "JAX",
    "flax": "Flax",
    "optax": "Optax",
}
NOTEBOOK_EXTRAS = ["onnxruntime", "ai-edge-litert", "numpy"]  # what the notebooks also import
NOTEBOOK_PACKAGES = [*FRAMEWORK_PACKAGES, *NOTEBOOK_EXTRAS]

# Headless Chromium for the browser tests and tools/bench.py (Playwright and Lighthouse): no
# sandbox (containers), no GPU, and none of the background requests a fresh profile makes.
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_path() -> str | None:
    """The system Chromium, or None to let Playwright use one it manages (a contributor's setup)."""
    return os.environ.get("PLAYWRIGHT_CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser") or shutil.which("google-chrome")


def launch_chromium(playwright):
    """Start headless Chromium with Playwright, with the flags above."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)


def copy_build_inputs(destination: Path) -> Path:
    """Copy what a build reads (BUILD_INPUTS, as in the working tree) into ``destination``,
    replacing what is there."""
    for part in BUILD_INPUTS:
        source, target = ROOT / part, destination / part
        if target.is_dir():
            shutil.rmtree(target)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    return destination


def quiet_env(**extra: str) -> dict[str, str]:
    """Environment for child processes: no MkDocs 2 banner, no TensorFlow start-up notices."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "2", **extra}


@functools.cache
def site_url() -> str:
    """``site_url`` from mkdocs.yml, read by MkDocs itself (so !ENV tags and defaults apply)."""
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material prints it on import otherwise
    return load_config(str(CONFIG)).site_url


def site_path() -> str:
    """The folder the site is served under, from site_url: 'guide' for .../guide/."""
    return urlsplit(site_url()).path.strip("/")


def project_root(config) -> Path:
    """The folder holding mkdocs.yml, from a build's config."""
    return Path(os.path.dirname(os.path.abspath(config.config_file_path)))


def project_path(path, config) -> str:
    """``path`` relative to the project, as messages name files: docs/topics/x.md."""
    return Path(os.path.relpath(path, project_root(config))).as_posix()


def page_source(page, config) -> str:
    """The page's source file relative to the project: docs/topics/x.md, notebooks/x.ipynb."""
    return project_path(page.file.abs_src_path, config)


def front_matter_lines(page, markdown: str) -> int:
    """How many lines of the page's file precede ``markdown``: MkDocs hands hooks the page
    without its front matter, so a line number in ``markdown`` plus this is one in the file."""
    text = page.file.content_string
    return text[: len(text) - len(markdown)].count("\n") if text.endswith(markdown) else 0
