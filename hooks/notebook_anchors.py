"""Let MkDocs check links to an anchor in a notebook page (``x.ipynb#heading``).

MkDocs validates ``page.md#anchor`` against the ids the target page rendered, and quietly skips
a target whose ids it never saw. mkdocs-jupyter renders notebooks with nbconvert instead of
MkDocs' Markdown, so no notebook page has them, and a link to a heading a notebook lacks builds
without a warning. This hook records each notebook page's ids once it is rendered; MkDocs' own
``validation.links.anchors`` then reports such a link, naming the page that contains it.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _Ids(HTMLParser):
    """Collect what a URL fragment can point to: every id, and the name of every <a>."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


def anchor_ids(html: str) -> set[str]:
    parser = _Ids()
    parser.feed(html)
    parser.close()
    return parser.ids


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        page.present_anchor_ids = anchor_ids(html)
    return html
