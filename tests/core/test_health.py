import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["broker"]["status"] == "ok"
    assert body["checks"]["worker"]["status"] == "down"
    assert body["status"] == "degraded"


@pytest.mark.worker
def test_healthz_sees_a_running_worker(client, celery_worker_process):
    def worker_ok():
        body = client.get("/healthz").json()
        return body if body["checks"]["worker"]["status"] == "ok" else None

    body = wait_for(worker_ok, timeout=60, what="the worker's heartbeat")
    assert body["status"] == "ok"
    assert body["checks"]["worker"]["alive"]


def test_production_settings_pass_the_deploy_check():
    env = dict(
        os.environ,
        DEBUG="false",
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-0123456789abcdef",
        ALLOWED_HOSTS="grc.example.org",
        CSRF_TRUSTED_ORIGINS="https://grc.example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["DEBUG"] = "false"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
