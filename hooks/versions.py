"""Expose the pinned framework versions to every page template.

The test suite runs every sample and notebook with the versions pinned in
``requirements/frameworks.txt``, so those pins are what each page was verified with.
"""

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from shared import FRAMEWORK_PACKAGES as SHOWN  # MkDocs puts a hook's folder on sys.path

PINS = Path(__file__).parent.parent / "requirements" / "frameworks.txt"


def pinned_versions(text: str) -> dict[str, str]:
    # pip freeze writes some names with underscores (tensorflow_cpu); normalise as PEP 503 does.
    found = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", text, flags=re.MULTILINE)
    pins = {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in found}
    missing = [name for name in SHOWN if name not in pins]
    if missing:
        raise PluginError(f"{PINS}: no '==' pin for {', '.join(missing)}.")
    return {label: pins[name] for name, label in SHOWN.items()}


def on_config(config):
    config.extra["framework_versions"] = pinned_versions(PINS.read_text(encoding="utf-8"))
    return config
