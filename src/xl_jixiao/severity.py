"""Severities of findings and their labels: defined here once (no dependencies, cheap to import)."""

from __future__ import annotations

from enum import Enum

SEVERITY_LABELS: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
"""Severity value → the label users see (错误 / 警告 / 提示)."""


class Severity(str, Enum):
    """How serious a finding is: 错误 (must be fixed), 警告 (a reviewer looks at it), 提示 (normalised)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return SEVERITY_LABELS[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        t = str(text).strip().lower()
        table = {"e": cls.ERROR, "error": cls.ERROR, "错误": cls.ERROR,
                 "w": cls.WARNING, "warning": cls.WARNING, "警告": cls.WARNING,
                 "i": cls.INFO, "info": cls.INFO, "提示": cls.INFO}
        if t not in table:
            raise ValueError(f"未知的严重程度：{text}（可用：error/warning/info 或 E/W/I）")
        return table[t]
