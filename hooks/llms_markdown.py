"""Prepare a page's HTML for its Markdown copy (mkdocs-llmstxt's ``preprocess`` option).

The plugin's own clean-up drops tab labels, which would leave three unlabelled code blocks per
section of a topic page. This keeps the label as a bold line above each block, marks notebook
code as Python, keeps admonition titles, and then removes what a Markdown reader cannot use
(permalinks, icons, images, the chooser's empty placeholder). One pass over the tree: CSS
selectors (soupsieve) made this the slowest step of the build on the larger pages.
"""

from __future__ import annotations

DROP_TAGS = {"svg", "img"}
DROP_CLASSES = {"headerlink", "tabbed-labels"}


def _bold(soup, tag) -> None:
    """Turn ``tag`` into a paragraph whose content is bold (inline code inside is kept)."""
    strong = soup.new_tag("strong")
    for child in list(tag.contents):
        strong.append(child.extract())
    tag.name = "p"
    tag.attrs = {}
    tag.append(strong)


def preprocess(soup, output: str) -> None:
    tab_sets, titles, notebook_code, drop = [], [], [], []
    for tag in soup.find_all(True):
        classes = tag.get("class") or ()
        if tag.name in DROP_TAGS or DROP_CLASSES.intersection(classes) or tag.get(
                "id") == "framework-chooser":
            drop.append(tag)
        elif "tabbed-set" in classes:
            tab_sets.append(tag)
        elif "admonition-title" in classes or tag.name == "summary":
            titles.append(tag)
        elif tag.name == "pre" and tag.find_parent(class_="jp-InputArea"):
            notebook_code.append(tag)
    for tabbed in tab_sets:
        labels = tabbed.find(class_="tabbed-labels", recursive=False)
        content = tabbed.find(class_="tabbed-content", recursive=False)
        if labels is None or content is None:
            continue
        names = [label.get_text(strip=True) for label in labels.find_all("label", recursive=False)]
        blocks = content.find_all(class_="tabbed-block", recursive=False)
        for name, block in zip(names, blocks, strict=False):
            line = soup.new_tag("p")
            strong = soup.new_tag("strong")
            strong.string = name
            line.append(strong)
            block.insert(0, line)
        for radio in tabbed.find_all("input", recursive=False):
            radio.decompose()
    for title in titles:
        _bold(soup, title)
    for pre in notebook_code:
        pre["class"] = [*(pre.get("class") or []), "language-python"]
    for tag in drop:
        if not tag.decomposed:
            tag.decompose()
