"""The health check reports the database; settings fail loudly on bad environment values."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from laoyuan.env import env_bool, env_int, env_list, env_str


def test_healthz_reports_database_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["status"] == "ok"


def test_env_helpers_fail_loudly(monkeypatch):
    monkeypatch.delenv("LAOYUAN_X", raising=False)
    with pytest.raises(ImproperlyConfigured, match="LAOYUAN_X"):
        env_str("LAOYUAN_X")
    monkeypatch.setenv("LAOYUAN_X", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("LAOYUAN_X")
    with pytest.raises(ImproperlyConfigured):
        env_int("LAOYUAN_X", 1)
    monkeypatch.setenv("LAOYUAN_X", "a, b,,c")
    assert env_list("LAOYUAN_X", []) == ["a", "b", "c"]
    monkeypatch.setenv("LAOYUAN_X", "yes")
    assert env_bool("LAOYUAN_X") is True


def test_settings_refuse_to_start_without_secret_key(tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "LAOYUAN_DATA_KEY": "x" * 43, "LAOYUAN_VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']="
            "'laoyuan.settings'; django.setup()",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
