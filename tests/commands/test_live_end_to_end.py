"""The weekly job with every service live: Slack, Google Calendar and Geekbot all fakes on real
sockets. This is what GitHub Actions runs every Monday (`ROLEBOT_BACKEND=live`), end to end.

The credentials come from the environment (ROLEBOT_SLACK_TOKEN, ROLEBOT_GEEKBOT_TOKEN,
ROLEBOT_CALENDAR_ID, ROLEBOT_GOOGLE_CREDENTIALS naming a key file), so runs in a loop cost no
decryption; one test, the one about secrets, takes them the way GitHub Actions does: files
encrypted with sops in a secrets directory, decrypted by the real sops binary with the
test-only age key.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from rolebot.redaction import MASK
from tests.conftest import Invoke, read_json
from tests.fakes.geekbot import DEMO_KEY, FakeGeekbot
from tests.fakes.google import FakeGoogle, seed_team_calendar
from tests.fakes.server import FakeServer
from tests.fakes.slack import TOKEN as SLACK_TOKEN
from tests.fakes.slack import FakeSlack, demo_workspace
from tests.sops import AGE_KEY, encrypt

pytestmark = pytest.mark.slow  # every service on a real socket, whole weekly jobs

MONDAY = date(2026, 11, 30)
STANDUP = "SupportTriagerStandup"


@dataclass
class Live:
    slack: FakeSlack
    google: FakeGoogle
    geekbot: FakeGeekbot
    env: dict[str, str]
    state: Path
    key: dict[str, str]

    def run(self, rolebot: Invoke, *args: str, today: date = MONDAY) -> Result:
        return rolebot("--today", today.isoformat(), *args, env=self.env)

    def triager_starts(self) -> list[date]:
        starts = []
        for event in self.google.events():
            private = event.get("extendedProperties", {}).get("private", {})
            if private.get("rolebot_role") == "support-triager" or event["summary"].startswith("Support "):
                starts.append(date.fromisoformat(event["start"]["date"]))
        return sorted(starts)

    def standups(self) -> list[dict]:
        return self.geekbot.named(STANDUP)

    def secrets(self) -> list[str]:
        """Every secret value the run knows: none may ever be shown."""
        key_lines = [line for line in self.key["private_key"].splitlines() if len(line) > 20]
        return [SLACK_TOKEN, DEMO_KEY, self.google.calendar_id, self.key["private_key_id"], *key_lines]


@pytest.fixture
def services() -> Iterator[tuple[FakeSlack, FakeGoogle, FakeGeekbot, dict[str, str]]]:
    """The three fakes, served, and the environment that points rolebot at them."""
    slack, google, geekbot = demo_workspace(), FakeGoogle(), FakeGeekbot()
    seed_team_calendar(google)
    with FakeServer(slack) as slack_server, google.serve() as google_server, FakeServer(geekbot) as geekbot_server:
        env = {
            "ROLEBOT_BACKEND": "live",
            "ROLEBOT_SLACK_API_URL": f"{slack_server.url}/api/",
            "ROLEBOT_GOOGLE_API_URL": google_server.url,
            "ROLEBOT_GEEKBOT_API_URL": geekbot_server.url,
        }
        yield slack, google, geekbot, env


@pytest.fixture
def live(services: tuple[FakeSlack, FakeGoogle, FakeGeekbot, dict[str, str]], demo: Path, tmp_path: Path) -> Live:
    """Every service live, the credentials in the environment."""
    slack, google, geekbot, env = services
    key = google.key_for()
    key_file = tmp_path / "keys" / "rolebot-test-service-account.json"
    key_file.parent.mkdir()
    key_file.write_text(json.dumps(key))
    credentials = {
        "ROLEBOT_SLACK_TOKEN": SLACK_TOKEN,
        "ROLEBOT_GEEKBOT_TOKEN": DEMO_KEY,
        "ROLEBOT_CALENDAR_ID": google.calendar_id,
        "ROLEBOT_GOOGLE_CREDENTIALS": str(key_file),
    }
    return Live(slack, google, geekbot, env | credentials, demo / "team-roles.json", key)


@pytest.fixture
def live_sops(
    services: tuple[FakeSlack, FakeGoogle, FakeGeekbot, dict[str, str]],
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Live:
    """Every service live, the credentials in sops-encrypted files, as in GitHub Actions."""
    slack, google, geekbot, env = services
    key = google.key_for()
    secrets = tmp_path / "secrets"
    encrypt(secrets / "slack_bot_token.json", {"slack_bot_token": SLACK_TOKEN})
    encrypt(secrets / "geekbot_api_token.json", {"geekbot_api_token": DEMO_KEY})
    encrypt(secrets / "calendar_id.json", {"calendar_id": google.calendar_id})
    encrypt(secrets / "gcp_service_account.json", key)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    env = env | {"SOPS_AGE_KEY_FILE": str(AGE_KEY)}
    return Live(slack, google, geekbot, env, demo / "team-roles.json", key)


def lines(result: Result, mark: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith(mark)]


def test_the_weekly_job_runs_live_end_to_end_and_a_rerun_changes_nothing(live: Live, rolebot: Invoke) -> None:
    first = live.run(rolebot, "rotate", "support-triager")
    assert first.exit_code == 0, first.output
    assert "backends: members: Slack (127.0.0.1" in first.stderr
    assert "calendar: Google Calendar (127.0.0.1" in first.stderr
    assert "notifier: Geekbot (127.0.0.1" in first.stderr
    state = read_json(live.state)
    assert state["support_triager"]["incoming"] == {"name": "Chen Wei", "id": "U05CHE9012"}
    assert state["last_rotated"] == {"support_triager": "2026-12-02"}
    (standup,) = live.standups()
    assert [u["id"] for u in standup["users"]] == ["U05CHE9012"]  # Chen is incoming and the manager
    assert standup["questions"][0]["text"].startswith("Hi Chen!")
    starts = live.triager_starts()
    assert starts == sorted(set(starts))
    assert starts[-1] == date(2027, 11, 24)
    assert "✓ standup: created SupportTriagerStandup; it runs weekly on Wed at 10:00:00 (user_local)" in first.stderr

    state_bytes = live.state.read_bytes()
    writes_before = len(live.google.batch_sizes)
    standup_before = live.standups()
    again = live.run(rolebot, "rotate", "support-triager")
    assert again.exit_code == 0, again.output
    assert live.state.read_bytes() == state_bytes
    assert len(live.google.batch_sizes) == writes_before
    assert live.standups() == standup_before
    assert "✓ standup: SupportTriagerStandup already up to date: nothing sent" in again.stderr
    assert "✓ calendar: nothing to create; the series reaches 2027-11-24" in again.stderr


def test_a_second_week_updates_the_standup_and_adds_one_event(live: Live, rolebot: Invoke) -> None:
    assert live.run(rolebot, "rotate", "support-triager").exit_code == 0
    events = len(live.triager_starts())
    result = live.run(rolebot, "rotate", "support-triager", today=MONDAY + timedelta(weeks=1))
    assert result.exit_code == 0, result.output
    (standup,) = live.standups()
    assert sorted(u["id"] for u in standup["users"]) == ["U05CHE9012", "U05DAN3456"]
    assert "✓ standup: updated the participants and question of SupportTriagerStandup" in result.stderr
    assert len(live.triager_starts()) == events + 1


def _slack_down(live: Live) -> None:
    live.slack.server_error(503, times=None)


def _google_down(live: Live) -> None:
    live.google.server_errors(10_000, 503)


def _geekbot_down(live: Live) -> None:
    live.geekbot.fail(500, times=None)


@pytest.mark.parametrize(
    ("fault", "failed"),
    [
        pytest.param(_slack_down, {"state", "calendar"}, id="slack"),
        pytest.param(_google_down, {"state", "calendar"}, id="google"),
        pytest.param(_geekbot_down, {"standup"}, id="geekbot"),
    ],
)
def test_a_failing_service_stops_only_its_steps_and_the_next_run_completes_the_job(
    live: Live, rolebot: Invoke, fault: Callable[[Live], None], failed: set[str]
) -> None:
    fault(live)
    broken = live.run(rolebot, "rotate", "support-triager")
    assert broken.exit_code == 1
    assert {line.split(":")[0][2:] for line in lines(broken, "✗ ")} == failed
    assert len(lines(broken, "Error: ")) == 1
    assert "Traceback" not in broken.output
    # The steps that could run did.
    if "state" not in failed:
        assert read_json(live.state)["last_rotated"] == {"support_triager": "2026-12-02"}
    if "standup" not in failed:
        assert len(live.standups()) == 1

    live.slack._faults.clear()
    live.google.faults.clear()
    live.geekbot.faults.clear()
    fixed = live.run(rolebot, "rotate", "support-triager")
    assert fixed.exit_code == 0, fixed.output
    state = read_json(live.state)
    assert state["support_triager"]["incoming"]["name"] == "Chen Wei"  # rotated exactly once
    assert state["support_triager"]["current"]["name"] == "Bruno Silva"
    (standup,) = live.standups()  # never a second standup
    assert [u["id"] for u in standup["users"]] == ["U05CHE9012"]
    starts = live.triager_starts()
    assert starts == sorted(set(starts))  # no duplicate event
    assert starts[-1] == date(2027, 11, 24)  # the horizon is filled


def test_no_secret_ever_appears_in_output_or_the_step_summary(live_sops: Live, rolebot: Invoke, tmp_path: Path) -> None:
    live = live_sops
    summary = tmp_path / "summary.md"
    live.env["GITHUB_STEP_SUMMARY"] = str(summary)
    outputs = [live.run(rolebot, "-v", "rotate", "support-triager"), live.run(rolebot, "-v", "secrets", "check")]
    # Every service refuses its credentials.
    live.slack.tokens.clear()
    live.geekbot.keys.clear()
    live.google.revoke(live.key["client_email"])
    live.google.reject_tokens = True
    refused = (
        ("rotate", "support-triager", "--force"),
        ("members", "support-triagers"),
        ("standup", "support-triager"),
        ("calendar", "bulk", "support-triager", "-n", "2", "--yes"),
        ("calendar", "delete", "support-triager", "--yes"),
        ("schedule", "support-triager"),
    )
    outputs.extend(live.run(rolebot, "-v", *command) for command in refused)
    # A secret left in plain text, and a tampered one.
    plain = tmp_path / "secrets" / "geekbot_api_token.json"
    plain.write_text(json.dumps({"geekbot_api_token": DEMO_KEY}))
    outputs.append(live.run(rolebot, "-v", "standup", "support-triager"))
    tampered = tmp_path / "secrets" / "slack_bot_token.json"
    document = json.loads(tampered.read_text())
    document["slack_bot_token"] = document["slack_bot_token"].replace("data:", "data:A", 1)
    tampered.write_text(json.dumps(document))
    outputs.append(live.run(rolebot, "-v", "members", "support-triagers"))
    outputs.append(live.run(rolebot, "-v", "secrets", "check"))

    assert all(r.exit_code == 1 for r in outputs[2:]), [r.output for r in outputs]
    shown = "\n".join(r.output for r in outputs) + summary.read_text()
    for secret in live.secrets():
        assert secret not in shown
    assert MASK not in shown  # nothing even had to be masked: secrets never reach a message
    assert "Traceback" not in shown


def test_ten_weekly_runs_all_live_keep_everything_in_step(live: Live, rolebot: Invoke) -> None:
    order = ["Ada Okafor", "Bruno Silva", "Chen Wei", "Dana Kowalski", "Emeka Nwosu", "Farah Haddad"]
    preview = live.run(rolebot, "rotate", "support-triager", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert live.standups() == []
    assert live.google.batch_sizes == []
    assert "would create the standup SupportTriagerStandup" in preview.stderr
    for week in range(10):
        today = MONDAY + timedelta(weeks=week)
        result = live.run(rolebot, "rotate", "support-triager", today=today)
        assert result.exit_code == 0, result.output
        state = read_json(live.state)["support_triager"]
        incoming, current = order[(week + 2) % 6], order[(week + 1) % 6]
        assert (state["incoming"]["name"], state["current"]["name"]) == (incoming, current)
        (standup,) = live.standups()
        assert standup["questions"][0]["text"].startswith(f"Hi {incoming.split()[0]}!")
        starts = live.triager_starts()
        assert starts == sorted(set(starts))
        assert starts[-1] == date(2027, 11, 24) + timedelta(weeks=week)
        writes = (len(live.google.batch_sizes), live.state.read_bytes(), live.standups())
        standup_again = live.run(rolebot, "standup", "support-triager", today=today)
        assert "already up to date: nothing sent" in standup_again.stderr
        assert live.run(rolebot, "rotate", "support-triager", today=today).exit_code == 0
        assert (len(live.google.batch_sizes), live.state.read_bytes(), live.standups()) == writes
    every_week = [s for s in live.triager_starts() if s >= date(2026, 11, 25)]
    assert every_week == [date(2026, 11, 25) + timedelta(weeks=i) for i in range(len(every_week))]
