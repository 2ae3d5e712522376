"""No page loads anything from another host: scripts, styles, fonts, images and frames all come
from the site itself, so it reads the same offline and leaks no visit to a third party.

Links (<a href>) may point anywhere; only what a browser fetches on its own is checked here.
The browser tests watch real network requests as well.
"""

import re
from html.parser import HTMLParser

FETCHED = {  # tag -> attributes a browser loads without a click
    "script": ["src"], "img": ["src", "srcset"], "source": ["src", "srcset"],
    "iframe": ["src"], "video": ["src", "poster"], "audio": ["src"], "embed": ["src"],
    "object": ["data"], "input": ["src"], "track": ["src"],
}
LINK_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch",
             "preconnect", "dns-prefetch", "apple-touch-icon"}
REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
CSS_URL = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", re.IGNORECASE
)


class FetchFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.remote: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        names = FETCHED.get(tag, [])
        if tag == "link" and LINK_RELS & set((values.get("rel") or "").lower().split()):
            names = ["href"]
        for name in names:
            for url in re.split(r",\s*", values.get(name) or ""):
                if REMOTE.match(url.strip()):
                    self.remote.append(f"<{tag} {name}={url.strip()}>")
        self.remote += CSS_URL.findall(values.get("style") or "")


def remote_fetches(html: str) -> list[str]:
    finder = FetchFinder()
    finder.feed(html)
    styles = " ".join(re.findall(r"<style[^>]*>(.*?)</style>", html, re.S))
    return finder.remote + CSS_URL.findall(styles)


def test_detector_finds_remote_assets():
    html = ('<script src="https://cdn.example/x.js"></script><link rel="stylesheet" '
            'href="//fonts.example/css"><a href="https://example.org">ok</a>'
            '<style>@import "https://fonts.example/a.css";</style>')
    assert len(remote_fetches(html)) == 3


def test_no_page_fetches_from_another_host(built_site):
    offenders = {}
    for page in sorted(built_site.rglob("*.html")):
        found = remote_fetches(page.read_text(encoding="utf-8"))
        if found:
            offenders[page.relative_to(built_site).as_posix()] = found
    assert not offenders, (
        "Pages load assets from another host; serve them from docs/assets/ instead:\n"
        + "\n".join(f"{page}: {urls}" for page, urls in offenders.items())
    )


def test_no_stylesheet_imports_from_another_host(built_site):
    offenders = {
        css.relative_to(built_site).as_posix(): CSS_URL.findall(css.read_text(encoding="utf-8"))
        for css in built_site.rglob("*.css")
    }
    offenders = {name: urls for name, urls in offenders.items() if urls}
    assert not offenders, f"Stylesheets load fonts or images from another host: {offenders}"


def test_offline_copy_uses_the_vendored_search_shim(offline_site):
    home = (offline_site / "index.html").read_text(encoding="utf-8")
    assert "assets/vendor/iframe-worker/shim.js" in home
    assert "unpkg.com" not in home
    assert (offline_site / "search" / "search_index.js").is_file()
    assert not remote_fetches(home)
