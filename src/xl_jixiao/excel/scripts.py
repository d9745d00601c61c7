"""The ribbon macros as xlwings scripts, for xlwings Lite and xlwings Server.

Their runtimes list every ``@xw.script`` of a module as a runnable script (a
button in the task pane, or a sheet button) and hand each one the workbook as
``xw.Book``.  Each script only calls the corresponding macro in
:mod:`xl_jixiao.excel.macros`; desktop Excel uses the ribbon instead.
"""

from typing import Any

from xl_jixiao.excel import macros

script: Any
Book: Any
try:  # registered by xlwings Lite / Server; plain functions elsewhere
    import xlwings as xw

    script = xw.script
    Book = xw.Book
except ImportError:  # pragma: no cover - exercised only without xlwings
    def _plain(f: Any = None, **_kw: Any) -> Any:
        return f if f is not None else (lambda g: g)

    script = _plain
    Book = object


@script(name="校验")
def jx_validate(book: Book):
    """校验：检查工作簿，按严重程度给有问题的单元格着色，并写入「校验结果」。"""
    macros.validate(book)


@script(name="合计")
def jx_totals(book: Book):
    """合计：资金来源合计与差额、部门整体预算核对，写入「合计」。"""
    macros.totals(book)


@script(name="清除标记")
def jx_clear_marks(book: Book):
    """清除标记：去掉上一次校验涂的底色，清空问题列表。"""
    macros.clear_marks(book)


@script(name="汇总")
def jx_consolidate(book: Book):
    """汇总：汇总「汇总文件夹」中的全部单位工作簿（服务器上的文件夹）。"""
    macros.consolidate(book)


@script(name="生成批复表")
def jx_approve(book: Book):
    """生成批复表。"""
    macros.approve(book)
