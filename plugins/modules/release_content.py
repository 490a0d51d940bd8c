#!/usr/bin/python
"""Documentation of the release_content action plugin, which runs on the controller only."""

from __future__ import annotations

DOCUMENTATION = r"""
module: release_content
short_description: Name a release after the files it ships, on the controller
description:
  - Hashes each file's path inside its part and its content (SHA-256), with the part's name and
    destination and any extra strings, into a short id. The same content gives the same id from
    any checkout; any changed byte, renamed, moved or added file gives another. Python's caches
    (C(__pycache__), C(*.pyc)) are left out.
  - Reads only; runs in check mode.
options:
  parts:
    description: The parts of the release, each C({name, src, dest}); C(src) is a controller file or folder.
    type: list
    elements: dict
    required: true
  extra:
    description: More strings that belong to the release, such as the entry script's name.
    type: list
    elements: str
    default: []
author:
  - inferops contributors
"""

EXAMPLES = r"""
- name: Name the release after its content
  inferops.scoring.release_content:
    parts:
      - {name: code, src: ./src, dest: app}
      - {name: model, src: ./model, dest: app/azureml-models/model/1}
    extra: [score.py]
  register: __release
"""

RETURN = r"""
id:
  description: 16 hexadecimal characters.
  type: str
  returned: success
"""
