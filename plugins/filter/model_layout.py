"""model_layout: where each model lands in the app root, as Azure ML lays registered models out."""

from __future__ import annotations

DOCUMENTATION = r"""
name: model_layout
short_description: Where models land in the app root, and what AZUREML_MODEL_DIR is
description:
  - "Each model C({name, version, path, folder}) lands under C(azureml-models/<name>/<version>):
    a folder's content in C(<folder>) below it (or in the version folder itself when C(folder) is
    empty), a file in the version folder under its own name. This is how Azure ML lays out
    registered models, and where C(Model.get_model_path()) looks for them."
  - C(AZUREML_MODEL_DIR) follows Azure ML's rule; the one model's version folder, or the
    C(azureml-models) folder when there are several.
  - Model paths are controller paths, taken as the shell would (see C(controller_path)).
positional: prefix
options:
  _input:
    description: The models, each a dict with C(name), C(version), C(path) and optionally C(folder).
    type: list
    elements: dict
    required: true
  prefix:
    description: Put before each part's C(dest), for example the app root's folder in a release.
    type: str
    default: ""
"""

EXAMPLES = r"""
layout: "{{ [{'name': 'iris', 'version': 3, 'path': 'models/iris.pkl'}] | inferops.scoring.model_layout }}"
"""

RETURN = r"""
_value:
  description:
    - C(parts), each C({name, src, dest, is_dir}) with C(dest) relative to the app root (after O(prefix)).
    - C(model_dir), relative to the app root.
  type: dict
"""

import os

from ansible_collections.inferops.scoring.plugins.plugin_utils.app_inputs import controller_path


def model_layout(models: list[dict], prefix: str = "") -> dict:
    parts = []
    for model in models:
        path = controller_path(str(model["path"]))
        version_dir = f"azureml-models/{model['name']}/{model['version']}"
        is_dir = os.path.isdir(path)
        folder = model.get("folder") or ""
        parts.append(
            {
                "name": f"model {model['name']} {model['version']}",
                # A folder's content goes into dest; a file goes into dest under its own name.
                "src": path + "/" if is_dir else path,
                "dest": prefix + (f"{version_dir}/{folder}" if is_dir and folder else version_dir),
                "is_dir": is_dir,
            }
        )
    first = models[0] if models else {}
    model_dir = (
        f"azureml-models/{first.get('name')}/{first.get('version')}" if len(models) == 1 else "azureml-models"
    )
    return {"parts": parts, "model_dir": model_dir}


class FilterModule:
    def filters(self):
        return {"model_layout": model_layout}
