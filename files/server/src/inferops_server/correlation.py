"""Correlation ids, mapped exactly as Azure ML's inference server maps them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable

HEADER_LIMIT = 100


@dataclass(frozen=True)
class CorrelationIds:
    request_id: str = ""
    legacy_client_request_id: str = ""
    client_request_id: str = ""
    # Set when an id is too long: the request is answered 431 with this message.
    error: str | None = None

    def response_headers(self) -> dict[str, str]:
        pairs = (
            ("x-request-id", self.request_id),
            ("x-ms-request-id", self.legacy_client_request_id),
            ("x-ms-client-request-id", self.client_request_id),
        )
        return {name: value for name, value in pairs if value}


def resolve_ids(
    headers: Mapping[str, str], new_id: Callable[[], str] = lambda: str(uuid.uuid4())
) -> CorrelationIds:
    """``headers`` must look names up case-insensitively, as werkzeug's Headers do."""
    request_id = headers.get("x-request-id") or new_id()
    if len(request_id) > HEADER_LIMIT:
        return CorrelationIds(error=f"x-request-id must not exceed {HEADER_LIMIT} characters")

    # x-ms-request-id is the deprecated name of the client request id: it still fills the client id
    # when that is absent, and when it is itself absent it is filled from the others.
    legacy = headers.get("x-ms-request-id", "")
    client = headers.get("x-ms-client-request-id", "")
    if legacy:
        client = client or legacy
    else:
        legacy = client or request_id

    if len(legacy) > HEADER_LIMIT or len(client) > HEADER_LIMIT:
        return CorrelationIds(
            request_id=request_id,
            error=f"x-ms-request-id and x-ms-client-request-id must not exceed {HEADER_LIMIT} characters",
        )
    return CorrelationIds(request_id, legacy, client)
