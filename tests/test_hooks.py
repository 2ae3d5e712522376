"""Unit tests for the build hooks: each refuses bad input with a message naming the fix."""

import json

import pytest
from mkdocs.exceptions import PluginError

from conftest import load_module

versions = load_module("hooks/versions.py")
front_matter = load_module("hooks/front_matter.py")
notebooks = load_module("hooks/notebooks.py")
minify = load_module("hooks/minify.py")


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


shared = load_module("hooks/shared.py")


def test_shared_source_path_and_front_matter_lines(tmp_path):
    from types import SimpleNamespace

    source = tmp_path / "docs" / "topics" / "x.md"
    text = "---\ndescription: D\n---\n# X\n"
    markdown = "# X\n"
    page = SimpleNamespace(file=SimpleNamespace(abs_src_path=str(source), content_string=text))
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))
    assert shared.page_source(page, config) == "docs/topics/x.md"
    assert shared.front_matter_lines(page, markdown) == 3
    assert shared.front_matter_lines(page, "not the page's text") == 0


def test_shared_site_url_is_the_one_in_mkdocs_yml():
    # Read by MkDocs' own loader: the same value the build uses for canonical URLs.
    assert shared.site_url().startswith("https://") and shared.site_url().endswith("/")
    assert shared.site_url().endswith(f"/{shared.site_path()}/")


compare = load_module("hooks/compare.py")


@pytest.fixture
def compare_project(tmp_path):
    """A project with one page's samples: grad in three files, onnx in one; pytorch printed."""
    folder = tmp_path / "examples" / "topics" / "t"
    folder.mkdir(parents=True)
    for stem in ("tensorflow", "jax", "pytorch"):  # written out of order on purpose
        extra = "# --8<-- [start:onnx]\no = 1\n# --8<-- [end:onnx]\n" if stem == "pytorch" else ""
        (folder / f"{stem}.py").write_text("# --8<-- [start:grad]\ng = 1\n# --8<-- [end:grad]\n"
                                           + extra)
    (folder / "pytorch.out").write_text("# header\n# --8<-- [start:grad]\ngrad: [0.5]\n"
                                        "# --8<-- [end:grad]\n")
    return tmp_path


def expand(project, markdown, page="topics/t.md"):
    return compare.expand_page(markdown, page, f"docs/{page}", project)


def test_compare_renders_tabs_in_site_order_with_stored_output_under_the_code(compare_project):
    text = expand(compare_project, "# T\n\n<!-- md:compare grad -->\n")
    assert text == "\n".join([
        "# T", "", "",
        '===! "PyTorch"', "", "    ```python", '    --8<-- "topics/t/pytorch.py:grad"', "    ```",
        "", '    ```text title="Output"', "    grad: [0.5]", "    ```", "",
        '=== "TensorFlow"', "", "    ```python", '    --8<-- "topics/t/tensorflow.py:grad"',
        "    ```", "",
        '=== "JAX"', "", "    ```python", '    --8<-- "topics/t/jax.py:grad"', "    ```", "",
    ]) + "\n"


def test_compare_keeps_indentation_and_leaves_code_blocks_and_code_spans_alone(compare_project):
    example = "```markdown\n<!-- md:compare nothing -->\n```\nWrite `<!-- md:compare x -->`.\n"
    assert expand(compare_project, example) == example
    listed = expand(compare_project, "- item\n\n    <!-- md:compare grad only=jax -->\n")
    assert '    ===! "JAX"\n\n        ```python\n' in listed and "PyTorch" not in listed


