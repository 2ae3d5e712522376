"""Prepare a page's HTML for its Markdown copy (mkdocs-llmstxt's ``preprocess`` option).

The plugin's own clean-up drops tab labels, which would leave three unlabelled code blocks per
section of a topic page. This keeps the label as a bold line above each block, marks notebook
code as Python, keeps admonition titles, and then removes what a Markdown reader cannot use
(permalinks, icons, images, the chooser's empty placeholder).
"""

from __future__ import annotations


def _bold_line(soup, text: str):
    line = soup.new_tag("p")
    strong = soup.new_tag("strong")
    strong.string = text
    line.append(strong)
    return line


def preprocess(soup, output: str) -> None:
    for tabbed in soup.select("div.tabbed-set"):
        labels = [label.get_text(strip=True) for label in tabbed.select(".tabbed-labels > label")]
        blocks = tabbed.select(".tabbed-content > .tabbed-block")
        for label, block in zip(labels, blocks):
            block.insert(0, _bold_line(soup, label))
    for title in soup.select(".admonition > .admonition-title, details > summary"):
        title.name = "p"  # keeps inline code in the title
        title.attrs = {}
        strong = soup.new_tag("strong")
        for child in list(title.contents):
            strong.append(child.extract())
        title.append(strong)
    for pre in soup.select(".jp-InputArea pre"):
        pre["class"] = [*pre.get("class", []), "language-python"]
    for element in soup.select(
        "a.headerlink, svg, img, .tabbed-labels, .tabbed-set > input, #framework-chooser"
    ):
        element.decompose()
