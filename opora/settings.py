"""Settings, read from the environment; defaults give a local SQLite site (`make run`).

Production mode (`OPORA_PRODUCTION=1`) turns on what `manage.py check --deploy` asks for.
DEBUG is off in both; `DEBUG=1` turns it on for a developer.
"""

import os
from pathlib import Path

import dj_database_url
from csp import constants as csp

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = env_bool("OPORA_PRODUCTION", False)
# Off by default even on a laptop: a 404 (the answer for data out of scope) must not list every
# URL, and a 500 must not show a traceback to whoever tries the demo.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production (OPORA_PRODUCTION=1)")
    SECRET_KEY = "opora-development-only-key-not-for-production-use-0123456789"
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Static files are served by WhiteNoise with DEBUG on or off, under runserver as in production.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "opora.accounts",
    "opora.registry",
    "opora.assessments",
    "opora.identification",
    "opora.reports",
    "opora.programs",
    "opora.meetings",
    "opora.api",
    "opora.risks",
    "opora.staff",
    "opora.monitoring",
    "opora.selfassessment",
    "opora.demo",
    "opora.operations",
    "ninja",  # serves the API docs' Swagger UI from local static files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Municipal networks reach no CDN: the application serves its own CSS, JS and fonts.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Content-Security-Policy on every response: scripts only from Opora's own static files, so a
# script that slipped into stored text cannot run. Inline styles stay allowed: the charts are
# matplotlib SVG drawn into the page, which styles itself inline, and carry no script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],  # printed reports embed their charts as data: PNG
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}

ROOT_URLCONF = "opora.urls"
WSGI_APPLICATION = "opora.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "opora" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opora.accounts.context_processors.user_scope",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # Write-ahead log: pages keep reading while a school saves its values; with the
            # default rollback journal every write made all readers wait.
            "init_command": "PRAGMA journal_mode=WAL;",
            # A transaction takes the write lock as it begins, so writers queue instead of
            # failing: one that read first and wanted to write after another's commit got
            # «database is locked» at once, whatever the timeout (an import while people log
            # in; two saves of one value). It also makes a check-then-save atomic here.
            "transaction_mode": "IMMEDIATE",
            # Seconds a writer waits for the one before it (a large import's last step).
            "timeout": 30,
        }
    )
# A read replica for the region-wide dashboards, where load demands one (opora/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["opora.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files wait for a worker in MEDIA_ROOT; with web processes and workers on several
# machines, MEDIA_STORAGE=s3 keeps them in shared object storage (django-storages, installed
# only there: pip install "django-storages[s3]"; docs/operations.md).
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ.get("MEDIA_S3_BUCKET", ""),
                "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
                "location": os.environ.get("MEDIA_S3_PREFIX", ""),
                "default_acl": "private",
                "querystring_auth": True,
            },
        }
        if os.environ.get("MEDIA_STORAGE", "local") == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if not PRODUCTION:
    # Without collectstatic: WhiteNoise finds each file where it lives and sees edits at once.
    # Production serves the collected, hashed and compressed copies instead.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Long jobs (imports of result files) run in `manage.py db_worker`, queued in the database:
# nothing else to install, and any number of workers can share the queue.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Registry and result files of a whole municipality stay well under this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
OPORA_UPLOAD_MAX_BYTES = int(os.environ.get("OPORA_UPLOAD_MAX_BYTES", 50 * 1024 * 1024))

# E-mail copies of notifications go out only when a mail server is named; otherwise
# notifications stay in the application.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "opora@localhost")
# Invitations and password links need a way out: SMTP when a server is named, otherwise the
# letters are printed in the console of `make run` (EMAIL_BACKEND overrides either).
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# The site's address as users open it: links in letters sent from the console (`manage.py
# invite`); a page builds its links from the request instead.
OPORA_SITE_URL = os.environ.get("OPORA_SITE_URL", "http://127.0.0.1:8000")
# The default cache is per process; with several web processes CACHE_BACKEND=db shares it (a
# table made by `manage.py createcachetable`). Login throttling counts in its own table.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "opora_cache"}
        if os.environ.get("CACHE_BACKEND", "locmem") == "db"
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))  # per username
LOGIN_FAILURE_ADDRESS_LIMIT = int(os.environ.get("LOGIN_FAILURE_ADDRESS_LIMIT", 30))  # per address
LOGIN_FAILURE_WINDOW = 15 * 60  # seconds in which failures are counted
LOGIN_LOCKOUT = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", 15 * 60))
# Behind nginx every request comes from 127.0.0.1: name the header with the client's address
# (`proxy_set_header X-Real-IP $remote_addr;` → HTTP_X_REAL_IP). Empty: REMOTE_ADDR.
OPORA_CLIENT_IP_HEADER = os.environ.get("OPORA_CLIENT_IP_HEADER", "")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    CSRF_TRUSTED_ORIGINS = [
        o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
    ]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
