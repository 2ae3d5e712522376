"""Try the newest releases before the guide's readers do: python tools/canary.py (make canary)

Installs the newest release of every package named in requirements/*.in (pins stripped; MkDocs
kept below 2, which drops plugins) into a fresh .venv-canary, and with those versions:

- runs every sample and the cross-framework agreement checks (pytest tests/test_samples.py);
- re-runs every notebook and compares its outputs (tools/notebooks.py check, one per process);
- builds the site (mkdocs build --strict);
- logs the deprecation warnings that samples and notebooks show (tools/canary_site/);
- lists the site's claims at risk: tested claims whose sample or notebook fails with the newest
  releases, and cited claims whose source was last read more than STALE_AFTER_DAYS ago.

The same samples and notebooks also run in the pinned .venv, while the newest releases install,
so a warning counts as new only when the pinned run of the same sample or notebook did not show
it. Writes canary-report/report.md and report.json (raw logs in canary-report/raw/), then exits
1 when anything failed or changed, 2 when the newest releases could not be installed, 0 when
everything is the same. It writes nothing outside .venv-canary and canary-report.

Everything that turns run results into the report is a pure function (tests/test_canary.py
feeds it fake results); main() and the run_* functions are the only ones that run anything.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import runpy
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
PINNED_VENV = ROOT / ".venv"
CANARY_VENV = ROOT / ".venv-canary"
OUT = ROOT / "canary-report"
HOOK = ROOT / "tools" / "canary_site"  # its sitecustomize.py logs the warnings
# Upper bounds that stay even in the canary: MkDocs 2 drops plugins, which the site relies on.
BOUNDS = {"mkdocs": "<2"}
TAIL = 20  # lines of an error shown in the report
# How the report decides that a warning is new; the pinned run is the cheapest honest baseline:
# stored notebook outputs may predate the pins, and a list kept by hand would go stale.
WARNING_BASELINE = (
    "A deprecation warning (DeprecationWarning, PendingDeprecationWarning, FutureWarning) is new "
    "when the newest run of a sample or notebook shows it and the pinned run of the same sample "
    "or notebook does not (same category and message; paths, addresses and line numbers aside). "
    "Baseline: the same samples and notebooks re-run in the pinned .venv, with the same log."
)
STALE_AFTER_DAYS = 180  # a cited claim whose source was read longer ago is due for a re-read
TIMEOUT = {"install": 3600, "samples": 3600, "notebook": 1500, "docs": 900, "query": 300}


# ---------------------------------------------------------------------------------------------
# Pure functions: requirements and versions


def canonical(name: str) -> str:
    """PEP 503 name: what pip list, the .in files and the .txt files agree on."""
    return re.sub(r"[-_.]+", "-", name).lower()


_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*([^;]*?)\s*(;.*)?$")


def direct_requirements(in_files: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """{file name: [(name, requirement without its == pin)]} for each requirements/*.in text."""
    direct = {}
    for file, text in in_files.items():
        entries = []
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            match = _REQUIREMENT.match(line)
            if not match:
                continue
            name, extras, spec, marker = match.groups()
            specs = [s.strip() for s in spec.split(",") if s.strip()]
            specs = [s for s in specs if not s.startswith("==")]  # === too
            if canonical(name) in BOUNDS:
                specs.append(BOUNDS[canonical(name)])
            requirement = name + (extras or "") + ",".join(specs)
            if marker:
                requirement += " " + marker
            entries.append((canonical(name), requirement))
        direct[file] = entries
    return direct


def canary_requirements(direct: dict[str, list[tuple[str, str]]]) -> str:
    """The requirements file the canary installs: every direct requirement once."""
    seen, lines = set(), []
    for entries in direct.values():
        for name, requirement in entries:
            if name not in seen:
                seen.add(name)
                lines.append(requirement)
    return "\n".join(lines) + "\n"


_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;\\]+)")


def parse_pins(text: str) -> dict[str, str]:
    """{name: version} from a pinned requirements file (pip freeze or uv, hashes or not)."""
    pins = {}
    for line in text.splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def parse_pip_list(output: str) -> dict[str, str]:
    """{name: version} from `pip list --format=json`."""
    try:
        return {canonical(p["name"]): p["version"] for p in json.loads(output)}
    except (ValueError, KeyError, TypeError):
        return {}


def parse_index_versions(output: str) -> list[str]:
    """The versions `pip index versions` lists, newest first."""
    for line in output.splitlines():
        if line.startswith("Available versions:"):
            return [v.strip() for v in line.split(":", 1)[1].split(",") if v.strip()]
    return []


def _version(text: str | None) -> Version | None:
    try:
        return Version(text) if text else None
    except InvalidVersion:
        return None


def mkdocs_on_index(versions: list[str]) -> dict:
    """The newest MkDocs release and pre-release on the index, and whether either is 2 or later
    (the canary stays below 2; the report says when 2 is out)."""
    parsed = [(v, _version(v)) for v in versions]
    parsed = [(v, p) for v, p in parsed if p is not None]
    release = max((p for _, p in parsed if not p.is_prerelease), default=None)
    newest = max((p for _, p in parsed), default=None)
    return {
        "queried": bool(versions),
        "newest_release": str(release) if release else None,
        "newest_prerelease": str(newest) if newest and newest.is_prerelease else None,
        "release_2_or_later": bool(release and release.major >= 2),
        "prerelease_2_or_later": bool(newest and newest.is_prerelease and newest.major >= 2),
    }


def change(pinned: str | None, newest: str | None) -> str:
    if newest is None:
        return "not installed"
    if pinned is None:
        return "not pinned"
    if pinned == newest:
        return "same"
    old, new = _version(pinned), _version(newest)
    if old is None or new is None:
        return "different"
    return "same" if old == new else ("newer" if new > old else "older")


def versions_table(direct, pinned: dict[str, str], newest: dict[str, str],
                   baseline: dict[str, str]) -> dict:
    """Direct packages pinned vs newest installed, the other installed packages that changed,
    and direct packages whose version in the pinned .venv (the baseline run) is not the pin."""
    rows, names = [], set()
    for file, entries in direct.items():
        for name, _ in entries:
            if name in names:
                continue
            names.add(name)
            rows.append({"group": file, "package": name, "pinned": pinned.get(name),
                         "newest": newest.get(name),
                         "change": change(pinned.get(name), newest.get(name))})
    others = []
    for name in sorted(set(newest) - names):
        how = change(pinned.get(name), newest[name])
        if how != "same":
            others.append({"package": name, "pinned": pinned.get(name), "newest": newest[name],
                           "change": how})
    stale = [{"package": name, "pinned": pinned[name], "venv": baseline.get(name)}
             for name in sorted(names)
             if baseline and name in pinned and baseline.get(name) != pinned[name]]
    return {"rows": rows, "others": others, "baseline_not_pinned": stale}


# ---------------------------------------------------------------------------------------------
# Pure functions: samples (pytest's JUnit XML), notebooks, warnings


def parse_junit(xml_text: str | None) -> dict[str, str] | None:
    """{test name: failure message} for every failed or erroring test; None if there is no XML."""
    if not xml_text:
        return None
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError:
        return None
    failed = {}
    for case in root.iter("testcase"):
        for problem in list(case.findall("failure")) + list(case.findall("error")):
            failed.setdefault(case.get("name", "?"), problem.get("message") or problem.text or "")
    return failed


def error_tail(message: str, lines: int = TAIL) -> str:
    """The last lines of a test's failure message, without pytest's own additions: the
    `AssertionError: ` prefix, the two-space indent of continuation lines and the `assert ...`
    explanation (which repeats the whole stderr as a repr)."""
    text = re.sub(r"^(AssertionError|Failed): ", "", message)
    parts = text.splitlines()
    cut = max((i for i, line in enumerate(parts) if line.startswith("assert ")), default=None)
    if cut is not None:
        parts = parts[:cut]
    body = textwrap.dedent("\n".join(parts[1:])).strip("\n")
    if not body.strip():
        return parts[0] if parts else ""
    return "\n".join(body.splitlines()[-lines:])


def _param(test: str) -> str | None:
    match = re.search(r"\[(.*)\]$", test)
    return match.group(1) if match else None


def sample_findings(newest: dict, pinned: dict) -> tuple[list[dict], list[dict]]:
    """Failing samples and disagreeing results from the two pytest runs of tests/test_samples.py.

    Each run is {"returncode", "junit" (XML text or None), "output"}. A topic that could not be
    compared because one of its samples failed is listed as such, not as a disagreement.
    """
    failed = parse_junit(newest.get("junit"))
    pinned_failed = parse_junit(pinned.get("junit")) or {}
    if failed is None:
        return [{"sample": "(the sample run did not complete)", "test": None,
                 "error_tail": "\n".join(newest.get("output", "").splitlines()[-TAIL:]),
                 "also_fails_pinned": None}], []
    failing, disagreeing = [], []
    for test, message in sorted(failed.items()):
        also = test in pinned_failed if pinned.get("junit") else None
        if test.startswith("test_samples_agree["):
            sample_failed = "did not run" in message
            disagreeing.append({
                "topic": _param(test), "test": test, "also_fails_pinned": also,
                "not_compared": sample_failed,
                "message": error_tail(message, lines=5) if not sample_failed
                else re.sub(r"^Failed: ", "", message).splitlines()[0],
            })
        else:
            failing.append({"sample": _param(test) or test, "test": test,
                            "error_tail": error_tail(message), "also_fails_pinned": also})
    return failing, disagreeing


def notebook_findings(newest: dict[str, dict], pinned: dict[str, dict]) -> list[dict]:
    """Notebooks whose check failed: {notebook: {"returncode", "stderr"}} per venv. The report
    shows the checker's `ERROR ` line and everything after it (the diff); without one, the end
    of stderr. Log lines before it (the kernel's start-up notices) are left out."""
    found = []
    for notebook, run in sorted(newest.items()):
        if run.get("returncode") == 0:
            continue
        lines = run.get("stderr", "").splitlines()
        start = next((i for i, line in enumerate(lines) if line.startswith("ERROR ")), None)
        if start is None:
            output = [f"check exited with {run.get('returncode')}:", *lines[-TAIL:]]
        else:
            output = [lines[start][len("ERROR "):], *lines[start + 1:]]
        base = pinned.get(notebook)
        found.append({"notebook": notebook, "error": output[0],
                      "output": "\n".join(output).strip("\n"),
                      "also_fails_pinned": None if base is None else base.get("returncode") != 0})
    return found


def parse_warning_log(text: str, root: Path = ROOT) -> list[dict]:
    """Records from tools/canary_site/sitecustomize.py's log, `where` made relative to root."""
    records = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict) or "message" not in record:
            continue
        where = str(record.get("where", ""))
        if os.path.isabs(where):  # run_sample.py's argument: absolute under pytest
            try:
                where = Path(where).relative_to(root).as_posix()
            except ValueError:
                pass
        records.append({**record, "where": where})
    return records


def normalise_message(message: str) -> str:
    """A warning's message without what differs between two installs of the same code."""
    message = re.sub(r"\S*/site-packages/", "site-packages/", message)
    message = re.sub(r"0x[0-9a-fA-F]+", "0x…", message)
    return " ".join(message.split())


