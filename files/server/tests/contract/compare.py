"""Send the request matrix to Microsoft's azmlinfsrv and to our server; report every difference.

    python -m contract.compare --reference-python REF/bin/python --ours-python OURS/bin/python

Both run under gunicorn on loopback as the Azure ML image runs them. What is compared: status,
Content-Type, the body (JSON compared as data; swagger documents by their contract: version,
paths, operation ids and schemas), and every contract header the reference sends. Headers only we
send (ids on 404s, ``Allow`` on 405s) are listed as additions, not differences.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
from dataclasses import dataclass

from .matrix import GROUPS, Case
from .servers import OUR_APP, REFERENCE_APP, gunicorn

CONTRACT_HEADERS = (
    "content-type",
    "x-ms-run-function-failed",
    "x-request-id",
    "x-ms-request-id",
    "x-ms-client-request-id",
    "traceid",
    "x-custom",
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
)
# Ids the server generates itself differ by nature: only their presence is compared.
GENERATED = ("x-request-id", "x-ms-request-id")


@dataclass
class Observation:
    status: int
    headers: dict[str, str]
    body: bytes


def send(port: int, case: Case) -> Observation:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = iter([case.body]) if case.chunked else case.body
        connection.request(
            case.method, case.path, body=body, headers=case.headers, encode_chunked=case.chunked
        )
        response = connection.getresponse()
        headers: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        return Observation(response.status, headers, response.read())
    finally:
        connection.close()


def _swagger_contract(document: dict) -> dict:
    schemas = document.get("definitions") or document.get("components", {}).get("schemas", {})
    return {
        "version": document.get("swagger") or document.get("openapi"),
        "title": document.get("info", {}).get("title"),
        "info_version": document.get("info", {}).get("version"),
        "operations": {
            path: {method: op.get("operationId") for method, op in item.items()}
            for path, item in document.get("paths", {}).items()
        },
        "schemas": {name: schemas.get(name) for name in ("ServiceInput", "ServiceOutput", "ErrorResponse")},
    }


def _comparable_body(observation: Observation) -> object:
    if "json" not in observation.headers.get("content-type", ""):
        return observation.body
    try:
        data = json.loads(observation.body)
    except ValueError:
        return observation.body
    if isinstance(data, dict) and ("swagger" in data or "openapi" in data):
        return _swagger_contract(data)
    return data


def differences(case: Case, reference: Observation, ours: Observation) -> list[str]:
    found = []
    if reference.status != ours.status:
        found.append(f"status {reference.status} != {ours.status}")
    if _comparable_body(reference) != _comparable_body(ours):
        found.append(f"body {reference.body[:120]!r} != {ours.body[:120]!r}")
    for name in CONTRACT_HEADERS:
        theirs, mine = reference.headers.get(name), ours.headers.get(name)
        if name in GENERATED and name not in case.headers and theirs and mine:
            continue
        if theirs is not None and theirs != mine:
            found.append(f"header {name}: {theirs!r} != {mine!r}")
    return found


def run_matrix(reference_python: str, ours_python: str) -> list[tuple[str, str, str]]:
    """Return ``(script, case, verdict)`` rows; a verdict other than ``same`` is a difference."""
    rows = []
    for group in GROUPS:
        with (
            gunicorn(reference_python, REFERENCE_APP, group.script, group.env) as (ref_port, _, _),
            gunicorn(ours_python, OUR_APP, group.script, group.env) as (our_port, _, _),
        ):
            for case in group.cases:
                found = differences(case, send(ref_port, case), send(our_port, case))
                rows.append((group.script, case.name, "; ".join(found) or "same"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reference-python", required=True)
    parser.add_argument("--ours-python", default=sys.executable)
    args = parser.parse_args()
    rows = run_matrix(args.reference_python, args.ours_python)
    width = max(len(f"{script} {case}") for script, case, _ in rows)
    for script, case, verdict in rows:
        print(f"{script + ' ' + case:<{width}}  {verdict}")
    different = [row for row in rows if row[2] != "same"]
    print(f"{len(rows) - len(different)} same, {len(different)} different")
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
