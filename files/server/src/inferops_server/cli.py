"""``python -m inferops_server``: debug a score.py locally, with the flags of Azure ML's azmlinfsrv.

``--check`` imports the script and runs init() once, then exits 0 or 1: deployments use it to
refuse a version that cannot start before it replaces the one serving.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .errors import SettingsError


def _port(raw: str) -> int:
    value = int(raw)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is outside 1-65535")
    return value


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="inferops_server", description=__doc__.split("\n")[0])
    parser.add_argument("--entry_script", help="scoring script with init() and run()")
    parser.add_argument("--model_dir", help="model folder, exported to the script as AZUREML_MODEL_DIR")
    parser.add_argument("--config_file", help="config.json with server settings")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=5001, help="port to bind (default 5001)")
    parser.add_argument("--worker_count", type=_positive, help="gunicorn worker processes (WORKER_COUNT)")
    parser.add_argument("--worker_class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=_positive, default=4, help="threads per gthread worker")
    parser.add_argument("--access_control_allow_origins", help="comma-separated CORS origins")
    parser.add_argument("--check", action="store_true", help="import the script, run init() once, exit 0/1")
    args = parser.parse_args(argv)
    if not (args.entry_script or args.config_file or os.environ.get("AZUREML_ENTRY_SCRIPT")):
        parser.error("give --entry_script (or --config_file, or set AZUREML_ENTRY_SCRIPT)")
    return args


def export_settings(args: argparse.Namespace, env: dict) -> None:
    """Write the flags into the environment the app (and every worker) reads its settings from."""
    env.setdefault("AML_APP_ROOT", os.getcwd())
    if args.entry_script:
        env["AZUREML_ENTRY_SCRIPT"] = os.path.realpath(args.entry_script)
    if args.model_dir:
        env["AZUREML_MODEL_DIR"] = os.path.realpath(args.model_dir)
    if args.config_file:
        env["AZUREML_CONFIG_FILE"] = os.path.realpath(args.config_file)
    if args.worker_count:
        env["WORKER_COUNT"] = str(args.worker_count)
    if args.access_control_allow_origins is not None:
        env["AML_CORS_ORIGINS"] = args.access_control_allow_origins
    if env.get("SERVER_VERSION_LOG_RESPONSE_ENABLED", "true").lower() == "true":
        env.setdefault("HTTP_X_MS_SERVER_VERSION", f"inferops-server/{__version__}")


def check() -> int:
    from .settings import Settings
    from .user_script import ScoringScript

    script = ScoringScript(Settings.from_env())
    script.start(background=False)
    if script.failure:
        print(
            f"scoring script failed at step {script.failure.step!r}: {script.failure.detail}", file=sys.stderr
        )
        return 1
    print("scoring script imported and init() succeeded")
    return 0


def serve(args: argparse.Namespace) -> None:
    from .gunicorn_app import run_gunicorn
    from .settings import Settings

    settings = Settings.from_env()
    run_gunicorn(
        {
            "bind": f"{args.host}:{args.port}",
            "workers": settings.worker_count,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "timeout": settings.worker_timeout,
            "preload_app": settings.worker_preload,
            "accesslog": "-",
        }
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    export_settings(args, os.environ)
    try:
        if args.check:
            sys.exit(check())
        serve(args)
    except SettingsError as error:
        sys.exit(f"invalid setting: {error}")
