"""run() that spins in Python code for the number of seconds in the body."""

import time


def init():
    pass


def run(data):
    deadline = time.monotonic() + float(data or 0)
    while time.monotonic() < deadline:
        pass
    return "done"
