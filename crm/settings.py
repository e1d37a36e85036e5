"""Settings for the partner-city CRM.

One module, every value read from the environment, so that the same code runs on a
laptop (SQLite, DEBUG on by default) and in production (PostgreSQL via DATABASE_URL,
DEBUG=0). Secrets may come from files (``NAME_FILE``), as container platforms mount them.
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{name} must be a yes/no value, got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.getenv(name, default)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


def envsecret(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE."""
    path = os.getenv(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.getenv(name, default)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "1")
# The development key is only accepted while DEBUG is on; production must set one.
SECRET_KEY = envsecret("SECRET_KEY") or (
    "django-insecure-development-key-only-used-with-debug" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "partners",
    # Before the admin, as its documentation asks: it patches the registered models first.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_filters",
    "import_export",
    "simple_history",
    "django_countries",
    # axes and django_tasks_db under translated names (crm/apps.py).
    "crm.apps.LoginProtectionConfig",
    "crm.apps.BackgroundTasksConfig",
    "cachalot",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Values the database cannot take (NUL bytes) in a staff query string: a 400
    # page in the reader's language and layout (after the language, user and CSP are set).
    "partners.middleware.DatabaseValueMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of the authentication backends.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the default so that a fresh clone just works; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A persistent connection is pointless for a file, and CONN_MAX_AGE keeps it locked.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside one writer; IMMEDIATE makes concurrent writers
        # wait for the lock (up to the timeout, in seconds) instead of failing mid-transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", "20"),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The report's counting queries have many aggregates: PostgreSQL's JIT spent 2.5 s of
    # 3 s compiling one at demo scale 100 (bench/bench_scale.py), and no query here runs
    # long enough to win it back. They also join and sort a hundred thousand rows: with
    # the default 4 MB each sort spilled to disk (3.1 s of queries after a write at demo
    # scale 100, 2.4 s with 32 MB).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c work_mem=32MB"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Seed and demo data (`manage.py loaddata seed demo_companies`) live outside the app.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user/IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English")), ("zh-hans", _("Chinese (Simplified)"))]
# English dates as in the rest of Europe ("25 June 2019", 05/06 is 5 June) and Chinese
# numbers grouped in threes: crm/formats/.
FORMAT_MODULE_PATH = ["crm.formats"]
# Where no language is active (commands that log in English), as crm/formats/en.
DATE_FORMAT, YEAR_MONTH_FORMAT = "j F Y", "F Y"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.getenv("TIME_ZONE", "Europe/Berlin")

# Content in three languages (django-modeltranslation, partners/translation.py): German is
# the source, every other language falls back to it (and templates mark that text lang="de").
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
# A record created with a plain ``name=`` (factories, fixtures, scripts) gets it as German
# too, whatever language is active.
MODELTRANSLATION_AUTO_POPULATE = "default"
# Slugs come from the German title, whatever language the editor's admin speaks.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "de"
# The office that runs this installation, shown in the back office's header and title.
CRM_OFFICE_NAME = os.getenv("CRM_OFFICE_NAME", "Invest Region Leipzig")

STATIC_URL = "static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
# In development and tests WhiteNoise serves straight from the finders (the test runner
# turns settings.DEBUG off, whitenoise's default, but not this); production serves the
# collected, hashed files (collectstatic runs in `make run` and on deploy).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
# Media is never served from a public URL: files go through a permission-checked view.
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# E-mail (Django 6.1's MAILERS). EMAIL_URL configures SMTP in one value, e.g.
# smtp+tls://user:password@mail.example.org:587; otherwise the usual EMAIL_* variables.
# Without either, development mails go to the console (so `remind` shows them) and
# production mails to the SMTP server on localhost.
def email_mailer() -> dict:
    # Seconds to wait for the server: a silent one would otherwise hold a request forever.
    timeout = envint("EMAIL_TIMEOUT", "30")
    url = envsecret("EMAIL_URL")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+tls", "smtp+ssl"):
            raise ValueError("EMAIL_URL must start with smtp://, smtp+tls:// or smtp+ssl://")
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname or "localhost",
                # Without a port Django takes the scheme's: 465 (SSL), 587 (TLS), else 25.
                "port": parts.port,
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_tls": parts.scheme == "smtp+tls",
                "use_ssl": parts.scheme == "smtp+ssl",
                "timeout": timeout,
            },
        }
    # Development prints mails; production sends them over SMTP (EMAIL_HOST, default
    # localhost) unless told otherwise.
    default = "console" if DEBUG else "smtp"
    backend = os.getenv("EMAIL_BACKEND", f"django.core.mail.backends.{default}.EmailBackend")
    if not backend.endswith("smtp.EmailBackend"):
        return {"BACKEND": backend}
    return {
        "BACKEND": backend,
        "OPTIONS": {
            "host": os.getenv("EMAIL_HOST", "localhost"),
            "port": envint("EMAIL_PORT", "25"),
            "username": os.getenv("EMAIL_HOST_USER", ""),
            "password": envsecret("EMAIL_HOST_PASSWORD"),
            "use_tls": envbool("EMAIL_USE_TLS", "0"),
            "use_ssl": envbool("EMAIL_USE_SSL", "0"),
            "timeout": timeout,
        },
    }


