"""The request matrix sent to Microsoft's server and ours: one group per scoring script."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False


@dataclass(frozen=True)
class Group:
    script: str
    cases: tuple[Case, ...]
    env: dict[str, str] = field(default_factory=dict)


JSON = {"Content-Type": "application/json"}
VENDOR_JSON = {"Content-Type": "application/vnd.x+json"}
LONG_ID = "x" * 101

ROUTING = (
    Case("health GET", "GET", "/"),
    Case("health HEAD", "HEAD", "/"),
    Case("health POST is 405", "POST", "/", b"x"),
    Case("unknown path is 404", "GET", "/nope"),
    Case("trailing slash is 404", "GET", "/score/"),
    Case("PUT score is 405", "PUT", "/score", b"x"),
    Case("DELETE score is 405", "DELETE", "/score"),
    Case("HEAD score is 405", "HEAD", "/score"),
    Case("OPTIONS score", "OPTIONS", "/score"),
    Case("swagger default", "GET", "/swagger.json"),
    Case("swagger 2", "GET", "/swagger.json?version=2"),
    Case("swagger 2.0", "GET", "/swagger.json?version=2.0"),
    Case("swagger 3", "GET", "/swagger.json?version=3"),
    Case("swagger 3.0", "GET", "/swagger.json?version=3.0"),
    Case("swagger 3.1", "GET", "/swagger.json?version=3.1"),
    Case("swagger 4 is 404", "GET", "/swagger.json?version=4"),
    Case("swagger POST is 405", "POST", "/swagger.json"),
)

IDS = (
    Case("x-request-id echoed", "POST", "/score", b"1", {"x-request-id": "abc"}),
    Case("x-ms-request-id only", "POST", "/score", b"1", {"x-ms-request-id": "legacy"}),
    Case("client id only", "POST", "/score", b"1", {"x-ms-client-request-id": "client"}),
    Case(
        "legacy and client id",
        "POST",
        "/score",
        b"1",
        {"x-ms-request-id": "legacy", "x-ms-client-request-id": "client", "x-request-id": "r"},
    ),
    Case("TraceId echoed", "POST", "/score", b"1", {"TraceId": "trace-1"}),
    Case("long x-request-id is 431", "POST", "/score", b"1", {"x-request-id": LONG_ID}),
    Case("long x-ms-request-id is 431", "POST", "/score", b"1", {"x-ms-request-id": LONG_ID}),
    Case("long client id is 431", "POST", "/score", b"1", {"x-ms-client-request-id": LONG_ID}),
)

TEXT_INPUT = (
    Case("POST text body", "POST", "/score", b"hello"),
    Case("POST JSON body", "POST", "/score", b'{"a": [1, 2]}', JSON),
    Case("POST empty body", "POST", "/score", b""),
    Case("POST non-UTF-8 is 400", "POST", "/score", b"\xff\xfe\x00", {"Content-Type": "text/plain"}),
    Case("GET query as JSON string", "GET", "/score?a=1&b=x&b=[2]&c=null&d=%7B%22k%22%3A1%7D"),
    Case("GET without query", "GET", "/score"),
    Case("POST chunked body", "POST", "/score", b"chunked payload", chunked=True),
)

GROUPS = (
    Group("echo_text.py", ROUTING + IDS + TEXT_INPUT),
    Group(
        "schema.py",
        (
            Case("object input", "POST", "/score", b'{"data": [1, 2, 3], "scale": 2}', JSON),
            Case("default parameter", "POST", "/score", b'{"data": [1, 2]}', JSON),
            Case("text/plain is 415", "POST", "/score", b'{"data": [1]}', {"Content-Type": "text/plain"}),
            Case("no content type is 415", "POST", "/score", b'{"data": [1]}'),
            Case("bad JSON is 400", "POST", "/score", b"{nope", JSON),
            Case("empty body is 400", "POST", "/score", b"", JSON),
            Case("list body is 400", "POST", "/score", b"[1, 2]", JSON),
            Case("missing parameter is 400", "POST", "/score", b'{"scale": 2}', JSON),
            Case(
                "vendor JSON type",
                "POST",
                "/score",
                b'{"data": [1]}',
                {"Content-Type": "application/vnd.x+json"},
            ),
            Case("GET query parameters", "GET", "/score?data=[1,2]&scale=3"),
            Case("OPTIONS", "OPTIONS", "/score"),
            Case("swagger 2", "GET", "/swagger.json"),
            Case("swagger 3", "GET", "/swagger.json?version=3"),
            Case("swagger 3.1", "GET", "/swagger.json?version=3.1"),
        ),
    ),
    Group(
        "raw.py",
        (
            Case("raw POST", "POST", "/score", b"payload"),
            Case("raw GET", "GET", "/score"),
            Case("raw OPTIONS", "OPTIONS", "/score"),
            Case("raw response 500 marks failure", "POST", "/score?status=500", b"x"),
            Case("raw response 404 is not a failure", "POST", "/score?status=404", b"x"),
        ),
    ),
    Group("raw_microsoft_path.py", (Case("raw via api path", "POST", "/score", b"x"),)),
    Group(
        "returns.py",
        (
            Case("list result", "POST", "/score", b"list"),
            Case("None becomes {}", "POST", "/score", b"none"),
            Case("str becomes JSON string", "POST", "/score", b"text"),
            Case("unserialisable is 500", "POST", "/score", b"unserialisable"),
            Case("run raising is 500", "POST", "/score", b"raise"),
            Case("flask 502 marks failure", "POST", "/score", b"flask500"),
        ),
    ),
    Group("headers.py", (Case("request_headers", "POST", "/score", b"d", {"X-Trace": "t-1"}),)),
    Group("driver.py", (Case("driver module", "POST", "/score", b'{"data": [2, 2]}', JSON),)),
    Group(
        "slow.py",
        (
            Case("timeout", "POST", "/score", b"3"),
            Case("next request after timeout", "POST", "/score", b"0"),
        ),
        env={"SCORING_TIMEOUT_MS": "500"},
    ),
    Group(
        "echo_text.py",
        (
            Case("CORS allowed origin", "POST", "/score", b"1", {"Origin": "https://a.example"}),
            Case("CORS other origin", "POST", "/score", b"1", {"Origin": "https://evil.example"}),
            Case(
                "CORS preflight",
                "OPTIONS",
                "/score",
                None,
                {
                    "Origin": "https://a.example",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type",
                },
            ),
        ),
        env={"AML_CORS_ORIGINS": "https://a.example, https://b.example"},
    ),
    Group(
        "echo_text.py",
        (Case("service name in swagger", "GET", "/swagger.json?version=3"),),
        env={"SERVICE_NAME": "iris", "SERVICE_VERSION": "7", "SERVICE_PATH_PREFIX": "/api/v1/"},
    ),
)
