"""``xl-jixiao doctor [--fix]``: check what Excel needs on the Python side and say what to fix."""

from __future__ import annotations

NAME = "doctor"
ORDER = 85
HELP = "检查 Excel 按钮和工作表函数所需的 Python 环境（xlwings、加载项、设置、Python 路径），并给出改法"
DESCRIPTION = (
    "检查本机的 xlwings 版本、xlwings 加载项是否装入 Excel、绩效目标工具.xlam、xlwings 设置"
    "（ADD_WORKBOOK_TO_PYTHONPATH 必须关闭，Excel 使用的 Python 必须是完整路径且装有 xl_jixiao），"
    "逐项给出改法。没有需要修改的项目时退出码为 0，否则为 1。在没有 Excel 的系统（如 Linux）上列出无法检查的项目。"
)


def register(p) -> None:
    p.add_argument("--fix", action="store_true",
                   help="把安全的设置写入 xlwings 的用户设置文件：关闭 ADD_WORKBOOK_TO_PYTHONPATH，"
                        "并指定本次运行的 Python 为 Excel 使用的 Python；然后再检查一遍")


def run(args) -> int:
    from xl_jixiao.excel import doctor

    env = doctor.Environment()
    if args.fix:
        try:
            done = doctor.fix_settings(env)
        except OSError as exc:
            from xl_jixiao.errors import UserError

            raise UserError(f"无法写入 xlwings 设置文件 {env.config_file()}：{exc}") from exc
        if done is None:
            print("这台电脑没有桌面 Excel，不需要写入 xlwings 设置。")
        else:
            path, values = done
            print(f"已写入 {path}：" + "，".join(f"{k} = {v}" for k, v in values.items()))
            print("请重新打开 Excel 使设置生效。")
        print()
    checks = doctor.run_checks(env)
    print(doctor.render(checks))
    return 1 if any(c.status == doctor.FIX for c in checks) else 0
