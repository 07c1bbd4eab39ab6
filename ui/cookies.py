"""The login cookie, set and cleared from the browser.

Streamlit reads cookies (`st.context.cookies`, those the browser sent when the page was loaded)
but has no API to set one. Rather than a third-party component (see the README: the maintained
ones are iframes bundling a React app for one line of JavaScript), this writes `document.cookie`
with `st.html(..., unsafe_allow_javascript=True)`, which runs in the app's own page. Only
values the app generated go into the script (a token of URL-safe base64 characters), never
anything a person typed.

Flags: SameSite=Strict (no other site's page can send it), Path=/, Max-Age of the session, and
Secure when the page is served over https. JavaScript cannot set HttpOnly.
"""

from __future__ import annotations

import re

import streamlit as st

NAME = "desconto_sessao"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")


def sent() -> str | None:
    """The cookie's value as the browser sent it when this tab was loaded."""
    value = st.context.cookies.get(NAME)
    return value if isinstance(value, str) and _TOKEN.fullmatch(value) else None


def _secure() -> bool:
    url = st.context.url
    return isinstance(url, str) and url.startswith("https://")


def _script(value: str, max_age: int) -> str:
    flags = f"Max-Age={max_age}; Path=/; SameSite=Strict" + ("; Secure" if _secure() else "")
    return f'<script>document.cookie = "{NAME}={value}; {flags}";</script>'


def write(token: str, max_age_seconds: int) -> None:
    """Have the browser keep `token` (an app-generated token only)."""
    if not _TOKEN.fullmatch(token):
        raise ValueError("not a session token")
    st.html(_script(token, max_age_seconds), unsafe_allow_javascript=True, width="content")


def clear() -> None:
    """Have the browser forget the cookie."""
    st.html(_script("", 0), unsafe_allow_javascript=True, width="content")
