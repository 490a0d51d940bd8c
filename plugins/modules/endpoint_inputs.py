#!/usr/bin/python
"""Documentation of the endpoint_inputs action plugin, which runs on the controller only."""

from __future__ import annotations

DOCUMENTATION = r"""
module: endpoint_inputs
short_description: Read and check an endpoint's inputs on the controller, once
description:
  - Used by the C(inferops.scoring.endpoint) role before anything on a host changes. Resolves every
    controller path (C(~) expanded, relative paths from the directory ansible-playbook runs in; the
    entry script relative to O(source_dir) when that is given), checks that the scoring code and
    models exist, reads the conda environment file and the MLflow model, and resolves the server's
    settings from Azure ML's names and the endpoint's variables.
  - An MLflow model becomes an ordinary app here (the collection's scoring script, the model, the
    model's environment), so nothing downstream needs to know it was MLflow.
  - Fails with a message naming the variable to fix; never changes anything.
options:
  entry_script:
    description: The scoring script, or its path inside O(source_dir).
    type: str
    default: ""
  source_dir:
    description: Folder shipped as the app root, holding the scoring script.
    type: str
    default: ""
  model_path:
    description: One model file or folder; a folder's content becomes C(AZUREML_MODEL_DIR).
    type: str
    default: ""
  model_name:
    description: Name of the single model (or of the MLflow model).
    type: raw
    default: model
  model_version:
    description: Version of the single model (or of the MLflow model).
    type: raw
    default: "1"
  models:
    description: Several models, each C({name, version, path, folder}).
    type: list
    elements: raw
    default: []
  mlflow_model:
    description: An MLflow model folder served with no scoring script of the user's.
    type: str
    default: ""
  python_backend:
    description: How the environment is built; C(auto) picks conda when there is a conda spec.
    type: str
    choices: [auto, conda, venv]
    default: auto
  conda_file:
    description: The conda environment file.
    type: str
    default: ""
  requirements_file:
    description: A pip requirements file.
    type: str
    default: ""
  env:
    description: Server settings under Azure ML's names, and any other variables for the app.
    type: dict
    default: {}
  timeout:
    description: Scoring timeout in seconds (fractions allowed); the same setting as C(SCORING_TIMEOUT_MS).
    type: raw
  worker_timeout:
    description: gunicorn's worker timeout in seconds; the same setting as C(WORKER_TIMEOUT).
    type: raw
  workers:
    description: Worker processes; the same setting as C(WORKER_COUNT).
    type: raw
  preload:
    description: Run init() once before forking; the same setting as C(WORKER_PRELOAD).
    type: raw
  cpus:
    description: CPUs of the host, the default worker count.
    type: int
    default: 1
  tls:
    description: How the public port gets its certificate; with C(controller) the two files below are checked.
    type: str
    default: none
  tls_certificate:
    description: The PEM certificate on the controller, for O(tls=controller).
    type: str
    default: ""
  tls_private_key:
    description: Its PEM private key on the controller, for O(tls=controller).
    type: str
    default: ""
author:
  - inferops contributors
"""

EXAMPLES = r"""
- name: Read the inputs on the controller
  inferops.scoring.endpoint_inputs:
    entry_script: ./score.py
    model_path: ./model
    conda_file: ./conda.yml
    env:
      SCORING_TIMEOUT_MS: 2000
  register: __inputs
"""

RETURN = r"""
app:
  description: Code root, whether it is a folder, the entry script relative to the app root, the models
    (name, version, absolute path, folder) and the app's own settings.
  type: dict
  returned: success
python:
  description:
    - C(backend), C(conda_spec) (the environment as data, or empty), C(conda_source) and
      C(requirements_file).
  type: dict
  returned: success
server:
  description: C(scoring_timeout_ms), C(worker_timeout_s), C(workers), C(preload), C(proxy_read_timeout_s),
    C(stop_timeout_s) and C(env), the settings the server sees.
  type: dict
  returned: success
mlflow:
  description: The MLflow model's name, flavours, loader and environment file; empty for a score.py.
  type: dict
  returned: success
"""
