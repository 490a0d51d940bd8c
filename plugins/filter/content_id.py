"""content_id: name a release after the files it ships, independent of where the controller keeps them."""

from __future__ import annotations

import hashlib
import json
import os

DOCUMENTATION = r"""
name: content_id
short_description: A short, stable id for a set of files found by ansible.builtin.find
description:
  - Hashes each file's path relative to its root together with its checksum, plus any extra
    strings. The same content gives the same id from any checkout; any changed byte, renamed or
    added file gives another.
positional: extra
options:
  _input:
    description: List of C({root, files}) where C(files) is a find result's C(files) (with checksums).
    type: list
    elements: dict
    required: true
  extra:
    description: More strings that belong to the release, such as the entry script name.
    type: list
    elements: str
    default: []
"""

EXAMPLES = r"""
release: "{{ [{'root': code_dir, 'files': found.files}] | inferops.scoring.content_id(['score.py']) }}"
"""

RETURN = r"""
_value:
  description: 16 hexadecimal characters.
  type: str
"""


def content_id(groups: list, extra: list | None = None) -> str:
    entries = []
    for index, group in enumerate(groups):
        root = group["root"]
        for found in group["files"]:
            relative = os.path.relpath(found["path"], root)
            entries.append([index, relative, found["checksum"]])
    document = json.dumps([sorted(entries), list(extra or [])])
    return hashlib.sha256(document.encode()).hexdigest()[:16]


class FilterModule:
    def filters(self):
        return {"content_id": content_id}
