"""runit brings a killed gunicorn back, and it serves again."""

from conftest import wait_until


def gunicorn_master(host):
    runsv = host.process.get(comm="runsv", args="runsv gunicorn")
    masters = host.process.filter(ppid=runsv.pid)
    return masters[0].pid if masters else None


def test_killed_gunicorn_master_is_restarted_and_serves(host, score_example):
    before = gunicorn_master(host)
    assert host.run("kill -9 %s", str(before)).rc == 0
    assert wait_until(lambda: gunicorn_master(host) not in (None, before))

    assert wait_until(lambda: score_example()["status"] == 200)
