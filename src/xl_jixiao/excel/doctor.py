"""Check the Python side of the Excel integration and say what to fix.

Used by ``xl-jixiao doctor``.  Nothing here imports xlwings: its version comes
from the installed package's metadata and its settings from the user's
``xlwings.conf`` (lines ``"KEY","VALUE"``, the format xlwings' own VBA reads
and writes).  Every check takes the platform and folders as arguments, so the
Windows checks also run (on files) elsewhere.

What the product needs, and what ``--fix`` writes into ``xlwings.conf``:

* ``ADD_WORKBOOK_TO_PYTHONPATH`` = ``False`` – never import from the folder of
  the workbook (a folder of submissions is untrusted);
* ``INTERPRETER_WIN`` (``INTERPRETER_MAC`` on macOS) = the full path of the
  Python that has xl_jixiao installed – the buttons refuse to start an
  unnamed ``python`` found on ``PATH``.
"""

from __future__ import annotations

import locale
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

OK, FIX, UNKNOWN, INFO = "ok", "fix", "unknown", "info"
LABELS = {OK: "正常", FIX: "需修改", UNKNOWN: "无法检查", INFO: "说明"}

MIN_XLWINGS = (0, 33)
ADDIN_NAME = "绩效目标工具.xlam"
SAFE_PATH_KEY = "ADD_WORKBOOK_TO_PYTHONPATH"

_LINE = re.compile(r'^\s*"([^"]*)"\s*,\s*"([^"]*)"\s*$')


@dataclass
class Check:
    status: str
    title: str
    detail: str = ""
    fix: str = ""


@dataclass
class Environment:
    """Where to look: the platform (``sys.platform`` style), the home folder and environment variables."""

    system: str = sys.platform
    home: Path = field(default_factory=Path.home)
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))

    @property
    def windows(self) -> bool:
        return self.system.startswith("win")

    @property
    def mac(self) -> bool:
        return self.system == "darwin"

    @property
    def has_excel(self) -> bool:
        return self.windows or self.mac

    def config_file(self) -> Path:
        """xlwings' user configuration file (the place its ribbon settings are saved)."""
        if self.mac:
            return self.home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
        return self.home / ".xlwings" / "xlwings.conf"

    def xlstart(self) -> Path | None:
        """Excel's per-user start-up folder, where ``xlwings addin install`` puts its add-in."""
        if self.windows:
            appdata = self.env.get("APPDATA") or str(self.home / "AppData" / "Roaming")
            return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
        return None

    def interpreter_key(self) -> str:
        return "INTERPRETER_MAC" if self.mac else "INTERPRETER_WIN"

    def config_encoding(self) -> str:
        """VBA reads and writes the file in the system's ANSI code page on Windows."""
        if self.windows and sys.platform.startswith("win"):
            return locale.getpreferredencoding(False)
        return "utf-8"


# ---------------------------------------------------------------- xlwings.conf

def read_config(path: Path, encoding: str = "utf-8") -> dict[str, str]:
    """The ``"KEY","VALUE"`` lines of an xlwings configuration file (keys upper-cased)."""
    if not path.is_file():
        return {}
    text = path.read_bytes().decode(encoding, errors="replace")
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            out.setdefault(m.group(1).upper(), m.group(2))
    return out


def write_config(path: Path, values: dict[str, str], encoding: str = "utf-8") -> Path:
    """Set ``values`` in the configuration file, keeping every other line as it is."""
    from xl_jixiao.template.io import write_text_atomic

    lines = path.read_bytes().decode(encoding, errors="replace").splitlines() if path.is_file() else []
    pending = dict(values)
    out = []
    for line in lines:
        m = _LINE.match(line)
        key = m.group(1).upper() if m else None
        if key in pending:
            out.append(f'"{key}","{pending.pop(key)}"')
        else:
            out.append(line)
    out += [f'"{k}","{v}"' for k, v in pending.items()]
    return write_text_atomic(path, "\n".join(out) + "\n", encoding=encoding)


def recommended_settings(env: Environment, python: str = sys.executable) -> dict[str, str]:
    """What ``--fix`` writes: the safe path setting, and this Python as Excel's interpreter."""
    settings = {SAFE_PATH_KEY: "False"}
    if env.has_excel:
        settings[env.interpreter_key()] = str(Path(python).absolute())
    return settings


# ---------------------------------------------------------------- checks

def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


def _check_python() -> Check:
    from xl_jixiao import __version__

    return Check(OK, "Python 与 xl_jixiao",
                 f"Python {sys.version.split()[0]}（{sys.executable}），xl_jixiao {__version__}")


