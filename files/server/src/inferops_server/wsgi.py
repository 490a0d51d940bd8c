"""gunicorn entry point: ``gunicorn inferops_server.wsgi:app``. Settings come from the environment."""

import os
import signal

from . import deadline
from .app import create_app

# A run() that does not stop after its timeout ends its worker (a graceful exit): gunicorn starts
# a fresh one, and no later call runs beside the stuck one.
deadline.on_stuck(lambda: os.kill(os.getpid(), signal.SIGTERM))
app = create_app()
