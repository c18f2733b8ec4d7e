"""A built site served over HTTP on a free local port, as a reader's browser fetches it: for the
browser tests and the bench. Nothing here is exposed beyond 127.0.0.1."""

from __future__ import annotations

import contextlib
import gzip
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

# What a static host such as GitHub Pages sends gzipped; images and Pagefind's own gzipped
# fragments go as they are.
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv"}


@contextlib.contextmanager
def serving(folder: Path, compress: bool = False) -> Iterator[str]:
    """The site at folder, served until the block ends; yields its base URL (no trailing slash).

    With compress, text files are sent gzipped to a browser that accepts it, as real hosts do:
    Lighthouse's timings count bytes on the wire. Byte budgets count the uncompressed bytes."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args) -> None:  # keep test and bench output readable
            pass

        def send_head(self):  # noqa: ANN201 - the base class's contract: a file object or None
            path = Path(self.translate_path(self.path))
            if path.is_dir() and urlsplit(self.path).path.endswith("/"):
                path = path / "index.html"
            if not (compress and "gzip" in self.headers.get("Accept-Encoding", "") and path.suffix in COMPRESSED
                    and path.is_file()):
                return super().send_head()  # as it was: redirects, 404s, listings, binary files
            body = gzip.compress(path.read_bytes(), compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
