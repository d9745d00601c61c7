import subprocess
import sys

import pytest

from xl_jixiao import __version__
from xl_jixiao.cli import build_parser, command_modules, main


def test_help_is_chinese_and_lists_commands(capsys):
    assert main([]) == 2
    out = capsys.readouterr().out
    assert "用法" in out and "命令" in out
    names = {m.NAME for m in command_modules()}
    assert {"demo", "value"} <= names
    for name in names:
        assert name in out


def test_every_command_module_follows_the_protocol():
    for mod in command_modules():
        assert mod.HELP and any("\u4e00" <= ch <= "\u9fff" for ch in mod.HELP), mod.NAME
        assert callable(mod.register) and callable(mod.run)
    assert build_parser().prog == "xl-jixiao"


def test_unknown_command_is_explained_in_chinese():
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "frobnicate"], capture_output=True, text=True)
    assert r.returncode == 2
    assert "错误" in r.stderr and "无效的选项" in r.stderr


def test_version():
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and __version__ in r.stdout


@pytest.mark.parametrize("name", sorted(m.NAME for m in command_modules()))
def test_every_subcommand_help_works(name, capsys):
    """Every subcommand's -h prints Chinese help and exits 0 (a stray % in a help string used to crash it)."""
    with pytest.raises(SystemExit) as exc:
        main([name, "-h"])
    assert exc.value.code == 0
    captured = capsys.readouterr()
    assert "用法" in captured.out and name in captured.out
    assert "Traceback" not in captured.out + captured.err


def test_help_shows_percent_signs_literally(capsys):
    with pytest.raises(SystemExit):
        main(["value", "-h"])
    assert "≥95%" in capsys.readouterr().out


def test_pdf_without_libreoffice_is_explained(tmp_path, monkeypatch, capsys):
    """--pdf where LibreOffice is missing: the workbook is written, a Chinese message says what to install."""
    monkeypatch.setenv("XL_JIXIAO_SOFFICE", str(tmp_path / "没有这个程序"))
    out = tmp_path / "模板.xlsx"
    assert main(["template", "-o", str(out), "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "工作簿已写入" in err and "Traceback" not in err
    assert out.is_file() and not out.with_suffix(".pdf").exists()


def test_output_file_open_elsewhere_is_explained(tmp_path, capsys):
    """An output that cannot be written (here: a folder in the way) ends in a Chinese message, not a traceback."""
    out = tmp_path / "模板.xlsx"
    out.mkdir()
    code = main(["template", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "错误" in err and "Traceback" not in err


def test_internal_error_is_reported_in_chinese(monkeypatch, capsys):
    """A defect in a command ends in a Chinese message and exit code 3; XL_JIXIAO_DEBUG shows the traceback."""
    import xl_jixiao.commands.value as value

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(value, "run", broken)
    monkeypatch.delenv("XL_JIXIAO_DEBUG", raising=False)
    assert main(["value", "1"]) == 3
    err = capsys.readouterr().err
    assert "程序内部错误" in err and "boom" in err and "Traceback" not in err
    monkeypatch.setenv("XL_JIXIAO_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["value", "1"])


def test_the_program_leaves_with_its_exit_code_and_all_its_output(tmp_path):
    """``python -m xl_jixiao`` (like the ``xl-jixiao`` script) skips the interpreter's teardown after a command:
    every line is still written, the exit code is the command's, and exit handlers still run."""
    from xl_jixiao.template import generate_samples

    book = tmp_path / next(iter(generate_samples(tmp_path, 1, seed=2, defect_rate=0.5)))
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "check", str(book), "--format", "json"],
                       capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    import json

    report = json.loads(r.stdout)
    assert report["findings"] and r.stderr == ""
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "check", "-h"], capture_output=True, text=True)
    assert r.returncode == 0 and "用法" in r.stdout
    r = subprocess.run([sys.executable, "-m", "xl_jixiao", "check", str(tmp_path / "没有.xlsx")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "文件不存在" in r.stderr
    code = ("import atexit, sys; atexit.register(lambda: print('收尾', flush=True)); "
            "sys.argv = ['xl-jixiao', '--version']; from xl_jixiao.cli import run; run()")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.split() == ["xl-jixiao", __version__, "收尾"]
