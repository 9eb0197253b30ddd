"""Settings, read from the environment (see docs/ARCHITECTURE.md, "Configuration")."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from laoyuan.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LAOYUAN_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-dev-only-key" if DEBUG else None)
# Key for personal data at rest (ID numbers, phones): 32 bytes, urlsafe base64.
LAOYUAN_DATA_KEY = env_str("LAOYUAN_DATA_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
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
    "ninja",  # serves the API docs' Swagger UI from local static files instead of a CDN
    "laoyuan.core",
    "laoyuan.registry",
    "laoyuan.voices",
    "laoyuan.decisions",
    "laoyuan.notices",
    "laoyuan.cases",
    "laoyuan.open311",
    "laoyuan.renewal",
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
]

ROOT_URLCONF = "laoyuan.urls"
WSGI_APPLICATION = "laoyuan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "laoyuan.core.context_processors.workspace",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'laoyuan.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(env_str("DATABASE_URL", _default_db))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Chinese first, English second. Message ids are written in Chinese (see ARCHITECTURE.md).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "laoyuan" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
LAOYUAN_IMPORT_MAX_BYTES = env_int("LAOYUAN_IMPORT_MAX_BYTES", 50 * 1024 * 1024)

TASKS = {
    "default": {
        "BACKEND": env_str("LAOYUAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# E-mail: notifications are e-mailed only when a mail server is configured (EMAIL_HOST).
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "laoyuan@localhost")
LAOYUAN_EMAIL_NOTIFICATIONS = bool(EMAIL_HOST)
# Where links in e-mails point.
LAOYUAN_SITE_URL = env_str("LAOYUAN_SITE_URL", "http://127.0.0.1:8000")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Public notices (公示): attachments per notice and the size of each (bytes).
LAOYUAN_NOTICE_MAX_ATTACHMENTS = env_int("LAOYUAN_NOTICE_MAX_ATTACHMENTS", 10)
LAOYUAN_NOTICE_ATTACHMENT_MAX_BYTES = env_int(
    "LAOYUAN_NOTICE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024
)
if LAOYUAN_NOTICE_MAX_ATTACHMENTS < 0 or LAOYUAN_NOTICE_ATTACHMENT_MAX_BYTES < 1:
    raise ImproperlyConfigured(
        "LAOYUAN_NOTICE_MAX_ATTACHMENTS must be 0 or more and "
        "LAOYUAN_NOTICE_ATTACHMENT_MAX_BYTES at least 1."
    )
# Periodic tasks (定时任务): `laoyuan worker` enqueues each (dotted path of a django-tasks task,
# seconds between runs) once per period, however many workers run (core.ScheduledTask).
LAOYUAN_PERIODIC_TASKS = [
    ("laoyuan.cases.tasks.sweep_deadlines", env_int("LAOYUAN_CASES_SWEEP_SECONDS", 60)),
    # Public notices whose period has ended close with their record (every five minutes).
    ("laoyuan.notices.tasks.close_due_notices", env_int("LAOYUAN_NOTICES_CLOSE_SECONDS", 300)),
    # Rectification items of renovation projects past their deadline: their recorders are told
    # once a day.
    ("laoyuan.renewal.tasks.remind_overdue", env_int("LAOYUAN_RENEWAL_REMIND_SECONDS", 86400)),
]

# Open311 GeoReport v2 (laoyuan.open311): the discovery document's contact line, and whether the
# endpoint is "production" (requests are acted upon) or "test".
LAOYUAN_OPEN311_CONTACT = env_str(
    "LAOYUAN_OPEN311_CONTACT", "请联系本辖区街道办事处或社区居委会的工作人员（老院平台）。"
)
LAOYUAN_OPEN311_ENDPOINT_TYPE = env_str("LAOYUAN_OPEN311_ENDPOINT_TYPE", "production")
if LAOYUAN_OPEN311_ENDPOINT_TYPE not in ("production", "test"):
    raise ImproperlyConfigured(
        "LAOYUAN_OPEN311_ENDPOINT_TYPE must be production or test, "
        f"not {LAOYUAN_OPEN311_ENDPOINT_TYPE!r}"
    )
