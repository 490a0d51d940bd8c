"""run() returns what the body asks for, to exercise output serialisation."""

import flask


def init():
    pass


def run(data):
    if data == "none":
        return None
    if data == "text":
        return "plain text"
    if data == "unserialisable":
        return {1, 2, 3}
    if data == "raise":
        raise RuntimeError("secret detail that must stay in the log")
    if data == "flask500":
        return flask.Response("upstream broke", status=502)
    return [1, "two", 3.0]
