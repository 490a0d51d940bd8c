from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from contract.servers import SCRIPTS
from inferops_server.app import create_app
from inferops_server.settings import Settings


def make_app(script: str, **overrides):
    settings = Settings(app_root=SCRIPTS, entry_script=script, model_dir=SCRIPTS, **overrides)
    return create_app(settings, background_init=False)


@pytest.fixture
def client_for():
    # Flask 2.2 responses reach their app through a weak reference: keep the apps alive.
    apps = []

    def client(script, **overrides):
        apps.append(make_app(script, **overrides))
        return apps[-1].test_client()

    return client
