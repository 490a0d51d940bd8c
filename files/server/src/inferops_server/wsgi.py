"""gunicorn entry point: ``gunicorn inferops_server.wsgi:app``. Settings come from the environment."""

from .app import create_app

app = create_app()
