"""What the site's search sees beyond each page's own words.

- Topic pages rank above notebooks and reference lists for their own subject: topic pages get a
  search boost and notebooks (long code, few words) a lower one; a page's own front matter
  ``search: {boost: ...}`` still wins.
- Tab labels are separate words in the index ("PyTorch TensorFlow JAX"), not one run-together
  word in every result's excerpt.
- A page's ``keywords`` (front matter) are words readers type for its subject, such as the other
  spelling of its title or "jit" for the compilation page: they become the page's search tags,
  which Material's search weighs above titles. No tags plugin runs, so no page shows them.
"""

from __future__ import annotations

import re

BOOSTS = {"topics/": 2.0, "notebooks/": 0.5}  # by folder; index pages keep the default
TAB_LABELS = re.compile(r"</label>(?=<label for=)")


def on_page_content(html_text, page, config, files):
    src = page.file.src_uri
    for folder, boost in BOOSTS.items():
        if src.startswith(folder) and not src.endswith("index.md"):
            page.meta.setdefault("search", {}).setdefault("boost", boost)
    # Whitespace between the labels: flex items ignore it, the search index splits on it.
    html_text = TAB_LABELS.sub("</label> ", html_text)
    if keywords := page.meta.get("keywords"):
        page.meta["tags"] = [str(word) for word in keywords]  # read by the search plugin
    return html_text
