"""The smallest useful WSGI app: the example's answer, with no framework, parsing or model."""

BODY = b'{"predictions": [0.44]}'


def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
