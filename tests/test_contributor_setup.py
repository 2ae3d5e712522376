"""The contributor path stays true: the quick start's make targets exist, hooks config is valid."""

import re
import shlex
import subprocess

import pytest
import yaml

from conftest import BIN, ROOT, quiet_env


@pytest.mark.parametrize(
    "target", ["serve", "check", "test", "site", "notebooks", "bench", "speed", "canary", "lock"]
)
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


def test_pre_commit_build_hook_fails_on_a_warning(project_copy):
    # Runs the hook's own command: with --quiet, MkDocs hid the warning from --strict and passed.
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hook = next(hook for repo in config["repos"] for hook in repo["hooks"]
                if hook["id"] == "strict-build")
    command = [str(BIN / word.removeprefix(".venv/bin/")) if word.startswith(".venv/bin/")
               else word for word in shlex.split(hook["entry"])]
    page = project_copy / "docs" / "topics" / "index.md"
    page.write_text(page.read_text() + "\n[Gone](missing.md)\n")
    result = subprocess.run(command, cwd=project_copy, capture_output=True, text=True,
                            env=quiet_env(), timeout=600)
    assert result.returncode != 0, f"`{hook['entry']}` passed a build with a broken link"
    assert "topics/index.md" in result.stderr and "missing.md" in result.stderr


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text()
    return {match[0].lower(): match[1] for match in PIN.findall(text)}


PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+?)(?: ;.*)? \\$", re.MULTILINE)
SETS = ["docs.txt", "check.txt", "frameworks.txt"]  # each a superset of the one before


@pytest.mark.parametrize("name", SETS)
def test_requirements_are_pinned_with_hashes(name):
    text = (ROOT / "requirements" / name).read_text()
    requirements = [line for line in text.splitlines() if line and line[0] not in "# "]
    unhashed = [line for line in requirements if not PIN.match(line + "\n")]
    assert requirements and not unhashed, (
        f"requirements/{name}: {unhashed[:3]} lack a pin with hashes; run `make lock`, "
        "never edit the .txt files by hand."
    )
    assert "pip" in pins(name), f"requirements/{name} must pin pip itself; see docs.in"


def test_each_requirements_set_keeps_the_pins_of_the_smaller_one():
    for smaller, larger in zip(SETS, SETS[1:], strict=False):
        small, large = pins(smaller), pins(larger)
        differ = {k: (v, large.get(k)) for k, v in small.items() if large.get(k) != v}
        assert not differ, (
            f"requirements/{larger} pins {differ} differently from {smaller}; run `make lock`."
        )
