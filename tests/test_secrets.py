"""Credentials: environment first, then sops files decrypted in memory by the real sops binary."""

import json
from pathlib import Path

import pytest

from rolebot.errors import CredentialsError
from rolebot.redaction import MASK, Secret, redact
from rolebot.services.secrets import CALENDAR_ID, GOOGLE_KEY, SLACK_TOKEN, Credentials
from rolebot.settings import GlobalOptions, load_settings
from tests.conftest import Invoke
from tests.sops import AGE_KEY, encrypt

TOKEN = "xoxb-test-secret-4242"


@pytest.fixture
def age(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(AGE_KEY))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no personal sops/age keys


def credentials(**env: str) -> Credentials:
    import os

    return Credentials(load_settings(GlobalOptions(), {**os.environ, **env}))


def test_a_sops_file_is_decrypted_in_memory(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    found = credentials()
    assert found.where(SLACK_TOKEN) == "secrets/slack_bot_token.json"
    secret = found.secret(SLACK_TOKEN)
    assert secret.reveal() == TOKEN
    assert TOKEN not in repr(secret)
    assert TOKEN not in f"{secret}"
    assert TOKEN not in "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())


def test_the_environment_wins_over_the_file(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    found = credentials(ROLEBOT_SLACK_TOKEN="xoxb-from-env-0001")
    assert found.where(SLACK_TOKEN) == "$ROLEBOT_SLACK_TOKEN"
    assert found.secret(SLACK_TOKEN).reveal() == "xoxb-from-env-0001"


def test_a_plaintext_file_is_refused_as_a_possible_leak(age: None, tmp_path: Path) -> None:
    leaked = tmp_path / "secrets" / "slack_bot_token.json"
    leaked.parent.mkdir()
    leaked.write_text(json.dumps({"slack_bot_token": TOKEN}))
    with pytest.raises(CredentialsError) as caught:
        credentials().secret(SLACK_TOKEN)
    message = str(caught.value)
    assert "is not encrypted with sops" in message
    assert "may be a leaked secret" in message
    assert "rotate that credential" in message
    assert TOKEN not in message


def test_no_key_available(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(AGE_KEY))
    encrypt(tmp_path / "secrets" / "calendar_id.json", {"calendar_id": "team@group.calendar.google.com"})
    monkeypatch.delenv("SOPS_AGE_KEY_FILE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(
        CredentialsError, match=r"sops found no key that can decrypt secrets/calendar_id\.json.*SOPS_AGE_KEY_FILE"
    ):
        credentials().secret(CALENDAR_ID)


def test_a_tampered_file_fails_the_integrity_check(age: None, tmp_path: Path) -> None:
    path = encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    document = json.loads(path.read_text())
    document["added_later_unencrypted"] = "x"
    path.write_text(json.dumps(document))
    with pytest.raises(CredentialsError, match="failed sops' integrity check"):
        credentials().secret(SLACK_TOKEN)


def test_sops_missing_says_what_to_install(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    with pytest.raises(CredentialsError, match="sops is not installed"):
        credentials(PATH=str(tmp_path)).secret(SLACK_TOKEN)
    with pytest.raises(CredentialsError, match="ROLEBOT_SOPS names '/nowhere/sops'"):
        credentials(ROLEBOT_SOPS="/nowhere/sops").secret(SLACK_TOKEN)


def test_a_file_without_the_expected_field(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"token": TOKEN})
    with pytest.raises(CredentialsError, match="has no string field 'slack_bot_token'"):
        credentials().secret(SLACK_TOKEN)


def test_service_account_key_from_a_path_in_the_environment(tmp_path: Path) -> None:
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n"}))
    document = credentials(ROLEBOT_GOOGLE_CREDENTIALS=str(key)).document(GOOGLE_KEY)
    assert document["type"] == "service_account"
    assert redact("oops -----BEGIN PRIVATE KEY----- leaked") == f"oops {MASK} leaked"
    with pytest.raises(CredentialsError, match=r"points to .*missing\.json, which does not exist"):
        credentials(ROLEBOT_GOOGLE_CREDENTIALS=str(tmp_path / "missing.json")).document(GOOGLE_KEY)


def test_secrets_never_format_and_are_redacted_from_output() -> None:
    secret = Secret("api_super_secret_geekbot_key")
    assert "api_super" not in f"{secret!r} {secret!s} {secret}"
    assert redact("key=api_super_secret_geekbot_key") == f"key={MASK}"


def test_secrets_check_reports_without_showing_values(age: None, tmp_path: Path, rolebot: Invoke) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    plain = tmp_path / "secrets" / "geekbot_api_token.json"
    plain.write_text(json.dumps({"geekbot_api_token": "api_plaintext_oops_1234"}))
    result = rolebot("secrets", "check", env={"ROLEBOT_CALENDAR_ID": "team-calendar-id@group.calendar.google.com"})
    assert result.exit_code == 1
    out = " ".join(result.stdout.split())
    assert "Slack bot token secrets/slack_bot_token.json decrypts" in out
    assert "Geekbot API key secrets/geekbot_api_token.json secrets/geekbot_api_token.json is not encrypted" in out
    assert "Google Calendar ID $ROLEBOT_CALENDAR_ID set" in out
    assert "members: live · calendar: local · notifier: live" in out
    for value in (TOKEN, "api_plaintext_oops_1234", "team-calendar-id"):
        assert value not in result.output
    assert "Error: some credentials cannot be used" in result.stderr


def test_live_backend_without_credentials_is_a_clear_error(rolebot: Invoke, demo: Path) -> None:
    result = rolebot("--backend", "live", "members", "support-triagers")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: --backend live needs credentials for Slack, and these are missing: Slack bot token "
        "(ROLEBOT_SLACK_TOKEN or secrets/slack_bot_token.json)"
    )
