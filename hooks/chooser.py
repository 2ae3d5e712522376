"""Render the framework chooser (choosing/chooser.md) from its data file, choosing/chooser.yml.

The questions, options, scores, notes and links live in ``docs/choosing/chooser.yml`` so they can
be edited without touching code. This hook checks that file against ``chooser.schema.json`` next
to it, plus what a schema cannot express (score and notes name exactly the frameworks, fit names
only frameworks, ids are not used twice, links name pages of the site); any mistake stops the
build with a message naming the file. It keeps both files out of the published site and replaces
the page's ``<div id="framework-chooser"></div>`` with a plain HTML form plus the data as a
``<script type="application/json">`` element, and links its stylesheet (choosing/chooser.css)
from that page only. The form works from file:// as well, since nothing is fetched.
``docs/javascripts/chooser.js`` holds the decision rule, and only there; tests/test_chooser.py
checks the data and runs that script's rule in Node, and tests/browser/test_chooser.py checks
the page.
"""

from __future__ import annotations

import html
import json
import posixpath
from pathlib import Path

import jsonschema
import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

DATA = "choosing/chooser.yml"
SCHEMA_SRC = "choosing/chooser.schema.json"
PAGE = "choosing/chooser.md"
SCRIPT = "javascripts/chooser.js"
STYLES = "choosing/chooser.css"  # linked from this page only: no other page loads it
PLACEHOLDER = '<div id="framework-chooser"></div>'

SCHEMA = Path(__file__).parent.parent / "docs" / SCHEMA_SRC


class ChooserError(PluginError):
    pass


def _where(path) -> str:
    """A place in the data as the messages name it: questions[0].options[1].score.jax."""
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return where.lstrip(".") or "the top level"


def _message(error: jsonschema.ValidationError, name: str) -> str:
    """One schema error as a sentence naming the file and the place, in the words the schema's
    descriptions give (each finishes '<where> must be ...')."""
    where, schema, instance = _where(error.absolute_path), error.schema, error.instance
    if error.validator == "additionalProperties" and "properties" in schema:
        unknown = sorted(set(instance) - set(schema["properties"]))[0]
        return (f"{name}: unknown key {unknown!r} in {where}; allowed: "
                f"{', '.join(schema['properties'])}.")
    if error.validator == "required":
        missing = next(key for key in schema["required"] if key not in instance)
        return f"{name}: {where} needs the key {missing!r}."
    if error.validator == "dependentRequired":
        key = next(key for key in error.validator_value if key in instance)
        return (f"{name}: {where} has {key!r}, so it needs the key "
                f"{error.validator_value[key][0]!r}: its first link says where to read why.")
    return f"{name}: {where} must be {schema.get('description', error.message)}."


def _same_keys(where: str, mapping: dict, ids: list[str], name: str) -> None:
    """A score or notes mapping names every framework and nothing else (the schema cannot say
    that keys must be the ids defined elsewhere in the file)."""
    unknown = sorted(set(mapping) - set(ids))
    if unknown:
        raise ChooserError(f"{name}: unknown key {unknown[0]!r} in {where}; allowed: "
                           f"{', '.join(ids)}.")
    missing = [fid for fid in ids if fid not in mapping]
    if missing:
        raise ChooserError(f"{name}: {where} needs the key {missing[0]!r}.")


def load(path: Path) -> dict:
    """Read and check the chooser data; raise ChooserError naming ``path`` on any mistake."""
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ChooserError(f"{name}: the framework chooser's data file is missing.") from None
    except yaml.YAMLError as error:
        raise ChooserError(f"{name}: not valid YAML: {error}") from None
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(data))
    if error is not None:
        raise ChooserError(_message(error, name))
    ids = list(data["frameworks"])
    seen: set[str] = set()
    for qn, question in enumerate(data["questions"]):
        qid = question["id"]
        if qid in seen:
            raise ChooserError(f"{name}: question id {qid!r} is used twice.")
        seen.add(qid)
        option_ids: set[str] = set()
        for on, option in enumerate(question["options"]):
            if option["id"] in option_ids:
                raise ChooserError(f"{name}: option id {option['id']!r} is used twice in {qid}.")
            option_ids.add(option["id"])
            for field in ("score", "notes"):
                _same_keys(f"questions[{qn}].options[{on}].{field}", option[field], ids, name)
            unknown = sorted(set(option.get("fit", {})) - set(ids))
            if unknown:
                raise ChooserError(f"{name}: unknown key {unknown[0]!r} in questions[{qn}]."
                                   f"options[{on}].fit; allowed: {', '.join(ids)}.")
    return data


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
    # autocomplete="off": the address holds the answers, not the browser's form memory.
    parts = ['<form class="chooser__form" id="chooser-form" novalidate autocomplete="off">']
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


def render(data: dict, page, files, path: str, script_url: str, styles_url: str) -> str:
    """The styles, the form, the live region for the answer, the data and the script, as HTML."""
    public = json.loads(json.dumps(data))
    for framework in public["frameworks"].values():
        framework["link"] = _resolve(framework["link"], page, files, path)
    for question in public["questions"]:
        for option in question["options"]:
            for link in option.get("links", []):
                link["href"] = _resolve(link["href"], page, files, path)
    payload = json.dumps(public, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (
        # The verdict is the wrapper's last child and sticks to the bottom of the window while
        # the questions are on screen (extra.css), so each answer's effect stays in sight.
        f'<link rel="stylesheet" href="{styles_url}">\n'
        f'<div class="chooser">\n{_form(data)}\n'
        '<h2 id="your-answer">Your answer</h2>\n'
        # The live region holds the verdict only, so a screen reader announces one sentence
        # per change; the reasons follow it in an ordinary container.
        '<div class="chooser__answer" id="chooser-answer" role="status" aria-live="polite" '
        'aria-atomic="true"><p>Answer any question to see which framework fits.</p></div>\n'
        '</div>\n<div class="chooser__details" id="chooser-details"></div>\n'
        '<noscript><p class="chooser__noscript">The chooser needs JavaScript; the guide on '
        "choosing compares the frameworks in prose.</p></noscript>\n"
        f'<div data-search-exclude><script type="application/json" id="chooser-data">{payload}'
        f'</script></div>\n<script src="{script_url}"></script>'
    )


def on_files(files, config):
    # The data file and its schema are read at build time; they are not pages or assets.
    for src in (DATA, SCHEMA_SRC):
        file = files.get_file_from_path(src)
        if file is not None:
            files.remove(file)
    return files


def on_page_content(html_content, page, config, files):
    if page.file.src_uri != PAGE:
        return html_content
    path = Path(config.docs_dir) / DATA
    if html_content.count(PLACEHOLDER) != 1:
        raise ChooserError(f"{page.file.src_uri}: needs exactly one line {PLACEHOLDER}.")
    data = load(path)
    urls = []
    for src in (SCRIPT, STYLES):
        file = files.get_file_from_path(src)
        if file is None:
            raise ChooserError(f"docs/{src} is missing: the chooser page needs it.")
        urls.append(get_relative_url(file.url, page.url))
    return html_content.replace(
        PLACEHOLDER, render(data, page, files, f"docs/{DATA}", *urls)
    )
