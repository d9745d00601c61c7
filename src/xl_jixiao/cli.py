"""The ``xl-jixiao`` command line.

Subcommands live in :mod:`xl_jixiao.commands`: every module there that defines
``NAME``, ``HELP``, ``register(parser)`` and ``run(args) -> int`` becomes a
subcommand, in ``ORDER``.  A module may also define ``demo_step(ctx)`` with a
``DEMO_ORDER``; ``xl-jixiao demo`` runs those steps in order.  Adding a
capability is adding a module; this file does not change.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import logging
import os
import pkgutil
import sys
from types import ModuleType
from typing import NoReturn

from xl_jixiao import __version__
from xl_jixiao.errors import UserError, XlJixiaoError

_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "expected one argument": "需要一个参数值",
    "expected at least one argument": "至少需要一个参数值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可匹配 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "show program's version number and exit": "显示版本号并退出",
}


DEBUG_ENV = "XL_JIXIAO_DEBUG"
"""Set to show the Python traceback of an internal error instead of the Chinese message."""


def _translate(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _translate  # type: ignore[attr-defined]  # argparse looks `_` up at call time


class _TolerantHelp:
    """Help text with a stray ``%`` (argparse expands ``%(default)s`` and friends) is shown as written
    instead of ending ``-h`` in a traceback."""

    def _expand_help(self, action):
        try:
            return super()._expand_help(action)
        except (ValueError, TypeError, KeyError):
            return self._get_help_string(action)


def _tolerant(formatter: type) -> type:
    if issubclass(formatter, _TolerantHelp):
        return formatter
    return type(f"Tolerant{formatter.__name__}", (_TolerantHelp, formatter), {})


class ChineseParser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n（运行 `{self.prog} -h` 查看帮助）\n")


def command_modules() -> list[ModuleType]:
    """Every subcommand module, sorted by its ORDER then NAME."""
    import xl_jixiao.commands as pkg

    mods = []
    for info in pkgutil.iter_modules(pkg.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{pkg.__name__}.{info.name}")
        if all(hasattr(mod, a) for a in ("NAME", "HELP", "register", "run")):
            mods.append(mod)
    mods.sort(key=lambda m: (getattr(m, "ORDER", 100), m.NAME))
    return mods


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(
        prog="xl-jixiao",
        description="绩效目标表工具：值语法解析、模板生成、校验、汇总、导入旧表与批复表生成。",
        epilog="示例：\n  xl-jixiao demo\n  xl-jixiao value \"≥95%\" --json\n  xl-jixiao <命令> -h",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"xl-jixiao {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="<命令>", title="命令", parser_class=ChineseParser)
    for mod in command_modules():
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION", mod.HELP))
        mod.register(p)
        p.formatter_class = _tolerant(p.formatter_class)  # type: ignore[assignment,arg-type]
        p.set_defaults(_run=mod.run)
    return parser


class _StderrHandler(logging.Handler):
    """The library's warnings, as plain Chinese lines on the current ``sys.stderr`` (no tracebacks)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            print(record.getMessage(), file=sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never break a command
            self.handleError(record)


def _setup_logging() -> None:
    """What reaches the terminal: the package's warnings and errors, as messages only."""
    logger = logging.getLogger("xl_jixiao")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        logger.addHandler(_StderrHandler(logging.WARNING))
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        try:
            # file names that are not valid UTF-8 are shown with their bytes escaped, never a crash
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):  # pragma: no cover - exotic streams
            pass
    _setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except (UserError, XlJixiaoError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except PermissionError as exc:
        print(f"错误：无法读写 {exc.filename or '文件'}：没有权限，或文件正在 Excel/WPS 中打开（关闭后重试）",
              file=sys.stderr)
        return 2
    except OSError as exc:  # disk full, read-only target, a link loop, no permission …
        from xl_jixiao.inbox import os_error_text

        print(f"错误：{os_error_text(exc)}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last line: a defect is reported in Chinese, not as a traceback
        if os.environ.get(DEBUG_ENV):
            raise
        logging.getLogger("xl_jixiao").debug("internal error", exc_info=True)
        print(f"错误：程序内部错误（{type(exc).__name__}：{exc}）。请把所用命令和这条信息告诉维护人员；"
              f"设置环境变量 {DEBUG_ENV}=1 再运行可看到详细信息。", file=sys.stderr)
        return 3


def run() -> NoReturn:
    """The ``xl-jixiao`` program: :func:`main`, then leave without tearing the interpreter down.

    When :func:`main` returns, a command's work is done: outputs were written atomically and closed, reading
    processes stopped.  What an ordinary exit would still do is run the exit handlers (done here too) and then
    free every module and object one by one, which costs a ``check`` about a tenth of its CPU time; the
    operating system reclaims the memory at once.  In-process callers (tests, scripts) use :func:`main`.
    """
    try:
        code = main()
    except SystemExit as exc:  # -h, --version, a usage error: argparse exits with a number
        if not (exc.code is None or isinstance(exc.code, int)):
            raise
        code = exc.code or 0
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): nothing more can be shown
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
