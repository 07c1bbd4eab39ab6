"""Text people typed (names, subjects, departments, canned responses, messages), made safe for
the Streamlit elements that render markdown: st.markdown, st.subheader, st.caption, st.badge and
the alert boxes. Without it a subject named `**X**` turns bold, `[pague aqui](https://…)` turns
into a live link, `:red[…]` into colour and `$…$` into a formula.

`plain(value)` puts a backslash before each character that could start markup where it stands
(a backslash before punctuation shows the punctuation itself), so the text reads exactly as it
was typed, and a sentence with no markup comes back unchanged ("Desconto de R$ 0,50 aprovado."
stays as it is). Use it for values only, never for the app's own markdown around them.

st.badge escapes its label's brackets itself, so a typed badge label goes through
`badge(label)`, which writes the same `:color-badge[…]` directive with plain() inside.
"""

from __future__ import annotations

import re

_ANYWHERE = r"[\\`*_\[\]<~|]"  # escapes, code, emphasis, links and images, HTML, strike, tables
# headings, quotes, bullets and setext underlines, at a line's start (up to 3 spaces in)
_LINE_START = r"(?:(?<=^)|(?<=^ )|(?<=^  )|(?<=^   ))[#>+=-]"
_NUMBERED = r"(?:(?<=^\d)|(?<=^\d\d)|(?<=^\d\d\d))[.)]"  # "1. item", "12) item"
_SHORTCODE = r":(?=[A-Za-z][\w+/-]*[:\[])"  # Streamlit's :emoji:, :material/icon: and :red[…]
_ENTITY = r"&(?=#?\w+;)"
_ESCAPE = re.compile(
    "|".join((_ANYWHERE, _LINE_START, _NUMBERED, _SHORTCODE, _ENTITY)), re.MULTILINE
)
# GitHub's bare-link autolinks ("https://", "www.", "name@host") are found after escapes are
# read, so a backslash does not stop them (seen in Chromium): an invisible WORD JOINER (U+2060)
# between the characters does.
_AUTOLINK = re.compile(
    r"(?i:(?<=https)|(?<=http)|(?<=ftp))(?=://)|(?<=\bwww)(?=\.\w)|(?<=\w)(?=@\w)"
)
WORD_JOINER = "\u2060"
# A $ followed by a no-break space, as fmt.brl writes "R$ 1,00", opens no formula (seen in
# Chromium), so the app's own money messages pass through unchanged.
_DOLLAR = re.compile("\\$(?!\xa0)")


def plain(value: object) -> str:
    """`value` as text that markdown shows literally."""
    text = _ESCAPE.sub(lambda m: "\\" + m.group(0), str(value))
    text = _AUTOLINK.sub(WORD_JOINER, text)
    if text.count("$") >= 2:  # one $ never opens a formula; two can ("R$ 1 e R$ 2")
        text = _DOLLAR.sub(r"\\$", text)
    return text


def badge(label: object, color: str = "gray") -> str:
    """A `:color-badge[…]` directive for st.markdown whose label is `label` as typed (st.badge
    would escape the brackets a second time and show the backslashes)."""
    return f":{color}-badge[{plain(label)}]"
