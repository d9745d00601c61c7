"""The ``--pdf`` option shared by the commands that write workbooks."""

from __future__ import annotations

import sys

HELP = "同时在工作簿旁生成 PDF（用无界面 LibreOffice 转换；未安装 LibreOffice 时给出提示）"


def add_option(p) -> None:
    p.add_argument("--pdf", action="store_true", help=HELP)


def export(paths) -> None:
    """PDFs beside the workbooks just written; a UserError (Chinese, exit 2) when LibreOffice is missing."""
    from xl_jixiao.errors import UserError
    from xl_jixiao.pdf import to_pdf

    paths = list(paths)
    try:
        pdfs = to_pdf(paths)
    except UserError as exc:
        written = "、".join(str(p) for p in paths)
        raise UserError(f"{exc}（工作簿已写入：{written}）") from None
    for pdf in pdfs:
        print(f"已生成 PDF：{pdf}", file=sys.stderr)
