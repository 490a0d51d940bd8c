"""init() that takes as long as SLOW_INIT_SECONDS says."""

import os
import time


def init():
    time.sleep(float(os.environ.get("SLOW_INIT_SECONDS", "2")))


def run(data):
    return "ready"
