"""Benchmark app: the request says how long run() takes, so every worker can be kept busy."""

import json
import time


def init():
    pass


def run(raw):
    request = json.loads(raw)
    time.sleep(float(request.get("sleep", 0)))
    return {"slept": request.get("sleep", 0)}
