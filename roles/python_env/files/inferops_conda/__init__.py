"""The conda engine of the python_env role: conda environment files made real with py-rattler.

It runs on the target host, in the role's tool venv, as ``python -m inferops_conda``; the
``inferops.scoring.conda_env`` module drives it. Environments are immutable and named after what
they are built from, so an unchanged file changes nothing and a failed build never touches the
environment that serves.
"""


class EngineError(Exception):
    """A failure the user can act on; its message says what to fix."""
