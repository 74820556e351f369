"""Every setting declared in data_access.settings.SETTINGS is documented in the README's table."""

from __future__ import annotations

import re

from data_access.settings import PROJECT_ROOT, SETTINGS

README = PROJECT_ROOT / "README.md"
_ROW = re.compile(r"^\|\s*`(COCKPIT_[A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|\s*([^|]*?)\s*\|\s*$")


def _settings_table() -> dict[str, tuple[str, str]]:
    """Rows of the table between the settings markers: name -> (default cell, meaning)."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index("<!-- settings:start -->"), text.index("<!-- settings:end -->")
    rows = {}
    for line in text[start:end].splitlines():
        match = _ROW.match(line.strip())
        if match:
            rows[match.group(1)] = (match.group(2), match.group(3))
    return rows


def test_doc001_every_setting_in_readme_table():
    table = _settings_table()
    missing = [name for name, _default, _help in SETTINGS if name not in table]
    assert not missing, f"settings missing from README.md: {missing}"


def test_doc002_readme_table_names_only_real_settings():
    declared = {name for name, _default, _help in SETTINGS}
    extra = sorted(set(_settings_table()) - declared)
    assert not extra, f"README.md documents settings that do not exist: {extra}"


def test_doc003_readme_defaults_match_declared():
    table = _settings_table()
    for name, default, _help in SETTINGS:
        cell, meaning = table[name]
        assert cell == (f"`{default}`" if default else "(empty)"), (name, cell, default)
        assert meaning, name


def test_doc004_readme_has_the_two_commands_and_ci_calls_the_test_one():
    text = README.read_text(encoding="utf-8")
    assert "make serve" in text and "make test" in text
    assert "http://127.0.0.1:8050" in text
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line.strip() for line in ci.splitlines() if line.strip().startswith("make ")] == ["make test"]
