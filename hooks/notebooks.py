"""Refuse to render a notebook whose stored outputs are not a clean, complete run.

The site shows the outputs saved in each notebook (the build does not execute them), so a
notebook saved with an error, or with code cells that never ran, would publish a broken page.
This hook stops the build and names the notebook, the cell and the fix. It also hands the
notebook's execution record (written by ``tools/notebooks.py``) to the page template, and its
description (the notebook's metadata ``description``, held to the rule Markdown pages' front
matter follows) to the page's link preview, search-engine summary and llms.txt entry.

Every figure a notebook shows needs alt text in its cell's metadata (``"alt"``), which
hooks/notebook.html.j2 puts on the image. Under the page's title (the notebook's first heading)
it puts overrides/partials/notebook-actions.html: download, Colab and the execution record.
"""

import json
from pathlib import Path

from front_matter import description_problem  # MkDocs puts a hook's folder on sys.path
from mkdocs.exceptions import PluginError
from shared import page_source

FIX = "run `make notebooks` to re-execute it and store fresh outputs"
WHERE_DESCRIPTION = (
    'Add "description": "One sentence saying what the notebook shows." to the notebook\'s '
    'top-level "metadata" (JupyterLab: Property Inspector, Advanced Tools, Notebook metadata)'
)


def check_notebook(path: Path) -> dict:
    """Return the notebook's execution record; raise PluginError on a bad notebook."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise PluginError(f"{path}: not valid notebook JSON ({error}).") from None
    code_cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                raise PluginError(
                    f"{path}: code cell {number} raised {output.get('ename')}: "
                    f"{output.get('evalue')}. Fix the cell, then {FIX}."
                )
        if "".join(cell.get("source", "")).strip() and cell.get("execution_count") is None:
            raise PluginError(f"{path}: code cell {number} has never been executed; {FIX}.")
    record = nb.get("metadata", {}).get("executed")
    if code_cells and not record:
        raise PluginError(f"{path}: no execution record in its metadata; {FIX}.")
    return record or {}


WHERE_ALT = (
    'Add "alt": "What the figure shows, in a sentence or two" to the cell\'s metadata '
    "(JupyterLab: Property Inspector, Advanced Tools, Cell Metadata); no re-run is needed"
)
NBCONVERT_ALT = "No description has been provided for this image"


def check_figures(path: Path, name: str) -> None:
    """Raise PluginError, naming ``name`` and the code cell, for a figure without alt text."""
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    code_cells = [c for c in cells if c.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        figures = sum(
            any(key.startswith("image/") for key in output.get("data", {}))
            for output in cell.get("outputs", [])
        )
        if not figures:
            continue
        where = f"{name}: code cell {number}"
        if figures > 1:
            raise PluginError(
                f"{where} shows {figures} figures, and a cell's alt text describes one. Show "
                'each figure in a cell of its own, each with its own "alt" in its metadata.'
            )
        alt = cell.get("metadata", {}).get("alt")
        if not isinstance(alt, str) or not alt.strip() or alt.strip() == NBCONVERT_ALT:
            raise PluginError(
                f"{where} shows a figure without alt text: screen readers would read out "
                f'"{NBCONVERT_ALT}". {WHERE_ALT}.'
            )


def notebook_description(path: Path, name: str) -> str:
    """The notebook's metadata description; raise PluginError naming ``name`` if it is unusable."""
    metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    description = metadata.get("description")
    if description is not None and not isinstance(description, str):
        problem = "a 'description' that is text, not a list or a mapping"
    else:
        problem = description_problem(description)
    if problem:
        raise PluginError(f"{name}: the notebook's metadata needs {problem}. {WHERE_DESCRIPTION}.")
    return " ".join(description.split())


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        path = Path(page.file.abs_src_path)
        page.meta["executed"] = check_notebook(path)
        page.meta["notebook_name"] = path.name
        # Material's <meta name="description"> and overrides/main.html's og:description read it.
        page.meta["description"] = notebook_description(path, page_source(page, config))
        check_figures(path, page_source(page, config))
    return markdown


def with_actions(html: str, actions: str) -> str:
    """``actions`` after the page's title (the first </h1>), or first if there is none."""
    head, found, rest = html.partition("</h1>")
    return head + found + actions + rest if found else actions + html


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        template = config.theme.get_env().get_template("partials/notebook-actions.html")
        html = with_actions(html, template.render(page=page, config=config))
    return html
