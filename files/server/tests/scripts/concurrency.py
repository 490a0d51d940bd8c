"""run() that sleeps for the seconds in the body and answers how many run() calls this process had
running at once, itself included, and its pid: scripts written for Azure ML rely on one at a time."""

import os
import threading
import time

_lock = threading.Lock()
running = 0
most = 0


def init():
    pass


def run(data):
    global running, most
    with _lock:
        running += 1
        most = max(most, running)
    try:
        time.sleep(float(data or 0))
        return {"most_at_once": most, "pid": os.getpid()}
    finally:
        with _lock:
            running -= 1