def short_location(filename: str, lineno) -> str:
    if "/site-packages/" in filename:
        filename = filename.rsplit("/site-packages/", 1)[1]
    else:
        try:
            filename = Path(filename).relative_to(ROOT).as_posix()
        except ValueError:
            pass
    return f"{filename}:{lineno}"


def new_warnings(newest: list[dict], pinned: list[dict]) -> list[dict]:
    """Warnings the newest run shows in a sample or notebook whose pinned run did not show them
    (same category, same message once paths and addresses are normalised; line numbers in the
    libraries are ignored, since they move between releases). Grouped by warning."""
    seen = {(r["where"], r.get("category"), normalise_message(r["message"])) for r in pinned}
    groups: dict[tuple[str, str], dict] = {}
    for record in newest:
        key = (record.get("category"), normalise_message(record["message"]))
        if (record["where"], *key) in seen:
            continue
        group = groups.setdefault(key, {
            "category": key[0], "message": key[1],
            "location": short_location(record.get("filename", "?"), record.get("lineno")),
            "where": [],
        })
        where = record["where"]
        if record.get("process") not in ("run_sample.py", "ipykernel_launcher.py", None, ""):
            where += f" ({record['process']})"
        if where not in group["where"]:
            group["where"].append(where)
    return sorted(groups.values(), key=lambda g: (g["category"] or "", g["message"]))


