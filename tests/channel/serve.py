"""Serve the test channel over HTTP the way a real mirror does.

    python3 serve.py FOLDER PORT [ADDRESS]

Python's http.server answers a conditional request with a bare 304, without the ETag and
Last-Modified that conda clients need to revalidate their cache (conda/rattler#2719). This server
sends both on every answer, and ``Cache-Control: no-cache`` so that clients revalidate every time:
the tests then cross that path on every second solve instead of only once the cache is stale.
Standard library only: it also runs inside the test containers.
"""

from __future__ import annotations

import email.utils
import functools
import http.server
import os
import sys


class MirrorHandler(http.server.SimpleHTTPRequestHandler):
    def _validators(self) -> dict[str, str]:
        path = self.translate_path(self.path)
        if not os.path.isfile(path):
            return {}
        stat = os.stat(path)
        return {
            "ETag": f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"',
            "Last-Modified": email.utils.formatdate(stat.st_mtime, usegmt=True),
        }

    def send_head(self):
        validators = self._validators()
        if validators and self.headers.get("If-None-Match") == validators["ETag"]:
            self.send_response(304)
            self.end_headers()
            return None
        return super().send_head()

    def end_headers(self):
        if self.command in ("GET", "HEAD"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_response(self, code, message=None):
        super().send_response(code, message)
        # http.server's own If-Modified-Since answer goes through here too; a 200 has its
        # Last-Modified already.
        validators = self._validators() if code in (200, 304) else {}
        for name, value in validators.items():
            if code == 304 or name == "ETag":
                self.send_header(name, value)

    def log_message(self, format, *args):
        pass


def server(folder: str, port: int, address: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    handler = functools.partial(MirrorHandler, directory=folder)
    return http.server.ThreadingHTTPServer((address, port), handler)


if __name__ == "__main__":
    folder, port = sys.argv[1], int(sys.argv[2])
    server(folder, port, sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1").serve_forever()
