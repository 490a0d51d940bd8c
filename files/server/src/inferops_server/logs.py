"""Log format of the server: one line per record on stderr, which runit or the container collects.

Every line a request causes carries its request id (the x-request-id that nginx passes on, or the
one the server made), so the lines of one request can be found in nginx's, gunicorn's and the
server's logs alike. ``INFEROPS_LOG_FORMAT=json`` writes each record as one JSON object instead.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import time

FORMAT = "%(asctime)s %(levelname).1s [%(process)d] %(name)s %(request_id)s - %(message)s"
# The request being served; the run thread sees it too (deadline.py runs run() in a copy of the
# request's context).
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("inferops_request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, pid, logger, request id, message."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        document = {
            "time": f"{stamp}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "pid": record.process,
            "logger": record.name,
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
            "message": record.getMessage(),
        }
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document)


def formatter(log_format: str | None = None) -> logging.Formatter:
    """The formatter for ``log_format`` (text or json; default from INFEROPS_LOG_FORMAT)."""
    if (log_format or os.environ.get("INFEROPS_LOG_FORMAT", "text")).lower() == "json":
        return JsonFormatter()
    text = logging.Formatter(FORMAT)
    text.converter = time.gmtime
    return text


def configure_logging() -> None:
    """Give the server's logger a handler unless the host application configured one already."""
    logger = logging.getLogger("inferops_server")
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(formatter())
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(os.environ.get("AZUREML_LOG_LEVEL", "INFO").upper())
