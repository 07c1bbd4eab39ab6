"""The login cookie's script: its flags, and nothing but an app-generated token inside it."""

from __future__ import annotations

import pytest

from ui import cookies


@pytest.mark.parametrize("https", [True, False])
def test_flags(monkeypatch, https):
    monkeypatch.setattr(cookies, "_secure", lambda: https)
    script = cookies._script("abc_DEF-123", 43200)
    assert script == (
        '<script>document.cookie = "desconto_sessao=abc_DEF-123; Max-Age=43200; Path=/; '
        "SameSite=Strict" + ("; Secure" if https else "") + '";</script>'
    )


@pytest.mark.parametrize("value", ['x"; alert(1); "', "a b", "<script>", "", "x" * 101])
def test_only_a_token_goes_into_the_script(value):
    with pytest.raises(ValueError):
        cookies.write(value, 60)
