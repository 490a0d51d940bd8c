"""Turning run()'s return value into a response body: pure, so serialisation is tested alone."""

from __future__ import annotations

import json
from typing import Any


def serialise(result: Any) -> str:
    """``json.dumps`` of the result, with ``None`` as ``{}``. Raises TypeError when not serialisable."""
    return json.dumps({} if result is None else result)
