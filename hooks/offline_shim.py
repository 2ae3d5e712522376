"""Serve the iframe-worker shim from this site for the offline (file://) build.

Material's offline plugin adds ``https://unpkg.com/iframe-worker/shim`` to ``extra.polyfills``
unless a polyfill naming iframe-worker is already there. Adding our vendored copy first keeps
every byte the offline copy loads inside the site, and leaves the online site without it.
"""

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

SHIM = "assets/vendor/iframe-worker/shim.js"


@event_priority(100)  # before the offline plugin's on_config
def on_config(config):
    offline = config.plugins.get("material/offline") or config.plugins.get("offline")
    if offline is None or not offline.config.enabled:
        return config
    if not (Path(config.docs_dir) / SHIM).is_file():
        raise PluginError(
            f"{SHIM} is missing from docs/: the offline build would load it from unpkg.com. "
            "Restore it from the npm package iframe-worker (shim/index.js)."
        )
    config.extra.setdefault("polyfills", [])
    config.extra["polyfills"].append(SHIM)
    return config
