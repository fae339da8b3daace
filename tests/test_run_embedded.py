"""`make run` (scripts/run-embedded) stops as a terminal's Ctrl-C stops it: SIGINT to its
process group ends the web server and the worker within seconds (issue 13, defect 8)."""

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT, _worker_env, celery_queues_purge

pytestmark = pytest.mark.worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    """200 from /healthz: the web server answers and the worker has written its heartbeat, so
    Ctrl-C reaches a portal that has finished starting, as a person's would."""
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 — our own http://127.0.0.1 URL
            return answer.status == 200
    except OSError:  # not listening yet, or 503 while the worker's first heartbeat is pending
        return False


def _group_alive(pgid: int) -> list[str]:
    # wchan (where in the kernel each one waits) says, if one hangs, what it waits for.
    out = subprocess.run(
        ["ps", "-o", "pid=,stat=,wchan:24=,args=", "-g", str(pgid)], capture_output=True, text=True
    )
    return [line for line in out.stdout.splitlines() if line.strip() and " Z" not in line]


def _start(tmp_path, **extra_env):
    # On Redis the queues outlive a test: a task an earlier test enqueued without a worker would be
    # taken by this worker, whose warm shutdown then waits for it (CI, 2026-12-03: "still running
    # 10 s after Ctrl-C" with a pool process busy). The filesystem broker is fresh in tmp_path.
    celery_queues_purge()
    port = _free_port()
    env = {**_worker_env(), "PORT": str(port), "GRC_DATA_DIR": str(tmp_path), **extra_env}
    process = subprocess.Popen(
        ["scripts/run-embedded"],
        cwd=ROOT,
        env=env,
        stdout=open(tmp_path / "run.log", "w"),  # noqa: SIM115 — the process owns it
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    deadline = time.monotonic() + 90
    while not _healthy(f"http://127.0.0.1:{port}/healthz"):
        assert process.poll() is None, (tmp_path / "run.log").read_text()
        assert time.monotonic() < deadline, "/healthz never answered 200"
        time.sleep(0.5)
    return process


def _wait_gone(pgid: int, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (alive := _group_alive(pgid)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return alive


def _stop_everything(pgid: int) -> None:
    if _group_alive(pgid):
        os.killpg(pgid, signal.SIGKILL)


def test_ctrl_c_stops_the_web_server_and_the_worker_cleanly_within_seconds(transactional_db, tmp_path):
    """Nothing is killed: with a grace far longer than the wait, both must stop on their own,
    the worker through its warm shutdown with its pool intact (no pool process ending "with
    signal 15" under it, as when the script signalled the pool too)."""
    process = _start(tmp_path, STOP_GRACE_SECONDS="60")
    pgid = process.pid
    try:
        os.killpg(pgid, signal.SIGINT)

        alive = _wait_gone(pgid, 10)

        log = (tmp_path / "run.log").read_text()
        assert not alive, f"still running 10 s after Ctrl-C: {alive}\n{log}"
        assert process.wait(timeout=5) == 0, log
        for symptom in ("killed", "signal 15", "SIGTERM", "Traceback"):
            assert symptom not in log, f"{symptom!r} in the log of a clean stop:\n{log}"
    finally:
        _stop_everything(pgid)


@pytest.mark.once  # a second start of the whole portal: the PostgreSQL pass only
def test_a_second_ctrl_c_stops_it_at_once(transactional_db, tmp_path):
    process = _start(tmp_path, STOP_GRACE_SECONDS="60")  # only the second Ctrl-C can end it in time
    pgid = process.pid
    try:
        os.killpg(pgid, signal.SIGINT)
        time.sleep(0.3)
        os.killpg(pgid, signal.SIGINT)

        alive = _wait_gone(pgid, 3)

        assert not alive, f"still running 3 s after a second Ctrl-C: {alive}"
    finally:
        _stop_everything(pgid)
