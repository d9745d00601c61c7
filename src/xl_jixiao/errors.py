"""Errors that reach the user. Messages are Chinese and name the file, sheet and cell."""

from __future__ import annotations


class XlJixiaoError(Exception):
    """Base class of the errors this package raises on purpose."""


class UserError(XlJixiaoError):
    """Bad arguments or configuration; the command prints the message and exits with status 2."""


class ReadError(XlJixiaoError):
    """An input could not be used. ``reason`` says why; file/sheet/cell say where."""

    def __init__(self, reason: str, file: str | None = None, sheet: str | None = None, cell: str | None = None):
        self.reason = reason
        self.file = file
        self.sheet = sheet
        self.cell = cell
        super().__init__(self.describe())

    def describe(self) -> str:
        where = []
        if self.file:
            where.append(f"文件 {self.file}")
        if self.sheet:
            where.append(f"工作表「{self.sheet}」")
        if self.cell:
            where.append(f"单元格 {self.cell}")
        return ("，".join(where) + "：" if where else "") + self.reason
