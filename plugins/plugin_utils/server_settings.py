"""The server's settings, from Azure ML's names or the endpoint's variables, and the timeouts every
layer derives from them.

Azure ML users give settings as environment variables (``endpoint_env``, Azure's names) or in the
app's ``config.json``; the endpoint also has a variable for each setting the chain itself must
honour. Each setting has one value, found in this order:

1. ``endpoint_env`` under Azure's name, or the endpoint's variable: two spellings of one setting,
   so giving both with different values is refused;
2. ``config.json`` of the app (SCORING_TIMEOUT_MS only: Microsoft's server reads nothing else there
   that the chain must follow), as Microsoft's server ranks it below the environment;
3. the default, or a value derived from another setting (the worker timeout from the scoring one).

Names the endpoint sets itself, and Azure features with no counterpart here, are refused, naming
what to use instead: a setting is honoured or refused, never silently replaced.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

# Azure's name -> (the endpoint's variable for it, unit of the variable).
TAKEN_OVER = {
    "SCORING_TIMEOUT_MS": "endpoint_timeout",
    "WORKER_TIMEOUT": "endpoint_worker_timeout",
    "WORKER_COUNT": "endpoint_workers",
    "WORKER_PRELOAD": "endpoint_preload",
}
DERIVED = {
    "AML_APP_ROOT": "endpoint_app_root",
    "AZUREML_ENTRY_SCRIPT": "endpoint_entry_script",
    "AZUREML_SOURCE_DIRECTORY": "endpoint_source_dir (its content is the app root)",
    "AZUREML_MODEL_DIR": "endpoint_model_path or endpoint_models",
    "SERVER_PORT": "endpoint_port",
    "HEALTH_PORT": "endpoint_port (GET / on it is the health probe)",
    "SEPERATE_HEALTH_ENDPOINT": "endpoint_port (GET / on it is the health probe)",
    "INFEROPS_RELEASE": "nothing: the deploy names each release",
    "INFEROPS_ENVIRONMENT": "nothing: the deploy names each environment",
    "INFEROPS_LOG_FORMAT": "endpoint_log_format",
}
UNSUPPORTED = {
    "AZUREML_DEBUG_PORT": "no debugger is started on a host; debug with python -m inferops_server locally",
    "TRANSPORT_PROTOCOL": "the server speaks HTTP (REST) only",
    "AML_APP_INSIGHTS_ENABLED": "Application Insights is an Azure service",
    "AML_APP_INSIGHTS_KEY": "Application Insights is an Azure service",
    "APP_INSIGHTS_LOG_RESPONSE_ENABLED": "Application Insights is an Azure service",
    "AML_MODEL_DC_STORAGE_ENABLED": "model data collection is an Azure service",
}
DEFAULT_TIMEOUT_S = 60
# gunicorn kills a worker only after the app has answered its own timeout; nginx waits for both.
WORKER_TIMEOUT_MARGIN_S = 10
PROXY_MARGIN_S = 5
# A stopping container waits for requests in flight, then a little for the processes to exit.
STOP_MARGIN_S = 15


class SettingsError(ValueError):
    """A setting that cannot be honoured; the message names the variable to use."""


@dataclass(frozen=True)
class ServerSettings:
    scoring_timeout_ms: int
    worker_timeout_s: int
    workers: int
    preload: bool
    proxy_read_timeout_s: int
    stop_timeout_s: int
    env: dict

    def as_dict(self) -> dict:
        return asdict(self)


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _positive_int(raw: object, name: str) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if value < 1:
        raise SettingsError(f"{name} must be a positive whole number, got {raw!r}")
    return value


def _boolean(raw: object, name: str) -> bool:
    text = _text(raw).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _timeout_ms(raw: object) -> int:
    try:
        seconds = float(str(raw))
    except ValueError:
        seconds = 0
    if not seconds > 0 or math.isinf(seconds):
        raise SettingsError(
            f"endpoint_timeout must be a positive number of seconds (2.5 is allowed), got {raw!r}"
        )
    return max(1, round(seconds * 1000))


def _one_value(azure: dict, name: str, given: object, parse, variable_parse) -> object | None:
    """The setting under Azure's ``name`` in endpoint_env or its endpoint variable, refused when
    both are given and disagree; None when neither is."""
    variable = TAKEN_OVER[name]
    from_env = parse(azure[name], f"{name} in endpoint_env") if name in azure else None
    from_variable = variable_parse(given) if given is not None else None
    if from_env is not None and from_variable is not None and from_env != from_variable:
        raise SettingsError(
            f"{name}={azure[name]} in endpoint_env and {variable}={given} disagree: they are one "
            "setting, give it once."
        )
    return from_env if from_env is not None else from_variable


def resolve(
    env: dict,
    timeout: object = None,
    worker_timeout: object = None,
    workers: object = None,
    preload: object = None,
    config_json: dict | None = None,
    cpus: int = 1,
) -> tuple[ServerSettings, list[str]]:
    """The settings the chain runs with, and warnings for the user. ``env`` is endpoint_env;
    ``config_json`` the app's config.json, if it has one."""
    if not isinstance(env, dict):
        raise SettingsError(f"endpoint_env must map names to values, got {type(env).__name__}")
    azure = {str(name): value for name, value in env.items()}
    for name, value in azure.items():
        if isinstance(value, (dict, list)) or value is None:
            raise SettingsError(f"endpoint_env: {name} must be a plain value, got {value!r}")
        if name in DERIVED:
            raise SettingsError(f"endpoint_env: {name} is set by the deploy; use {DERIVED[name]} instead.")
        if name in UNSUPPORTED:
            raise SettingsError(f"endpoint_env: {name} cannot be honoured here: {UNSUPPORTED[name]}.")
    warnings = []

    scoring_ms = _one_value(azure, "SCORING_TIMEOUT_MS", timeout, _positive_int, _timeout_ms)
    in_file = (config_json or {}).get("SCORING_TIMEOUT_MS")
    if in_file is not None:
        from_file = _positive_int(in_file, "SCORING_TIMEOUT_MS in the app's config.json")
        if scoring_ms is None:
            scoring_ms = from_file
        elif scoring_ms != from_file:
            warnings.append(
                f"SCORING_TIMEOUT_MS is {scoring_ms} from endpoint_env or endpoint_timeout and "
                f"{from_file} in the app's config.json: the environment wins, as on Azure ML."
            )
    if scoring_ms is None:
        scoring_ms = DEFAULT_TIMEOUT_S * 1000
    scoring_s = math.ceil(scoring_ms / 1000)

    worker_s = _one_value(
        azure,
        "WORKER_TIMEOUT",
        worker_timeout,
        _positive_int,
        lambda raw: _positive_int(raw, "endpoint_worker_timeout"),
    )
    if worker_s is None:
        worker_s = scoring_s + WORKER_TIMEOUT_MARGIN_S
    elif worker_s <= scoring_s:
        warnings.append(
            f"WORKER_TIMEOUT={worker_s} s is not above the scoring timeout ({scoring_ms} ms): gunicorn "
            "kills a worker whose run() holds the GIL that long, before the app can answer its own timeout."
        )
    count = _one_value(
        azure, "WORKER_COUNT", workers, _positive_int, lambda raw: _positive_int(raw, "endpoint_workers")
    )
    preloads = _one_value(
        azure, "WORKER_PRELOAD", preload, _boolean, lambda raw: _boolean(raw, "endpoint_preload")
    )
    read_timeout = max(scoring_s, worker_s) + PROXY_MARGIN_S
    settings = ServerSettings(
        scoring_timeout_ms=scoring_ms,
        worker_timeout_s=worker_s,
        workers=count if count is not None else max(1, int(cpus)),
        preload=bool(preloads),
        proxy_read_timeout_s=read_timeout,
        stop_timeout_s=read_timeout + STOP_MARGIN_S,
        env={},
    )
    # The app sees what the chain really runs with, under Azure's names.
    server_env = {name: _text(value) for name, value in azure.items()}
    server_env.update(
        SCORING_TIMEOUT_MS=str(settings.scoring_timeout_ms),
        WORKER_TIMEOUT=str(settings.worker_timeout_s),
        WORKER_COUNT=str(settings.workers),
        WORKER_PRELOAD=_text(settings.preload),
    )
    return ServerSettings(**{**asdict(settings), "env": server_env}), warnings
