"""Settings for Registry, read from the environment.

Development needs no configuration at all: SQLite under ./var, a local master key file
that is created on first use, console e-mail. Production (DEBUG=0) refuses to start
without a real SECRET_KEY and a master key, so a deployment cannot run on demo secrets.
"""

import os
import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from registry.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REGISTRY_VAR_DIR", str(BASE_DIR / "var")))
TESTING = "pytest" in sys.modules or env_bool("REGISTRY_TESTING", False)

DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "django-insecure-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
MASTER_KEY_FILE = env_str("REGISTRY_MASTER_KEY_FILE", str(VAR_DIR / "master.key"))
MASTER_KEY = env_str("REGISTRY_MASTER_KEY", "")
# Only development and tests may create a master key file on first use. (The test
# runner forces DEBUG off, so this is decided here, from the environment.)
CREATE_MISSING_MASTER_KEY = DEBUG or TESTING

if not DEBUG:
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "DEBUG=0 needs a real SECRET_KEY (at least 40 random characters). "
            'Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not MASTER_KEY and "REGISTRY_MASTER_KEY_FILE" not in os.environ:
        raise ImproperlyConfigured(
            "DEBUG=0 needs a master key: set REGISTRY_MASTER_KEY (base64 of 32 random bytes) "
            "or REGISTRY_MASTER_KEY_FILE (a key file made by `manage.py vault init-key`). "
            "The development key under ./var is refused in production."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "oauth2_provider",
    "apps.accounts",
    "apps.vault",
    "apps.audit",
    "apps.programs",
    "apps.registrations",
    "apps.appointments",
    "apps.console",
    "apps.biometrics",
    "apps.proofs",
    "apps.rights",
    "apps.retention",
    "apps.transparency",
    "apps.partners",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware, so that its refusal is in the reader's language.
    "registry.middleware.JsonContentTypeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Issue 15: a page that needs a program not yet approved explains, with a 503.
    "apps.programs.middleware.ProgramNotInForceMiddleware",
    # Last, as django-axes requires: it answers locked-out sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "registry.urls"
WSGI_APPLICATION = "registry.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "registry" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.accounts.context_processors.role",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'registry.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no ./var yet; SQLite creates the file but not its folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "registrations:home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = (
    # Tests create many accounts; argon2 is deliberately slow, so tests use MD5 only.
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "registry" / "static"]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "registry@localhost")

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Names longer than this are refused by the form; the request limit is a second line.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
# Uploads (photos, fingerprints, evidence, partner probes) are personal data: they stay in
# memory and never touch a temporary file. A request larger than this loses its files
# (the endpoint then says the file is missing) instead of being spooled to disk.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 20 * 1024 * 1024)

TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

