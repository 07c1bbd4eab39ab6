"""Incidents: mass outages (reasons 3 external cable break, 4 massive outage from an internal
configuration, 5 splice-box theft) that reach many customers at once, after IXC's "Região de
manutenção".

The NOC (or a supervisor) opens an incident with its reason, start, cause and scope (a list of
neighbourhoods, of CTO/NAP boxes, or of PPPoE logins); the scope is resolved to the affected
logins and contracts and stored, again on every change. The request form proposes an open or
recent incident for a login inside it, and a request linked to it takes the incident's start
(and end, once closed). Closing the incident records the signal's return on every linked
request still waiting for it and computes its value; with the setting
`incident_auto_compensation` on, it also creates a request for every affected contract that has
none (automatic, origin Interna). All of it in one transaction: a close is all or nothing.

Two incidents never compensate the same minute of one contract: a request an incident creates
covers only the part of the incident's window no other live request of the contract covers
(the longest such part; none when all of it is covered), and a linked request's end is pulled
back to the start of another live request that begins inside its period.

The flows live in the modules of this package (common, editing, closing, reading, merging);
this module names what pages, tests and the bench call.
"""

from lib.usecases.incident_link import Proposal, proposals_for_login
from lib.usecases.incidents.closing import close_incident
from lib.usecases.incidents.common import (
    AUTO_KEY,
    EVENT_LABELS,
    INCIDENT_REASONS,
    MAX_CAUSE,
    MAX_SCOPE_VALUES,
    MAX_TITLE,
    SCOPE_KINDS,
    SCOPE_SINGULAR,
    CloseResult,
    IncidentInput,
    free_pieces,
    longest,
)
from lib.usecases.incidents.editing import edit_incident, open_incident
from lib.usecases.incidents.merging import approve_all, merge_request
from lib.usecases.incidents.reading import (
    IncidentView,
    incident_view,
    list_incidents,
    monthly_stats,
    scope_options,
)

__all__ = [
    "AUTO_KEY",
    "CloseResult",
    "EVENT_LABELS",
    "INCIDENT_REASONS",
    "IncidentInput",
    "IncidentView",
    "MAX_CAUSE",
    "MAX_SCOPE_VALUES",
    "MAX_TITLE",
    "Proposal",
    "SCOPE_KINDS",
    "SCOPE_SINGULAR",
    "approve_all",
    "close_incident",
    "edit_incident",
    "free_pieces",
    "incident_view",
    "list_incidents",
    "longest",
    "merge_request",
    "monthly_stats",
    "open_incident",
    "proposals_for_login",
    "scope_options",
]