# ---------------------------------------------------------------------------------------------
# Pure functions: the report


def claims_at_risk(claims: list[dict], failing: list[dict], notebooks: list[dict],
                   today: dt.date) -> dict:
    """Claims (claims.json entries) the newest releases may have made false: tested ones whose
    sample or notebook fails, and cited ones read more than STALE_AFTER_DAYS before ``today``."""
    broken = {item["sample"] for item in failing} | {item["notebook"] for item in notebooks}
    tested = [claim for claim in claims if claim["kind"] == "tested"
              and claim["evidence"].split(":")[0] in broken]
    stale = sorted((claim for claim in claims if claim["kind"] == "cited"
                    and (today - dt.date.fromisoformat(claim["checked"])).days > STALE_AFTER_DAYS),
                   key=lambda claim: claim["checked"])
    return {"tested_failing": tested, "cited_stale": stale}


def build_report(raw: dict) -> dict:
    """Everything the report says, from the raw results main() collected (see main for keys)."""
    install = raw["install"]
    report = {
        "started": raw.get("started"), "finished": raw.get("finished"),
        "wall_seconds": raw.get("wall_seconds"), "machine": raw.get("machine"),
        "install": {"ok": install["returncode"] == 0,
                    "output_tail": "" if install["returncode"] == 0
                    else "\n".join(install.get("output", "").splitlines()[-40:])},
        "versions": versions_table(raw["direct"], raw["pinned"], raw.get("newest", {}),
                                   raw.get("baseline", {})),
        "mkdocs_on_index": mkdocs_on_index(raw.get("mkdocs_versions", [])),
        "warning_baseline": raw.get("warning_baseline"),
    }
    if not report["install"]["ok"]:
        report.update(failing_samples=[], disagreeing_results=[], changed_notebooks=[],
                      new_warnings=[], docs_build=None, claims=None, problems=1, exit_status=2)
        return report
    failing, disagreeing = sample_findings(raw["samples"]["newest"], raw["samples"]["pinned"])
    docs = raw["docs"]
    report.update(
        failing_samples=failing,
        disagreeing_results=disagreeing,
        changed_notebooks=notebook_findings(raw["notebooks"]["newest"],
                                            raw["notebooks"]["pinned"]),
        new_warnings=new_warnings(raw["warnings"]["newest"], raw["warnings"]["pinned"]),
        baseline_problems=baseline_problems(raw),
        docs_build={"ok": docs["returncode"] == 0,
                    "output_tail": "" if docs["returncode"] == 0
                    else "\n".join(docs.get("output", "").splitlines()[-40:])},
    )
    claims = raw.get("claims")
    today = dt.date.fromisoformat((raw.get("started") or dt.date.today().isoformat())[:10])
    report["claims"] = (claims_at_risk(claims, failing, report["changed_notebooks"], today)
                        if isinstance(claims, list) else {"error": claims})
    # Claims at risk are not counted again: their failing samples and notebooks already are, and a
    # stale citation asks for a re-read, not a fix.
    report["problems"] = (len(failing) + len(disagreeing) + len(report["changed_notebooks"])
                          + len(report["new_warnings"]) + (0 if report["docs_build"]["ok"] else 1))
    report["exit_status"] = exit_status(report)
    return report


