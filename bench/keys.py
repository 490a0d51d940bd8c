"""The endpoint keys of a benchmark run: our endpoint takes a key by default, so every deploy gets
these and every request carries the primary one (the reference stacks ignore the header)."""

from __future__ import annotations

import json
import secrets

KEYS = {"primary": secrets.token_urlsafe(32), "secondary": secrets.token_urlsafe(32)}
AUTHORIZATION = {"Authorization": f"Bearer {KEYS['primary']}"}
# For packer/example-vars.yml, which reads the keys of an image from the environment.
ENVIRONMENT = {"INFEROPS_KEYS": json.dumps(KEYS)}
