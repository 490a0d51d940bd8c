"""A health probe as an orchestrator runs one: GET a URL at a fixed interval, time each answer.

python probe.py URL SECONDS INTERVAL    -> JSON list of [status, milliseconds]
"""

import http.client
import json
import sys
import time
from urllib.parse import urlsplit


def probe(url: str, seconds: float, interval: float) -> list[tuple[int | str, float]]:
    parts = urlsplit(url)
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", parts.path or "/")
            response = connection.getresponse()
            response.read()
            status: int | str = response.status
        except OSError as error:
            status = type(error).__name__
        finally:
            connection.close()
        elapsed = time.perf_counter() - start
        samples.append((status, elapsed * 1000))
        time.sleep(max(0.0, interval - elapsed))
    return samples


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]))))
