"""``rawhttp`` and ``AMLRequest`` as Azure ML scoring scripts import them."""

from flask import Request

# Module-level like Microsoft's: the decorator marks the process, and the server reads the mark
# after importing the scoring script.
_rawHttpRequested = False


def rawhttp(func):
    """Ask for the raw request object as run()'s first argument."""
    global _rawHttpRequested
    _rawHttpRequested = True
    return func


class AMLRequest(Request):
    """The request type run() receives under ``@rawhttp``; named so score.py needs no Flask import."""
