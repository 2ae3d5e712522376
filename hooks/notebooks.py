"""Refuse to render a notebook whose stored outputs are not a clean, complete run.

The site shows the outputs saved in each notebook (the build does not execute them), so a
notebook saved with an error, or with code cells that never ran, would publish a broken page.
This hook stops the build and names the notebook, the cell and the fix. It also hands the
notebook's execution record (written by ``tools/notebooks.py``) to the page template.
"""

import json
from pathlib import Path

from mkdocs.exceptions import PluginError

FIX = "run `make notebooks` to re-execute it and store fresh outputs"


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


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        page.meta["executed"] = check_notebook(Path(page.file.abs_src_path))
        page.meta["notebook_name"] = Path(page.file.abs_src_path).name
    return markdown
