"""The cast, as in every test here: Alice administers Acme; Bob is her team-mate
at Acme (a viewer unless a test says otherwise); Charlie administers Globex and
must see nothing of Acme's."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from api_tokens.models import ApiToken
from api_tokens.services import api_token_create
from core.roles import Role

from .factories import DEFAULT_PASSWORD, MembershipFactory, OrganizationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

# PBKDF2 spends most of a second per password by design, and the suite creates and signs in
# thousands of users: tests hash with MD5 (here only; production keeps Django's default). PBKDF2
# stays second so that a hash made elsewhere still verifies. Sign-in defences are tested on the
# limiter and the lockout, which do not depend on the hash's cost.
settings.PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def pytest_collection_modifyitems(config, items):
    if not items:
        return
    # CI's first pass (SQLite) leaves the slow whole-schema checks and the browser tests to its
    # PostgreSQL pass: they exercise pages, not the database engine, and would cost the budget twice.
    if os.environ.get("GRC_SKIP_ONCE"):

        def once(item):
            return item.get_closest_marker("once") or item.get_closest_marker("browser")

        deselected = [item for item in items if once(item)]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for item in items if not once(item)]
    # The PostgreSQL run in CI must run everything: a skip there is a failure.
    if os.environ.get("GRC_REQUIRE_ALL_TESTS"):
        config.pluginmanager.register(_NoSkips(), "no-skips")


class _NoSkips:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.skipped:
            report.outcome = "failed"
            report.longrepr = f"skipped, but GRC_REQUIRE_ALL_TESTS forbids skips: {report.longrepr}"


@pytest.fixture(autouse=True)
def _fresh_sign_in_counts():
    """The sign-in limiter counts in the cache (``accounts.sign_in``): every test starts from zero,
    or the suite's many sign-ins as alice would trip it."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def acme(db):
    return OrganizationFactory(name="Acme Corp", slug="acme")


@pytest.fixture
def globex(db):
    return OrganizationFactory(name="Globex Industries", slug="globex")


@pytest.fixture
def alice(acme):
    user = UserFactory(username="alice", first_name="Alice", last_name="Archer")
    MembershipFactory(organization=acme, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def bob(acme):
    user = UserFactory(username="bob", first_name="Bob", last_name="Baker")
    MembershipFactory(organization=acme, user=user, role=Role.VIEWER)
    return user


@pytest.fixture
def charlie(globex):
    user = UserFactory(username="charlie", first_name="Charlie", last_name="Chen")
    MembershipFactory(organization=globex, user=user, role=Role.ADMIN)
    return user


def member(organization, role: str, username: str):
    user = UserFactory(username=username)
    MembershipFactory(organization=organization, user=user, role=role)
    return user


@pytest.fixture
def make_member():
    return member


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client authenticating with a new API token of the user
    (read and write, every organization of theirs), as an integration would."""

    def _client(user):
        client = APIClient()
        issued = api_token_create(user=user, name="Test client")
        # As if just used: its "last used" bookkeeping (written at most once a minute) does not
        # add a query to the first request a query-count test measures.
        ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=timezone.now())
        client.credentials(HTTP_AUTHORIZATION=f"Token {issued.secret}")
        return client

    return _client


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


# --- A real Celery worker for background-job tests ------------------------


def _worker_env() -> dict:
    env = dict(os.environ)
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        user = db["USER"] or ""
        auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else (f"{user}@" if user else "")
        env["DATABASE_URL"] = (
            f"postgres://{auth}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["WORKER_HEARTBEAT_SECONDS"] = "1"
    env["DJANGO_SETTINGS_MODULE"] = "grc_portal.settings"
    return env


#: Every queue a task is sent to: the embedded worker and the tests' workers consume them all.
QUEUES = ("default", "pdf", "packs")


def celery_worker_start(
    *,
    extra_env: dict | None = None,
    name: str = "test-worker",
    queues: tuple[str, ...] = QUEUES,
    pool: str = "solo",
) -> subprocess.Popen:
    """Start a real ``celery worker`` (solo pool unless ``pool`` says otherwise, one process;
    every queue unless ``queues`` says otherwise) on the test database and the configured
    broker; ``extra_env`` adds to its environment."""
    suffix = f"-{os.environ['PYTEST_XDIST_WORKER']}" if os.environ.get("PYTEST_XDIST_WORKER") else ""
    log = open(ROOT / "var" / f"{name}{suffix}.log", "w")  # noqa: SIM115 — the worker process owns it
    env = _worker_env()
    env.update(extra_env or {})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "grc_portal",
            "worker",
            "-Q",
            ",".join(queues),
            "--pool",
            pool,
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--hostname",
            f"{name}-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    return process


def celery_worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def celery_queues_purge() -> None:
    from grc_portal.celery import app

    with app.connection_for_write() as conn:
        for queue in QUEUES:
            # A queue that does not exist yet has nothing to purge.
            with contextlib.suppress(Exception):
                conn.default_channel.queue_purge(queue)


@pytest.fixture
def celery_worker_process(transactional_db, settings):
    """A real ``celery worker`` process on the test database and the configured broker.

    Tests using it write through committed transactions (``transactional_db``)
    so that the worker sees their rows.
    """
    settings.WORKER_HEARTBEAT_SECONDS = 1
    celery_queues_purge()
    process = celery_worker_start()
    try:
        yield process
    finally:
        celery_worker_stop(process)


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.25, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


# --- Headless Chromium for browser tests ---------------------------------

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """Chromium for one module of browser tests.

    Playwright's sync API keeps an event loop running in this thread while it
    is open, so Django would refuse the ORM calls the tests make beside it;
    they are synchronous and safe, hence DJANGO_ALLOW_ASYNC_UNSAFE — for the
    browser modules only, restored when the module ends.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def crash_page(settings):
    """The address of a page that raises (tests/crash_urls.py): the portal's 500 page, as Django
    renders it with ``DEBUG`` off (as in these tests and in production)."""
    settings.ROOT_URLCONF = "tests.crash_urls"
    return "/crash/"


def sign_in(page, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


# --- The catalogues -------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped catalogues into the test database once."""
    from controls.services import catalogues_load

    with django_db_blocker.unblock():
        catalogues_load()


@pytest.fixture
def catalogues(db):
    """The catalogues, reloaded if a transactional test flushed them."""
    from controls.models import Framework
    from controls.services import catalogues_load

    if Framework.objects.count() < 2:
        catalogues_load()
