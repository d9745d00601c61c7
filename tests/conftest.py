"""Shared fixtures."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from xl_jixiao.data import SEEDS_DIR

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def seed_qiannan() -> Path:
    return SEEDS_DIR / "qiannan_2024_pifu.txt"


@pytest.fixture(scope="session")
def seed_gansu() -> Path:
    return SEEDS_DIR / "gansu_zhengfawei_2024.txt"


@pytest.fixture(scope="session")
def seed_qingyunpu() -> Path:
    return SEEDS_DIR / "nanchang_qingyunpu_2023.md"


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of headless LibreOffice; skips when missing unless CI demands it."""
    path = find_soffice()
    if path is None:
        if os.environ.get("XL_JIXIAO_REQUIRE_SOFFICE"):
            pytest.fail("需要 LibreOffice（soffice），但未找到：请先运行 .ci/run 安装")
        pytest.skip("未安装 LibreOffice（soffice）")
    return path
