"""The login page's first run imports only what it needs (issue 17: first login page drawn in
under 3 s). pandas (with numpy and pyarrow), altair and Streamlit's emoji catalogue (a regex of
every emoji, compiled on import) took most of the first script run; they now wait until a page
after the login needs them. Checked in a fresh interpreter, where nothing was imported before."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "pyarrow", "altair", "streamlit.emojis")

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from lib.store import Store
    from lib.store import staff as staff_store
    from tests.fixtures import password_hash

    store = Store(os.environ["DESCONTO_DB"])
    store.migrate()
    with store.transaction() as cur:
        staff_store.insert_staff(
            cur, username="maria", name="Maria", role="supervisor", password_hash=password_hash()
        )
    store.close()
    before = [m for m in HEAVY if m in sys.modules]

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.text_input(key="login_user") is not None  # the login form was drawn
    print(json.dumps({"before": before, "after": [m for m in HEAVY if m in sys.modules]}))
    """
)


def test_login_page_imports_no_heavy_module(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DESCONTO_DB": str(tmp_path / "s.duckdb"),
        "DESCONTO_DEMO": "0",
        "DESCONTO_BACKUP_EVERY_MIN": "0",
        "DESCONTO_BACKUP_DIR": str(tmp_path / "backups"),
    }
    code = f"ROOT = {str(ROOT)!r}\nHEAVY = {HEAVY!r}\n" + SCRIPT
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == []  # the harness itself imported none of them
    assert seen["after"] == [], f"the login page imported {seen['after']}"