def _check_xlwings() -> tuple[Check, str | None]:
    try:
        version = metadata.version("xlwings")
    except metadata.PackageNotFoundError:
        return Check(FIX, "xlwings 未安装", "Excel 的按钮和工作表函数通过 xlwings 调用 Python。",
                     "pip install xlwings（不能上网时见 docs/excel.md「离线安装」）"), None
    if _version_tuple(version) < MIN_XLWINGS:
        return Check(FIX, f"xlwings {version} 太旧", f"需要 {'.'.join(map(str, MIN_XLWINGS))} 或更新的版本。",
                     "pip install --upgrade xlwings，然后 xlwings addin install"), version
    return Check(OK, "xlwings", f"版本 {version}"), version


def _packaged_xlwings_addin() -> Path | None:
    spec = find_spec("xlwings")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        p = Path(folder) / "addin" / "xlwings.xlam"
        if p.is_file():
            return p
    return None


def _check_xlwings_addin(env: Environment, version: str | None) -> Check:
    start = env.xlstart()
    if start is None:
        return Check(UNKNOWN, "xlwings 加载项",
                     "只在 Windows 上检查（macOS 的 Excel 启动文件夹由 Excel 自己管理）。")
    installed = start / "xlwings.xlam"
    if not installed.is_file():
        return Check(FIX, "xlwings 加载项没有装入 Excel", f"找不到 {installed}",
                     "先关闭 Excel，再运行 xlwings addin install")
    packaged = _packaged_xlwings_addin()
    if packaged is not None and packaged.read_bytes() != installed.read_bytes():
        return Check(FIX, "xlwings 加载项与 Python 中的 xlwings 版本不一致",
                     f"{installed} 不是 xlwings {version or ''} 自带的加载项；两者不一致时 Excel 找不到对应的 xlwings DLL。",
                     "先关闭 Excel，再运行 xlwings addin install")
    return Check(OK, "xlwings 加载项", str(installed))


def _registry_addins() -> list[str]:
    """Add-ins Excel loads at start-up (Windows registry, every installed Office version)."""
    if sys.platform != "win32":
        return []
    import winreg

    found = []
    try:
        office = winreg.OpenKey(winreg.HKEY_CURRENT_USER, r"Software\Microsoft\Office")
    except OSError:
        return []
    i = 0
    while True:
        try:
            version = winreg.EnumKey(office, i)
        except OSError:
            break
        i += 1
        try:
            options = winreg.OpenKey(office, version + r"\Excel\Options")
        except OSError:
            continue
        j = 0
        while True:
            try:
                name, value, _kind = winreg.EnumValue(options, j)
            except OSError:
                break
            j += 1
            if name.upper().startswith("OPEN") and isinstance(value, str):
                found.append(value)
    return found


def _check_our_addin(env: Environment) -> Check:
    start = env.xlstart()
    if start is None:
        return Check(UNKNOWN, ADDIN_NAME, "只在 Windows 上检查。")
    appdata = Path(env.env.get("APPDATA") or env.home / "AppData" / "Roaming")
    places = [start / ADDIN_NAME, appdata / "Microsoft" / "AddIns" / ADDIN_NAME]
    for p in places:
        if p.is_file():
            return Check(OK, f"{ADDIN_NAME} 已放入 Excel 的加载项文件夹", str(p))
    if any(ADDIN_NAME in v for v in _registry_addins()):
        return Check(OK, f"{ADDIN_NAME} 已在 Excel 中勾选")
    return Check(INFO, f"没有找到 {ADDIN_NAME}",
                 "只用宏模板（.xlsm）的单位不需要它；汇总人员要对任何工作簿使用按钮和 JX_ 函数时才需要。",
                 "Excel「文件 → 选项 → 加载项 → 转到 → 浏览」选中 绩效目标工具.xlam 并勾选")


def _run_interpreter(python: str) -> tuple[bool, str]:
    code = "import xl_jixiao, xlwings; print(xl_jixiao.__version__, xlwings.__version__)"
    try:
        res = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    if res.returncode != 0:
        last = (res.stderr.strip().splitlines() or ["（没有输出）"])[-1]
        return False, last
    return True, res.stdout.strip()


