"""run() that sleeps for the number of seconds in the body; used for timeouts and busy workers.

When SLOW_MARKER names a file, run() creates it on entry, so a test knows run() is under way.
"""

import os
import pathlib
import time


def init():
    pass


def run(data):
    marker = os.environ.get("SLOW_MARKER")
    if marker:
        pathlib.Path(marker).touch()
    time.sleep(float(data or 0))
    return "done"
