"""python -m inferops_conda ensure [--check] < request.json > result.json

The request is a JSON object (see request.py). The result is one JSON object on stdout: what
ensure.py reports, or ``{"failed": true, "msg": ...}`` with exit status 1 for an error the user
can fix, 2 for a bug.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback

from . import EngineError
from .ensure import ensure
from .request import Request


def main() -> int:
    parser = argparse.ArgumentParser(prog="inferops_conda")
    parser.add_argument("command", choices=["ensure"])
    parser.add_argument("--check", action="store_true", help="solve and report, change nothing")
    args = parser.parse_args()
    try:
        result, status = ensure(Request.from_json(json.load(sys.stdin)), check=args.check), 0
    except EngineError as error:
        result, status = {"failed": True, "msg": str(error)}, 1
    except Exception:
        result, status = {"failed": True, "msg": "the conda engine failed:\n" + traceback.format_exc()}, 2
    sys.stdout.write(json.dumps(result) + "\n")
    return status


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # py-rattler's runtime sometimes crashes while the interpreter shuts down, after the work is
    # done and reported: leave without running that shutdown.
    os._exit(status)