MAILERS = {"default": email_mailer()}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "crm@localhost")

# Background work: Django's tasks framework with the ORM backend (a worker process, no
# extra server). Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": os.getenv("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security. Production (DEBUG=0) gets secure cookies and HSTS; the development server
# speaks plain HTTP, so these follow DEBUG unless set explicitly.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "0" if DEBUG else "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
# Strict CSP: only our own files, inline code only with the per-request nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Brute-force protection: the 6th failed login within the cool-off window for one
# user/IP pair is refused; a successful login resets the count.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", "15") / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout page (partners/lockout.html) under the back office's header.
AXES_LOCKOUT_CALLABLE = "crm.lockout.lockout_response"
# django-axes 8 answers 429 by default; the lockout is a refusal (403), as the issue asks.
AXES_HTTP_RESPONSE_CODE = 403
AXES_ENABLED = envbool("AXES_ENABLED", "1")
# Axes announces itself on every start (each manage.py call); lockouts are still logged.
AXES_VERBOSE = False
# Behind reverse proxies the lock-out must key on the client, not on the proxy: the number
# of proxies in front of the application whose X-Forwarded-For entries are trusted
# (0: the header is ignored, REMOTE_ADDR is the client).
CRM_TRUSTED_PROXIES = envint("CRM_TRUSTED_PROXIES", "0")
AXES_CLIENT_IP_CALLABLE = "crm.client_ip.client_ip"

