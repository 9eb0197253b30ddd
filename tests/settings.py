"""Test settings: the real settings, with test keys and fast password hashing.

DATABASE_URL picks the database (unset: SQLite; `make test` also runs the suite on PostgreSQL)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("LAOYUAN_DATA_KEY", "dGVzdC1kYXRhLWtleS10ZXN0LWRhdGEta2V5LTEyMzQ")
os.environ.setdefault("LAOYUAN_VAR_DIR", tempfile.mkdtemp(prefix="laoyuan-test-"))
os.environ.setdefault("LAOYUAN_TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from laoyuan.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
os.makedirs(STATIC_ROOT, exist_ok=True)  # noqa: F405 (whitenoise warns when it is missing)
