"""Credentials: environment first, then sops files decrypted in memory by the real sops binary."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolebot.errors import CredentialsError
from rolebot.redaction import MASK, Secret, redact
from rolebot.services.secrets import ALL, CALENDAR_ID, GEEKBOT_TOKEN, GOOGLE_KEY, SLACK_TOKEN, Credentials
from rolebot.settings import GlobalOptions, load_settings
from tests.conftest import Invoke, one_error_line
from tests.fakes.server import FakeServer
from tests.fakes.slack import ALL_SCOPES, FakeSlack, demo_workspace
from tests.sops import AGE_KEY, encrypt, encrypt_text, sops

TOKEN = "xoxb-test-secret-4242"


@pytest.fixture
def age(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(AGE_KEY))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no personal sops/age keys


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSlack]:
    """A fake Slack that knows TOKEN: `secrets check` asks it for the token's scopes."""
    fake = demo_workspace(tokens={TOKEN: ALL_SCOPES})
    with FakeServer(fake) as server:
        monkeypatch.setenv("ROLEBOT_SLACK_API_URL", f"{server.url}/api/")
        yield fake


def credentials(**env: str) -> Credentials:
    import os

    return Credentials(load_settings(GlobalOptions(), {**os.environ, **env}))


@pytest.mark.slow  # runs the real sops
def test_a_sops_file_is_decrypted_in_memory(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    found = credentials()
    assert found.where(SLACK_TOKEN) == "secrets/slack_bot_token.json"
    secret = found.secret(SLACK_TOKEN)
    assert secret.reveal() == TOKEN
    assert TOKEN not in repr(secret)
    assert TOKEN not in f"{secret}"
    assert TOKEN not in "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())


@pytest.mark.slow  # runs the real sops
def test_the_environment_wins_over_the_file(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    found = credentials(ROLEBOT_SLACK_TOKEN="xoxb-from-env-0001")
    assert found.where(SLACK_TOKEN) == "$ROLEBOT_SLACK_TOKEN"
    assert found.secret(SLACK_TOKEN).reveal() == "xoxb-from-env-0001"


@pytest.mark.slow  # runs the real sops
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


@pytest.mark.slow  # runs the real sops
def test_no_key_available(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOPS_AGE_KEY_FILE", str(AGE_KEY))
    encrypt(tmp_path / "secrets" / "calendar_id.json", {"calendar_id": "team@group.calendar.google.com"})
    monkeypatch.delenv("SOPS_AGE_KEY_FILE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(
        CredentialsError, match=r"sops found no key that can decrypt secrets/calendar_id\.json.*SOPS_AGE_KEY_FILE"
    ):
        credentials().secret(CALENDAR_ID)


@pytest.mark.slow  # runs the real sops
def test_a_tampered_file_fails_the_integrity_check(age: None, tmp_path: Path) -> None:
    path = encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    document = json.loads(path.read_text())
    document["added_later"] = document["slack_bot_token"]  # encrypted, but not by sops for this key
    path.write_text(json.dumps(document))
    with pytest.raises(CredentialsError, match="failed sops' integrity check"):
        credentials().secret(SLACK_TOKEN)


@pytest.mark.slow  # runs the real sops
def test_sops_missing_says_what_to_install(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    with pytest.raises(CredentialsError, match="sops is not installed"):
        credentials(PATH=str(tmp_path)).secret(SLACK_TOKEN)
    with pytest.raises(CredentialsError, match="ROLEBOT_SOPS names '/nowhere/sops'"):
        credentials(ROLEBOT_SOPS="/nowhere/sops").secret(SLACK_TOKEN)


@pytest.mark.slow  # runs the real sops
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


@pytest.mark.slow  # runs the real sops
def test_secrets_check_reports_without_showing_values(
    age: None, slack: FakeSlack, tmp_path: Path, rolebot: Invoke
) -> None:
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


@pytest.mark.slow  # runs the real sops
def test_a_sops_file_with_a_value_left_in_clear_is_refused_naming_the_key(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN}, "--unencrypted-regex", "^slack")
    with pytest.raises(CredentialsError) as caught:
        credentials().secret(SLACK_TOKEN)
    assert str(caught.value) == (
        "secrets/slack_bot_token.json leaves 'slack_bot_token' unencrypted (its sops metadata sets "
        "unencrypted_regex) and may be a leaked secret — rotate that credential now, then encrypt the new one "
        "with every value encrypted (secrets/README.md)"
    )


@pytest.mark.slow  # runs the real sops
def test_secrets_check_reports_values_in_clear_and_stray_files_without_showing_them(
    age: None, tmp_path: Path, rolebot: Invoke
) -> None:
    secrets = tmp_path / "secrets"
    encrypt(secrets / "slack_bot_token.json", {"slack_bot_token": TOKEN}, "--unencrypted-regex", "^slack")
    encrypt(secrets / "geekbot_api_token.json", {"geekbot_api_token": "api_geekbot_encrypted_1234"})
    (secrets / "README.md").write_text("# secrets/\n")
    (secrets / "token.txt").write_text("xoxb-pasted-here-5678")
    (secrets / "nested").mkdir()
    (secrets / "nested" / "key.json").write_text(json.dumps({"private_key": "-----BEGIN PRIVATE KEY-----abcd"}))
    (secrets / "calendar_id.json").write_text("")  # what a failed `sops ... > secrets/calendar_id.json` leaves
    encrypt(secrets / "other-team.json", {"password": "hunter2hunter2"})  # encrypted: fine
    encrypt_text(secrets / "other-team.yaml", "password: hunter2hunter2\n", "yaml")
    result = rolebot("secrets", "check", env={"ROLEBOT_CALENDAR_ID": "team-calendar-id@group.calendar.google.com"})
    assert result.exit_code == 1
    out = " ".join(result.stdout.split())
    assert (
        "Slack bot token secrets/slack_bot_token.json secrets/slack_bot_token.json leaves 'slack_bot_token' "
        "unencrypted (its sops metadata sets unencrypted_regex) and may be a leaked secret" in out
    )
    assert "Geekbot API key secrets/geekbot_api_token.json decrypts" in out
    assert "Google Calendar ID $ROLEBOT_CALENDAR_ID set" in out
    # The calendar ID comes from the environment, so its file is a stray.
    assert "stray file secrets/calendar_id.json is not encrypted with sops (it has no sops metadata)" in out
    assert "stray file secrets/nested/key.json is not encrypted with sops" in out
    assert "stray file secrets/token.txt is not a sops-encrypted JSON or YAML file: it may hold a secret" in out
    assert "stray file secrets/README.md" not in out
    assert "other-team" not in out
    for value in (TOKEN, "xoxb-pasted", "BEGIN PRIVATE KEY", "hunter2", "api_geekbot", "team-calendar-id"):
        assert value not in result.output
    assert one_error_line(result.stderr) == "Error: some credentials cannot be used — see the table above"


@pytest.mark.slow  # runs the real sops
def test_secrets_check_fails_on_a_stray_file_alone(
    age: None, slack: FakeSlack, tmp_path: Path, rolebot: Invoke
) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    (tmp_path / "secrets" / "backup.json").write_text(json.dumps({"slack_bot_token": TOKEN}))
    result = rolebot("secrets", "check")
    assert result.exit_code == 1
    assert TOKEN not in result.output
    assert one_error_line(result.stderr) == (
        "Error: 1 file(s) in the secrets directory may hold a secret in clear — rotate whatever they hold, "
        "then delete them (secrets/README.md shows how to encrypt)"
    )


BARRIER_SOPS = """#!/bin/sh
# Stands in front of the real sops: records each run, then waits until {count} runs have started.
touch "$SOPS_RUNS/$$"
tries=0
while [ "$(ls "$SOPS_RUNS" | wc -l)" -lt {count} ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 600 ]; then echo "only $(ls "$SOPS_RUNS" | wc -l) sops runs at once" >&2; exit 97; fi
    sleep 0.05
done
exec "{sops}" "$@"
"""


def barrier_sops(tmp_path: Path, count: int) -> dict[str, str]:
    """An environment whose sops only succeeds when `count` runs are under way at the same time."""
    script = tmp_path / "barrier-sops"
    script.write_text(BARRIER_SOPS.format(count=count, sops=sops()))
    script.chmod(0o755)
    runs = tmp_path / "sops-runs"
    runs.mkdir()
    return {"ROLEBOT_SOPS": str(script), "SOPS_RUNS": str(runs)}


@pytest.mark.slow  # runs the real sops
def test_preload_decrypts_every_file_at_the_same_time_once(age: None, tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    encrypt(secrets / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    encrypt(secrets / "geekbot_api_token.json", {"geekbot_api_token": "api_geekbot_key_0001"})
    encrypt(secrets / "calendar_id.json", {"calendar_id": "team@group.calendar.google.com"})
    encrypt(secrets / "gcp_service_account.json", {"type": "service_account", "private_key": "-----BEGIN-----"})
    env = barrier_sops(tmp_path, count=4)
    found = credentials(**env)
    found.preload(*ALL)
    found.preload(*ALL)  # already under way: nothing more starts
    assert found.secret(SLACK_TOKEN).reveal() == TOKEN
    assert found.secret(GEEKBOT_TOKEN).reveal() == "api_geekbot_key_0001"
    assert found.secret(CALENDAR_ID).reveal() == "team@group.calendar.google.com"
    assert found.document(GOOGLE_KEY)["type"] == "service_account"
    assert found.secret(SLACK_TOKEN).reveal() == TOKEN
    assert len(list(Path(env["SOPS_RUNS"]).iterdir())) == 4  # one sops run per file, all at once


@pytest.mark.slow  # runs the real sops
def test_preload_keeps_each_error_for_when_the_credential_is_read(age: None, tmp_path: Path) -> None:
    encrypt(tmp_path / "secrets" / "slack_bot_token.json", {"slack_bot_token": TOKEN})
    (tmp_path / "secrets" / "geekbot_api_token.json").write_text(json.dumps({"geekbot_api_token": "api_plain_0001"}))
    found = credentials()
    found.preload(*ALL)  # never raises: the calendar credentials are simply absent
    assert found.secret(SLACK_TOKEN).reveal() == TOKEN
    with pytest.raises(CredentialsError, match=r"geekbot_api_token\.json is not encrypted with sops"):
        found.secret(GEEKBOT_TOKEN)
    with pytest.raises(CredentialsError, match=r"no Google Calendar ID: \$ROLEBOT_CALENDAR_ID is not set"):
        found.secret(CALENDAR_ID)
