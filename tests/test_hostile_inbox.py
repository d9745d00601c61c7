"""A hostile inbox never crashes, hangs, overwrites or inflates.

Every hostile file is generated here.  Commands run in a subprocess with a
timeout (no hang) and an address-space limit (nothing here may allocate huge
memory in the test process); each case asserts: no traceback, a Chinese
reason, the run's summary written, every input listed, sources byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from xl_jixiao.readers import load_sheets

CJK = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT = 120
SUBPROCESS_MEMORY = 3 << 30  # the whole command, reading processes included


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (SUBPROCESS_MEMORY, SUBPROCESS_MEMORY))


def run(*argv, memory: bool = True, preexec=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    return subprocess.run([sys.executable, "-m", "xl_jixiao", *map(os.fsdecode, argv)],
                          capture_output=True, timeout=TIMEOUT, env=env,
                          preexec_fn=preexec or (_limit_memory if memory else None))


class Ran:
    """What an in-process command run gave (for inputs that are not dangerous to read)."""

    def __init__(self, code: int, out: str, err: str):
        self.returncode, self.stdout, self.stderr = code, out.encode("utf-8", "backslashreplace"), err.encode(
            "utf-8", "backslashreplace")


def cli(capsys, *argv) -> Ran:
    from xl_jixiao.cli import main

    code = main([os.fsdecode(a) for a in argv])
    cap = capsys.readouterr()
    return Ran(code, cap.out, cap.err)


def text(cp) -> str:
    return (cp.stdout + cp.stderr).decode("utf-8", "backslashreplace")


def assert_sentence(cp, code: int | tuple[int, ...] = 2) -> str:
    out = text(cp)
    assert "Traceback" not in out and "panicked" not in out, out[-3000:]
    assert cp.returncode in ((code,) if isinstance(code, int) else code), out[-3000:]
    assert CJK.search(cp.stderr.decode("utf-8", "backslashreplace") or out), out
    return out


def digest(path: Path | bytes) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def snapshot(folder: Path) -> dict[bytes, str]:
    """Every regular file under ``folder`` (bytes names) and its hash; special files and links by what they are."""
    out: dict[bytes, str] = {}
    for dirpath, _, names in os.walk(os.fsencode(folder)):
        for n in names:
            full = os.path.join(dirpath, n)
            if os.path.islink(full):
                out[full] = "link:" + os.fsdecode(os.readlink(full))
            elif os.path.isfile(full):
                out[full] = digest(full)
            else:
                out[full] = "special"
    return out


def file_list(summary: Path) -> list[list]:
    """The summary's 文件清单 rows (file, result, reason)."""
    rows = load_sheets(summary)["文件清单"]
    head = [str(v) for v in rows[0]]
    f, r, why = head.index("文件"), head.index("结果"), head.index("原因 / 说明")
    return [[row[f], row[r], row[why]] for row in rows[1:]]


def totals(summary: Path) -> tuple[int, float]:
    rows = load_sheets(summary)["汇总"]
    last = [r for r in rows if r and r[0] == "合计"][0]
    return len(rows) - 2, float(last[6] or 0)


# ------------------------------------------------------------------ hostile files


def rewrite(src: Path, dst: Path, change: dict[str, bytes | None] | None = None,
            edit: tuple[str, bytes, bytes] | None = None, edits: list[tuple[str, bytes, bytes]] = ()) -> Path:
    """A copy of the package ``src`` with parts replaced (``None`` removes) or edited (part, old, new)."""
    change = change or {}
    todo = [*([edit] if edit else []), *edits]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = set(zin.namelist())
        assert all(part in names for part, _, _ in todo)
        for info in zin.infolist():
            if info.filename in change:
                continue
            data = zin.read(info.filename)
            for part, old, new in todo:
                if info.filename == part:
                    assert old in data
                    data = data.replace(old, new, 1)
            zout.writestr(info.filename, data)
        for name, data in change.items():
            if data is not None:
                zout.writestr(name, data)
    return dst


