"""The WSGI app: an explicit route table over the scoring script, errors mapped to JSON in one place."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from . import inputs, outputs
from .correlation import resolve_ids
from .deadline import DeadlineExceeded, RunStuck, call_with_deadline
from .errors import NotReady, RunBusy, RunFailed, ScoringTimeout, ServerError
from .logs import REQUEST_ID, configure_logging
from .metrics import Metrics, metrics
from .settings import Settings
from .swagger import SwaggerDocuments
from .user_script import RunSpec, ScoringScript

logger = logging.getLogger("inferops_server")

UNEXPECTED = "An unexpected internal error occurred. Check the logs for more info."
STARTING = "The scoring script's init() is still running."
STATE_KEY = "inferops_server"
# Methods counted under their own name; anything else is "other", so a client cannot grow the
# metrics without bound.
COUNTED_METHODS = frozenset({"GET", "POST", "OPTIONS", "HEAD", "PUT", "DELETE", "PATCH"})


def json_response(body: Any, status: int, run_function_failed: bool = False) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["x-ms-run-function-failed"] = str(run_function_failed)
    return response


class Server:
    """Per-process state the routes share: settings, the script, its swagger and the run() lock."""

    def __init__(self, settings: Settings, script: ScoringScript, recorder: Metrics) -> None:
        self.settings = settings
        self.script = script
        self.metrics = recorder
        # One run() at a time per process, whatever the worker class: scripts written for Azure
        # ML assume it. Threads exist so that probes are answered while run() is busy.
        self.run_lock = threading.Lock()
        self._swagger: SwaggerDocuments | None = None

    def ready_spec(self, wait_s: float = 0) -> RunSpec:
        """The run() to call, or NotReady naming why there is none."""
        self.script.wait(wait_s)
        if self.script.state == "starting":
            raise NotReady(STARTING)
        if self.script.failure:
            failure = self.script.failure
            raise NotReady(f"{failure.detail} Failed step: {failure.step}. See the server log.")
        return self.script.run_spec

    def swagger(self) -> SwaggerDocuments:
        if self._swagger is None:
            self._swagger = SwaggerDocuments(self.settings, self.ready_spec().function)
        return self._swagger


def _server() -> Server:
    from flask import current_app

    return current_app.extensions[STATE_KEY]


def health() -> Any:
    _server().ready_spec()
    return "Healthy"


def swagger_document() -> Response:
    document = _server().swagger().get(request.args.get("version", "2"))
    return json_response(document, 200)


def _run_arguments(spec: RunSpec) -> dict[str, Any]:
    if spec.kind == "raw":
        arguments = {spec.input_name: request}
    elif request.method not in ("GET", "POST"):
        raise _NoInput
    else:
        query = request.args.items(multi=True)
        body = request.get_data(cache=False) if request.method == "POST" else b""
        if spec.kind == "object":
            arguments = inputs.object_input(request.method, body, request.is_json, query, spec.parameters)
        else:
            arguments = {spec.input_name: inputs.text_input(request.method, body, query)}
    if spec.wants_headers:
        arguments["request_headers"] = dict(request.headers)
    return arguments


class _NoInput(Exception):
    """A method run() takes no input from (OPTIONS, HEAD) unless it asked for the raw request."""


def score() -> Response:
    server = _server()
    timeout_ms = server.settings.scoring_timeout_ms
    spec = server.ready_spec(wait_s=timeout_ms / 1000)
    try:
        arguments = _run_arguments(spec)
    except _NoInput:
        if request.method == "OPTIONS":
            # An empty 200 (not JSON) lets browsers' CORS preflight through, as in the reference.
            response = Response("", status=200)
            response.headers["x-ms-run-function-failed"] = "False"
            return response
        return json_response({"message": "Method not allowed"}, 405)

    with server.run_lock:
        try:
            result, elapsed_ms = call_with_deadline(
                lambda: spec.function(**arguments), timeout_ms, server.settings.run_grace_ms
            )
        except DeadlineExceeded:
            logger.error("run() exceeded SCORING_TIMEOUT_MS=%d", timeout_ms)
            server.metrics.run_failed("timeout")
            raise ScoringTimeout(timeout_ms) from None
        except RunStuck:
            server.metrics.run_failed("busy")
            raise RunBusy() from None
        except Exception:
            logger.exception("run() raised")
            server.metrics.run_failed("exception")
            raise RunFailed() from None

    if isinstance(result, Response):
        response = result
        if response.status_code >= 500:
            response.headers["x-ms-run-function-failed"] = "True"
    else:
        try:
            body = outputs.serialise(result)
        except (TypeError, ValueError):
            logger.exception("run() returned a value that is not JSON serialisable")
            server.metrics.run_failed("output")
            raise ServerError(UNEXPECTED) from None
        response = Response(body, status=200, mimetype="application/json")
        response.headers["x-ms-run-function-failed"] = "False"
    response.headers["x-ms-run-fn-exec-ms"] = f"{elapsed_ms:.3f}"
    server.metrics.run_finished(elapsed_ms / 1000)
    return response


def _assign_ids() -> Response | None:
    g.started = time.perf_counter()
    _server().metrics.request_started()
    g.in_flight = True
    g.ids = resolve_ids(request.headers)
    g.log_id = REQUEST_ID.set(g.ids.request_id or request.headers.get("x-request-id", "-")[:100])
    if g.ids.error:
        return json_response({"message": g.ids.error}, 431)
    return None


def _forget_id(_error: BaseException | None) -> None:
    if g.pop("in_flight", False):
        _server().metrics.request_ended()
    token = g.pop("log_id", None)
    if token is not None:
        try:
            REQUEST_ID.reset(token)
        except ValueError:  # set in another context (a WSGI server that switched): nothing to undo
            REQUEST_ID.set("-")


def _add_headers(response: Response) -> Response:
    server = _server()
    if server.settings.server_version:
        response.headers["x-ms-server-version"] = server.settings.server_version
    ids = getattr(g, "ids", None)
    if ids is not None:
        response.headers.update(ids.response_headers())
    if "TraceId" in request.headers:
        response.headers["TraceId"] = request.headers["TraceId"]
    _add_cors(server.settings.cors_origins, response)
    elapsed_ms = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    route = request.url_rule.rule if request.url_rule is not None else "other"
    method = request.method if request.method in COUNTED_METHODS else "other"
    server.metrics.request_answered(route, method, response.status_code, elapsed_ms / 1000)
    if request.path == "/":
        _add_deployment(server.settings, response)
    elif request.path == "/score":
        logger.info(
            "%s %s %d %.3fms", request.method, request.full_path.rstrip("?"), response.status_code, elapsed_ms
        )
    return response


def _add_deployment(settings: Settings, response: Response) -> None:
    """What this worker serves, on the health probe: the deploy checks it is what it installed."""
    if settings.release:
        response.headers["x-inferops-release"] = settings.release
    if settings.environment:
        response.headers["x-inferops-environment"] = settings.environment


def _add_cors(origins: tuple[str, ...], response: Response) -> None:
    origin = request.headers.get("Origin")
    if not origins or not origin or (origin not in origins and "*" not in origins):
        return
    response.headers["Access-Control-Allow-Origin"] = "*" if origins == ("*",) else origin
    response.vary.add("Origin")
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        requested = request.headers.get("Access-Control-Request-Headers")
        if requested:
            response.headers["Access-Control-Allow-Headers"] = requested


def _server_error(error: ServerError) -> Response:
    return json_response({"message": error.message}, error.status, error.run_function_failed)


def _http_error(error: HTTPException) -> Response:
    response = json_response({"message": error.description}, error.code or 500)
    allowed = getattr(error, "valid_methods", None)
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _unexpected(error: Exception) -> Response:
    logger.exception("Unhandled error while serving %s %s", request.method, request.path)
    return json_response({"message": UNEXPECTED}, 500)


def create_app(settings: Settings | None = None, *, background_init: bool | None = None) -> Flask:
    """Build the app and start the script's init().

    init() runs on a background thread so that ``/`` can answer 503 while it works, except when
    gunicorn preloads the app: then it runs here, before the fork, so workers share the model.
    """
    settings = settings or Settings.from_env()
    configure_logging()
    app = Flask("inferops_server")
    recorder = metrics()
    script = ScoringScript(settings, recorder)
    app.extensions[STATE_KEY] = Server(settings, script, recorder)

    app.add_url_rule("/", "health", health, methods=["GET"])
    app.add_url_rule(
        "/score", "score", score, methods=["GET", "POST", "OPTIONS"], provide_automatic_options=False
    )
    app.add_url_rule("/swagger.json", "swagger", swagger_document, methods=["GET"])

    app.before_request(_assign_ids)
    app.after_request(_add_headers)
    app.teardown_request(_forget_id)
    app.register_error_handler(ServerError, _server_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)

    script.start(background=not settings.worker_preload if background_init is None else background_init)
    return app
