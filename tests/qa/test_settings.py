"""Settings that stay: the TOML file, `qa config`, and the defaults it changes (k, reader, index)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.errors import InputError
from qa.cli_ask import _ask_parser
from qa.home import chosen_index, remember_last
from qa.settings import Settings, config_path, describe, load_settings, save_setting


def test_no_file_means_the_defaults(own_settings):
    assert config_path() == own_settings and not own_settings.exists()
    assert load_settings() == Settings()


def test_saving_one_setting_keeps_the_others_and_the_comments(own_settings):
    own_settings.write_text('# mine\nk = 7  # more passages\n\n[later]\nx = 1\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown setting 'later'"):
        load_settings()  # a table is no setting: said, not ignored
    own_settings.write_text('# mine\nk = 7  # more passages\n', encoding="utf-8")
    save_setting("theme", 'nord "dark"\\')
    save_setting("k", 9)
    text = own_settings.read_text(encoding="utf-8")
    assert text.startswith("# mine\n") and text.count("k = ") == 1
    assert load_settings() == Settings(theme='nord "dark"\\', k=9)


def test_a_new_file_is_created_with_its_folder(tmp_path, monkeypatch):
    path = tmp_path / "deep" / "config.toml"
    monkeypatch.setenv("QA_CONFIG", str(path))
    save_setting("theme", "gruvbox")
    assert load_settings().theme == "gruvbox"


@pytest.mark.parametrize("text, fragment", [
    ("k = 0\n", "k must be a whole number"),
    ('k = "5"\n', "k must be a whole number"),
    ('reader = "slow"\n', "reader must be fast or accurate"),
    ("thme = 'x'\n", "unknown setting 'thme'"),
    ("k = [\n", "cannot read the settings"),
    ('index = ""\n', "index must be a non-empty string"),
])
def test_a_bad_file_is_one_clear_error_naming_it(own_settings, text, fragment):
    own_settings.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=fragment) as caught:
        load_settings()
    assert str(own_settings) in str(caught.value)


def test_the_settings_give_ask_its_defaults(own_settings):
    assert _ask_parser().parse_args(["q"]).k == 5
    own_settings.write_text('k = 8\nreader = "accurate"\n', encoding="utf-8")
    args = _ask_parser().parse_args(["q"])
    assert (args.k, args.reader) == (8, "accurate")
    assert _ask_parser().parse_args(["q", "-k", "2"]).k == 2  # the command line still wins


def test_the_index_setting_comes_after_qa_index_and_before_the_last_built(own_settings, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("QA_INDEX", raising=False)
    last = tmp_path / "last"
    (last / "CURRENT").parent.mkdir()
    (last / "CURRENT").write_text("gen-1\n")
    remember_last(last)
    assert chosen_index() == last.resolve()
    own_settings.write_text(f'index = "{tmp_path / "mine"}"\n', encoding="utf-8")
    assert chosen_index() == tmp_path / "mine"
    monkeypatch.setenv("QA_INDEX", str(tmp_path / "env"))
    assert chosen_index() == tmp_path / "env"


def test_qa_config_shows_the_path_and_every_setting(own_settings):
    qa = Path(sys.executable).with_name("qa")
    env = {**os.environ, "NO_COLOR": "1"}
    shown = subprocess.run([str(qa), "config"], capture_output=True, text=True, env=env, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0] == f"# {own_settings} (no file yet: every setting has its default)"
    own_settings.write_text('theme = "nord"\nk = 3\n', encoding="utf-8")
    shown = subprocess.run([str(qa), "config"], capture_output=True, text=True, env=env, timeout=60)
    lines = shown.stdout.splitlines()
    assert lines[0] == f"# {own_settings}"
    assert any(line.startswith('theme = "nord"') for line in lines)
    assert any(line.startswith("k = 3 ") for line in lines)
    assert any(line.startswith("# index = ") for line in lines) and any(line.startswith('reader = "fast"') for line in lines)
    own_settings.write_text("k = -1\n", encoding="utf-8")
    broken = subprocess.run([str(qa), "config"], capture_output=True, text=True, env=env, timeout=60)
    assert broken.returncode == 2 and broken.stderr.startswith("error: ") and len(broken.stderr.splitlines()) == 1


def test_describe_reads_as_toml(own_settings):
    import tomllib

    shown = describe(Settings(theme="nord", k=4, export_folder="~/x"), own_settings)
    assert tomllib.loads(shown) == {"theme": "nord", "k": 4, "export_folder": "~/x", "reader": "fast"}