def test_compare_only_picks_frameworks_in_site_order(compare_project):
    text = expand(compare_project, "<!-- md:compare grad only=jax,pytorch -->")
    assert text.index('"PyTorch"') < text.index('"JAX"') and "TensorFlow" not in text


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("<!-- md:compare gard -->", r"docs/topics/t.md:1: no sample in examples/topics/t/ "
         r"defines snippet section 'gard'. Did you mean 'grad'\? Sections there: grad, onnx"),
        ("x\n<!-- md:compare onnx -->", r"docs/topics/t.md:2: only examples/topics/t/pytorch.py "
         r"defines snippet section 'onnx', and a comparison needs at least two frameworks.*"
         r"write <!-- md:compare onnx only=pytorch -->"),
        ("<!-- md:compare -->", r"md:compare needs the name of a snippet section. Write "
         r"<!-- md:compare SECTION -->"),
        ("<!-- md:compare grad hessian -->", r"md:compare does not understand 'hessian'"),
        ("<!-- md:compare grad tabs=2 -->", r"md:compare does not understand 'tabs=2'"),
        ("<!-- md:compare grad only=torch -->", r"only=torch names no framework file.*pytorch, "
         r"tensorflow, jax, keras, flax"),
        ("<!-- md:compare onnx only=jax -->", r"only= names jax, but examples/topics/t/ has no "
         r"jax.py defining snippet section 'onnx' \(defined by: pytorch.py\)"),
        ("<!-- md:compare grad --> and more", r"md:compare must stand on a line of its own"),
        ("<!-- md:tabs grad -->", r"docs/topics/t.md:1: unknown shortcode 'md:tabs'"),
    ],
)
def test_compare_refuses_what_it_cannot_expand(compare_project, markdown, message):
    with pytest.raises(PluginError, match=message):
        expand(compare_project, markdown)


def test_compare_needs_a_sample_folder_and_counts_front_matter_lines(compare_project):
    with pytest.raises(PluginError, match=r"docs/topics/other.md:5: this page has no sample "
                                          r"folder. Put its samples in examples/topics/other/"):
        compare.expand_page("<!-- md:compare grad -->", "topics/other.md", "docs/topics/other.md",
                            compare_project / "nowhere", first_line=5)


def test_compare_uses_the_section_folder_for_pages_that_share_one(compare_project):
    text = expand(compare_project, "<!-- md:compare grad only=jax -->", page="topics/t/sub.md")
    assert '--8<-- "topics/t/jax.py:grad"' in text


notebook_cache = load_module("hooks/notebook_cache.py")


def test_notebook_cache_renders_again_only_when_an_input_changed(tmp_path):
    notebook, template, image = (tmp_path / "n.ipynb", tmp_path / "t.html.j2", tmp_path / "i.png")
    notebook.write_text('{"cells": []}')
    template.write_text("{% extends 'x' %}")
    image.write_bytes(b"png")
    calls = []

    def convert(nb_path, image_dependencies=None, **settings):
        calls.append(nb_path)
        if image_dependencies is not None:  # as nb2html records an embedded image
            image_dependencies[str(image)] = notebook_cache._digest(image)
        return f"<p>render {len(calls)}</p>"

    used: set = set()
    render = notebook_cache.cached("nb2html", convert, tmp_path / "cache", used)

    def page(**settings):
        images: dict = {}
        html = render(str(notebook), custom_template=str(template), image_dependencies=images,
                      **settings)
        return html, images

    assert page() == ("<p>render 1</p>", {str(image): notebook_cache._digest(image)})
    assert page() == ("<p>render 1</p>", {str(image): notebook_cache._digest(image)})  # cached
    assert len(calls) == 1 and len(used) == 1
    notebook.write_text('{"cells": [], "metadata": {}}')
    assert page()[0] == "<p>render 2</p>"
    template.write_text("{% extends 'y' %}")
    assert page()[0] == "<p>render 3</p>"
    assert page(no_prompt=False)[0] == "<p>render 4</p>"  # another plugin setting
    image.write_bytes(b"another png")
    assert page()[0] == "<p>render 5</p>"
    assert page()[0] == "<p>render 5</p>"
    assert len(calls) == 5


# Figures in notebooks need alt text (hooks/notebooks.py); the actions go under the title.

FIGURE = {"output_type": "display_data", "metadata": {},
          "data": {"image/svg+xml": "<svg/>", "text/plain": "<Figure size 360x216>"}}


def notebook_with_figure(path, metadata, outputs):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": "# T"},
             {"cell_type": "code", "metadata": {}, "source": "1", "outputs": []},
             {"cell_type": "code", "metadata": metadata, "source": "plt.show()",
              "outputs": outputs}]
    path.write_text(json.dumps({"cells": cells, "metadata": {}}))
    return path