# Uploads.
CRM_UPLOAD_MAX_BYTES = envint("CRM_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024))
CRM_IMPORT_MAX_BYTES = envint("CRM_IMPORT_MAX_BYTES", str(10 * 1024 * 1024))
CRM_IMPORT_MAX_ROWS = envint("CRM_IMPORT_MAX_ROWS", "100000")
# A sheet's size is checked before its cells are read (partners/imports/reader.py): the
# reader holds a sheet as a grid of 32 bytes per cell, so 4,000,000 cells is 128 MB.
CRM_IMPORT_MAX_COLUMNS = envint("CRM_IMPORT_MAX_COLUMNS", "200")
CRM_IMPORT_MAX_CELLS = envint("CRM_IMPORT_MAX_CELLS", "4000000")
CRM_IMPORT_BACKGROUND_ROWS = envint("CRM_IMPORT_BACKGROUND_ROWS", "5000")
CRM_EXPORT_BACKGROUND_ROWS = envint("CRM_EXPORT_BACKGROUND_ROWS", "50000")
# A delegation's handouts with more profiles than this are printed by the worker: WeasyPrint
# takes about a tenth of a second per page, too long for a request from about 30 pages on.
CRM_DOCUMENT_BACKGROUND_PROFILES = envint("CRM_DOCUMENT_BACKGROUND_PROFILES", "30")
# A briefing with more counterparts than this too: 225 counterparts (a trip to a city of
# `generate_demo_data --scale 1`) made 130 pages in 39 s.
CRM_DOCUMENT_BACKGROUND_COUNTERPARTS = envint("CRM_DOCUMENT_BACKGROUND_COUNTERPARTS", "40")
# The scheduler leaves at least this between one party's meetings in two cities (the
# train from Nanjing to Jining takes about 3 hours; from Leipzig to Dresden, one).
CRM_TRAVEL_MINUTES = envint("CRM_TRAVEL_MINUTES", "120")
# Erasing more people than this at once (the people list's action) is left to the worker:
# one person took 13-15 s at demo scale 100 on PostgreSQL, 5 people 2.8x one at scale 10.
CRM_ERASURE_BACKGROUND_PEOPLE = envint("CRM_ERASURE_BACKGROUND_PEOPLE", "3")
# A running task whose worker has not written a heartbeat for this long is marked failed.
CRM_TASK_STALE_SECONDS = envint("CRM_TASK_STALE_SECONDS", "60")
# Background jobs (their uploaded sheets and written workbooks) are purged after this.
CRM_JOB_FILES_DAYS = envint("CRM_JOB_FILES_DAYS", "7")
DATA_UPLOAD_MAX_MEMORY_SIZE = CRM_UPLOAD_MAX_BYTES
# Photos with more pixels are refused: a small file can decode to gigabytes.
CRM_MAX_IMAGE_PIXELS = envint("CRM_MAX_IMAGE_PIXELS", str(40_000_000))

# django-cachalot caches the results of ORM queries on this app's tables and drops them
# on every write to a table they read (README, "Cached query results"). The cache must be
# shared by every process that writes, the web server and the task worker alike, or one
# would go on serving what the other has changed: files in a folder by default (one
# machine), Redis from CACHE_URL (several machines).
CACHE_URL = os.getenv("CACHE_URL", f"file://{BASE_DIR / '.cache'}")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    CACHES["default"]["LOCATION"] = CACHE_URL
elif CACHE_URL.startswith("file://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache"}}
    CACHES["default"]["LOCATION"] = CACHE_URL.removeprefix("file://")
    # Past this many files a third is dropped at random (recomputed when next asked for).
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 3000}
else:
    raise ValueError(
        f"CACHE_URL must be redis://, rediss://, unix:// or file://, got {CACHE_URL!r}"
    )
# One cache server may serve several installations: results are kept per database.
CACHES["default"]["KEY_PREFIX"] = str(DATABASES["default"]["NAME"])
CACHALOT_ONLY_CACHABLE_APPS = ["partners"]
# Job state is polled and changed by the minute: caching it buys nothing, and a request
# racing another could read a confirmed import back as a preview (and preview it again).
CACHALOT_UNCACHABLE_TABLES = frozenset(["django_migrations", "partners_job"])
# The longest a result is kept: bounds how long a change made outside the application
# (psql by hand; `manage.py invalidate_cachalot` ends it at once) can go unseen.
CACHALOT_TIMEOUT = envint("CRM_CACHE_SECONDS", "3600")
# Exports read through .iterator() to stay in constant memory; never collect them.
CACHALOT_CACHE_ITERATORS = False
# A table cachalot's walk through the query misses is still found in the final SQL.
CACHALOT_FINAL_SQL_CHECK = True

# The public site's publisher: named as the author of the Atom feed and the publisher in
# the open-data catalogue, whose licence applies to every dataset (partners/public/datasets.py).
CRM_PUBLISHER = os.environ.get("CRM_PUBLISHER", "Stadt Leipzig, Amt für Wirtschaftsförderung")
CRM_PUBLISHER_URL = os.environ.get("CRM_PUBLISHER_URL", "")
CRM_OPENDATA_LICENSE = os.environ.get("CRM_OPENDATA_LICENSE", "dl-de/by-2-0")
CRM_OPENDATA_LICENSE_URL = os.environ.get(
    "CRM_OPENDATA_LICENSE_URL", "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
)

# Company trip registration: forms per client address and hour (a bot's flood stops here;
# the counter lives in the shared cache above).
CRM_REGISTRATIONS_PER_HOUR = envint("CRM_REGISTRATIONS_PER_HOUR", "5")

# django-import-export: permission codes are checked, so that only Administrators (import)
# and Managers/Administrators (export) reach those views.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# Off: it turns every cell into text and only strips "="; partners/spreadsheets.py writes
# XLSX text as string cells and escapes CSV text that would run, keeping dates and numbers
# typed, on every export path.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False

# History has its own permissions: everybody who may see a record sees its history
# (view_historical<model>), only Administrators may revert (change_historical<model>).
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every layout step and font subset at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
