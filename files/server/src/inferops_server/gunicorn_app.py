"""Run gunicorn in-process with options from code, for the local command."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Application(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .wsgi import app

        return app


def run_gunicorn(options: dict[str, Any]) -> None:
    _Application(options).run()