@pytest.mark.parametrize(
    ("metadata", "outputs", "message"),
    [
        ({}, [FIGURE], r'notebooks/n.ipynb: code cell 2 shows a figure without alt text: screen '
                       r'readers would read out "No description has been provided for this '
                       r'image"\. Add "alt": "What the figure shows, in a sentence or two" to the '
                       r"cell's metadata \(JupyterLab: Property Inspector"),
        ({"alt": "  "}, [FIGURE], "code cell 2 shows a figure without alt text"),
        ({"alt": ["A", "list"]}, [FIGURE], "code cell 2 shows a figure without alt text"),
        ({"alt": "No description has been provided for this image"}, [FIGURE],
         "code cell 2 shows a figure without alt text"),
        ({"alt": "Two curves."}, [FIGURE, FIGURE],
         r"code cell 2 shows 2 figures, and a cell's alt text describes one\. Show each figure "
         "in a cell of its own"),
    ],
    ids=["missing", "blank", "not-text", "nbconvert-default", "two-figures"],
)
def test_notebook_figure_without_alt_text_is_refused(tmp_path, metadata, outputs, message):
    path = notebook_with_figure(tmp_path / "n.ipynb", metadata, outputs)
    with pytest.raises(PluginError, match=message):
        notebooks.check_figures(path, "notebooks/n.ipynb")


def test_notebook_figure_with_alt_text_passes(tmp_path):
    png = {**FIGURE, "data": {"image/png": "iVBOR", "text/plain": "<Figure>"}}
    text = {"output_type": "stream", "name": "stdout", "text": "no figure\n"}
    path = notebook_with_figure(tmp_path / "n.ipynb", {"alt": "Loss falls."}, [text, png])
    notebooks.check_figures(path, "notebooks/n.ipynb")


def test_notebook_actions_go_right_under_the_title():
    html = '<div class="jp-Notebook"><h1 id="t">Title</h1><p>Intro</p><h2>More</h2></div>'
    assert notebooks.with_actions(html, "<A/>") == (
        '<div class="jp-Notebook"><h1 id="t">Title</h1><A/><p>Intro</p><h2>More</h2></div>'
    )
    assert notebooks.with_actions("<p>No title</p>", "<A/>") == "<A/><p>No title</p>"


def test_minify_drops_indentation_but_keeps_code_and_scripts_as_written():
    html = ('<nav>\n    <ul>\n      <li>A</li>\n    </ul>\n</nav>\n<p>two  words</p>\n'
            '<pre><code>def f():\n    return 1\n</code></pre>\n  <script>let a = 1\n  a++</script>'
            '\n  <textarea>\n  kept</textarea>')
    assert minify.squeeze_html(html) == (
        '<nav>\n<ul>\n<li>A</li>\n</ul>\n</nav>\n<p>two  words</p>\n'
        '<pre><code>def f():\n    return 1\n</code></pre>\n<script>let a = 1\n  a++</script>'
        '\n<textarea>\n  kept</textarea>')


def test_minify_drops_css_comments_and_runs_of_whitespace():
    css = "/* why */\n.a  >  b {\n  color: red; /* how */\n}\n"
    assert minify.squeeze_css(css) == ".a > b { color: red; }\n"
    page = "<p>x</p>\n<style>\n/* why */\n.a {\n  color: red;\n}\n</style>"
    assert minify.squeeze_html(page) == "<p>x</p>\n<style>.a { color: red; }</style>"


def test_minify_drops_only_whole_comment_lines_from_javascript():
    js = ("a(); /* kept */ b();\n/* one */\n  // two\ne(); // kept\n/* three\n   lines */\n"
          "let s = '/* kept */'\n")
    assert minify.squeeze_js(js) == "a(); /* kept */ b();\ne(); // kept\nlet s = '/* kept */'\n"


def test_front_matter_toc_depth_trims_the_table_of_contents():
    class Link:
        def __init__(self, level, children=()):
            self.level, self.children = level, list(children)

    toc = [Link(1, [Link(2, [Link(3), Link(3)]), Link(2)])]
    front_matter.trim(toc, 2)
    assert [len(link.children) for link in toc[0].children] == [0, 0]
    assert len(toc[0].children) == 2
