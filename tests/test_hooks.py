"""Unit tests for the build hooks: each refuses bad input with a message naming the fix."""

import json

import pytest
from mkdocs.exceptions import PluginError

from conftest import load_module

versions = load_module("hooks/versions.py")
front_matter = load_module("hooks/front_matter.py")
notebooks = load_module("hooks/notebooks.py")


def test_pinned_versions_reads_the_frameworks_file():
    pins = versions.pinned_versions(versions.PINS.read_text())
    assert list(pins) == ["PyTorch", "TensorFlow", "Keras", "JAX", "Flax", "Optax"]
    assert all(version[0].isdigit() for version in pins.values())


def test_pinned_versions_normalises_names_and_rejects_a_missing_pin():
    text = "torch==2.15.0\ntensorflow_cpu==2.21.0\nkeras==3.15.1\njax==0.12.0.1\nflax==0.12.12\n"
    with pytest.raises(PluginError, match="no '==' pin for optax"):
        versions.pinned_versions(text)
    assert versions.pinned_versions(text + "optax==0.2.8\n")["TensorFlow"] == "2.21.0"


def test_front_matter_accepts_a_good_page():
    front_matter.check_front_matter(
        "---\ndescription: Twenty characters at least.\n---\n# T\n", "p.md"
    )


def test_front_matter_rejects_a_wrong_type():
    with pytest.raises(PluginError, match="p.md: front matter 'hide' must be a list"):
        front_matter.check_front_matter(
            "---\ndescription: Twenty characters at least.\nhide: toc\n---\n", "p.md"
        )


def test_notebook_without_execution_record_is_refused(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [{"cell_type": "code", "execution_count": 1,
                                           "source": "1", "outputs": [], "metadata": {}}],
                                "metadata": {}}))
    with pytest.raises(PluginError, match="no execution record"):
        notebooks.check_notebook(path)


def test_notebook_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text("{not json")
    with pytest.raises(PluginError, match="n.ipynb: not valid notebook JSON"):
        notebooks.check_notebook(path)


tabs = load_module("hooks/tabs.py")
snippet_sections = load_module("hooks/snippet_sections.py")
notebook_anchors = load_module("hooks/notebook_anchors.py")
images = load_module("hooks/images.py")

TABS = '=== "PyTorch"\n\n    torch\n\n=== "TensorFlow"\n\n    tf\n\n=== "JAX"\n\n    jax\n'


def test_tabs_accept_the_site_order_and_other_labels():
    tabs.check_tabs(TABS + '\n=== "Keras"\n\n    keras\n\n=== "Linux"\n\n    apt\n', "p.md")
    tabs.check_tabs('=== "TensorFlow.js"\n\n    tfjs\n\n=== "Keras 3"\n\n    k\n', "p.md")


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ('=== "Pytorch"\n\n    torch\n',
         'p.md:1: tab label "Pytorch" .* Write it exactly "PyTorch"'),
        ('x\n\n=== "Tensor Flow"\n    tf\n', 'p.md:3: .* Write it exactly "TensorFlow"'),
        ('=== "Kears"\n    k\n', 'Write it exactly "Keras"'),
        (TABS.replace('"JAX"', '"TensorFlow"'), 'p.md:9: tab "TensorFlow" appears twice'),
        (TABS.replace("PyTorch", "X").replace("JAX", "PyTorch"),
         'p.md:9: tab "PyTorch" comes after "TensorFlow" .* PyTorch, TensorFlow, JAX, Keras, Flax'),
        ('=== "JAX"\n\n```python\njax\n```\n', 'p.md:1: tab "JAX" has no content.* Indent'),
        ('=== "JAX"\n', 'p.md:1: tab "JAX" has no content'),
    ],
    ids=["case", "near-miss", "typo", "twice", "order", "not-indented", "at-the-end"],
)
def test_tabs_refuse_what_material_would_not_link(markdown, message):
    with pytest.raises(PluginError, match=message):
        tabs.check_tabs(markdown, "p.md")


def test_tabs_ignore_fenced_code_and_start_new_groups():
    tabs.check_tabs('````markdown\n=== "Pytorch"\nnot indented\n````\n', "p.md")
    tabs.check_tabs(TABS + "\nProse ends the group.\n\n" + TABS, "p.md")
    tabs.check_tabs(TABS + '\n===! "PyTorch"\n\n    again\n', "p.md")
    with pytest.raises(PluginError, match="p.md:13: "):
        tabs.check_tabs(TABS + '\n=== "PyTorch"\n\n    again\n', "p.md")


def test_tab_errors_count_lines_from_the_top_of_the_file():
    with pytest.raises(PluginError, match="docs/p.md:14: "):
        tabs.check_tabs('=== "Jax"\n    j\n', "docs/p.md", first_line=14)


def test_snippet_sections_must_pair_up():
    text = (
        "# --8<-- [start:grad]\ng = 1\n# --8<-- [end:grad]\n"
        "# --8<-- [start:grad]\n# --8<-- [end:grad]\n"
        "# --8<-- [end:jit]\n"
        ";--8<-- [start:escaped]\n"
        "# --8<-- [start:vmap]\nv = 1\n"
    )
    assert snippet_sections.section_problems(text, "examples/t/jax.py") == [
        "examples/t/jax.py:4: snippet section 'grad' starts again (it first starts on line 1); "
        "pages would only ever show the first one. Give one of the two sections another name.",
        "examples/t/jax.py:6: snippet section 'jit' ends here but never starts. Add "
        "'# --8<-- [start:jit]' where the section begins, or remove this line.",
        "examples/t/jax.py:8: snippet section 'vmap' starts here but never ends, so a page "
        "including it shows the rest of the file. Add '# --8<-- [end:vmap]' after its last line.",
    ]


def test_snippet_sections_may_nest():
    text = "# --8<-- [start:a]\n# --8<-- [start:b]\n# --8<-- [end:b]\n# --8<-- [end:a]\n"
    assert snippet_sections.section_problems(text, "x.py") == []


def test_notebook_description_follows_the_front_matter_rule(tmp_path):
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps({"cells": [], "metadata": {"description": "Too short"}}))
    with pytest.raises(PluginError, match=r"notebooks/n.ipynb: the notebook's metadata needs a "
                                          r"'description' of 20 to 200 characters \(it has 9\)\. "
                                          r'Add "description": '):
        notebooks.notebook_description(path, "notebooks/n.ipynb")
    path.write_text(json.dumps({"metadata": {"description": "What this  notebook\nshows."}}))
    assert notebooks.notebook_description(path, "n") == "What this notebook shows."


def test_notebook_anchor_ids_are_ids_and_anchor_names():
    html = '<h2 id="grad">g</h2><a name="old"></a><div name="no"></div><p id="">x</p>'
    assert notebook_anchors.anchor_ids(html) == {"grad", "old"}


def test_image_sources_skip_code_comments_and_other_hosts():
    text = (
        '<img src="a.png">\n`<img src="in-code.png">`\n```html\n<img src="fenced.png">\n```\n'
        '<img alt="x"\n     src=\'b.png\'>\n<img src="https://example.org/c.png">\n'
        '<img src="data:image/png;base64,AA">\n![md](d.png "title")\n'
        '<!-- <img src="commented-out.png"> -->\n'
    )
    assert images.image_sources(text, markdown_images=False) == [(1, "a.png"), (6, "b.png")]
    assert images.image_sources(text, markdown_images=True)[-1] == (10, "d.png")