def baseline_problems(raw: dict) -> list[str]:
    """What went wrong in the pinned run: it weakens the 'new warning' judgement."""
    problems = []
    pinned = raw["samples"]["pinned"]
    failed = parse_junit(pinned.get("junit"))
    if failed is None:
        problems.append("the pinned sample run did not complete")
    elif failed:
        problems.append(f"{len(failed)} sample test(s) fail with the pinned versions too")
    broken = [nb for nb, run in sorted(raw["notebooks"]["pinned"].items())
              if run.get("returncode") != 0]
    if broken:
        problems.append("notebook check fails with the pinned versions too: " + ", ".join(broken))
    return problems


def exit_status(report: dict) -> int:
    if not report["install"]["ok"]:
        return 2
    return 1 if report["problems"] else 0


def _fence(text: str) -> str:
    """A fenced block that no backtick run inside the text can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}"


def _cell(value) -> str:
    return "—" if value is None else str(value).replace("|", "\\|")


def _pinned_note(also) -> str:
    return {True: " (fails with the pinned versions too)",
            False: " (passes with the pinned versions)", None: ""}[also]


def render_markdown(report: dict) -> str:
    out = ["# Canary: the newest releases against the pins", ""]
    when = report.get("started") or "?"
    wall = report.get("wall_seconds")
    out.append(f"Run {when}" + (f", {wall / 60:.0f} min" if wall is not None else "")
               + (f", on {report['machine']}" if report.get("machine") else "") + ".")
    out.append("")
    status = report["exit_status"]
    out.append({0: "**Everything is the same with the newest releases.**",
                1: f"**{report['problems']} finding(s): see below.**",
                2: "**The newest releases could not be installed: nothing else ran.**"}[status])
    out.append("")

    out += ["## Versions", "",
            "Pinned: requirements/*.txt. Newest: what `pip install --upgrade` of the unpinned "
            "requirements/*.in installed in .venv-canary.", "",
            "| Group | Package | Pinned | Newest | Change |", "| --- | --- | --- | --- | --- |"]
    for row in report["versions"]["rows"]:
        mark = "**" if row["change"] not in ("same",) else ""
        out.append(f"| {row['group']} | {row['package']} | {_cell(row['pinned'])} | "
                   f"{_cell(row['newest'])} | {mark}{row['change']}{mark} |")
    out.append("")
    others = report["versions"]["others"]
    if others:
        out.append(f"Other installed packages that changed ({len(others)}): " + ", ".join(
            f"{o['package']} {o['pinned'] or '(not pinned)'} → {o['newest']}" for o in others)
            + ".")
        out.append("")
    stale = report["versions"]["baseline_not_pinned"]
    if stale:
        out.append("The pinned .venv (the baseline run) does not hold the pins for: " + ", ".join(
            f"{s['package']} {s['venv'] or '(missing)'} instead of {s['pinned']}" for s in stale)
            + ". Run `make test` to update it.")
        out.append("")
    index = report["mkdocs_on_index"]
    if not index["queried"]:
        out.append("MkDocs on PyPI: could not be queried.")
    else:
        line = f"MkDocs on PyPI: newest release {index['newest_release']}"
        if index["newest_prerelease"]:
            line += f", newest pre-release {index['newest_prerelease']}"
        line += "."
        if index["release_2_or_later"] or index["prerelease_2_or_later"]:
            line += (" MkDocs 2 is out" + ("" if index["release_2_or_later"]
                                           else " as a pre-release")
                     + "; the canary stays below 2, which drops plugins.")
        out.append(line)
    out.append("")

    if not report["install"]["ok"]:
        out += ["## Install", "", "`pip install` of the newest releases failed:", "",
                _fence(report["install"]["output_tail"]), ""]
        return "\n".join(out)

    out += ["## Failing samples", ""]
    if not report["failing_samples"]:
        out += ["None: every sample runs.", ""]
    for item in report["failing_samples"]:
        out += [f"### {item['sample']}", "", f"{item['test'] or ''}"
                f"{_pinned_note(item['also_fails_pinned'])}".strip(), "",
                _fence(item["error_tail"]), ""]

    out += ["## Disagreeing results", ""]
    if not report["disagreeing_results"]:
        out += ["None: the frameworks agree on every shared result.", ""]
    for item in report["disagreeing_results"]:
        prefix = "not compared: " if item["not_compared"] else ""
        out += [f"- **examples/{item['topic']}**: {prefix}{item['message']}"
                f"{_pinned_note(item['also_fails_pinned'])}"]
    if report["disagreeing_results"]:
        out.append("")

    out += ["## Changed notebook outputs", ""]
    if not report["changed_notebooks"]:
        out += ["None: every notebook prints what it stored.", ""]
    for item in report["changed_notebooks"]:
        note = _pinned_note(item["also_fails_pinned"]).strip(" ()")
        out += [f"### {item['notebook']}", ""] + ([note[0].upper() + note[1:] + ".", ""]
                                                  if note else [])
        out += [_fence(item["output"]), ""]

    out += ["## New warnings", ""]
    baseline = report.get("warning_baseline")
    if baseline:
        out += [baseline, ""]
    for problem in report.get("baseline_problems", []):
        out += [f"Note: {problem}.", ""]
    if not report["new_warnings"]:
        out += ["None: the newest releases show no deprecation warning that the pins do not.", ""]
    for item in report["new_warnings"]:
        out += [f"- **{item['category']}** at `{item['location']}`: {item['message']}",
                f"  (in {', '.join(item['where'])})"]
    if report["new_warnings"]:
        out.append("")

    out += ["## Claims at risk", ""]
    claims = report.get("claims") or {}
    if "error" in claims:
        out += [f"The site's claims could not be read: {claims['error']}", ""]
    else:
        tested, stale = claims.get("tested_failing", []), claims.get("cited_stale", [])
        out += [f"Tested claims whose sample or notebook fails with the newest releases: "
                f"{len(tested) or 'none'}." if not tested else
                "Tested claims whose sample or notebook fails with the newest releases: the page "
                "needs the new behaviour, or the pin stays.", ""]
        out += [f"- {claim['page']}: {claim['text']} (`{claim['evidence']}`)" for claim in tested]
        out += ([""] if tested else []) + [
            f"Cited claims last checked more than {STALE_AFTER_DAYS} days ago: "
            f"{len(stale) or 'none'}." + (" Re-read the source, then update the date or the "
                                          "sentence." if stale else ""), ""]
        out += [f"- {claim['checked']}, {claim['page']}: {claim['text']} <{claim['evidence']}>"
                for claim in stale]
        if stale:
            out.append("")

    out += ["## Docs build", ""]
    docs = report["docs_build"]
    if docs["ok"]:
        out += ["`mkdocs build --strict` passes with the newest docs stack.", ""]
    else:
        out += ["`mkdocs build --strict` fails with the newest docs stack:", "",
                _fence(docs["output_tail"]), ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Running things


# The child environment the tests use too: no MkDocs 2 banner, no TensorFlow start-up notices.
_env = runpy.run_path(str(ROOT / "hooks" / "shared.py"))["quiet_env"]


def run(cmd: list, log: Path, timeout: int, env: dict | None = None,
        merge: bool = True) -> dict:
    """Run a command from the project root, never raise. Its output goes to a file in raw/ as
    it comes (tail -f shows progress); stderr is kept apart when merge is false."""
    started = time.monotonic()
    cmd = [str(c) for c in cmd]
    with open(log, "w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+") as err:
        out.write(f"$ {' '.join(cmd)}\n")
        out.flush()
        body = out.tell()
        try:
            # A session of its own, so that a timeout ends the kernels and samples it started.
            process = subprocess.Popen(cmd, cwd=ROOT, env=env or _env(), text=True,
                                       stdin=subprocess.DEVNULL, stdout=out,
                                       stderr=out if merge else err, start_new_session=True)
            try:
                returncode = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
                returncode = "timeout"
                err.write(f"\nTimed out after {timeout} s.\n")
            except BaseException:  # Ctrl-C: its own session would not get the signal
                os.killpg(process.pid, 9)
                raise
        except OSError as error:
            returncode = "not run"
            err.write(f"{error}\n")
        out.seek(body)
        stdout = out.read()
        err.seek(0)
        stderr = err.read()
        out.write(f"{stderr}\nexit: {returncode}, {time.monotonic() - started:.0f} s\n")
    return {"returncode": returncode, "output": stdout + stderr, "stdout": stdout,
            "stderr": stderr}


_START = time.monotonic()


def say(message: str) -> None:
    print(f"[canary {time.monotonic() - _START:5.0f} s] {message}", flush=True)


def run_suite(python: Path, name: str, raw: Path) -> dict:
    """Samples (with the agreement checks) and notebooks in one venv, warnings logged."""
    log = raw / f"warnings-{name}.jsonl"
    log.touch()
    path = os.pathsep.join(p for p in (str(HOOK), os.environ.get("PYTHONPATH")) if p)
    env = _env(PYTHONPATH=path, CANARY_WARNINGS_LOG=str(log))
    env.pop("CANARY_LABEL", None)
    junit = raw / f"samples-{name}.xml"
    say(f"{name}: samples (pytest tests/test_samples.py)")
    # Its own temporary folder: the pinned and the newest run may overlap.
    with tempfile.TemporaryDirectory(prefix=f"canary-{name}-") as basetemp:
        samples = run([python, "-m", "pytest", "tests/test_samples.py", "-p", "no:cacheprovider",
                       "-q", f"--junitxml={junit}", f"--basetemp={basetemp}"],
                      raw / f"samples-{name}.log", TIMEOUT["samples"], env)
    samples["junit"] = junit.read_text(encoding="utf-8") if junit.exists() else None
    say(f"{name}: samples done (exit {samples['returncode']})")

    def check(notebook: Path) -> tuple[str, dict]:
        label = notebook.relative_to(ROOT).as_posix()
        result = run([python, "tools/notebooks.py", "check", label, "--jobs", "1"],
                     raw / f"notebook-{name}-{notebook.stem}.log", TIMEOUT["notebook"],
                     {**env, "CANARY_LABEL": label}, merge=False)
        say(f"{name}: {label} (exit {result['returncode']})")
        return label, result

    with ThreadPoolExecutor(2) as pool:  # two kernels at a time, as tests/test_notebooks.py
        notebooks = dict(pool.map(check, sorted((ROOT / "notebooks").glob("*.ipynb"))))
    return {"samples": samples, "notebooks": notebooks,
            "warnings": parse_warning_log(log.read_text(encoding="utf-8"))}


def install(python: str, raw: Path, requirements: str, reuse: bool) -> dict:
    """A venv with the newest releases. Fresh unless reuse: nothing left from an older run."""
    if CANARY_VENV.exists() and not reuse:
        shutil.rmtree(CANARY_VENV)
    req = raw / "requirements-newest.txt"
    req.write_text(requirements, encoding="utf-8")
    # A machine-wide constraints file must not hold the canary back to older versions.
    env = _env(PIP_CONSTRAINT="")
    pip = [CANARY_VENV / "bin" / "python", "-m", "pip"]
    steps = [] if (CANARY_VENV / "bin" / "python").exists() else [("venv", [python, "-m", "venv",
                                                                            CANARY_VENV])]
    steps += [("pip", pip + ["install", "--quiet", "--upgrade", "pip"]),
              ("newest", pip + ["install", "--upgrade", "--upgrade-strategy", "eager", "-r", req])]
    output = ""
    for step, cmd in steps:
        result = run(cmd, raw / f"install-{step}.log", TIMEOUT["install"], env)
        output += result["output"]
        if result["returncode"] != 0:
            return {"returncode": result["returncode"], "output": output}
    return {"returncode": 0, "output": output}


def pip_list(python: Path, raw: Path, name: str) -> dict[str, str]:
    if not python.exists():
        return {}
    result = run([python, "-m", "pip", "list", "--format=json"], raw / f"pip-list-{name}.log",
                 TIMEOUT["query"], merge=False)
    return parse_pip_list(result["stdout"])


def site_claims() -> list[dict] | str:
    """Every claim of the site as claims.json lists them, read from the working tree by the build's
    own hook (hooks/evidence.py); the refusal's message if the hook refuses the pages."""
    hooks = str(ROOT / "hooks")
    sys.path.insert(0, hooks)
    try:
        evidence = runpy.run_path(str(ROOT / "hooks" / "evidence.py"))
        pages = [(path.relative_to(ROOT / "docs").as_posix(), path)
                 for path in sorted((ROOT / "docs").rglob("*.md")) if "includes" not in path.parts]
        pages += [(f"notebooks/{path.name}", path)
                  for path in sorted(ROOT.glob("notebooks/*.ipynb"))]
        claims, _ = evidence["collect"](pages, ROOT, dt.date.today())
        return json.loads(evidence["claims_json"](claims))
    except Exception as error:  # the report says what went wrong instead
        return f"{type(error).__name__}: {str(error)[:400]}"
    finally:
        sys.path.remove(hooks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="python3.12",
                        help="interpreter for .venv-canary (default: python3.12)")
    parser.add_argument("--reuse-venv", action="store_true",
                        help="upgrade the existing .venv-canary instead of starting afresh")
    args = parser.parse_args(argv)
    if not (PINNED_VENV / "bin" / "python").exists():
        sys.exit("The pinned .venv is missing: run `make test` (or `make canary`) first.")

    started_wall, started = dt.datetime.now(dt.UTC), time.monotonic()
    shutil.rmtree(OUT, ignore_errors=True)
    raw_dir = OUT / "raw"
    raw_dir.mkdir(parents=True)
    in_files = {p.name: p.read_text(encoding="utf-8") for p in sorted(REQUIREMENTS.glob("*.in"))}
    direct = direct_requirements(in_files)
    pinned = {}
    for path in sorted(REQUIREMENTS.glob("*.txt")):
        pinned.update(parse_pins(path.read_text(encoding="utf-8")))

    canary_python = CANARY_VENV / "bin" / "python"
    with ThreadPoolExecutor(1) as background:
        # The pinned run needs CPU, the install mostly network and disk: run them side by side.
        say("pinned: running samples and notebooks in .venv while the newest releases install")
        baseline_future = background.submit(run_suite, PINNED_VENV / "bin" / "python", "pinned",
                                            raw_dir)
        say("newest: installing into .venv-canary")
        installed = install(args.python, raw_dir, canary_requirements(direct), args.reuse_venv)
        raw = {"direct": direct, "pinned": pinned, "install": installed,
               "warning_baseline": WARNING_BASELINE}
        if installed["returncode"] == 0:
            say("newest: installed")
            raw["newest"] = pip_list(canary_python, raw_dir, "newest")
            index = run([canary_python, "-m", "pip", "index", "versions", "--pre", "mkdocs"],
                        raw_dir / "pip-index-mkdocs.log", TIMEOUT["query"], merge=False)
            raw["mkdocs_versions"] = parse_index_versions(index["output"])
            newest = run_suite(canary_python, "newest", raw_dir)
            say("newest: mkdocs build --strict")
            with tempfile.TemporaryDirectory() as site:
                raw["docs"] = run([CANARY_VENV / "bin" / "mkdocs", "build", "--strict",
                                   "--site-dir", site], raw_dir / "docs-build.log",
                                  TIMEOUT["docs"])
        else:
            say("newest: install failed")
        baseline = baseline_future.result()
    raw["baseline"] = pip_list(PINNED_VENV / "bin" / "python", raw_dir, "pinned")
    if installed["returncode"] == 0:
        raw["samples"] = {"newest": newest["samples"], "pinned": baseline["samples"]}
        raw["notebooks"] = {"newest": newest["notebooks"], "pinned": baseline["notebooks"]}
        raw["warnings"] = {"newest": newest["warnings"], "pinned": baseline["warnings"]}
    raw["claims"] = site_claims()
    raw.update(
        started=started_wall.isoformat(timespec="seconds"),
        finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        wall_seconds=round(time.monotonic() - started),
        machine=f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, "
                f"Python {platform.python_version()}",
    )
    report = build_report(raw)
    (OUT / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (OUT / "report.md").write_text(render_markdown(report) + "\n", encoding="utf-8")
    say(f"wrote {(OUT / 'report.md').relative_to(ROOT)}: {report['problems']} finding(s), "
        f"exit {report['exit_status']}")
    return report["exit_status"]


if __name__ == "__main__":
    sys.exit(main())
