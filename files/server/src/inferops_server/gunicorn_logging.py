"""gunicorn's log lines with the request id: the gunicorn role sets ``logger_class`` to TextLogger,
or to JsonLogger for ``INFEROPS_LOG_FORMAT=json``. Imported by gunicorn only, never by the app."""

from __future__ import annotations

import json
import logging

from gunicorn.glogging import Logger

from .logs import JsonFormatter


def _access(logger: Logger, resp, req, environ, request_time) -> dict:
    atoms = logger.atoms(resp, req, environ, request_time)
    status = str(atoms["s"])
    return {
        "time": atoms["t"].strip("[]"),
        "remote": atoms["h"],
        # nginx always sends one; a client calling gunicorn directly may not.
        "request_id": environ.get("HTTP_X_REQUEST_ID", "-"),
        "method": atoms["m"],
        "path": atoms["U"],
        "query": atoms["q"],
        "request_line": atoms["r"],
        "status": int(status) if status.isdigit() else status,
        "bytes": atoms["B"],
        "duration_ms": round(request_time.total_seconds() * 1000, 3),
        "user_agent": atoms["a"],
    }


class TextLogger(Logger):
    """gunicorn's own logger, with the request id second on each access line."""

    def access(self, resp, req, environ, request_time) -> None:
        if not self.cfg.accesslog:
            return
        line = _access(self, resp, req, environ, request_time)
        try:
            self.access_log.info(
                '%s %s [%s] "%s" %s %s %.3fms "%s"',
                line["remote"],
                line["request_id"],
                line["time"],
                line["request_line"],
                line["status"],
                line["bytes"],
                line["duration_ms"],
                line["user_agent"],
            )
        except Exception:
            self.exception("Failed to log an access line")


class _Message(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return record.getMessage()


class JsonLogger(Logger):
    """gunicorn's error log through the server's JSON formatter; one JSON object per access."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:
            handler.setFormatter(_Message())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.cfg.accesslog:
            return
        line = _access(self, resp, req, environ, request_time)
        del line["request_line"]
        try:
            self.access_log.info(json.dumps(line))
        except Exception:
            self.exception("Failed to log an access line")
