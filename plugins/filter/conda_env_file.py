"""conda_env_file: read a conda environment file on the controller, or say exactly what is wrong."""

from __future__ import annotations

DOCUMENTATION = r"""
name: conda_env_file
short_description: Parse a conda environment file (environment.yml) into what the conda engine needs
description:
  - Reads the file on the controller and checks its shape, so a broken file fails the play before
    anything on a host changes, with the file, line and entry to fix.
  - Returns C(name), C(channels), C(dependencies) (conda match specs), C(pip) (lines of the
    C(pip:) section) and C(variables) (environment variables the file sets).
options:
  _input:
    description: Controller path of the environment file.
    type: path
    required: true
  variable:
    description: The variable that named the file, for the error message.
    type: str
    default: python_env_conda_file
"""

EXAMPLES = r"""
spec: "{{ 'files/conda.yml' | inferops.scoring.conda_env_file }}"
"""

RETURN = r"""
_value:
  description: The environment as a dict with name, channels, dependencies, pip and variables.
  type: dict
"""

from ansible.errors import AnsibleFilterError
from ansible_collections.inferops.scoring.plugins.plugin_utils.conda_file import EnvironmentFileError, read


def conda_env_file(path: str, variable: str = "python_env_conda_file") -> dict:
    try:
        return read(path, variable)
    except EnvironmentFileError as error:
        raise AnsibleFilterError(str(error)) from None


class FilterModule:
    def filters(self):
        return {"conda_env_file": conda_env_file}
