"""The framework chooser's decision rule, run from its only copy, docs/javascripts/chooser.js.

The tests ask the page's own script (in Node) instead of keeping a second implementation of the
rule. The script exports decide() where CommonJS's ``module`` exists, as in Node; a browser has
no ``module``, so the page never sees that export.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess

from conftest import ROOT

SCRIPT = ROOT / "docs" / "javascripts" / "chooser.js"
# Reads {data, choices: [...]} on stdin, answers with decide()'s result for each set of choices
# (without `chosen`, which repeats the data; each limit as [framework, option id]).
RUN = """
const {decide} = require(process.argv[1]);
let input = "";
process.stdin.on("data", chunk => { input += chunk; }).on("end", () => {
  const {data, choices} = JSON.parse(input);
  const results = choices.map(c => {
    const {winners, runnerUp, ranked, scores, limits} = decide(data, c);
    return {winners, runnerUp, ranked, scores,
            limits: limits.map(l => [l.framework, l.option.id])};
  });
  process.stdout.write(JSON.stringify(results));
});
"""


def all_choices(data: dict) -> list[dict[str, str]]:
    """Every complete set of answers (one option per question)."""
    questions = data["questions"]
    return [dict(zip([q["id"] for q in questions], combo, strict=True))
            for combo in itertools.product(*[[o["id"] for o in q["options"]] for q in questions])]


def decide(data: dict, choices: list[dict[str, str]]) -> list[dict]:
    """chooser.js's decide(data, c) for each ``c`` in ``choices``: winners, runnerUp, ranked,
    scores and limits."""
    node = shutil.which("node")
    assert node, f"Node.js is needed to run {SCRIPT.relative_to(ROOT)}'s rule (see README.md)"
    result = subprocess.run(
        [node, "-e", RUN, str(SCRIPT)], input=json.dumps({"data": data, "choices": choices}),
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"{SCRIPT.relative_to(ROOT)} failed in Node:\n{result.stderr}"
    return json.loads(result.stdout)


def winners(data: dict, choices: list[dict[str, str]]) -> list[list[str]]:
    return [result["winners"] for result in decide(data, choices)]
