"""runit brings a killed gunicorn back, and it serves again."""

import json

from conftest import wait_until


def gunicorn_master(host):
    runsv = host.process.get(comm="runsv", args="runsv gunicorn")
    masters = host.process.filter(ppid=runsv.pid)
    return masters[0].pid if masters else None


def test_killed_gunicorn_master_is_restarted_and_serves(host, http):
    before = gunicorn_master(host)
    assert host.run("kill -9 %s", str(before)).rc == 0
    assert wait_until(lambda: gunicorn_master(host) not in (None, before))

    def serves():
        response = http(
            "POST",
            "/score",
            json.dumps({"data": [[5.1, 3.5, 1.4, 0.2]]}),
            {"Content-Type": "application/json"},
        )
        return response["status"] == 200

    assert wait_until(serves)
