"""run() that sleeps for the number of seconds in the body; used for timeouts and busy workers."""

import time


def init():
    pass


def run(data):
    time.sleep(float(data or 0))
    return "done"
