"""JX5xx — across files.  Checked by consolidation; registered here so the catalogue lists them.

:func:`file_finding` builds one of these findings with the configured severity,
so every caller words and grades them the same way.
"""

from __future__ import annotations

from xl_jixiao.model import Finding, Severity
from xl_jixiao.rules.registry import Rule, register


@register
class DuplicateUnit(Rule):
    """同一单位只能提交一份工作簿。重复提交会让汇总金额翻倍。"""

    code = "JX501"
    severity = Severity.ERROR
    scope = "files"
    title = "同一单位重复提交"
    anti_pattern = "同一单位编码出现在两个工作簿中（或无编码时单位名称相同）"
    best_practice = "每个单位一份工作簿；更正后的版本替换旧版本"


@register
class DuplicateProjectCode(Rule):
    """项目编码全省唯一，不能出现在两份提交中。"""

    code = "JX502"
    severity = Severity.ERROR
    scope = "files"
    title = "同一项目编码出现在两份提交中"
    anti_pattern = "两个单位的工作簿填了同一个项目编码"
    best_practice = "项目编码按预算系统填写，每个项目唯一"


@register
class UnknownTemplateVersion(Rule):
    """工作簿不是已知版本的模板，已通过旧表导入功能读取，位置和内容需人工核对。"""

    code = "JX503"
    severity = Severity.WARNING
    scope = "files"
    title = "不是已知版本的模板（已按旧表导入）"
    anti_pattern = "用往年的 Word 表或自制表格提交"
    best_practice = "使用当年下发的模板填写"


@register
class UnreadableFile(Rule):
    """无法读取的文件（损坏、有密码、格式不支持）会被列出，不会被悄悄跳过。"""

    code = "JX504"
    severity = Severity.ERROR
    scope = "files"
    title = "文件无法读取"
    anti_pattern = "提交了有密码保护或已损坏的工作簿"
    best_practice = "提交未加密的 .xlsx 工作簿，提交前用 Excel 打开确认"


def file_finding(code: str, message: str, *, file: str | None = None, sheet: str | None = None,
                 cell: str | None = None, row: int | None = None, project: str | None = None,
                 value: str | None = None, suggestion: str | None = None, config=None) -> Finding:
    """A JX5xx finding (or any coded finding) with the configured severity."""
    from xl_jixiao.config import default_config
    from xl_jixiao.rules.registry import get_rule

    rule = get_rule(code)
    cfg = config or default_config()
    return Finding(code=rule.code, severity=cfg.severity_for(rule.code, rule.severity), message=message,
                   file=file, sheet=sheet, cell=cell, row=row, project=project, value=value,
                   suggestion=suggestion if suggestion is not None else rule.best_practice)


@register
class RuleInternalError(Rule):
    """某条规则检查这个文件时出现程序内部错误：这条规则的结果不完整，其余规则照常检查，
    文件仍然汇总。请把文件和规则编码告诉维护人员。"""

    code = "JX505"
    severity = Severity.WARNING
    scope = "files"
    title = "规则运行出错（程序内部错误）"
    anti_pattern = "某个罕见写法让规则程序出错，整批校验因此中断"
    best_practice = "人工核对该规则涉及的内容，并把文件和规则编码反馈给维护人员"


@register
class UncertainLayout(Rule):
    """导入非模板表格时，若某个项目的指标表大部分行读不出「一级、二级、三级指标和指标值」，
    说明没有看懂它的版式：此时不逐格判断（那会把错的单元格当指标值），只报这一条，指出从哪里起没有看懂。"""

    code = "JX506"
    severity = Severity.WARNING
    scope = "unit"
    title = "表格版式无法可靠识别（该项目未逐项校验）"
    anti_pattern = "自制表格把指标名称、指标值和说明放在同一列，或列的顺序与表头不一致"
    best_practice = "使用当年下发的模板，或把指标表整理成「一级指标｜二级指标｜三级指标｜指标值」各占一列"

    def check(self, ctx, sub):
        return [ctx.finding(f"项目「{p.name or '（未识别名称）'}」的{p.uncertain}；该项目未逐项校验，请人工核对原表",
                            p.location("name"), project=p.name, suggestion=self.best_practice)
                for p in sub.projects if p.uncertain]
