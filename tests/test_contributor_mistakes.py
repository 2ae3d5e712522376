"""Mistakes the strict build used to accept in silence now stop it, naming the source file.

Each test copies the project, plants one mistake and checks that the build fails with a message
that names the file a contributor edits (docs/..., examples/..., notebooks/...), the line where
there is one, and the fix. None of these needs a framework installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import build_fails

TOPIC = Path("docs/topics/automatic-differentiation.md")
SAMPLE = Path("examples/topics/automatic-differentiation/jax.py")
# Pages show included code through <!-- md:compare -->; tabs written by hand hold prose.
PROSE_TABS = ('\n=== "PyTorch"\n\n    pip install torch\n\n=== "TensorFlow"\n\n'
              '    pip install tensorflow\n\n=== "JAX"\n\n    pip install jax\n')


def line_of(text: str, needle: str) -> int:
    """The number of the first line of ``text`` that contains ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def edit(project: Path, relative: Path, change) -> str:
    """Apply ``change`` to a file of the project copy; return the new text."""
    path = project / relative
    text = change(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return text


def swap_first(text: str, a: str, b: str) -> str:
    return text.replace(a, "\0", 1).replace(b, a, 1).replace("\0", b, 1)


# Framework tabs (hooks/tabs.py)

def test_misspelled_tab_label_fails(project_copy):
    text = edit(project_copy, TOPIC,
                lambda t: (t + PROSE_TABS).replace('=== "PyTorch"', '=== "Pytorch"', 1))
    log = build_fails(project_copy)
    assert (
        f'{TOPIC.as_posix()}:{line_of(text, "Pytorch")}: tab label "Pytorch" is not the label the '
        'rest of the site uses, so Material will not link this tab with the others. Write it '
        'exactly "PyTorch".'
    ) in log


def test_framework_tabs_out_of_order_fail(project_copy):
    text = edit(project_copy, TOPIC,
                lambda t: swap_first(t + PROSE_TABS, '=== "TensorFlow"', '=== "JAX"'))
    line = line_of(text, '=== "TensorFlow"')
    log = build_fails(project_copy)
    assert (
        f'{TOPIC.as_posix()}:{line}: tab "TensorFlow" comes after "JAX" in its tab group. Order '
        "framework tabs PyTorch, TensorFlow, JAX, Keras, Flax."
    ) in log


def test_tab_without_indented_content_fails(project_copy):
    text = edit(project_copy, TOPIC,
                lambda t: t + '\n=== "Linux"\n\n```bash\nsudo apt install python3\n```\n')
    line = line_of(text, '=== "Linux"')
    log = build_fails(project_copy)
    assert (
        f'{TOPIC.as_posix()}:{line}: tab "Linux" has no content: the next line is not indented '
        "under it, so the tab renders empty and its content shows below the whole tab group. "
        "Indent the tab's content 4 spaces (4 more than its === line)."
    ) in log


# Snippet sections (hooks/snippet_sections.py)

def test_snippet_section_never_closed_fails(project_copy):
    text = edit(project_copy, SAMPLE, lambda t: t.replace("# --8<-- [end:grad]\n", "", 1))
    log = build_fails(project_copy)
    assert (
        f"{SAMPLE.as_posix()}:{line_of(text, '[start:grad]')}: snippet section 'grad' starts here "
        "but never ends, so a page including it shows the rest of the file. Add "
        "'# --8<-- [end:grad]' after its last line."
    ) in log


def test_snippet_section_end_without_start_fails(project_copy):
    text = edit(project_copy, SAMPLE, lambda t: t + "# --8<-- [end:jit]\n")
    log = build_fails(project_copy)
    assert (
        f"{SAMPLE.as_posix()}:{line_of(text, '[end:jit]')}: snippet section 'jit' ends here but "
        "never starts. Add '# --8<-- [start:jit]' where the section begins, or remove this line."
    ) in log


def test_snippet_section_name_used_twice_fails(project_copy):
    original = (project_copy / SAMPLE).read_text(encoding="utf-8")
    edit(project_copy, SAMPLE, lambda t: t + "# --8<-- [start:grad]\nx = 1\n# --8<-- [end:grad]\n")
    first, again = line_of(original, "[start:grad]"), len(original.splitlines()) + 1
    log = build_fails(project_copy)
    assert (
        f"{SAMPLE.as_posix()}:{again}: snippet section 'grad' starts again (it first starts on "
        f"line {first}); pages would only ever show the first one. Give one of the two sections "
        "another name."
    ) in log


# Notebook descriptions (hooks/notebooks.py, with hooks/front_matter.py's rule)

@pytest.mark.parametrize(("description", "length"), [(None, 0), ("Grad and jit.", 13)],
                         ids=["missing", "too-short"])
def test_notebook_without_a_description_fails(project_copy, description, length):
    def change(text):
        nb = json.loads(text)
        nb["metadata"].pop("description")
        if description is not None:
            nb["metadata"]["description"] = description
        return json.dumps(nb)

    edit(project_copy, Path("notebooks/transformations.ipynb"), change)
    log = build_fails(project_copy)
    assert (
        "notebooks/transformations.ipynb: the notebook's metadata needs a 'description' of 20 to "
        f"200 characters (it has {length}). Add \"description\": "
    ) in log
    assert 'top-level "metadata"' in log


# Links into notebooks and images MkDocs does not check (hooks/notebook_anchors.py, images.py)

def test_link_to_a_missing_anchor_in_a_notebook_fails(project_copy):
    edit(project_copy, Path("docs/topics/index.md"), lambda t: t + (
        "\n[Good](../notebooks/transformations.ipynb#grad) and "
        "[Bad](../notebooks/transformations.ipynb#no-such-heading)\n"
    ))
    log = build_fails(project_copy)
    assert (
        "Doc file 'topics/index.md' contains a link "
        "'../notebooks/transformations.ipynb#no-such-heading', but the doc "
        "'notebooks/transformations.ipynb' does not contain an anchor '#no-such-heading'."
    ) in log
    assert "#grad'" not in log


def test_missing_image_in_raw_html_fails(project_copy):
    text = edit(project_copy, Path("docs/topics/index.md"),
                lambda t: t + '\n<img src="missing.png" alt="A diagram">\n')
    log = build_fails(project_copy)
    assert (
        f"docs/topics/index.md:{line_of(text, 'missing.png')}: image 'missing.png' is not in the "
        "site (it would load /topics/missing.png). Add the image under docs/ or fix the path."
    ) in log


def test_raw_html_image_path_written_relative_to_the_file_gets_the_right_path(project_copy):
    # Right in Markdown, wrong in raw HTML: the page is served at topics/compilation/.
    text = edit(project_copy, Path("docs/topics/compilation.md"),
                lambda t: t + '\n<img src="../assets/images/favicon.svg" alt="">\n')
    log = build_fails(project_copy)
    assert (
        f"docs/topics/compilation.md:{line_of(text, 'favicon.svg')}: image "
        "'../assets/images/favicon.svg' is not in the site (it would load "
        "/topics/assets/images/favicon.svg). In raw HTML a path is relative to the page's URL "
        '(/topics/compilation/), not to the .md file: write src="../../assets/images/favicon.svg".'
    ) in log


def test_missing_image_in_a_notebook_markdown_cell_fails(project_copy):
    def change(text):
        nb = json.loads(text)
        nb["cells"].append({"cell_type": "markdown", "id": "planted", "metadata": {},
                            "source": ["## A plot\n", "\n", "![The loss](loss.png)\n"]})
        return json.dumps(nb)

    text = edit(project_copy, Path("notebooks/transformations.ipynb"), change)
    cell = sum(c["cell_type"] == "markdown" for c in json.loads(text)["cells"])
    log = build_fails(project_copy)
    assert (
        f"notebooks/transformations.ipynb (Markdown cell {cell}, line 3): image 'loss.png' is not "
        "in the site. Put the image in notebooks/ and give its path relative to the notebook, or "
        "fix the path."
    ) in log


# Figures without alt text (hooks/notebooks.py)

def test_notebook_figure_without_alt_text_fails(project_copy):
    path = Path("notebooks/training-loop.ipynb")
    found = []

    def change(text):
        nb = json.loads(text)
        code = [cell for cell in nb["cells"] if cell["cell_type"] == "code"]
        number, cell = next((n, c) for n, c in enumerate(code, start=1)
                            if any("image/svg+xml" in o.get("data", {}) for o in c["outputs"]))
        del cell["metadata"]["alt"]
        found.append(number)
        return json.dumps(nb)

    edit(project_copy, path, change)
    log = build_fails(project_copy)
    assert (
        f"{path.as_posix()}: code cell {found[0]} shows a figure without alt text: screen readers "
        'would read out "No description has been provided for this image". Add "alt": "What the '
        "figure shows, in a sentence or two\" to the cell's metadata (JupyterLab: Property "
        "Inspector, Advanced Tools, Cell Metadata); no re-run is needed."
    ) in log