REGISTRY_PROGRAMS_DIR = Path(env_str("REGISTRY_PROGRAMS_DIR", str(BASE_DIR / "programs")))
REGISTRY_DEFAULT_PROGRAM = env_str("REGISTRY_DEFAULT_PROGRAM", "us-2025")
# Partner agencies get short-lived bearer tokens for their agreement's client
# (OAuth 2.0 client credentials); client secrets are stored hashed.
OAUTH2_PROVIDER = {
    "SCOPES": {"partner": "Query the register under a data-sharing agreement"},
    "DEFAULT_SCOPES": ["partner"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("PARTNER_TOKEN_SECONDS", 600),
    "PKCE_REQUIRED": True,
}

# Biometric search indexes (face ANN, fingerprint candidates) persist here, one
# directory per index; they hold templates only, never images.
BIOMETRICS_INDEX_DIR = Path(env_str("REGISTRY_BIOMETRICS_INDEX_DIR", str(VAR_DIR / "biometrics")))
REGISTRY_KEY_PROVIDER = env_str("REGISTRY_KEY_PROVIDER", "apps.vault.keyprovider.LocalKeyProvider")
# Public statistics (apps.transparency, docs/statistics.md): differential privacy
# budget (epsilon, decimal strings), small-cell suppression and rounding of released
# counts, and how many records of one person a table counts at most.
STATISTICS_RELEASE_EPSILON = env_str("STATISTICS_RELEASE_EPSILON", "1.0")
STATISTICS_YEARLY_EPSILON = env_str("STATISTICS_YEARLY_EPSILON", "12.0")
STATISTICS_SUPPRESSION_THRESHOLD = env_int("STATISTICS_SUPPRESSION_THRESHOLD", 10)
STATISTICS_ROUNDING = env_int("STATISTICS_ROUNDING", 5)
STATISTICS_CONTRIBUTION_BOUND = env_int("STATISTICS_CONTRIBUTION_BOUND", 1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# Links in e-mails need the public address of the site.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The `iss` of proofs of registration (apps.proofs); empty means SITE_URL's host name.
# At most 24 characters keep a proof's QR code at version 12 (docs/proofs.md).
PROOF_ISSUER = env_str("REGISTRY_PROOF_ISSUER", "")
EMAIL_VERIFICATION_MAX_AGE_SECONDS = env_int("EMAIL_VERIFICATION_MAX_AGE_SECONDS", 3 * 24 * 3600)
# Inactive (unverified) accounts reach the login form's own check, which tells them to
# verify their e-mail instead of claiming the password is wrong.
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.AllowAllUsersModelBackend",
]
# Repeated failed sign-ins lock the account name, and separately the address they come
# from, for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Registry")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# Every expungement is also journalled OUTSIDE the database (apps.retention), so that a
# restored backup can be brought back into line (`manage.py retention replay-journal`)
# before it serves anyone. Keep it on storage that is backed up apart from the database.
# Tests write a journal of their own per process, never the development one.
REGISTRY_EXPUNGEMENT_JOURNAL = Path(
    env_str(
        "REGISTRY_EXPUNGEMENT_JOURNAL",
        str(
            Path(tempfile.gettempdir()) / f"registry-test-expungements-{os.getpid()}.jsonl"
            if TESTING
            else VAR_DIR / "expungements.jsonl"
        ),
    )
)

# Background work that survives crashes (issue 20; docs/operations.md, "Processes").
# apps.jobs goes before django_tasks_db so that its `db_worker` (which outlives database
# outages and holds a lease on each task) replaces the package's own command.
INSTALLED_APPS.insert(INSTALLED_APPS.index("django_tasks"), "apps.jobs")
INSTALLED_APPS.append("apps.outbox")
# A task whose worker has not said it is alive for this long is queued again; a task
# tried this many times (its worker kept dying) is failed instead.
TASK_LEASE_SECONDS = env_int("REGISTRY_TASK_LEASE_SECONDS", 60)
TASK_MAX_ATTEMPTS = env_int("REGISTRY_TASK_MAX_ATTEMPTS", 5)
# Longest pause between two reconnection attempts while the database is down.
WORKER_MAX_BACKOFF_SECONDS = env_int("REGISTRY_WORKER_MAX_BACKOFF_SECONDS", 30)
TASK_RESULT_KEEP_DAYS = env_int("REGISTRY_TASK_RESULT_KEEP_DAYS", 14)
JOB_RUN_KEEP_DAYS = env_int("REGISTRY_JOB_RUN_KEEP_DAYS", 30)
# Moves jobs of the product's schedule (apps/jobs/schedule.py), as JSON:
# '{"retention": "30 2 * * *"}'. Times are in TIME_ZONE.
JOB_SCHEDULE_OVERRIDES = env_str("REGISTRY_JOB_SCHEDULE", "")
SCHEDULER_CATCH_UP_HOURS = env_int("REGISTRY_SCHEDULER_CATCH_UP_HOURS", 24)
# Messages to people: channel name -> class with send(message, content).
OUTBOX_CHANNELS = {"email": "apps.outbox.channels.EmailChannel"}
OUTBOX_MAX_ATTEMPTS = env_int("REGISTRY_OUTBOX_MAX_ATTEMPTS", 12)  # about 8 hours of retries
OUTBOX_KEEP_DAYS = env_int("REGISTRY_OUTBOX_KEEP_DAYS", 30)
# A mail server that never answers must not hold a message's claim for ever.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# How many activation or password-reset e-mails one account can be sent in an hour.
ACCOUNT_MESSAGES_PER_HOUR = env_int("REGISTRY_ACCOUNT_MESSAGES_PER_HOUR", 3)
