"""run() that asks for the request headers."""


def init():
    pass


def run(data, request_headers):
    return {"data": data, "trace": request_headers.get("X-Trace", "")}
