"""Settings for the GRC portal, driven only by the environment.

The defaults are the embedded mode (SQLite and a filesystem Celery broker in
``GRC_DATA_DIR``, DEBUG on); production sets ``DEBUG=false`` plus real values,
and then every ``check --deploy`` hardening is switched on.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
# Django's technical 404/500 pages (settings, code) instead of the portal's, for debugging only.
TECHNICAL_ERROR_PAGES = envbool("TECHNICAL_ERROR_PAGES", False)
DATA_DIR = Path(envstr("GRC_DATA_DIR", str(BASE_DIR / "var"))).resolve()

_EMBEDDED_SECRET = "embedded-insecure-key-change-me-" + "x" * 32
SECRET_KEY = envstr("SECRET_KEY", _EMBEDDED_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "accounts",
    "organizations",
    "api_tokens",
    "documents",
    "notifications",
    "core",
    "controls",
    "assets",
    "risks",
    "soa",
    "audits",
    "portal",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.RequestLogMiddleware",
    "core.middleware.ErrorPagesMiddleware",
]

ROOT_URLCONF = "grc_portal.urls"
WSGI_APPLICATION = "grc_portal.wsgi.application"
ASGI_APPLICATION = "grc_portal.asgi.application"

# Widgets render with the project's templates too (core.widgets.RecordPicker).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "organizations.context_processors.organization",
                "portal.context_processors.work",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'grc.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_sqlite), conn_max_age=envint("DB_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web process and the worker write
    # to one SQLite file without "database is locked" errors.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The test database is a file, not memory, so that the real Celery worker
    # the background-job tests start can open it too.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "organizations:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["accounts.sign_in.LockoutModelBackend"]
# Every path that sets a password (change, admin add and change, createsuperuser) applies these.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in defences (accounts/sign_in.py), for the browser's sign-in and POST /api/v1/auth/token/.
SIGN_IN_WINDOW_SECONDS = envint("SIGN_IN_WINDOW_SECONDS", 300)
SIGN_IN_ATTEMPTS_PER_ACCOUNT = envint("SIGN_IN_ATTEMPTS_PER_ACCOUNT", 10)
SIGN_IN_ATTEMPTS_PER_CLIENT = envint("SIGN_IN_ATTEMPTS_PER_CLIENT", 50)
# Wrong passwords in a row that lock an account until an administrator unlocks it; 0 turns it off.
SIGN_IN_LOCKOUT_FAILURES = envint("SIGN_IN_LOCKOUT_FAILURES", 10)
# Sessions: a working day by default; EXPIRE_AT_BROWSER_CLOSE ends them with the browser too.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = envbool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# The limiter and the API throttles count in the cache: one Redis for every web replica in
# production (CACHE_URL=redis://…), the process's memory in the embedded mode.
CACHE_URL = envstr("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// address, not {CACHE_URL!r}")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- I18N -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["grc_portal.formats"]  # one date format everywhere (grc_portal/formats/)
TIME_ZONE = envstr("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_TLS_PROXY", not DEBUG) else None
)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Nothing is loaded from another host: the policy says so to the browser too.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api_tokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.registers.filters.StrictFilterBackend",
        "core.registers.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # Client addresses for throttles and the sign-in limiter: X-Forwarded-For is trusted only
    # through this many proxies of ours (0: the connection's own address).
    "NUM_PROXIES": envint("NUM_PROXIES", 1 if envbool("BEHIND_TLS_PROXY", not DEBUG) else 0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GRC portal API",
    "DESCRIPTION": "ISO/IEC 27001:2022 and ISO/IEC 42001:2023 as one management system: catalogues, "
    "assets, risks, Statement of Applicability and audits. Authenticate with "
    "`Authorization: Token <key>` from `POST /api/v1/auth/token/`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Deep links put an <a> inside each operation's <button> (axe: nested-interactive), and the
    # page is a reference, not something people bookmark per operation.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "RatingEnum": "assets.models.Rating",
        "RiskLevelEnum": "risks.models.Level",
        "RiskStatusEnum": "risks.models.RiskStatus",
        "TreatmentActionStatusEnum": "risks.models.ActionStatus",
        "ImpactAssessmentStatusEnum": "risks.models.AssessmentStatus",
        "AssetKindEnum": "assets.models.AssetKind",
        "ApiTokenStatusEnum": "api_tokens.models.TokenStatus",
        "SoAReasonKindEnum": "soa.models.ReasonKind",
        "SoAImplementationStatusEnum": "soa.models.ImplementationStatus",
        "AssetRelationTypeEnum": "assets.models.RelationType",
        "ImpactSeverityEnum": "risks.models.ImpactSeverity",
        "AuditTypeEnum": "audits.models.AuditType",
        "AuditStatusEnum": "audits.models.AuditStatus",
        "AuditResultEnum": "audits.models.Result",
        "FindingSeverityEnum": "audits.models.Severity",
        "FindingStatusEnum": "audits.models.FindingStatus",
        "VerificationResultEnum": "audits.models.Verification",
        "CorrectiveActionStatusEnum": "audits.models.ActionStatus",
        "DocumentStatusEnum": "documents.models.DocumentStatus",
    },
}

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "filesystem://")
# pytest-xdist runs the suite in several processes (PYTEST_XDIST_WORKER=gw0, gw1, ...), each on
# its own test database; each also gets its own broker namespace, so that a real worker started by
# one process never takes another's tasks. The worker a test starts inherits the variable.
_TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")
CELERY_BROKER_DIR = DATA_DIR / (f"broker-{_TEST_PROCESS}" if _TEST_PROCESS else "broker")
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
        # A worker notices a stop request between polls of the folder, and its timer thread
        # between ticks: short ones let Ctrl-C stop an idle embedded worker in about two
        # seconds instead of five to eight (issue 13, defect 8; scripts/run-embedded).
        "polling_interval": 0.2,
    }
    CELERY_WORKER_TIMER_PRECISION = 0.2
else:
    # Redis hands an unacknowledged message (its worker died) to another worker after this long.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
    if _TEST_PROCESS:
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = f"{_TEST_PROCESS}:"

# The embedded mode keeps everything under DATA_DIR; make sure its folders exist.
for _folder in (
    DATA_DIR,
    STATIC_ROOT,
    MEDIA_ROOT,
    CELERY_BROKER_DIR / "queue",
    CELERY_BROKER_DIR / "processed",
):
    _folder.mkdir(parents=True, exist_ok=True)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    # Every generated document (PDFs, large exports) on the memory-hungry queue, named explicitly;
    # a kind registered with a queue of its own is sent there instead (documents.registry.queue_for):
    # the audit pack's tasks go to "packs", so its many parts never queue ahead of a small PDF.
    "documents.tasks.document_build": {"queue": "pdf"},
    "documents.tasks.document_part_build": {"queue": "pdf"},
    "documents.tasks.document_assemble": {"queue": "pdf"},
    "*.render_*": {"queue": "pdf"},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
WORKER_HEARTBEAT_SECONDS = envint("WORKER_HEARTBEAT_SECONDS", 15)

# --- E-mail (notifications/) ----------------------------------------------
# Django 6.1's MAILERS. The embedded default prints mails on the console; production
# (DEBUG off, or EMAIL_HOST given) sends through the SMTP server the environment names.
EMAIL_HOST = envstr("EMAIL_HOST")
if EMAIL_HOST or not DEBUG:
    _MAILER = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_HOST or "localhost",
            "port": envint("EMAIL_PORT", 25),
            "username": envstr("EMAIL_HOST_USER"),
            "password": envstr("EMAIL_HOST_PASSWORD"),
            "use_tls": envbool("EMAIL_USE_TLS", False),
            "use_ssl": envbool("EMAIL_USE_SSL", False),
            "timeout": envint("EMAIL_TIMEOUT", 10),
        },
    }
else:
    _MAILER = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _MAILER}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "GRC Portal <grc-portal@localhost>")
# How links in e-mails start (the address people open the portal at).
PORTAL_BASE_URL = envstr("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- Generated documents (documents/) ---------------------------------------
# A running build renews its lease every third of this; a lease that runs out means its worker died.
# Uploaded files (audit evidence) are scanned before they are kept (core.scanning): built-in
# checks always; an engine's command (e.g. "clamdscan --no-summary --stream -") when set.
UPLOAD_SCAN_COMMAND = envstr("UPLOAD_SCAN_COMMAND", "")
UPLOAD_SCAN_TIMEOUT_SECONDS = envint("UPLOAD_SCAN_TIMEOUT_SECONDS", 60)
UPLOAD_SCAN_MAX_EXPANSION = envint("UPLOAD_SCAN_MAX_EXPANSION", 100)
UPLOAD_SCAN_MAX_EXPANDED_BYTES = envint("UPLOAD_SCAN_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)

DOCUMENT_LEASE_SECONDS = envint("DOCUMENT_LEASE_SECONDS", 60)
# How often each worker looks for builds that died with their worker (documents.worker); 0 turns it off.
DOCUMENT_RECOVERY_SECONDS = envint("DOCUMENT_RECOVERY_SECONDS", 30)
# A document still queued after this long has probably lost its message: enqueue it again.
DOCUMENT_REQUEUE_AFTER_SECONDS = envint("DOCUMENT_REQUEUE_AFTER_SECONDS", 900)
# Builds started for one request before it is failed as a worker-killer (OOM, hard time limit).
DOCUMENT_MAX_ATTEMPTS = envint("DOCUMENT_MAX_ATTEMPTS", 5)
DOCUMENT_TRANSIENT_RETRIES = envint("DOCUMENT_TRANSIENT_RETRIES", 3)
# Each prefork pool process's data (heap and private mappings, RLIMIT_DATA) in MiB, set when it
# starts (documents.worker): a build that needs more fails with "ran out of memory" instead of
# taking the machine down. Measured after rendering an audit pack part of 1,000 assets: VmData
# 251 MiB, VmSize 465 MiB, peak RSS 252 MiB (a whole 10,000-asset pack: 248 MiB peak per process,
# docs/performance.md); the default is six times that. 0: no limit.
DOCUMENT_WORKER_MEMORY_LIMIT_MB = envint("DOCUMENT_WORKER_MEMORY_LIMIT_MB", 1536)
DOCUMENT_SOFT_TIME_LIMIT = envint("DOCUMENT_SOFT_TIME_LIMIT", 600)
DOCUMENT_TIME_LIMIT = envint("DOCUMENT_TIME_LIMIT", DOCUMENT_SOFT_TIME_LIMIT + 60)
# A kind registered in parts (documents.registry.Parts) fans its parts out to the pdf queue's workers
# when its plan is long enough; off, one worker renders them in turn (decision 0014).
DOCUMENT_PARALLEL_PARTS = envbool("DOCUMENT_PARALLEL_PARTS", True)
# The audit pack's long sections (risks, assets, SoA rows) are cut into parts of this many asset rows,
# or as many rows of another register as cost the same (audits.pack.build.RowPart.cost), each
# rendered on its own (by several workers when the pack is split); docs/decisions/0015.
AUDIT_PACK_ROWS_PER_PART = envint("AUDIT_PACK_ROWS_PER_PART", 1000)
# A register's XLSX export of more rows than this is built by a worker (a generated document)
# instead of inside the request: 10,000 assets took 28 s in the request. CSV always streams.
EXPORT_INLINE_MAX_ROWS = envint("EXPORT_INLINE_MAX_ROWS", 2000)

# --- Logging --------------------------------------------------------------
LOG_FORMAT = envstr("LOG_FORMAT", "plain" if DEBUG else "json")
LOG_LEVEL = envstr("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries its request's id; no secret in any line (tokens, passwords and
    # Authorization headers are redacted).
    "filters": {
        "request_id": {"()": "core.middleware.RequestIdLogFilter"},
        "redact_secrets": {"()": "accounts.log_redaction.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

DEMO_ORGANIZATION_SLUG = "demo"
