"""``xl-jixiao doctor``: what it reports, its exit codes, and what ``--fix`` writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xl_jixiao.excel import doctor


def _windows(tmp_path: Path) -> doctor.Environment:
    """A Windows user's folders, laid out in ``tmp_path`` (the checks only read files there)."""
    return doctor.Environment(system="win32", home=tmp_path, env={"APPDATA": str(tmp_path / "AppData" / "Roaming")})


def _install_xlwings_addin(env: doctor.Environment) -> Path:
    target = env.xlstart() / "xlwings.xlam"
    target.parent.mkdir(parents=True)
    target.write_bytes(doctor._packaged_xlwings_addin().read_bytes())
    return target


def _by_status(checks, status):
    return [c.title for c in checks if c.status == status]


def test_cli_on_this_linux_machine_says_what_it_cannot_check(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path))
    res = subprocess.run([sys.executable, "-m", "xl_jixiao", "doctor"], capture_output=True, text=True,
                         env=env, timeout=300, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "[正常] xlwings" in res.stdout
    assert "[无法检查] Excel" in res.stdout and "没有桌面 Excel" in res.stdout
    assert "Traceback" not in res.stdout + res.stderr
    assert not (tmp_path / ".xlwings").exists()  # checking writes nothing


def test_fresh_windows_user_gets_every_fix(tmp_path):
    checks = doctor.run_checks(_windows(tmp_path))
    fixes = _by_status(checks, doctor.FIX)
    assert "xlwings 加载项没有装入 Excel" in fixes
    assert "ADD_WORKBOOK_TO_PYTHONPATH 没有关闭" in fixes
    assert any("INTERPRETER_WIN" in t for t in fixes)
    text = doctor.render(checks)
    assert "改法：先关闭 Excel，再运行 xlwings addin install" in text
    assert "改法：xl-jixiao doctor --fix" in text
    assert "有 3 项需要修改" in text


def test_fix_writes_the_safe_settings_and_keeps_the_others(tmp_path):
    env = _windows(tmp_path)
    _install_xlwings_addin(env)
    conf = env.config_file()
    conf.parent.mkdir(parents=True)
    conf.write_text('"ADD_WORKBOOK_TO_PYTHONPATH","True"\n"SHOW CONSOLE","False"\n', encoding="utf-8")
    path, _values = doctor.fix_settings(env, python=sys.executable)
    assert path == conf
    assert doctor.read_config(conf) == {
        "ADD_WORKBOOK_TO_PYTHONPATH": "False",
        "SHOW CONSOLE": "False",
        "INTERPRETER_WIN": str(Path(sys.executable).absolute()),
    }
    checks = doctor.run_checks(env)
    assert _by_status(checks, doctor.FIX) == []
    # the interpreter was actually run: it imports xl_jixiao and xlwings
    ok = next(c for c in checks if c.title.startswith("Excel 使用的 Python"))
    assert ok.status == doctor.OK and "可以导入" in ok.detail
    assert "没有需要修改的项目" in doctor.render(checks)


def test_an_interpreter_without_xl_jixiao_is_reported(tmp_path):
    env = _windows(tmp_path)
    _install_xlwings_addin(env)
    python = tmp_path / "python.exe"
    python.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'xl_jixiao'\" >&2\nexit 1\n")
    python.chmod(0o755)
    doctor.write_config(env.config_file(), {"ADD_WORKBOOK_TO_PYTHONPATH": "False", "INTERPRETER_WIN": str(python)})
    checks = doctor.run_checks(env)
    bad = [c for c in checks if c.status == doctor.FIX]
    assert len(bad) == 1 and "不能导入 xl_jixiao" in bad[0].title
    assert "No module named 'xl_jixiao'" in bad[0].detail


def test_relative_interpreter_and_stale_addin_must_be_fixed(tmp_path):
    env = _windows(tmp_path)
    addin = _install_xlwings_addin(env)
    addin.write_bytes(b"an older add-in")
    doctor.write_config(env.config_file(), {"ADD_WORKBOOK_TO_PYTHONPATH": "false", "INTERPRETER_WIN": "pythonw"})
    fixes = _by_status(doctor.run_checks(env), doctor.FIX)
    assert fixes == ["xlwings 加载项与 Python 中的 xlwings 版本不一致", "INTERPRETER_WIN 不是完整路径：pythonw"]


def test_exit_code_one_when_something_must_be_fixed(tmp_path, monkeypatch, capsys):
    """The command's exit code follows the checks (Windows layout simulated in tmp_path)."""
    from xl_jixiao.cli import main

    windows = _windows(tmp_path)
    monkeypatch.setattr(doctor, "Environment", lambda: windows)
    assert main(["doctor"]) == 1
    assert "需要修改" in capsys.readouterr().out
    _install_xlwings_addin(windows)
    assert main(["doctor", "--fix"]) == 0
    out = capsys.readouterr().out
    assert "已写入" in out and "ADD_WORKBOOK_TO_PYTHONPATH = False" in out
