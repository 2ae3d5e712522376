"""Send fewer bytes on every first visit: no indentation in pages, no comments in stylesheets.

A page's indentation and the site stylesheets' comments are for the people who edit them; readers
download them on every first visit (about 2 KiB gzipped of the home page's 70 KiB budget,
tests/test_page_weight.py). These changes only remove what a browser ignores:

- HTML: a run of whitespace that holds a line break becomes one line break, outside <pre>,
  <textarea>, <script> and <style>, whose whitespace can matter. A page's own <style> is CSS.
- CSS in docs/ (extra.css, page-only sheets): comments go, and runs of whitespace become one space.
  No rule of the site's CSS puts a comment marker or a run of spaces inside a string.
- JavaScript in docs/: comment lines go (a line that is only a comment, or a /* */ block that
  starts a line); code is left as written.

The sources keep their comments and layout; only the built site is shrunk.
"""

from __future__ import annotations

import re
from pathlib import Path

# Elements whose text is kept exactly as written, matched whole (they do not nest).
KEPT = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)
INDENT = re.compile(r"[ \t\r\f]*\n\s*")
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_SPACE = re.compile(r"\s+")
STYLE = re.compile(r"(<style>)(.*?)(</style>)", re.DOTALL)
# A whole-line // comment, or a /* */ block (no */ inside) that starts a line and ends one.
JS_COMMENT_LINES = re.compile(r"^[ \t]*(?://[^\n]*|/\*(?:[^*]|\*(?!/))*\*/[ \t]*)\n", re.MULTILINE)


def squeeze_html(html: str) -> str:
    parts = KEPT.split(html)
    # split() with two groups gives: text, whole kept element, its tag name, text, ...
    out = []
    for i in range(0, len(parts), 3):
        out.append(INDENT.sub("\n", parts[i]))
        if i + 1 < len(parts):
            out.append(STYLE.sub(lambda m: m[1] + squeeze_css(m[2]).strip() + m[3], parts[i + 1]))
    return "".join(out)


def squeeze_css(css: str) -> str:
    return CSS_SPACE.sub(" ", CSS_COMMENT.sub("", css)).strip() + "\n"


def squeeze_js(js: str) -> str:
    return JS_COMMENT_LINES.sub("", js)


def on_post_page(output, page, config):
    return squeeze_html(output)


def on_post_build(config):
    docs = Path(config.docs_dir)
    site = Path(config.site_dir)
    for pattern, squeeze in (("*.css", squeeze_css), ("*.js", squeeze_js)):
        for source in docs.rglob(pattern):
            built = site / source.relative_to(docs)
            if built.is_file() and "vendor" not in built.parts:
                built.write_text(squeeze(built.read_text(encoding="utf-8")), encoding="utf-8")


def on_post_template(output_content, template_name, config):
    return squeeze_html(output_content)  # 404.html and other theme-rendered pages
