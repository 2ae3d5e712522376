"""Render the framework chooser (choosing/chooser.md) from its data file, choosing/chooser.yml.

The questions, options, scores, notes and links live in ``docs/choosing/chooser.yml`` so they can
be edited without touching code. This hook checks that file (an unknown key, a missing note or a
link to a page that does not exist stops the build with a message naming the file), keeps it out
of the published site, and replaces the page's ``<div id="framework-chooser"></div>`` with a plain
HTML form plus the data as a ``<script type="application/json">`` element. The form works from
file:// as well, since nothing is fetched. ``docs/javascripts/chooser.js`` computes the answer;
tests/test_chooser.py checks the data and tests/browser/test_chooser.py the page.
"""

from __future__ import annotations

import html
import json
import posixpath
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

DATA = "choosing/chooser.yml"
PAGE = "choosing/chooser.md"
SCRIPT = "javascripts/chooser.js"
PLACEHOLDER = '<div id="framework-chooser"></div>'

# Allowed keys at each level: name -> required?
TOP = {"frameworks": True, "questions": True, "tie": True}
FRAMEWORK = {"name": True, "summary": True, "link": True}
QUESTION = {"id": True, "legend": True, "hint": False, "options": True}
OPTION = {"id": True, "label": True, "score": True, "notes": True, "links": False}
LINK = {"title": True, "href": True}


class ChooserError(PluginError):
    pass


def _keys(where: str, mapping, allowed: dict[str, bool], path: str) -> None:
    if not isinstance(mapping, dict):
        raise ChooserError(f"{path}: {where} must be a mapping of keys to values.")
    unknown = sorted(set(mapping) - set(allowed))
    if unknown:
        raise ChooserError(
            f"{path}: unknown key {unknown[0]!r} in {where}; allowed: {', '.join(allowed)}."
        )
    missing = [key for key, required in allowed.items() if required and key not in mapping]
    if missing:
        raise ChooserError(f"{path}: {where} needs the key {missing[0]!r}.")


