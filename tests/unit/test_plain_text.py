"""ui.text.plain: whatever a person typed renders as that same text, never as markup."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from ui.text import WORD_JOINER, badge, plain

# CommonMark plus GitHub's strikethrough and tables, as Streamlit's markdown reads them.
MD = MarkdownIt("commonmark").enable(["strikethrough", "table"])

TYPED = [
    "**Negrito**",
    "__também__",
    "*itálico* e _itálico_",
    "[pague aqui](https://exemplo.invalid)",
    "![img](https://exemplo.invalid/x.png)",
    "<https://exemplo.invalid>",
    "# Título",
    "## Subtítulo",
    "> citação",
    "- item",
    "+ item",
    "1. item",
    "`código`",
    "~~riscado~~",
    "| a | b |",
    '=HYPERLINK("http://exemplo.invalid","x")',
    "&amp; &lt;b&gt;",
    "<b>html</b>",
    "a\\*b",
    "FINANCEIRO",
    "João da Silva (404.630.972-54)",
    "R$ 1.234,56",
    "  - item recuado",
    "12) item",
    "Cabeçalho\n===",
    "linha 1\n> citação",
    "https://exemplo.invalid e www.exemplo.invalid e contato@exemplo.invalid",
]


# Streamlit's own syntax on top of markdown: colours, icons and LaTeX.
def _as_html_text(text: str) -> str:
    """How markdown-it writes literal text: &, <, > and " escaped."""
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")):
        text = text.replace(a, b)
    return f"<p>{text}</p>"


STREAMLIT_SYNTAX = [
    ":red[vermelho]",
    ":material/warning: alerta",
    "$x^2$",
    ":smile:",
    "R$ 1 e R$ 2",
]


@pytest.mark.parametrize("typed", TYPED)
def test_markdown_renders_what_was_typed_and_nothing_else(typed):
    rendered = MD.render(plain(typed)).strip().replace(WORD_JOINER, "")  # an invisible joiner
    assert rendered == _as_html_text(typed.strip())  # a paragraph drops its leading spaces


@pytest.mark.parametrize("typed", STREAMLIT_SYNTAX)
def test_streamlit_directives_lose_their_trigger_characters(typed):
    escaped = plain(typed)
    assert any(f"\\{trigger}" in escaped for trigger in (":", "[", "$"))
    assert MD.render(escaped).strip().replace(WORD_JOINER, "") == _as_html_text(typed)


@pytest.mark.parametrize(
    "message",
    [
        "Ana Carolina Souza",
        "Desconto de R$\xa00,50 aprovado.",
        "O desconto (R$\xa0103,23) passa de uma mensalidade (R$\xa099,90).",
        "Atendimento assumido com sucesso!",
        "Este atendimento já foi assumido por Sara Supervisora às 14:30 de 30/11/2026.",
        "Nome: já existe o departamento Suporte.",
        "Assumir em lote: 2 assumidos, 1 recusado.",
        "Cliente (404.630.972-54) - contrato 2440",
    ],
)
def test_a_sentence_without_markup_comes_back_unchanged(message):
    # The app's own messages are shown through plain() too; they must read as before.
    assert plain(message) == message


def test_bare_links_and_emails_are_broken_by_an_invisible_joiner():
    # GitHub-flavoured markdown links "https://…", "www.…" and "name@host" even when escaped
    # (seen in Chromium); a word joiner inside each keeps the text and drops the link.
    escaped = plain("https://exemplo.invalid www.exemplo.invalid contato@exemplo.invalid")
    assert escaped == (
        f"https{WORD_JOINER}://exemplo.invalid www{WORD_JOINER}.exemplo.invalid "
        f"contato{WORD_JOINER}@exemplo.invalid"
    )


def test_a_badge_label_is_escaped_once():
    assert badge("[SUPORTE](https://x)") == f":gray-badge[\\[SUPORTE\\](https{WORD_JOINER}://x)]"


def test_non_strings_are_shown_as_text():
    assert plain(42) == "42"
