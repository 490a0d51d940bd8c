"""Loading the user's score.py, analysing run(), and running init() exactly once."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
import os
import sys
import threading
import time
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Callable

from . import compat
from .errors import ScriptError
from .metrics import Metrics
from .settings import Settings

logger = logging.getLogger("inferops_server")

MODEL_TREE_LINE_LIMIT = 200


@dataclass(frozen=True)
class RunSpec:
    """How run() wants its input: ``text`` (body as str), ``object`` (JSON keys as keywords) or ``raw``."""

    function: Callable[..., Any]
    kind: str
    input_name: str
    parameters: tuple[inspect.Parameter, ...] = field(default=())
    wants_headers: bool = False


def _schema_decorated(function: Callable[..., Any]) -> bool:
    # inference-schema is imported only when the script brought it in itself.
    if "inference_schema" not in sys.modules:
        return False
    from inference_schema.schema_util import is_schema_decorated

    return is_schema_decorated(function)


def analyse_run(function: Callable[..., Any], rawhttp: bool) -> RunSpec:
    parameters = list(inspect.signature(function).parameters.values())
    if any(p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in parameters):
        raise ScriptError(
            "run signature", "run() cannot accept positional-only arguments, *args, or **kwargs."
        )
    wants_headers = any(p.name == "request_headers" for p in parameters)
    inputs = [p for p in parameters if p.name != "request_headers"]
    if not inputs:
        raise ScriptError("run signature", "run() needs to accept an argument for input data.")
    decorated = _schema_decorated(function)
    if rawhttp and decorated:
        raise ScriptError("run signature", "run() cannot be decorated with both @rawhttp and @input_schema.")
    kind = "raw" if rawhttp else "object" if decorated else "text"
    return RunSpec(function, kind, inputs[0].name, tuple(inputs), wants_headers)


def _forget_schemas(module_name: str) -> None:
    """inference-schema registers decorated functions by module name in process-wide tables; a
    script loaded again under the same name must not inherit its predecessor's schemas."""
    schema_util = sys.modules.get("inference_schema.schema_util")
    for table_name in ("__functions_schema__", "__versions__"):
        table = getattr(schema_util, table_name, None)
        if isinstance(table, dict):
            for key in [k for k in table if k.startswith(f"{module_name}.")]:
                del table[key]


def _import_entry(settings: Settings) -> types.ModuleType:
    if not settings.entry_script:
        return importlib.import_module("main")
    path = os.path.join(settings.app_root, settings.entry_script)
    if not os.path.isfile(path):
        raise ScriptError("import", f"The scoring script {path} was not found.")
    spec = importlib.util.spec_from_file_location("entry_module", path)
    _forget_schemas(spec.name)
    module = importlib.util.module_from_spec(spec)
    # Registered so that pickling and dataclasses find the script's own classes by module name.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load(settings: Settings) -> tuple[Callable[[], Any], RunSpec]:
    """Import the script and return its init() and how to call its run()."""
    for folder in (settings.app_root, os.path.join(settings.app_root, settings.source_dir or "")):
        if folder not in sys.path:
            sys.path.append(folder)
    compat.install()
    compat.reset_rawhttp()
    try:
        module = _import_entry(settings)
    except ScriptError:
        raise
    except BaseException as exc:
        logger.exception("Importing the scoring script failed")
        raise ScriptError("import", f"Importing the scoring script raised {type(exc).__name__}.") from exc
    for name in ("init", "run"):
        if not callable(getattr(module, name, None)):
            raise ScriptError(f"missing {name}", f"The scoring script has no {name}() function.")
    # Some Azure SDKs generate a driver module that forwards run() without its schema decorators:
    # call the real script's run() and keep the driver's init(), which does real work.
    driver = getattr(module, "driver_module", None)
    run = driver.run if isinstance(driver, types.ModuleType) and hasattr(driver, "run") else module.run
    return module.init, analyse_run(run, compat.rawhttp_requested())


def model_tree(path: str, depth: int = 0) -> Iterator[str]:
    """The model folder as an indented listing, for the log of a failed init()."""
    name = os.path.basename(os.path.normpath(path))
    if os.path.isdir(path):
        yield "    " * depth + name + os.sep
        for child in sorted(os.listdir(path)):
            yield from model_tree(os.path.join(path, child), depth + 1)
    else:
        yield "    " * depth + name


class ScoringScript:
    """The script's lifecycle: ``starting`` -> ``ready`` or ``failed``, never retried in-process.

    A broken init() stays failed (answering 503) instead of exiting, so the process manager does
    not restart it into the same failure over and over.
    """

    def __init__(self, settings: Settings, metrics: Metrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.run_spec: RunSpec | None = None
        self.failure: ScriptError | None = None
        self._settled = threading.Event()

    @property
    def state(self) -> str:
        if not self._settled.is_set():
            return "starting"
        return "failed" if self.failure else "ready"

    def start(self, background: bool) -> None:
        self.metrics.script_state("starting")
        if background:
            threading.Thread(target=self._initialise, name="scoring-init", daemon=True).start()
        else:
            self._initialise()

    def wait(self, timeout_s: float | None = None) -> bool:
        return self._settled.wait(timeout_s)

    def _initialise(self) -> None:
        started = time.perf_counter()
        try:
            init, run_spec = load(self.settings)
            logger.info("Invoking the scoring script's init()")
            try:
                init()
            except BaseException as exc:
                logger.exception("The scoring script's init() raised")
                self._log_model_dir()
                raise ScriptError(
                    "init", f"init() of the scoring script raised {type(exc).__name__}."
                ) from exc
            self.run_spec = run_spec
            logger.info("init() completed; run() takes %s input", run_spec.kind)
        except ScriptError as failure:
            logger.error("The scoring script cannot serve (%s): %s", failure.step, failure.detail)
            self.failure = failure
        finally:
            self.metrics.script_state("failed" if self.failure else "ready", time.perf_counter() - started)
            self._settled.set()

    def _log_model_dir(self) -> None:
        path = self.settings.model_dir
        if not path or not os.path.exists(path):
            logger.error("Model directory AZUREML_MODEL_DIR=%r does not exist", path)
            return
        logger.error("Model directory contents:")
        lines = model_tree(path)
        for index, line in enumerate(lines):
            if index == MODEL_TREE_LINE_LIMIT:
                logger.error("(listing cut after %d lines)", MODEL_TREE_LINE_LIMIT)
                break
            logger.error("%s", line)
