"""Settings for InterviewPrep, read from the environment.

One file for every environment: development (``DJANGO_DEBUG=1``), tests and production.
``DATABASE_URL`` switches from the embedded SQLite database to PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "interviewprep",
    "questions",
    "quizzes",
    "interviews",
    # Django's admin, on a site that asks staff for a one-time code too (interviewprep.admin).
    "interviewprep.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a one-time code this session.
    "django_otp.middleware.OTPMiddleware",
    "interviewprep.middleware.PrivatePagesMiddleware",
    "interviewprep.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "interviewprep.ratelimit.RateLimitMiddleware",
]

ROOT_URLCONF = "interviewprep.urls"
WSGI_APPLICATION = "interviewprep.wsgi.application"
AUTH_USER_MODEL = "interviewprep.User"

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
            # Replaces {% url %} in every template (interviewprep/templatetags/cached_url.py).
            "builtins": ["interviewprep.templatetags.cached_url"],
        },
    },
]

# SQLite by default (zero set-up); DATABASE_URL=postgres://... for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg's pool: without it a one-query view was measured 5x slower.
    # A pool of at most one connection (DB_POOL_MAX=1, one thread a worker) keeps one open.
    _pool_max = int(os.environ.get("DB_POOL_MAX", "10"))
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(int(os.environ.get("DB_POOL_MIN", "2")), _pool_max),
        "max_size": _pool_max,
        "timeout": 10,
    }
    # A search ranks the first matches a scan finds (questions/search.py). With synchronised
    # scans a sequential scan starts wherever another one is, so the same search could rank
    # other candidates on the next request, and its page 2 repeat or skip results.
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c synchronize_seqscans=off")
    # Parameters bound by the server, so that psycopg prepares the statements a connection
    # runs often (from the fifth time): a user's row took 0.24 ms a query without, 0.12 with.
    # Django leaves preparing off for external poolers; this pool is psycopg's own (with
    # PgBouncer in front, it needs max_prepared_statements, PgBouncer 1.21 or later).
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    # Tests use a file too: Django's default in-memory test database is shared-cache, where
    # concurrent connections fail with "database table is locked" instead of waiting on the
    # busy timeout as they do on the real file.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(BASE_DIR / "test.sqlite3"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 4.0.3 L1 (2.1.1): at least 12 characters.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Hosts whose images ``manage.py fetch_images`` may copy into media storage (host names,
# comma-separated), and the largest image it copies.
QUESTION_FIGURE_HOSTS = env_list("QUESTION_FIGURE_HOSTS")
QUESTION_FIGURE_MAX_BYTES = int(os.environ.get("QUESTION_FIGURE_MAX_BYTES", 5 * 1024 * 1024))

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
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

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "interviewprep.schema.AutoSchema",
    # Services' refusals (interviewprep.errors.DomainError) answer here, in one place.
    "EXCEPTION_HANDLER": "interviewprep.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Scoped throttles (ScopedRateThrottle on the views that name a scope).
    "DEFAULT_THROTTLE_RATES": {"grading": os.environ.get("GRADING_THROTTLE_RATE", "60/min")},
    # JSON bounded in size and depth (interviewprep/parsers.py); forms as DRF parses them.
    "DEFAULT_PARSER_CLASSES": [
        "interviewprep.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
# No request body the API takes nests deeper than this; 10,000 brackets overflowed json's stack.
API_JSON_MAX_DEPTH = 32
SPECTACULAR_SETTINGS = {
    "TITLE": "InterviewPrep API",
    "DESCRIPTION": "The LLM / multimodal interview question bank.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page is served from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Different choice sets share a field name ("kind", "reason", "status"); name them.
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "questions.models.Question.Kind",
        "QueueItemKindEnum": ["review", "changed", "new"],
        "FlagReasonEnum": "questions.models.EditorialFlag.Reason",
        "LearnerReportReasonEnum": "questions.editorial.flags.LEARNER_REASONS",
        "QuestionStatusEnum": "questions.models.Question.Status",
        "FlagStatusEnum": "questions.models.EditorialFlag.Status",
        "DifficultyEnum": "questions.models.Question.Difficulty",
        "ImportStatusEnum": "questions.models.ImportBatch.Status",
    },
}

# Cache and sessions: Redis when REDIS_URL is set (several app servers share it), otherwise
# the process's memory and the database. Every key and timeout: interviewprep/cache.py.
# WEB_CONCURRENCY is gunicorn's number of workers: with more than one, `check --deploy`
# refuses a per-process cache for signed-in users and sessions (interviewprep.E001, E002).
WEB_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY", "1"))
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The site's frame (navigation, language menu), rendered once per language and kind of
    # reader ({% cache ... using="frame" %} in templates/base.html). It depends on the
    # templates and translations alone, so each process keeps its own; so does the question
    # list's sidebar, keyed by the bank's generation and kept for a minute.
    "frame": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "frame",
        "TIMEOUT": None,
    },
}
if REDIS_URL:
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "interviewprep",
    }
    # Reads come from Redis; the database copy survives a Redis restart.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Background work (re-rendering and re-indexing the bank, notifications) goes through Django's
# tasks framework. It runs immediately in development and tests; production sets
# TASKS_BACKEND=database and runs `manage.py db_worker` beside the app servers.
if os.environ.get("TASKS_BACKEND", "immediate") == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Content Security Policy (Django's built-in CSP): no inline scripts, no eval.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *env_list("QUESTION_IMAGE_HOSTS")],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Remote images in the notes are shown as links unless the operator opts in to hot-linking
# them from the readers' browsers (changing it needs `manage.py load_bank --rerender`).
QUESTION_REMOTE_IMAGES = env_bool("QUESTION_REMOTE_IMAGES")
QUESTION_FIXTURES_DIR = BASE_DIR / "fixtures"

# Notes editors upload in the product (questions/editorial/imports.py): an upload over a limit
# is refused whole, naming the file, and nothing of it is stored.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(1024 * 1024)))
IMPORT_MAX_BATCH_BYTES = int(os.environ.get("IMPORT_MAX_BATCH_BYTES", str(4 * 1024 * 1024)))
IMPORT_MAX_FILES = int(os.environ.get("IMPORT_MAX_FILES", "20"))
# Images uploaded with the notes (PNG, JPEG, GIF, WebP): how many, and the largest one; their
# bytes count in IMPORT_MAX_BATCH_BYTES. One that is too large is refused alone.
IMPORT_MAX_IMAGES = int(os.environ.get("IMPORT_MAX_IMAGES", "100"))
IMPORT_MAX_IMAGE_BYTES = int(os.environ.get("IMPORT_MAX_IMAGE_BYTES", str(2 * 1024 * 1024)))

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Browsers accept a __Host- cookie only over HTTPS, for this host alone (no Domain) and
    # for every path, so no sibling subdomain can plant or overwrite it (ASVS 3.4.4).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Structured (JSON, one object per line) logs in production, for a log collector; plain text
# while developing. DJANGO_LOG_FORMAT=plain|json overrides.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("DJANGO_LOG_FORMAT", "plain" if DEBUG else "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # axes announces itself at every start; only its warnings are worth a line.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Accounts
# --------
# Sign-up/login/password reset (interviewprep/accounts.py, auth_urls.py), API tokens
# (interviewprep/api.py) and login throttling with django-axes (interviewprep/throttling.py).
# API tokens: knox (hashed, expiring). DRF's authtoken stays installed only so that the
# migration moving its tokens into knox can read them; drop it once that has run everywhere.
INSTALLED_APPS += ["rest_framework.authtoken", "knox", "axes"]
# Axes' middleware turns a throttled login into its lockout response; it must come last.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    # Refuses to check passwords for a throttled account or address; must come first.
    "axes.backends.AxesStandaloneBackend",
    "interviewprep.backends.RoleAwareModelBackend",
]
# Token first: DRF takes the WWW-Authenticate challenge from the first class, so anonymous API
# requests get 401 rather than 403. Browsers still authenticate with their session.
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "interviewprep.authentication.ExpiringTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
# An API token works this long after it was issued; signing in again then gives a new one.
API_TOKEN_TTL = timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "30")))
REST_KNOX = {"TOKEN_TTL": API_TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}

# The name authenticator apps show beside the admin's codes (accounts.two_factor).
OTP_TOTP_ISSUER = "InterviewPrep"

# The 6th failed login within 15 minutes, per account and (separately) per client address,
# is refused; the block lifts by itself 15 minutes after the last counted failure.
# interviewprep/ratelimit.py: scope -> (per account, per address, window in seconds). An
# address is shared by an office or a campus, so it gets more than one account.
RATE_LIMITS = {
    "signup": (5, 20, 3600),
    "password_reset": (5, 20, 3600),
    "report": (20, 100, 3600),
    "upload": (30, 150, 3600),
    "fetch_images": (30, 150, 3600),
    "grading": (120, 600, 3600),
}
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Locked: an (account, address) pair after 5 failures, an account after 10 from any
# addresses, a whole address after 50 across accounts (interviewprep/throttling.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
LOGIN_FAILURE_LIMITS = [AXES_FAILURE_LIMIT, 2 * AXES_FAILURE_LIMIT, 10 * AXES_FAILURE_LIMIT]
# Refused attempts during a block do not extend it, so it really lifts after 15 minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # what Django's login form and authenticate() call it
AXES_USERNAME_CALLABLE = "interviewprep.throttling.normalised_username"
AXES_HANDLER = "interviewprep.throttling.LoginAttemptHandler"
AXES_LOCKOUT_CALLABLE = "interviewprep.throttling.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Successful logins need no audit table of their own.
AXES_DISABLE_ACCESS_LOG = True
# The client address is REMOTE_ADDR. Behind a reverse proxy, point AXES_CLIENT_IP_CALLABLE at
# a function reading the proxy's header, or every visitor shares the proxy's address.

# Password reset mail: printed to the console unless an SMTP server is configured. Django 6.1's
# MAILERS replaces the deprecated EMAIL_BACKEND/EMAIL_HOST/... settings.
if os.environ.get("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["EMAIL_HOST"],
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "InterviewPrep <noreply@localhost>")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for one day

# Practice: a learner's own FSRS parameters are fitted once they have this many reviews (FSRS's
# guidance: a few hundred), again when the last fit is this many days old.
PRACTICE_OPTIMIZE_MIN_REVIEWS = int(os.environ.get("PRACTICE_OPTIMIZE_MIN_REVIEWS", "400"))
PRACTICE_OPTIMIZE_EVERY_DAYS = 7
# A day counts toward the practice streak with at least this many reviews.
PRACTICE_STREAK_MIN_REVIEWS = int(os.environ.get("PRACTICE_STREAK_MIN_REVIEWS", "5"))
# The site's address, for links in emails sent outside a request (the daily reminder).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