def _check_settings(env: Environment, config: dict[str, str]) -> list[Check]:
    path = env.config_file()
    checks = []
    if not env.has_excel:
        shown = "、".join(f"{k}={v}" for k, v in sorted(config.items())) or "没有设置"
        return [Check(UNKNOWN, "xlwings 设置", f"这台电脑没有桌面 Excel，设置不起作用（{path}：{shown}）。")]
    value = config.get(SAFE_PATH_KEY)
    if (value or "").strip().lower() != "false":
        checks.append(Check(
            FIX, f"{SAFE_PATH_KEY} 没有关闭",
            f"{path} 中为 {value if value is not None else '（未设置，xlwings 默认打开）'}：Excel 会从工作簿所在文件夹导入 Python "
            "代码，收件箱里的一个 .py 文件就能在点按钮时运行。「绩效目标」按钮在关闭之前不会运行。",
            "xl-jixiao doctor --fix"))
    else:
        checks.append(Check(OK, f"{SAFE_PATH_KEY} 已关闭", str(path)))
    key = env.interpreter_key()
    python = (config.get(key) or "").strip()
    if not python:
        conda = config.get("CONDA PATH") or config.get("CONDA ENV")
        checks.append(Check(
            FIX, f"没有指定 Excel 使用的 Python（{key}）",
            ("只设置了 Conda 环境；" if conda else "") + "未指定时 Excel 运行 PATH 上找到的 python，可能不是装了 xl_jixiao 的那个，"
            "且从 Excel 的当前文件夹启动。",
            "xl-jixiao doctor --fix（用本次运行的 Python）"))
        return checks
    if not (Path(python).is_absolute() or re.match(r"^[A-Za-z]:[\\/]", python) or python.startswith("\\\\")):
        checks.append(Check(FIX, f"{key} 不是完整路径：{python}", "「绩效目标」按钮只使用完整路径指定的 Python。",
                            "xl-jixiao doctor --fix"))
        return checks
    if env.system != sys.platform and not Path(python).exists():
        checks.append(Check(UNKNOWN, f"Excel 使用的 Python：{python}", "不在这台电脑上，无法运行检查。"))
        return checks
    if not Path(python).is_file():
        checks.append(Check(FIX, f"找不到 Excel 使用的 Python：{python}", "可能已卸载或移动。", "xl-jixiao doctor --fix"))
        return checks
    ok, out = _run_interpreter(python)
    if ok:
        checks.append(Check(OK, f"Excel 使用的 Python：{python}", f"xl_jixiao 与 xlwings 可以导入（版本 {out}）"))
    else:
        checks.append(Check(FIX, f"Excel 使用的 Python 不能导入 xl_jixiao 或 xlwings：{python}", out,
                            f"在这个 Python 中安装：\"{python}\" -m pip install \"xl_jixiao[excel]\"；或运行 xl-jixiao doctor --fix 改用本次运行的 Python"))
    return checks


def _check_licence(env: Environment, config: dict[str, str]) -> Check:
    has_key = bool(env.env.get("XLWINGS_LICENSE_KEY") or config.get("LICENSE_KEY"))
    detail = ("Excel 的按钮和 JX_ 函数使用开源的 xlwings，不需要许可证密钥；xlwings Lite 也不需要。"
              "只有 xlwings Server / 远程引擎（xlwings PRO）需要密钥，由使用者按自己的情况选择许可证并自行设置。")
    return Check(INFO, "许可证：" + ("已设置 xlwings 许可证密钥" if has_key else "没有设置 xlwings 许可证密钥"), detail)


def run_checks(env: Environment | None = None) -> list[Check]:
    """Every check, in the order they are printed."""
    env = env or Environment()
    checks = [_check_python()]
    xlwings_check, version = _check_xlwings()
    checks.append(xlwings_check)
    if not env.has_excel:
        checks.append(Check(UNKNOWN, "Excel",
                            f"这台电脑（{env.system}）没有桌面 Excel，无法检查：xlwings 加载项是否装入 Excel、"
                            f"{ADDIN_NAME} 是否已加载、Excel 调用哪个 Python。请在 Windows 电脑上再运行一次 xl-jixiao doctor。"))
    else:
        checks.append(_check_xlwings_addin(env, version))
        checks.append(_check_our_addin(env))
    config = read_config(env.config_file(), env.config_encoding())
    checks += _check_settings(env, config)
    checks.append(_check_licence(env, config))
    return checks


def fix_settings(env: Environment | None = None, python: str = sys.executable) -> tuple[Path, dict[str, str]] | None:
    """Write the recommended settings into xlwings' user configuration; None where there is no Excel."""
    env = env or Environment()
    if not env.has_excel:
        return None
    values = recommended_settings(env, python)
    path = write_config(env.config_file(), values, env.config_encoding())
    return path, values


def render(checks: list[Check]) -> str:
    lines = []
    for c in checks:
        lines.append(f"[{LABELS[c.status]}] {c.title}")
        if c.detail:
            lines.append(f"    {c.detail}")
        if c.fix and c.status in (FIX, INFO):
            lines.append(f"    改法：{c.fix}")
    problems = sum(1 for c in checks if c.status == FIX)
    unknown = sum(1 for c in checks if c.status == UNKNOWN)
    lines.append("")
    if problems:
        lines.append(f"有 {problems} 项需要修改（见上面的「改法」），改好后再运行 xl-jixiao doctor。")
    else:
        lines.append("检查完毕，没有需要修改的项目。" + (f"（{unknown} 项在这台电脑上无法检查）" if unknown else ""))
    return "\n".join(lines)
