"""Server settings, read once from the environment and the app root's config.json.

Names and defaults are Azure ML's, so an environment written for its image works unchanged.
The environment wins over config.json, as in the reference server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import SettingsError

DEFAULT_APP_ROOT = "/var/azureml-app"


def _positive_int(name: str, raw: object) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be a positive integer, got {raw!r}")
    return value


def _boolean(name: str, raw: object) -> bool:
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def find_config_file(env: Mapping[str, str]) -> str | None:
    """AZUREML_CONFIG_FILE, else config.json in the app root, else beside the entry script."""
    explicit = env.get("AZUREML_CONFIG_FILE")
    candidates = [explicit] if explicit else []
    candidates.append(os.path.join(env.get("AML_APP_ROOT", DEFAULT_APP_ROOT), "config.json"))
    entry = env.get("AZUREML_ENTRY_SCRIPT")
    if entry:
        candidates.append(os.path.join(os.path.dirname(os.path.abspath(entry)), "config.json"))
    for path in candidates:
        if os.path.isfile(path) and os.path.getsize(path) > 0:
            return path
    return None


def _read_config_file(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            content = json.load(handle)
    except (OSError, ValueError) as exc:
        raise SettingsError(f"config file {path} is not readable JSON: {exc}") from None
    if not isinstance(content, dict):
        raise SettingsError(f"config file {path} must hold a JSON object")
    return content


@dataclass(frozen=True)
class Settings:
    app_root: str = DEFAULT_APP_ROOT
    entry_script: str | None = None
    source_dir: str | None = None
    model_dir: str = ""
    scoring_timeout_ms: int = 3600 * 1000
    cors_origins: tuple[str, ...] = ()
    service_name: str = "ML service"
    service_version: str = "1.0"
    service_path_prefix: str = ""
    server_version: str = ""
    worker_count: int = 1
    worker_timeout: int = 300
    worker_preload: bool = False
    # What the deploy installed (the collection sets them): GET / reports them, so a deploy can
    # prove the workers answering are the ones it started.
    release: str = ""
    environment: str = ""
    # How long an overrunning run() has, after its timeout, to stop before its worker is replaced.
    run_grace_ms: int = 5000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        config_path = find_config_file(env)
        merged = {**(_read_config_file(config_path) if config_path else {}), **env}

        def text(name: str, default: str) -> str:
            value = merged.get(name)
            return default if value is None else str(value)

        origins = text("AML_CORS_ORIGINS", "")
        return cls(
            app_root=text("AML_APP_ROOT", DEFAULT_APP_ROOT),
            entry_script=merged.get("AZUREML_ENTRY_SCRIPT") or None,
            source_dir=merged.get("AZUREML_SOURCE_DIRECTORY") or None,
            model_dir=text("AZUREML_MODEL_DIR", ""),
            scoring_timeout_ms=_positive_int("SCORING_TIMEOUT_MS", text("SCORING_TIMEOUT_MS", "3600000")),
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            service_name=text("SERVICE_NAME", "ML service"),
            service_version=text("SERVICE_VERSION", "1.0"),
            service_path_prefix=text("SERVICE_PATH_PREFIX", ""),
            server_version=text("HTTP_X_MS_SERVER_VERSION", ""),
            worker_count=_positive_int("WORKER_COUNT", text("WORKER_COUNT", "1")),
            worker_timeout=_positive_int("WORKER_TIMEOUT", text("WORKER_TIMEOUT", "300")),
            worker_preload=_boolean("WORKER_PRELOAD", text("WORKER_PRELOAD", "false")),
            release=text("INFEROPS_RELEASE", ""),
            environment=text("INFEROPS_ENVIRONMENT", ""),
            run_grace_ms=_positive_int("INFEROPS_RUN_GRACE_MS", text("INFEROPS_RUN_GRACE_MS", "5000")),
        )
