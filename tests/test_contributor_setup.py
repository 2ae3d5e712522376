"""The contributor path stays true: the quick start's make targets exist, the hooks config is valid."""

import subprocess

import pytest

from conftest import BIN, ROOT


@pytest.mark.parametrize("target", ["serve", "test", "site", "notebooks", "bench", "lock"])
def test_make_target_exists(target):
    result = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_readme_quick_start_is_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make serve" in readme and "make test" in readme


def test_pre_commit_config_is_valid():
    result = subprocess.run(
        [BIN / "pre-commit", "validate-config", ROOT / ".pre-commit-config.yaml"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
