"""Refuse to render a notebook whose stored outputs are not a clean, complete run.

The site shows the outputs saved in each notebook (the build does not execute them), so a
notebook saved with an error, or with code cells that never ran, would publish a broken page.
This hook stops the build and names the notebook, the cell and the fix. It also hands the
notebook's execution record (written by ``tools/notebooks.py``) to the page template, and its
description (the notebook's metadata ``description``, held to the rule Markdown pages' front
matter follows) to the page's link preview, search-engine summary and llms.txt entry.
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
    return markdown
