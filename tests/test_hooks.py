"""Unit tests for the build hooks: each refuses bad input with a message naming the fix."""

import json

import pytest
from mkdocs.exceptions import PluginError

from conftest import load_module


versions = load_module("hooks/versions.py")
front_matter = load_module("hooks/front_matter.py")
notebooks = load_module("hooks/notebooks.py")


def test_pinned_versions_reads_the_frameworks_file():
    pins = versions.pinned_versions(versions.PINS.read_text())
    assert list(pins) == ["PyTorch", "TensorFlow", "Keras", "JAX", "Flax", "Optax"]
    assert all(version[0].isdigit() for version in pins.values())


def test_pinned_versions_normalises_names_and_rejects_a_missing_pin():
    text = "torch==2.15.0\ntensorflow_cpu==2.21.0\nkeras==3.15.1\njax==0.12.0.1\nflax==0.12.12\n"
    with pytest.raises(PluginError, match="no '==' pin for optax"):
        versions.pinned_versions(text)
    assert versions.pinned_versions(text + "optax==0.2.8\n")["TensorFlow"] == "2.21.0"


def test_front_matter_accepts_a_good_page():
    front_matter.check_front_matter("---\ndescription: Twenty characters at least.\n---\n# T\n", "p.md")


def test_front_matter_rejects_a_wrong_type():
    with pytest.raises(PluginError, match="p.md: front matter 'hide' must be a list"):
        front_matter.check_front_matter(
            "---\ndescription: Twenty characters at least.\nhide: toc\n---\n", "p.md"
        )


def test_notebook_without_execution_record_is_refused(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "execution_count": 1,
                                           "source": "1", "outputs": [], "metadata": {}}],
                                "metadata": {}}))
    with pytest.raises(PluginError, match="no execution record"):
        notebooks.check_notebook(path)


def test_notebook_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text("{not json")
    with pytest.raises(PluginError, match="n.ipynb: not valid notebook JSON"):
        notebooks.check_notebook(path)
