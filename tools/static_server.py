"""A static file server for the built site that behaves like GitHub Pages, for tests and benchmarks.

    python tools/static_server.py DIR [--port 8000]    serve DIR on http://127.0.0.1:PORT/

Like GitHub Pages it gzips text when the browser accepts it, and answers an unknown path with the
site's own 404.html (status 404). It binds to 127.0.0.1 only and logs nothing.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from io import BytesIO
from pathlib import Path

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml")


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "application/javascript",
        ".json": "application/json",
        ".md": "text/markdown; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".ipynb": "application/x-ipynb+json",
    }

    def log_message(self, format, *args):
        pass

    def _file_for(self) -> tuple[Path | None, int]:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return None, 301
            path = path / "index.html"
        if path.is_file():
            return path, 200
        # GitHub Pages serves the site's 404.html for any unknown path; the site lives one
        # level down (/guide/), so look for the nearest 404.html on the way up.
        root = Path(self.directory)
        for folder in [path.parent, *path.parent.parents]:
            if (folder / "404.html").is_file() and folder.is_relative_to(root):
                return folder / "404.html", 404
            if folder == root:
                break
        return None, 404

    def send_head(self):
        path, status = self._file_for()
        if status == 301:
            self.send_response(301)
            self.send_header("Location", self.path.split("?", 1)[0] + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if path is None:
            self.send_error(404)
            return None
        body = path.read_bytes()
        ctype = self.guess_type(str(path))
        headers = {"Content-Type": ctype, "Cache-Control": "max-age=600"}
        if ctype.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body, mtime=0)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return BytesIO(body)


@contextmanager
def serve(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port by default); yield the base URL."""
    handler = partial(Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="static-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    with serve(args.directory, args.port) as url:
        print(f"Serving {args.directory} on {url} (Ctrl+C stops)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