def dimension_bomb(src: Path, dst: Path, part: str = "xl/worksheets/sheet1.xml") -> Path:
    """One cell at XFD1048576: a reader laying the sheet out from A1 would allocate 512 GiB."""
    return rewrite(src, dst, edit=(part, b"</sheetData>",
                                   b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'))


def wide_sheet(src: Path, dst: Path) -> Path:
    return rewrite(src, dst, edit=("xl/worksheets/sheet1.xml", b"</sheetData>",
                                   b'<row r="2000"><c r="XFD2000"><v>1</v></c></row></sheetData>'))


def zip_bomb(src: Path, dst: Path, mb: int = 300) -> Path:
    """A valid workbook with one extra part that inflates to ``mb`` MB (written in chunks, never held)."""
    shutil.copy(src, dst)
    with zipfile.ZipFile(dst, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("xl/media/image1.bin", "w", force_zip64=True) as part:
            chunk = bytes(1 << 20)
            for _ in range(mb):
                part.write(chunk)
    return dst


def huge_string(src: Path, dst: Path, mb: int = 2) -> Path:
    """One shared string of ``mb`` MB, used by one cell."""
    sst = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>' + b"A" * (mb << 20) + b"</t></si></sst>")
    rel = (b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    ct = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          b'spreadsheetml.sharedStrings+xml"/></Types>')
    return rewrite(src, dst, change={"xl/sharedStrings.xml": sst}, edits=[
        ("xl/_rels/workbook.xml.rels", b"</Relationships>", rel), ("[Content_Types].xml", b"</Types>", ct),
        ("xl/worksheets/sheet1.xml", b"</sheetData>", b'<row r="3000"><c r="A3000" t="s"><v>0</v></c></row></sheetData>')])


@pytest.fixture(scope="session")
def units(tmp_path_factory) -> list[Path]:
    """Four clean unit workbooks."""
    from xl_jixiao.template import generate_samples

    d = tmp_path_factory.mktemp("units")
    generate_samples(d, 4, seed=13, defect_rate=0.0, workers=1)
    return sorted(d.glob("*.xlsx"))


@pytest.fixture()
def inbox(tmp_path, units) -> Path:
    d = tmp_path / "收件箱"
    d.mkdir()
    for u in units:
        shutil.copy(u, d / u.name)
    return d


@pytest.fixture(scope="session")
def baseline(tmp_path_factory, units) -> tuple[int, float]:
    d = tmp_path_factory.mktemp("baseline")
    for u in units:
        shutil.copy(u, d / u.name)
    out = d.parent / (d.name + "-汇总.xlsx")
    cp = run("consolidate", d, "-o", out, "--no-cache", "-q")
    assert cp.returncode in (0, 1), text(cp)
    return totals(out)


def consolidate_and_account(inbox: Path, out: Path, *extra, code=(0, 1)) -> list[list]:
    """Run consolidate; assert the run completed and every input is listed; return 文件清单."""
    before = snapshot(inbox)
    cp = run("consolidate", inbox, "-o", out, "-q", *extra)
    out_text = text(cp)
    assert "Traceback" not in out_text and "panicked" not in out_text, out_text[-3000:]
    assert cp.returncode in ((code,) if isinstance(code, int) else code), out_text[-3000:]
    assert out.exists(), out_text
    listed = file_list(out)
    names = {os.fsdecode(os.path.relpath(p, os.fsencode(inbox))).replace(os.sep, "/") for p in before}
    shown = {str(r[0]) for r in listed}
    for n in names:
        if not os.path.basename(n).endswith(".jxcache.sqlite"):
            assert n.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace") in shown, (n, shown)
    mine = {os.fsencode(out), os.fsencode(str(out) + ".jxcache.sqlite")}
    after = snapshot(inbox)
    assert {k: v for k, v in before.items() if k not in mine} == {k: v for k, v in after.items() if k not in mine}
    return listed


def fate(listed: list[list], name: str) -> tuple[str, str]:
    [row] = [r for r in listed if str(r[0]).endswith(name)]
    return str(row[1]), str(row[2] or "")


# ------------------------------------------------------------------ bounded reads


def test_bombs_are_refused_before_parsing_and_cost_milliseconds(tmp_path, inbox, units, baseline):
    dimension_bomb(units[0], inbox / "维度炸弹.xlsx")
    wide_sheet(units[0], inbox / "宽表.xlsx")
    zip_bomb(units[0], inbox / "压缩炸弹.xlsx")
    huge_string(units[0], inbox / "超长文字.xlsx")
    rewrite(units[0], inbox / "单引号.xlsx", edit=("xl/worksheets/sheet1.xml", b"</sheetData>",
                                                  b"<row r = '9'><c r = 'XFD9'><v>1</v></c></row></sheetData>"))
    # after the thousands of prepared rows of the indicator sheet, one cell far below them
    rewrite(units[0], inbox / "远处单元格.xlsx", edit=("xl/worksheets/sheet5.xml", b"</sheetData>",
                                                   b"<row r='1048577'><c r='$a$1048577'><v>1</v></c></row>"
                                                   b"</sheetData>"))
    listed = consolidate_and_account(inbox, tmp_path / "汇总表.xlsx")
    for name, words in (("维度炸弹.xlsx", "XFD1048576"), ("宽表.xlsx", "16384 列"),
                        ("压缩炸弹.xlsx", "压缩炸弹"), ("超长文字.xlsx", "KB 的文字"), ("单引号.xlsx", "16384 列"),
                        ("远处单元格.xlsx", "1048577 行")):
        result, reason = fate(listed, name)
        assert result == "无法读取" and words in reason and CJK.search(reason), (name, reason)
    assert totals(tmp_path / "汇总表.xlsx") == baseline  # the bombs add nothing

    # the same files through every command that reads: a Chinese sentence, exit 2, nothing written
    bombs = [inbox / n for n in ("维度炸弹.xlsx", "宽表.xlsx", "压缩炸弹.xlsx", "超长文字.xlsx")]
    out = assert_sentence(run("check", *bombs))
    assert out.count("疑似") >= 4
    assert "疑似" in assert_sentence(run("import", bombs[0], "-o", tmp_path / "导入.xlsx"))
    assert "疑似" in assert_sentence(run("approve", bombs[2], "-o", tmp_path / "批复表.xlsx"))
    assert not (tmp_path / "导入.xlsx").exists() and not (tmp_path / "批复表.xlsx").exists()


def test_a_reader_that_dies_costs_one_file(tmp_path, inbox, units):
    """With the pre-parse limits lifted, the dimension bomb reaches the reader (on the indicator sheet, which
    the reader parses: 填表说明 is not parsed when 单位信息 states the template version): the memory limit of
    the reading process stops it, the process is replaced and the run completes."""
    dimension_bomb(units[0], inbox / "维度炸弹.xlsx", "xl/worksheets/sheet5.xml")
    cfg = tmp_path / "宽松.toml"
    cfg.write_text("[limits]\nmax_rows = 1048576\nmax_columns = 16384\nmax_cells = 17179869184\n"
                   "worker_memory_mb = 512\n", encoding="utf-8")
    listed = consolidate_and_account(inbox, tmp_path / "汇总表.xlsx", "--config", cfg, "--jobs", "2")
    result, reason = fate(listed, "维度炸弹.xlsx")
    assert result == "无法读取" and "读取时资源超限/进程异常退出" in reason
    assert sum(r[1] == "已汇总" for r in listed) == len(units)
    # check reads in supervised processes too: the bomb costs that file, the others are checked
    cp = run("check", inbox, "--config", cfg, "--format", "json")
    assert "Traceback" not in text(cp) and cp.returncode == 2, text(cp)[-2000:]
    files = {Path(f["file"]).name: f for f in json.loads(cp.stdout)["files"]}
    assert "读取时资源超限/进程异常退出" in files["维度炸弹.xlsx"]["reason"]
    assert sum(f["status"] == "通过" for f in files.values()) == len(units)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs /proc")
def test_reading_process_killed_mid_run(tmp_path, units):
    """SIGKILL a reading process mid-run: the summary is written and every file is accounted for.  The files
    the process held are read again one by one; a file is blamed only when it was being read alone."""
    d = tmp_path / "许多单位"
    d.mkdir()
    files = 160  # enough that the run is still reading well after both reading processes started
    for i in range(files):
        shutil.copy(units[i % len(units)], d / f"{i:03d}_单位.xlsx")
    out = tmp_path / "汇总表.xlsx"
    proc = subprocess.Popen([sys.executable, "-m", "xl_jixiao", "consolidate", str(d), "-o", str(out),
                             "--jobs", "2", "-q", "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=_limit_memory)
    killed = None
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None and killed is None:
        kids = _children(proc.pid)
        if len(kids) >= 2:
            time.sleep(0.4)  # both are reading by now
            kids = _children(proc.pid)
            if kids:
                killed = kids[0]
                os.kill(killed, signal.SIGKILL)
        time.sleep(0.02)
    stdout, stderr = proc.communicate(timeout=TIMEOUT)
    out_text = (stdout + stderr).decode("utf-8", "backslashreplace")
    assert killed is not None, "the run ended before a reading process could be killed"
    assert "Traceback" not in out_text and proc.returncode in (0, 1), out_text[-3000:]
    listed = file_list(out)
    assert len(listed) == files
    crashed = [r for r in listed if "读取时资源超限/进程异常退出" in str(r[2])]
    assert len(crashed) <= 1 and all(r[1] == "无法读取" and "SIGKILL" in str(r[2]) for r in crashed)
    assert sum(r[1] == "已汇总" for r in listed) == files - len(crashed)


# ------------------------------------------------------------------ special files, names, links


def test_special_files_links_and_names(tmp_path, inbox, units, baseline):
    os.mkfifo(inbox / "管道.xlsx")
    os.symlink("/dev/zero", inbox / "零.xlsx")
    os.symlink("自己.xlsx", inbox / "自己.xlsx")  # a link loop
    outside = tmp_path / "外部.xlsx"
    shutil.copy(units[1], outside)
    os.symlink(outside, inbox / "外部链接.xlsx")
    os.symlink("不存在.xlsx", inbox / "失效.xlsx")
    gbk = os.path.join(os.fsencode(inbox), "单位甲.xlsx".encode("gbk"))  # unzipped from a Windows archive
    shutil.copy(units[0], gbk)
    os.remove(inbox / units[0].name)  # the same unit, now under a name that is not UTF-8

    listed = consolidate_and_account(inbox, tmp_path / "汇总表.xlsx", "--jobs", "2")
    assert fate(listed, "管道.xlsx") == ("跳过", "这是一个命名管道（FIFO），不是普通文件，未读取")
    assert fate(listed, "零.xlsx")[0] == "跳过" and "未读取" in fate(listed, "零.xlsx")[1]
    assert fate(listed, "自己.xlsx") == ("跳过", "符号链接循环（链接最终指回自己），未读取")
    assert fate(listed, "外部链接.xlsx") == ("跳过", "链接指向输入文件夹以外的位置，未读取")
    assert "失效的链接" in fate(listed, "失效.xlsx")[1]
    escaped = os.fsdecode(os.path.basename(gbk)).encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    assert fate(listed, escaped)[0] == "已汇总"
    assert totals(tmp_path / "汇总表.xlsx") == baseline

    # a rerun takes the non-UTF-8 file from the cache
    cp = run("consolidate", inbox, "-o", tmp_path / "汇总表.xlsx", "-q")
    assert cp.returncode in (0, 1) and b"cached=4" in cp.stdout, text(cp)

    # check lists every file with its fate, in text and JSON; the JSON carries the name's bytes
    cp = run("check", inbox, "--format", "json")
    assert cp.returncode == 0, text(cp)
    report = json.loads(cp.stdout)
    files = {os.path.basename(f["file"]): f for f in report["files"]}
    for name in ("管道.xlsx", "零.xlsx", "自己.xlsx", "外部链接.xlsx", "失效.xlsx"):
        assert files[name]["status"] == "跳过" and CJK.search(files[name]["reason"])
    assert files[os.fsdecode(os.path.basename(gbk))]["status"] == "通过"
    cp = run("check", inbox)
    assert "管道.xlsx" in text(cp) and "命名管道" in text(cp) and "\\xb5" in text(cp)

    # named directly, special files are refused in a sentence (and never opened: no hang)
    specials = [inbox / n for n in ("管道.xlsx", "零.xlsx", "自己.xlsx")]
    assert "命名管道" in assert_sentence(run("check", *specials))
    assert "命名管道" in assert_sentence(run("import", specials[0], "-o", tmp_path / "导入.xlsx"))
    assert "设备文件" in assert_sentence(run("approve", specials[1], "-o", tmp_path / "批复表.xlsx"))


# ------------------------------------------------------------------ our own outputs and output paths


def test_own_outputs_are_never_units(tmp_path, inbox, units, baseline, capsys):
    assert cli(capsys, "consolidate", inbox, "-o", inbox / "旧汇总.xlsx", "-q").returncode in (0, 1)
    shutil.copy(inbox / "旧汇总.xlsx", inbox / "改名的汇总.xlsx")  # renamed: the marker still says what it is
    assert cli(capsys, "check", units[0], "--annotate", inbox / "标注.xlsx").returncode in (0, 1)
    assert cli(capsys, "approve", units[0], "-o", inbox / "批复.xlsx").returncode == 0
    shutil.copy(inbox / "批复.xlsx", inbox / "单位丙.xlsx")

    listed = consolidate_and_account(inbox, tmp_path / "汇总表.xlsx")
    for name, what in (("旧汇总.xlsx", "汇总表"), ("改名的汇总.xlsx", "汇总表"), ("标注.xlsx", "校验标注副本"),
                       ("批复.xlsx", "批复表"), ("单位丙.xlsx", "批复表")):
        result, reason = fate(listed, name)
        assert result == "跳过" and f"本工具生成的{what}" in reason, (name, reason)
    assert totals(tmp_path / "汇总表.xlsx") == baseline  # not inflated

    # a rerun into the summary left in the inbox replaces it (it is ours), and still is not counted
    listed = consolidate_and_account(inbox, inbox / "旧汇总.xlsx")
    assert totals(inbox / "旧汇总.xlsx") == baseline


def test_no_command_overwrites_an_input(tmp_path, inbox, units, capsys):
    unit = inbox / units[0].name
    os.link(unit, tmp_path / "硬链接.xlsx")
    os.symlink(unit, tmp_path / "软链接.xlsx")
    before = snapshot(inbox)
    attempts = [
        ("consolidate", inbox, "-o", unit),
        ("consolidate", unit, "-o", unit),
        ("consolidate", inbox, "-o", tmp_path / "软链接.xlsx"),
        ("check", unit, "-o", unit),
        ("check", unit, "--annotate", unit),
        ("check", unit, "--annotate", tmp_path / "硬链接.xlsx"),
        ("import", unit, "-o", tmp_path / "硬链接.xlsx"),
        ("import", tmp_path / "软链接.xlsx", "-o", unit),
        ("approve", unit, "-o", unit),
        ("approve", inbox, "-o", unit),
    ]
    for argv in attempts:
        out = assert_sentence(cli(capsys, *argv))
        assert "覆盖" in out or "相同" in out, (argv, out)
    assert snapshot(inbox) == before


# ------------------------------------------------------------------ every error is a sentence


def _encrypted(src: Path, dst: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(src, "rb") as f, open(dst, "wb") as out:
        OOXMLFile(f).encrypt("密码123", out)
    return dst


def test_unusable_inputs_each_get_a_sentence(tmp_path, units, capsys):
    d = tmp_path / "坏文件"
    d.mkdir()
    _encrypted(units[0], d / "加密.xlsx")
    with zipfile.ZipFile(d / "二进制.xlsb", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    shutil.copy(d / "二进制.xlsb", d / "改名二进制.xlsx")
    (d / "扫描件.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    import docx

    doc = docx.Document()
    doc.add_paragraph("关于报送材料的函")
    doc.save(d / "公文.docx")
    expected = {"加密.xlsx": "密码", "二进制.xlsb": ".xlsb", "改名二进制.xlsx": ".xlsb", "扫描件.pdf": "PDF",
                "公文.docx": "没有识别出"}
    for name, words in expected.items():
        src = d / name
        before = digest(src)
        for argv in (("check", src), ("import", src, "-o", tmp_path / "导入.xlsx"),
                     ("approve", src, "-o", tmp_path / "批复表.xlsx")):
            out = assert_sentence(cli(capsys, *argv))
            assert words in out, (argv, out)
        assert digest(src) == before
    listed = consolidate_and_account(d, tmp_path / "汇总表.xlsx", code=2)
    for n, words2 in expected.items():
        assert words2 in fate(listed, n)[1], (n, fate(listed, n))


def _immutable(folder: Path) -> bool:
    return subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0 if shutil.which(
        "chattr") else False


def _full_disk(folder: Path) -> bool:
    """Mount a tiny tmpfs at ``folder`` and fill it (needs root; ``False`` when not possible)."""
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        return False
    try:
        with open(folder / "占满.bin", "wb") as f:
            while True:
                f.write(bytes(4096))
                f.flush()
    except OSError:
        pass
    return True


def test_write_failures_are_sentences(tmp_path, units, capsys):
    unit = units[0]
    loop = tmp_path / "循环"
    os.symlink(loop, loop)
    ro = tmp_path / "只读"
    ro.mkdir()
    full = tmp_path / "满"
    writes = [("check", unit, "-o", "{}/报告.txt"), ("check", unit, "--annotate", "{}/标注.xlsx"),
              ("consolidate", unit, "-o", "{}/汇总表.xlsx"), ("import", unit, "-o", "{}/导入.xlsx"),
              ("approve", unit, "-o", "{}/批复表.xlsx")]
    mounted = _full_disk(full)
    try:
        read_only = _immutable(ro)
        for argv in writes:
            if mounted:
                out = assert_sentence(cli(capsys, *[str(a).format(full) for a in argv]))
                assert "磁盘空间已满" in out, (argv, out)
                assert [p.name for p in full.iterdir()] == ["占满.bin"]  # no half-written file left
            out = assert_sentence(cli(capsys, *[str(a).format(loop) for a in argv]))
            assert "符号链接循环" in out, (argv, out)
            if read_only:
                out = assert_sentence(cli(capsys, *[str(a).format(ro) for a in argv]))
                assert "不允许" in out or "只读" in out or "没有权限" in out, (argv, out)
    finally:
        if shutil.which("chattr"):
            subprocess.run(["chattr", "-i", str(ro)], capture_output=True)
        if mounted:
            subprocess.run(["umount", "-l", str(full)], capture_output=True)
    # reading through a link loop
    for argv in (("check", loop), ("import", loop, "-o", tmp_path / "x.xlsx"),
                 ("approve", loop, "-o", tmp_path / "y.xlsx")):
        assert "符号链接循环" in assert_sentence(cli(capsys, *argv))
    assert_sentence(cli(capsys, "consolidate", loop, "-o", tmp_path / "z.xlsx"))  # the reason is in its 文件清单
    assert "符号链接循环" in fate(file_list(tmp_path / "z.xlsx"), "循环")[1]


# ------------------------------------------------------------------ one read per file


def test_file_rewritten_during_a_run_never_poisons_the_cache(tmp_path, units):
    from xl_jixiao.consolidate import consolidate
    from xl_jixiao.consolidate.cache import cache_path_for, code_fingerprint, stored_results
    from xl_jixiao.consolidate.records import loads
    from xl_jixiao.pipeline import FileResult

    d = tmp_path / "收件箱"
    d.mkdir()
    complete = units[0].read_bytes()
    torn = complete[: len(complete) // 2]
    good, bad = hashlib.sha256(complete).hexdigest(), hashlib.sha256(torn).hexdigest()
    empty = hashlib.sha256(b"").hexdigest()  # between truncate and write the file is empty
    moving = [d / f"改写中{i}.xlsx" for i in range(6)]
    for p in moving:
        p.write_bytes(complete)
    for i in range(20):
        shutil.copy(units[1 + i % 3], d / f"{i:02d}.xlsx")
    stop = threading.Event()

    def rewrite_in_place() -> None:
        while not stop.is_set():
            for p in moving:
                for data in (torn, complete):
                    with open(p, "r+b") as f:
                        f.truncate(0)
                        f.write(data)

    t = threading.Thread(target=rewrite_in_place, daemon=True)
    t.start()
    out = tmp_path / "汇总表.xlsx"
    try:
        cp = run("consolidate", d, "-o", out, "-q", "--jobs", "2")
    finally:
        stop.set()
        t.join()
    assert "Traceback" not in text(cp) and cp.returncode in (0, 1, 2), text(cp)
    assert len(file_list(out)) == 26
    db = sqlite3.connect(cache_path_for(out))
    entries = db.execute("SELECT path, sha256, record FROM files").fetchall()
    db.close()
    for path, sha, blob in entries:  # (a file caught while it changed is reported, not cached)
        rec = loads(blob)
        if Path(path).name.startswith("改写中"):
            assert sha in (good, bad, empty) and rec.sha256 == sha  # what is cached is what was read
            assert rec.usable == (sha == good)
    # a run that keeps the results reads the files for them and stores what it read
    res = consolidate([d], out, jobs=2, progress=False, keep_results=True)
    assert res.stats.read == 26
    stored = stored_results(cache_path_for(out), code_fingerprint(None))
    for sha, blob in stored.items():
        got = FileResult.from_bytes(blob)
        assert got.sha256 == sha and got.usable == (not Path(got.path).name.startswith("改写中") or sha == good)
    # the files settle: every one of them is read as the complete workbook
    for p in moving:
        p.write_bytes(complete)
    cp = run("consolidate", d, "-o", out, "-q")
    listed = file_list(out)
    for p in moving:
        assert fate(listed, p.name)[0] == "已汇总", fate(listed, p.name)
    db = sqlite3.connect(cache_path_for(out))
    shas = {Path(p).name: s for p, s in db.execute("SELECT path, sha256 FROM files")}
    db.close()
    assert all(shas[p.name] == good for p in moving)


# ------------------------------------------------------------------ tidy outputs


def test_xlsm_annotated_to_xlsx_drops_macros_and_stale_temporaries_go(tmp_path, units):
    from xl_jixiao.addin import build  # the macro-enabled template: its vbaProject.bin

    macros = tmp_path / "宏模板.xlsm"
    try:
        build(macros)
    except Exception as exc:  # noqa: BLE001 - the builder needs its VBA sources
        pytest.skip(f"宏模板无法生成：{exc}")
    with zipfile.ZipFile(macros) as zf:
        vba = zf.read("xl/vbaProject.bin")
    src = rewrite(units[0], tmp_path / "单位.xlsm", change={"xl/vbaProject.bin": vba}, edits=[
        ("[Content_Types].xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
         b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
        ("[Content_Types].xml", b"</Types>",
         b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'),
        ("xl/_rels/workbook.xml.rels", b"</Relationships>",
         b'<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
         b'Target="vbaProject.bin"/></Relationships>')])
    stale = tmp_path / ".~xl-jixiao-old.xlsx.tmp"
    stale.write_bytes(b"left by a killed run")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    out = tmp_path / "标注.xlsx"
    cp = run("check", src, "--annotate", out)
    assert "Traceback" not in text(cp)
    with zipfile.ZipFile(out) as zf:
        assert not [n for n in zf.namelist() if "vbaProject" in n]
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")
    assert not stale.exists()


def test_file_list_reflects_the_current_file(tmp_path, inbox, units, capsys):
    """After ``touch`` or ``cp -p`` the 文件清单 shows the file as it is now (time and SHA-256)."""
    import datetime as dt

    out = tmp_path / "汇总表.xlsx"

    def row(name: str) -> dict:
        rows = load_sheets(out)["文件清单"]
        head = [str(v) for v in rows[0]]
        [r] = [r for r in rows[1:] if str(r[head.index("文件")]) == name]
        return dict(zip(head, r))

    assert cli(capsys, "consolidate", inbox, "-o", out, "-q").returncode in (0, 1)
    a, b = inbox / units[0].name, inbox / units[1].name
    later = time.time() + 3600
    os.utime(a, (later, later))  # touch
    shutil.copy2(units[2], b)  # cp -p: another content, its own size and time
    assert cli(capsys, "consolidate", inbox, "-o", out, "-q").returncode in (0, 1)
    shown_time = dt.datetime.fromtimestamp(os.stat(a).st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    assert row(a.name)["修改时间"] == shown_time and row(a.name)["SHA-256"] == digest(a)
    assert row(b.name)["SHA-256"] == digest(b) and row(b.name)["单位名称"] != row(a.name)["单位名称"]
