"""The strict build passes, and each contributor mistake it must catch fails it with a clear message

Every bad-input test copies the project to a temporary folder, plants one mistake and asserts
that the build stops with a message naming the file and saying what to do.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_fails


def test_strict_build_passes(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "search" / "search_index.json").is_file()


def test_notebooks_render_with_download_and_colab_links(built_site):
    page = (built_site / "notebooks" / "transformations" / "index.html").read_text()
    assert 'href="transformations.ipynb" download' in page
    assert "colab.research.google.com/github/" in page
    assert (built_site / "notebooks" / "transformations" / "transformations.ipynb").is_file()
    assert "Outputs below were printed when this notebook ran on" in page


def test_pages_show_versions_and_last_update(built_site):
    page = (built_site / "topics" / "automatic-differentiation" / "index.html").read_text()
    assert "Code on this site is tested with" in page and "JAX&nbsp;" in page
    assert "Last updated" in page


def test_missing_snippet_file_fails(project_copy):
    page = project_copy / "docs" / "topics" / "automatic-differentiation.md"
    include = '```python\n--8<-- "topics/automatic-differentiation/jaxx.py:grad"\n```\n'
    page.write_text(page.read_text() + "\n" + include)
    log = build_fails(project_copy)
    assert "topics/automatic-differentiation/jaxx.py" in log and "could not be found" in log


def test_page_left_out_of_nav_is_reported(project_copy):
    (project_copy / "docs" / "topics" / "orphan.md").write_text(
        "---\ndescription: A page that nobody added to the navigation.\n---\n\n# Orphan\n"
    )
    log = build_fails(project_copy)
    assert "topics/orphan.md" in log and "not included in the \"nav\"" in log


def test_broken_link_and_anchor_fail(project_copy):
    index = project_copy / "docs" / "topics" / "index.md"
    index.write_text(
        index.read_text() + "\n[Gone](missing.md) and [Bad](automatic-differentiation.md#nope)\n"
    )
    log = build_fails(project_copy)
    assert "topics/index.md" in log and "missing.md" in log
    assert "#nope" in log


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        ("---\ndescription: [unclosed\n---\n", "front matter is not valid YAML"),
        ("---\ndescripton: A typo in the key name, which MkDocs would ignore.\n---\n",
         "unknown front matter key 'descripton'"),
        ("# No front matter\n", "no front matter"),
        ("---\ndescription: Short\n---\n", "'description' of 20 to 200 characters"),
    ],
    ids=["invalid-yaml", "unknown-key", "missing", "short-description"],
)
def test_malformed_front_matter_fails(project_copy, front_matter, expected):
    page = project_copy / "docs" / "topics" / "index.md"
    body = page.read_text().split("---\n", 2)[2]
    page.write_text(front_matter + body)
    log = build_fails(project_copy)
    assert "topics/index.md" in log and expected in log


def plant_in_notebook(project: Path, cell: dict) -> None:
    path = project / "notebooks" / "transformations.ipynb"
    nb = json.loads(path.read_text())
    nb["cells"].append(cell)
    path.write_text(json.dumps(nb))


def test_notebook_saved_with_an_error_fails(project_copy):
    plant_in_notebook(project_copy, {
        "cell_type": "code", "execution_count": 9, "metadata": {}, "source": "1 / 0",
        "outputs": [{"output_type": "error", "ename": "ZeroDivisionError",
                     "evalue": "division by zero", "traceback": []}],
    })
    log = build_fails(project_copy)
    assert "notebooks/transformations.ipynb" in log
    assert "raised ZeroDivisionError: division by zero" in log and "make notebooks" in log


def test_notebook_cell_never_executed_fails(project_copy):
    plant_in_notebook(project_copy, {
        "cell_type": "code", "execution_count": None, "metadata": {}, "source": "x = 1",
        "outputs": [],
    })
    log = build_fails(project_copy)
    assert "notebooks/transformations.ipynb" in log and "never been executed" in log


def test_missing_snippet_section_fails(project_copy):
    page = project_copy / "docs" / "topics" / "automatic-differentiation.md"
    page.write_text(page.read_text().replace("md:compare grad ", "md:compare gradient "))
    log = build_fails(project_copy)
    assert ("no sample in examples/topics/automatic-differentiation/ defines snippet section "
            "'gradient'. Did you mean 'grad'?") in log


def test_search_indexes_notebook_text_and_code_but_not_outputs(built_site):
    import nbformat

    from conftest import ROOT

    index = json.loads((built_site / "search" / "search_index.json").read_text())
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        entries = " ".join(
            doc["text"] for doc in index["docs"]
            if doc["location"].startswith(f"notebooks/{path.stem}/")
        )
        code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
        first_line = code[0].source.strip().splitlines()[0]
        assert first_line.replace("<", "&lt;") in entries or first_line in entries, (
            f"{path.name}: its code is missing from the search index"
        )
        printed = [
            line.strip() for c in code for o in c.outputs if o.output_type == "stream"
            for line in o.text.splitlines() if len(line.strip()) > 25
        ]
        source = "\n".join(c.source for c in code)  # a printed label may also be in the code
        leaked = [line for line in printed if line in entries and line not in source]
        assert not leaked, f"{path.name}: outputs leaked into the search index: {leaked[:3]}"
