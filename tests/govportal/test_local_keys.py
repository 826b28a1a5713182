"""The keys `make run` generates under .local/ are readable by their owner only (0600)."""

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_keys_are_private(tmp_path):
    script = (f'source "{ROOT}/scripts/lib.sh"; LOCAL="{tmp_path}"; PY="{sys.executable}"; '
              "unset DJANGO_SECRET_KEY FIELD_ENCRYPTION_KEY; ensure_secret_key; ensure_field_encryption_key")
    (tmp_path / "secret_key").write_text("old-key\n")
    (tmp_path / "secret_key").chmod(0o644)  # a key left readable by an older version is tightened
    subprocess.run(["bash", "-c", script], check=True, env={"PATH": os.environ["PATH"]})
    for name in ("secret_key", "field_encryption_key"):
        key = tmp_path / name
        assert stat.S_IMODE(key.stat().st_mode) == 0o600, name
        assert key.read_text().strip()
    assert (tmp_path / "secret_key").read_text() == "old-key\n"  # kept, not regenerated
