"""Log format of the server: one line per record on stderr, which runit or the container collects."""

from __future__ import annotations

import logging
import os
import time

FORMAT = "%(asctime)s %(levelname).1s [%(process)d] %(name)s - %(message)s"


def configure_logging() -> None:
    """Give the server's logger a handler unless the host application configured one already."""
    logger = logging.getLogger("inferops_server")
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    formatter = logging.Formatter(FORMAT)
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logger.addHandler(handler)
    logger.setLevel(os.environ.get("AZUREML_LOG_LEVEL", "INFO").upper())
