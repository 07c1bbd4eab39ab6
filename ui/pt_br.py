"""Brazilian Portuguese for the parts of the screen Streamlit writes itself.

Widgets take pt-BR through their own arguments where Streamlit offers one: the constants below
(`placeholder=pt_br.CHOOSE`, `format=pt_br.DATE_FORMAT`). What Streamlit 1.67 writes with no
argument or setting to change it ("No results", "Press Enter to submit form", "(required)",
the date fields' "yyyy" and range error, aria labels and tooltips) is rewritten in the browser
by `install()`: one small script, run once per tab, that swaps those exact phrases (TEXT,
LABELS, PATTERNS) for pt-BR whenever they appear. It never touches what people typed: text
inside the app's own elements (markdown, text, code, tables, alerts) is left as it is.
README, "Portuguese interface", lists what stays in English and why.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import streamlit as st

# Widget arguments (Streamlit has no global default for any of them).
CHOOSE = "Selecione"  # st.selectbox(..., placeholder=CHOOSE) when it may show no value
CHOOSE_MANY = "Selecione um ou mais"  # st.multiselect(..., placeholder=CHOOSE_MANY)
DATE_FORMAT = "DD/MM/YYYY"  # st.date_input / st.datetime_input(..., format=DATE_FORMAT)

# Whole phrases Streamlit writes as text (and sometimes as placeholders or labels).
TEXT: dict[str, str] = {
    # select boxes and multiselects
    "Choose an option": "Selecione",
    "Choose options": "Selecione um ou mais",
    "Choose or add an option": "Selecione ou digite",
    "Choose or add options": "Selecione ou digite",
    "Add an option": "Digite uma opção",
    "Add options": "Digite as opções",
    "No options to select": "Nenhuma opção disponível",
    "No results": "Nenhum resultado",
    "Select all": "Selecionar todos",
    # text inputs and forms
    "Press Enter to submit form": "Pressione Enter para enviar",
    "Press Enter to apply": "Pressione Enter para aplicar",
    "Press Ctrl+Enter to submit form": "Pressione Ctrl+Enter para enviar",
    "Press Ctrl+Enter to apply": "Pressione Ctrl+Enter para aplicar",
    "Press ⌘+Enter to submit form": "Pressione ⌘+Enter para enviar",
    "Press ⌘+Enter to apply": "Pressione ⌘+Enter para aplicar",
    "(required)": "(obrigatório)",
    # date inputs (the fields' placeholders are "dd", "mm" and "yyyy")
    "yyyy": "aaaa",
    "Select...": "Selecione…",
    "Date range": "Período",
    "Past Week": "Última semana",
    "Past Month": "Último mês",
    "Past 3 Months": "Últimos 3 meses",
    "Past 6 Months": "Últimos 6 meses",
    "Past Year": "Último ano",
    "Past 2 Years": "Últimos 2 anos",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.": (
        "Use as setas para mudar de dia, Enter para escolher e Esc para fechar."
    ),
    # data grids (st.dataframe)
    "Sort ascending": "Ordem crescente",
    "Sort descending": "Ordem decrescente",
    "Autosize": "Ajustar largura",
    "Pin column": "Fixar coluna",
    "Unpin column": "Soltar coluna",
    "Hide column": "Ocultar coluna",
    "No data": "Sem dados",
    # file uploaders (issue 14: Importar do IXC, Faturamento)
    "Upload": "Enviar arquivo",
    # charts
    "Show data": "Ver dados",
    "Show chart": "Ver gráfico",
    # the frame around every page
    "Skip to main content": "Ir para o conteúdo",
    "Page not found": "Página não encontrada",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "Este endereço não existe. Abrindo a página inicial."
    ),
    "Running...": "Processando…",
    "Stop": "Parar",
    "Stopping...": "Parando…",
    "Connecting": "Conectando",
    "Please wait...": "Aguarde…",
    "Connection error": "Sem conexão com o servidor",
    "Streamlit server is not responding. Are you connected to the internet?": (
        "O servidor não responde. Verifique a conexão com a internet."
    ),
    "Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in "
    "your terminal:": "O servidor não responde. Se o problema continuar, avise o suporte.",
    "Connection timed out.": "A conexão expirou.",
    "Connection lost. Please wait for the app to reconnect, then try again.": (
        "Conexão perdida. Aguarde a reconexão e tente de novo."
    ),
}

# Labels read by screen readers and shown as tooltips (aria-label, title); single words here
# would be too common to rewrite in running text, so they apply to attributes only. None holds
# a word the app's own labels use ("Senha", "Buscar", "Sair"…): a browser test that looks a
# control up by part of its name must not find Streamlit's as well.
LABELS: dict[str, str] = {
    "Main menu": "Menu principal",
    "Link to heading": "Link para este título",
    "Show password": "Mostrar os caracteres",
    "Hide password": "Ocultar os caracteres",
    "Close": "Fechar",
    "Dismiss": "Fechar",
    "Open": "Mostrar as opções",
    "Collapse sidebar": "Recolher o menu",
    "Expand sidebar": "Abrir o menu",
    "Sidebar": "Menu",
    "App pages": "Páginas",
    "Notifications": "Notificações",
    "Clear value": "Limpar o campo",
    "Clear entry": "Limpar o campo",
    "Clear all": "Limpar tudo",
    "Clear selection": "Limpar seleção",
    "Clear date": "Limpar data",
    "Clear dates": "Limpar datas",
    "Clear date and time": "Limpar data e hora",
    "Selectbox options": "Opções",
    "Multiselect options": "Opções",
    "Selected values": "Selecionados",
    "Choose date": "Escolher data",
    "Choose date range": "Escolher período",
    "Choose date and time": "Escolher data e hora",
    "Quick select a date range": "Períodos prontos",
    "Calendar": "Calendário",
    "Previous month": "Mês anterior",
    "Next month": "Próximo mês",
    "Help": "Ajuda",
    "Decrement": "Diminuir",
    "Increment": "Aumentar",
    "Show/hide columns": "Mostrar ou ocultar colunas",
    "Download as CSV": "Baixar CSV",
    "Search": "Procurar na tabela",
    "Close Search": "Fechar a procura",
    "Next Result": "Próximo resultado",
    "Previous Result": "Resultado anterior",
    "Fullscreen": "Tela cheia",
    "Close fullscreen": "Fechar a tela cheia",
    "Dataframe column menu": "Menu da coluna",
    "Copy column name": "Copiar nome da coluna",
    "Format": "Formato",
    "Download as PNG": "Baixar PNG",
    "Copy Vega-Lite spec": "Copiar a definição do gráfico",
    "Copy to clipboard": "Copiar",
}

# Phrases with a variable part: (JavaScript regular expression, replacement).
PATTERNS: list[tuple[str, str]] = [
    (r"^1 option available\.$", "1 opção disponível."),
    (r"^(\d+) options available\.$", "$1 opções disponíveis."),
    (r"^Select (\d+) matches$", "Selecionar os $1 resultados"),
    (r"^Help for (.+)$", "Ajuda: $1"),
    (r"^Remove (.+)$", "Remover $1"),
    (r"^Add: (.+)$", "Incluir: $1"),
    (r"^day, (.+)$", "dia, $1"),  # the date fields' parts ("month, Aberto de")
    (r"^month, (.+)$", "mês, $1"),
    (r"^year, (.+)$", "ano, $1"),
    (r"^hour, (.+)$", "hora, $1"),
    (r"^minute, (.+)$", "minuto, $1"),
    (r"^(.+) start date$", "$1: data inicial"),
    (r"^(.+) end date$", "$1: data final"),
    (r"^Choose date range, (.+)$", "Escolher período, $1"),
    (r"^Choose date, (.+)$", "Escolher data, $1"),
    (r"^(\S+) per file • (.+)$", "até $1 por arquivo • $2"),  # file uploaders
    (r"^(\S+) per file$", "até $1 por arquivo"),
    (
        r"^You have requested page /(.+), but no corresponding file was found in the app's "
        r"pages/ directory\. Running the app's main page\.$",
        "O endereço /$1 não existe. Abrindo a página inicial.",
    ),
]


def _range_errors() -> list[tuple[str, str]]:
    """The date fields' out-of-range error. In the field it is one text ("Error: Date set outside
    allowed range. Please select a date between A and B."); its tooltip is markdown, so there
    the bold "Error" (pt_br.js rewrites it) and the rest (": Date set…") are two texts."""
    found: list[tuple[str, str]] = []
    for prefix, prefix_pt in (("Error: ", "Erro: "), (": ", ": ")):
        for what, what_pt in (("date", "data"), ("date and time", "data e hora")):
            for tail, tail_pt in (
                ("between (.+) and (.+)", "entre $1 e $2"),
                ("on or after (.+)", "a partir de $1"),
                ("on or before (.+)", "até $1"),
            ):
                found.append(
                    (
                        rf"^{prefix}{what.capitalize()} set outside allowed range\. "
                        rf"Please select a {what} {tail}\.$",
                        f"{prefix_pt}{what_pt} fora do intervalo aceito; escolha {tail_pt}.",
                    )
                )
    return found


PATTERNS += _range_errors()

# Inside these the text is the app's own (often typed by people): never rewritten.
APP_CONTENT = (
    '[data-testid="stMarkdown"],[data-testid="stText"],[data-testid="stCode"],'
    '[data-testid="stTable"],[data-testid="stJson"],[data-testid="stMetric"],'
    '[data-testid="stCaptionContainer"],[data-testid="stAlert"],[data-testid="stToast"],'
    "input,textarea"
)

# The required mark before the script runs (and without it): the words change, not the place.
# The element holding the script takes no room.
_CSS = (
    "<style>"
    "[data-testid='stWidgetLabelRequired']{font-size:0}"
    "[data-testid='stWidgetLabelRequired']::after{content:'(obrigatório)';font-size:0.75rem}"
    "[data-testid='stElementContainer']:has(script[data-pt-br]){display:none}"
    "</style>"
)


@cache
def script() -> str:
    """The translator's JavaScript with its tables filled in."""
    source = Path(__file__).with_name("pt_br.js").read_text(encoding="utf-8")
    tables = {
        "text": TEXT,
        "labels": LABELS,
        "patterns": PATTERNS,
        "skip": APP_CONTENT,
    }
    return source.replace("__TABLES__", json.dumps(tables, ensure_ascii=False))


def install() -> None:
    """Put the pt-BR rewriting on the page; app.py calls it on every run (the browser keeps
    one copy per tab)."""
    st.html(_CSS + f"<script data-pt-br>{script()}</script>", unsafe_allow_javascript=True)
