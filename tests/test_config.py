"""The configuration: a user's file checked key by key, with the Chinese message naming what is wrong."""

from __future__ import annotations

import pickle

import pytest

from xl_jixiao.config import (
    DEFAULT_CONFIG_PATH,
    Config,
    Limits,
    Review,
    _read_toml,
    config_from_dict,
    default_config,
    load_config,
)
from xl_jixiao.errors import UserError
from xl_jixiao.model import Severity

SECTIONS = "check、severity、money、duplicates、vocabulary、limits、review"


@pytest.mark.parametrize("text,message", [
    ('[chek]\nscheme = "2021"\n', f"未知的配置节 [chek]（可用：{SECTIONS}）"),
    ("x = 1\n", f"未知的配置节 [x]（可用：{SECTIONS}）"),
    ('[check]\nscheem = "2021"\n', "[check] 中未知的配置项「scheem」（可用：budget_year、dept_scheme、ignore、scheme、select）"),
    ("[review]\ngoal_chars = 3\n", "[review] 中未知的配置项「goal_chars」（可用：amount_change_share、goal_min_chars、"
     "large_project_min_indicators、large_project_wan、name_max_chars、note_min_share、return_on）"),
    ("[limits]\nmax_file = 3\n", "[limits] 中未知的配置项「max_file」（可用：max_cells、max_columns、max_file_mb、"
     "max_part_mb、max_parts、max_ratio、max_rows、max_shared_strings、max_string_kb、max_total_mb、"
     "worker_memory_mb、worker_seconds）"),
    ("[money]\ntol = 3\n", "[money] 中未知的配置项「tol」（可用：tolerance、wan_suspicious_min、yuan_suspicious_max）"),
    ("check = 3\n", "[check] 应是一个配置节"),
    ('review = "x"\n', "[review] 应是一个配置节"),
    ('[check]\nbudget_year = "2024"\n', "[check] budget_year 应是整数，实际为「2024」"),
    ("[check]\nscheme = 2021\n", "[check] scheme 应是文字，实际为「2021」"),
    ("[vocabulary]\nvague_words = 3\n", "[vocabulary] vague_words 应是文字列表，实际为「3」"),
    ('[money]\ntolerance = "abc"\n', "[money] tolerance 应是数字，实际为「abc」"),
    ("[duplicates]\nmin_projects = 1\n", "[duplicates] min_projects 应不小于 2，实际为「1」"),
    ("[duplicates]\nshare = 1.5\n", "[duplicates] share 应不大于 1，实际为「1.5」"),
    ("[review]\nname_max_chars = 2\n", "[review] name_max_chars 应不小于 5，实际为「2」"),
    ("[review]\nlarge_project_wan = 0\n", "[review] large_project_wan 应大于 0，实际为「0」"),
    ('[review]\nreturn_on = "info"\n', "[review] return_on 的值无效，实际为「info」"),
    ("[review]\nreturn_on = 3\n", "[review] return_on 应是文字，实际为「3」"),
    ("[review]\ngoal_min_chars = 2.5\n", "[review] goal_min_chars 应是整数，实际为「2.5」"),
    ("[limits]\nmax_ratio = 1\n", "[limits] max_ratio 应不小于 2，实际为「1」"),
    ('[limits]\nmax_rows = "many"\n', "[limits] max_rows 应是整数，实际为「many」"),
    ('[severity]\nJX999 = "error"\n', "[severity] 中的「JX999」不是已知的规则编码"),
    ('[severity]\nJX301 = "fatal"\n', "JX301 的未知的严重程度：fatal（可用：error/warning/info 或 E/W/I）"),
    ("[severity]\nJX301 = 3\n", "[severity] JX301 应是文字，实际为「3」"),
])
def test_a_bad_file_is_named_with_section_and_key(tmp_path, text, message):
    cfg = tmp_path / "我的配置.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as exc:
        load_config(cfg)
    assert str(exc.value) == f"配置文件 {cfg}：{message}"


def test_a_file_overrides_the_defaults_key_by_key(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[check]\nscheme = "2021"\nselect = "JX3, JX2"\nignore = ["JX213"]\nbudget_year = 2025\n'
                   '[severity]\nJX204 = "E"\n[money]\ntolerance = "0.01"\n[duplicates]\nshare = 1\n'
                   '[vocabulary]\nvague_words = "大致"\n[review]\nlarge_project_wan = 500.5\nreturn_on = "warning"\n'
                   "[limits]\nworker_seconds = 60\n", encoding="utf-8")
    c = load_config(cfg)
    base = default_config()
    assert (c.scheme, c.select, c.ignore, c.budget_year) == ("2021", ("JX3", "JX2"), ("JX213",), 2025)
    assert c.severities == {"JX204": Severity.ERROR}
    assert str(c.tolerance) == "0.01" and c.dup_share == 1.0 and c.vague_words == ("大致",)
    assert c.review == Review(large_project_wan=500.5, return_on="warning")
    assert c.limits == Limits(worker_seconds=60)
    assert c.qualitative_grades == base.qualitative_grades and c.source == str(cfg)
    assert c.fingerprint() != base.fingerprint()


def test_the_shipped_defaults_pass_the_checks_a_user_file_gets():
    """The defaults are read without validation on every start; validated, they are the same configuration."""
    checked = config_from_dict(_read_toml(DEFAULT_CONFIG_PATH))
    assert checked == default_config() == load_config(None)
    assert default_config().review == Review() and default_config().limits == Limits()
    assert default_config().vague_words and default_config().severities == {}


def test_overrides_copy_and_the_fingerprint_ignores_where_it_came_from(tmp_path):
    base = default_config()
    c = base.with_overrides(select=["jx3"], ignore=["JX213"], scheme="legacy", budget_year=2026)
    assert (c.select, c.ignore, c.scheme, c.budget_year) == (("JX3",), ("JX213",), "legacy", 2026)
    assert base.select == () and base.with_overrides() is base
    assert c.fingerprint() != base.fingerprint()
    cfg = tmp_path / "空.toml"
    cfg.write_text("", encoding="utf-8")
    assert load_config(cfg).fingerprint() == base.fingerprint()
    with pytest.raises(UserError, match="不是规则编码"):
        base.with_overrides(select=["301"])


def test_a_configuration_crosses_to_worker_processes_and_stays_immutable():
    c = default_config().with_overrides(ignore=["JX2"])
    assert pickle.loads(pickle.dumps(c)) == c
    with pytest.raises(AttributeError):
        c.scheme = "2021"  # type: ignore[misc]
    assert isinstance(Config(), Config)
