"""Rules: the catalogue (JX101 …) and the engine that runs it over a submission.

* :func:`check_submission` — every finding of the enabled rules on one submission;
* :func:`all_rules` / :func:`get_rule` — the catalogue (classes with code, severity,
  scope, title, anti-pattern, best practice and a docstring explanation);
* :func:`file_finding` — build a cross-file (JX5xx) finding;
* :func:`suppressed_codes` — the codes a 备注 cell accepts (``忽略:JX204``).
"""

from __future__ import annotations

from xl_jixiao.rules.engine import Context, Item, check_submission, suppressed_codes
from xl_jixiao.rules.files import file_finding
from xl_jixiao.rules.registry import SCOPE_LABELS, SCOPES, Rule, all_rules, get_rule, known_codes, register

__all__ = [
    "check_submission",
    "all_rules",
    "get_rule",
    "known_codes",
    "register",
    "Rule",
    "Context",
    "Item",
    "file_finding",
    "suppressed_codes",
    "SCOPES",
    "SCOPE_LABELS",
]
