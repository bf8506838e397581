"""`manage.py check --deploy` passes with the production settings of docs/operations.md."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_documented_production_environment_passes_the_deployment_check():
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        OPORA_PRODUCTION="1",
        SECRET_KEY="a-long-random-secret-key-for-the-test-only-0123456789-abcdefghijkl",
        ALLOWED_HOSTS="opora.example.ru",
        CSRF_TRUSTED_ORIGINS="https://opora.example.ru",
        CACHE_BACKEND="db",
        OPORA_CLIENT_IP_HEADER="HTTP_X_REAL_IP",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
