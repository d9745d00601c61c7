"""``xl-jixiao review INBOX [--roster F] [--criteria F] -o OUT/``: one round of the review (审核)."""

from __future__ import annotations

from pathlib import Path

NAME = "review"
ORDER = 55
HELP = "审核一轮来件：逐项目写审核意见，生成退回材料和审核总览，多轮审核接续进行"
DESCRIPTION = """\
审核收件箱中的单位工作簿（一轮）：
  - 名单（--roster）：应报单位的工作簿或 CSV（单位编码、单位名称、主管部门）；总览列出已报、未报、
    通过、退回修改和名单外的单位；
  - 同一单位报送多次时，以最新的一份为准（按表上的填报日期，没有时按文件修改时间），旧的列为「已被替代」，
    不重复计算；
  - 每个项目的审核意见按完整性、可测性、可行性、相关性分类编号，结论为「通过」或「退回修改」；
  - 每个退回的单位一个文件夹：标注副本、审核意见、退回通知（工作簿；有 LibreOffice 时另有 PDF）；
  - 审核口径（--criteria）：地区自己的审核口径表，正则匹配的条目自动检查（编码 JX9xx），
    人工条目列入审核意见供审核人勾选；
  - 上年资料（--last-year）：上年的汇总表、工作簿文件夹或工作簿，报告目标降低、指标照搬、资金变化而指标未变。
对同一个输出文件夹再次运行即进入下一轮（第1轮退回修改 → 第2轮通过），轮次记录保存在输出文件夹的
审核轮次.json 中（不写入收件箱）。

退出码：0 全部应报单位已通过；1 仍有单位退回修改或未报送；2 输入无法使用或参数有误。"""


def register(p) -> None:
    import argparse

    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("inbox", nargs="+", metavar="收件箱", help="单位工作簿所在的文件夹（递归）或工作簿")
    p.add_argument("-o", "--output", required=True, metavar="输出文件夹", help="审核结果文件夹（多轮审核用同一个）")
    p.add_argument("--roster", metavar="名单", help="应报单位名单（.xlsx/.xls/.csv：单位编码、单位名称、主管部门）")
    p.add_argument("--criteria", metavar="审核口径.xlsx", help="地区的审核口径表（正则匹配条目自动检查，人工条目列入意见）")
    p.add_argument("--last-year", metavar="上年资料", help="上年的汇总表、工作簿文件夹或工作簿，用于跨年度比较")
    p.add_argument("--opinions", metavar="意见.toml", help="改写审核意见措辞的文件（格式同内置 review_opinions.toml）")
    p.add_argument("--config", metavar="配置.toml", help="校验配置文件（规则严重程度、审核阈值等）")
    p.add_argument("--year", type=int, default=None, help="预算年度（表上没有时用于日期检查）")
    p.add_argument("--no-pdf", action="store_true", help="不生成 PDF 退回通知")


def run(args) -> int:
    from xl_jixiao.config import load_config
    from xl_jixiao.errors import UserError
    from xl_jixiao.review import run_review

    for item in args.inbox:
        if not Path(item).exists():
            raise UserError(f"收件箱不存在：{item}")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UserError(f"输出应是一个文件夹：{out}")
    cfg = load_config(args.config).with_overrides(budget_year=args.year)
    from xl_jixiao.template.io import import_openpyxl_without_numpy

    import_openpyxl_without_numpy()  # the round's workbooks are written with openpyxl, never from numpy values
    outcome = run_review(args.inbox, out, roster=args.roster, criteria=args.criteria, config=cfg,
                         opinions=args.opinions, last_year=args.last_year, pdf=not args.no_pdf)
    rnd = outcome.round
    print(rnd.summary())
    for u in sorted(rnd.units, key=lambda u: u.label):
        hist = " → ".join(f"第{n}轮{s}" for n, s in enumerate(u.history, start=1) if s)
        extra = f"（另有 {len(u.superseded)} 份旧版本已被替代）" if u.superseded else ""
        where = "" if u.on_roster else "【名单外】"
        print(f"  {where}{u.label}：{hist}{extra}")
    bad = [r for r in rnd.received if r.role == "无法读取"]
    for r in bad:
        print(f"  无法读取：{r.result.name}（{r.note}）")
    for note in outcome.notes:
        print(f"  说明：{note}")
    for label, path in outcome.written:
        print(f"已写入 {label}：{path}")
    return 0 if rnd.complete else 1


DEMO_ORDER = 75


def demo_step(ctx) -> None:
    """Two rounds: a unit sent back, its corrected resubmission passes; a duplicate and a late unit are shown."""
    import os
    import shutil

    from xl_jixiao.review import run_review
    from xl_jixiao.template.samples import generate_samples

    ctx.heading("审核：两轮审核（退回 → 重新报送 → 通过），名单、重复报送、未报送单位")
    base = ctx.out / "审核"
    if base.exists():
        shutil.rmtree(base)
    inbox1, inbox2, out = base / "第1轮来件", base / "第2轮来件", base / "审核结果"
    good = base / ".样例" / "good"
    bad = base / ".样例" / "bad"
    generate_samples(good, 3, seed=7, defect_rate=0.0)
    generate_samples(bad, 3, seed=7, defect_rate=1.0)
    good_files, bad_files = sorted(good.glob("*.xlsx")), sorted(bad.glob("*.xlsx"))
    inbox1.mkdir(parents=True)
    inbox2.mkdir(parents=True)
    shutil.copy(good_files[0], inbox1 / good_files[0].name)
    draft = inbox1 / (bad_files[1].stem + "_初稿.xlsx")  # the same unit twice: the older copy is superseded
    shutil.copy(bad_files[1], draft)
    os.utime(draft, (draft.stat().st_mtime - 86400,) * 2)
    shutil.copy(bad_files[1], inbox1 / bad_files[1].name)
    roster = base / "名单.csv"
    units = _units(good_files)
    roster.write_text("单位编码,单位名称,主管部门\n" + "".join(f"{c},{n},\n" for n, c in units), encoding="utf-8-sig")
    one = run_review(inbox1, out, roster=roster, pdf=False)
    print("  " + one.round.summary())
    for label, path in one.written:
        if label.startswith("退回通知"):
            print(f"  {label}：{path}")
            ctx.artifact(label, path)
    shutil.copy(good_files[1], inbox2 / (good_files[1].stem + "_修改后.xlsx"))
    shutil.copy(good_files[2], inbox2 / good_files[2].name)
    two = run_review(inbox2, out, roster=roster, pdf=False)
    print("  " + two.round.summary())
    for u in two.round.units:
        print("    " + u.label + "：" + " → ".join(f"第{n}轮{s}" for n, s in enumerate(u.history, 1) if s))
    ctx.artifact("审核总览（两轮）", out / "审核总览.xlsx")
    ctx.artifact("第1轮审核意见", out / "第1轮" / "审核意见.xlsx")


def _units(files) -> list[tuple[str, str]]:
    from xl_jixiao.pipeline import read_and_check

    out = []
    for f in files:
        sub = read_and_check(f).submission
        if sub is not None:
            out.append((sub.unit_name or "", sub.unit_code or ""))
    return out