def _text(where: str, value, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ChooserError(f"{path}: {where} must be non-empty text.")
    return value.strip()


def load(path: Path) -> dict:
    """Read and check the chooser data; raise ChooserError naming ``path`` on any mistake."""
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ChooserError(f"{name}: the framework chooser's data file is missing.") from None
    except yaml.YAMLError as error:
        raise ChooserError(f"{name}: not valid YAML: {error}") from None
    _keys("the top level", data, TOP, name)
    frameworks = data["frameworks"]
    if not isinstance(frameworks, dict) or len(frameworks) < 2:
        raise ChooserError(f"{name}: 'frameworks' must map at least two ids to their details.")
    for fid, framework in frameworks.items():
        _keys(f"frameworks.{fid}", framework, FRAMEWORK, name)
        for key in FRAMEWORK:
            _text(f"frameworks.{fid}.{key}", framework[key], name)
    _text("tie", data["tie"], name)
    questions = data["questions"]
    if not isinstance(questions, list) or not questions:
        raise ChooserError(f"{name}: 'questions' must be a list of questions.")
    seen: set[str] = set()
    for qn, question in enumerate(questions):
        where = f"questions[{qn}]"
        _keys(where, question, QUESTION, name)
        qid = _text(f"{where}.id", question["id"], name)
        if qid in seen:
            raise ChooserError(f"{name}: question id {qid!r} is used twice.")
        seen.add(qid)
        _text(f"{where}.legend", question["legend"], name)
        options = question["options"]
        if not isinstance(options, list) or len(options) < 2:
            raise ChooserError(f"{name}: {where} ({qid}) needs at least two options.")
        option_ids: set[str] = set()
        for on, option in enumerate(options):
            owhere = f"{where}.options[{on}]"
            _keys(owhere, option, OPTION, name)
            oid = _text(f"{owhere}.id", option["id"], name)
            if oid in option_ids:
                raise ChooserError(f"{name}: option id {oid!r} is used twice in {qid}.")
            option_ids.add(oid)
            _text(f"{owhere}.label", option["label"], name)
            for field in ("score", "notes"):
                _keys(f"{owhere}.{field}", option[field], dict.fromkeys(frameworks, True), name)
            for fid, points in option["score"].items():
                if not isinstance(points, int) or isinstance(points, bool) or not 0 <= points <= 3:
                    raise ChooserError(
                        f"{name}: {owhere}.score.{fid} must be a whole number from 0 to 3."
                    )
            for fid, note in option["notes"].items():
                _text(f"{owhere}.notes.{fid}", note, name)
            links = option.get("links", [])
            if not isinstance(links, list):
                raise ChooserError(f"{name}: {owhere}.links must be a list.")
            for ln, link in enumerate(links):
                _keys(f"{owhere}.links[{ln}]", link, LINK, name)
    return data


def decide(data: dict, choices: dict[str, str]) -> list[str]:
    """The decision rule, as docs/javascripts/chooser.js applies it (the tests hold them equal):
    add the points of every chosen option; the framework ids with the most points win."""
    scores = dict.fromkeys(data["frameworks"], 0)
    answered = 0
    for question in data["questions"]:
        option = next((o for o in question["options"] if o["id"] == choices.get(question["id"])),
                      None)
        if option is None:
            continue
        answered += 1
        for fid in scores:
            scores[fid] += option["score"][fid]
    if not answered:
        return []
    best = max(scores.values())
    return [fid for fid, points in scores.items() if points == best]


def _resolve(href: str, page, files, path: str) -> str:
    """A docs-relative 'page.md#anchor' as a URL relative to the chooser page."""
    target, _, anchor = href.partition("#")
    file = files.get_file_from_path(posixpath.normpath(target))
    if file is None or not target.endswith((".md", ".ipynb")):
        raise ChooserError(
            f"{path}: link {href!r} does not name a page of the site (write it relative to "
            "docs/, for example topics/compilation.md#graph-breaks)."
        )
    url = get_relative_url(file.url, page.url)
    return url + (f"#{anchor}" if anchor else "")


def _form(data: dict) -> str:
    e = html.escape
    parts = ['<form class="chooser" id="chooser-form" novalidate>']
    for question in data["questions"]:
        qid = question["id"]
        hint_id = f"chooser-{qid}-hint"
        described = f' aria-describedby="{hint_id}"' if question.get("hint") else ""
        parts.append(f'<fieldset class="chooser__question"{described}>')
        parts.append(f'<legend>{e(question["legend"])}</legend>')
        if question.get("hint"):
            parts.append(f'<p class="chooser__hint" id="{hint_id}">{e(question["hint"])}</p>')
        for option in question["options"]:
            input_id = f"chooser-{qid}-{option['id']}"
            parts.append(
                f'<div class="chooser__option"><input type="radio" name="{e(qid)}" '
                f'id="{input_id}" value="{e(option["id"])}">'
                f'<label for="{input_id}">{e(option["label"])}</label></div>'
            )
        parts.append("</fieldset>")
    parts.append(
        '<button type="reset" class="md-button chooser__reset">Start again</button></form>'
    )
    return "\n".join(parts)


def render(data: dict, page, files, path: str, script_url: str) -> str:
    """The form, the live region for the answer, the data and the script, as HTML."""
    public = json.loads(json.dumps(data))
    for framework in public["frameworks"].values():
        framework["link"] = _resolve(framework["link"], page, files, path)
    for question in public["questions"]:
        for option in question["options"]:
            for link in option.get("links", []):
                link["href"] = _resolve(link["href"], page, files, path)
    payload = json.dumps(public, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (
        f"{_form(data)}\n"
        '<h2 id="your-answer">Your answer</h2>\n'
        # The live region holds the verdict only, so a screen reader announces one sentence
        # per change; the reasons follow it in an ordinary container.
        '<div class="chooser__answer" id="chooser-answer" role="status" aria-live="polite" '
        'aria-atomic="true"><p>Answer any question to see which framework fits.</p></div>\n'
        '<div class="chooser__details" id="chooser-details"></div>\n'
        '<noscript><p class="chooser__noscript">The chooser needs JavaScript; the guide on '
        "choosing compares the frameworks in prose.</p></noscript>\n"
        f'<div data-search-exclude><script type="application/json" id="chooser-data">{payload}'
        f'</script></div>\n<script src="{script_url}"></script>'
    )


def on_files(files, config):
    # The data file is read at build time; it is not a page or an asset of the site.
    data = files.get_file_from_path(DATA)
    if data is not None:
        files.remove(data)
    return files


def on_page_content(html_content, page, config, files):
    if page.file.src_uri != PAGE:
        return html_content
    path = Path(config.docs_dir) / DATA
    if html_content.count(PLACEHOLDER) != 1:
        raise ChooserError(f"{page.file.src_uri}: needs exactly one line {PLACEHOLDER}.")
    data = load(path)
    script = files.get_file_from_path(SCRIPT)
    if script is None:
        raise ChooserError(f"docs/{SCRIPT} is missing: the chooser page needs it.")
    script_url = get_relative_url(script.url, page.url)
    return html_content.replace(
        PLACEHOLDER, render(data, page, files, f"docs/{DATA}", script_url)
    )
