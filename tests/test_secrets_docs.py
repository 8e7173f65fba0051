"""The commands README.md and secrets/README.md show for encrypting secrets work as written.

Each ```bash block that uses sops runs, unchanged, in a fresh directory holding the repository's
`.sops.yaml` template with its key replaced by the test age key (as the template says another
team does). The person is played by the environment: `$EDITOR` types each credential into
`sops edit`, stdin answers `read -rs`, and `~/Downloads` holds the service account key. `uv run`
is played by a stand-in that runs its command from this environment, where `sops` and `rolebot`
are installed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rolebot.services.sops import leak
from tests.conftest import REPO, TEAM_CONFIG
from tests.docs import BASH, Block, assert_shows, in_terminal, readme_blocks, sops_blocks, stand_in_for_uv, transcript
from tests.fakes.google import load_test_key
from tests.fakes.server import FakeServer
from tests.fakes.slack import ALL_SCOPES, demo_workspace
from tests.sops import AGE_KEY, RECIPIENT, sops

pytestmark = pytest.mark.slow  # bash, the real sops and rolebot in subprocesses, per README block

SLACK_TOKEN = "xoxb-docs-0000-1111-2222"
CONTENTS = {
    "slack_bot_token.json": {"slack_bot_token": SLACK_TOKEN},
    "geekbot_api_token.json": {"geekbot_api_token": "api_docs_0123456789"},
    "calendar_id.json": {"calendar_id": "docs-team@group.calendar.google.com"},
}
EDITOR = """#!/bin/sh
# Plays a person in `sops edit`: replaces the example with the credential for this file name.
case "$(basename "$1")" in
{cases}
  *) echo "unexpected file $1" >&2; exit 1 ;;
esac
"""


@pytest.fixture
def team(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A team's clone and the person's machine; yields the environment the commands run in (with a
    fake Slack, which `rolebot secrets check` asks for the token's scopes)."""
    template = (REPO / ".sops.yaml").read_text()
    assert re.search(r"^    gcp_kms: .*$", template, flags=re.MULTILINE)
    (tmp_path / ".sops.yaml").write_text(re.sub(r"^    gcp_kms: .*$", f"    age: {RECIPIENT}", template, flags=re.M))
    (tmp_path / "secrets").mkdir()
    tools = tmp_path / "tools"
    tools.mkdir()
    cases = "\n".join(f"  {name}) printf '%s' '{json.dumps(doc)}' > \"$1\" ;;" for name, doc in CONTENTS.items())
    (tools / "editor").write_text(EDITOR.format(cases=cases))
    (tools / "editor").chmod(0o755)
    stand_in_for_uv(tools)
    home = tmp_path / "home"
    (home / "Downloads").mkdir(parents=True)
    (home / "Downloads" / "rolebot-key.json").write_text(json.dumps(load_test_key()))
    with FakeServer(demo_workspace(tokens={SLACK_TOKEN: ALL_SCOPES})) as slack:
        yield {
            "PATH": f"{tools}:{Path(sops()).parent}:/usr/bin:/bin",
            "HOME": str(home),
            "EDITOR": str(tools / "editor"),
            "SOPS_AGE_KEY_FILE": str(AGE_KEY),
            "COLUMNS": "200",
            "NO_COLOR": "1",
            "ROLEBOT_SLACK_API_URL": f"{slack.url}/api/",
        }


@pytest.mark.parametrize("block", sops_blocks(), ids=lambda block: block.where)
def test_the_readmes_encrypt_secrets_as_written_and_leave_nothing_in_clear(
    block: Block, team: dict[str, str], tmp_path: Path
) -> None:
    where = block.where
    done = subprocess.run(
        [BASH, "-e", "-o", "pipefail", "-c", block.text],
        cwd=tmp_path,
        env=team,
        input=f"{SLACK_TOKEN}\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{where}:\n{block}\n{done.stdout}\n{done.stderr}"
    written = sorted(p.name for p in (tmp_path / "secrets").iterdir())
    assert written, where
    assert "Error" not in done.stderr
    for name in written:
        path = tmp_path / "secrets" / name
        assert leak(path) is None, name
        assert f"secrets/{name} decrypts" in " ".join(done.stdout.split())  # `rolebot secrets check`
        plain = subprocess.run(
            [sops(), "decrypt", str(path)], env={**os.environ, **team}, capture_output=True, text=True, check=True
        )
        expected = load_test_key() if name == "gcp_service_account.json" else CONTENTS[name]
        assert json.loads(plain.stdout) == expected
    if "gcp_service_account.json" in written:
        assert not (Path(team["HOME"]) / "Downloads" / "rolebot-key.json").exists()  # the download is deleted
    for secret in (SLACK_TOKEN, "api_docs_0123456789", "PRIVATE KEY"):
        assert secret not in done.stdout + done.stderr


@pytest.mark.parametrize("block", sops_blocks(), ids=lambda block: block.where)
def test_the_readmes_never_put_a_secret_in_a_file_in_clear_first(block: Block) -> None:
    for line in block.text.splitlines():
        command = line.split("#", 1)[0]
        assert not re.search(r">\s*\S*secrets/|\bcp\b.*secrets/|--in-place|\btee\b", command), f"{block.where}: {line}"


def test_the_secrets_check_sample_is_what_the_set_up_prints(team: dict[str, str], tmp_path: Path) -> None:
    """The README's `secrets check` sample: this repository's roles, after *Set-up from zero* step 5
    encrypted all four credentials, in a terminal as wide as the README's samples."""
    [setup] = [block for block in sops_blocks() if block.section == "Set-up from zero"]
    [sample] = readme_blocks("`rolebot secrets check [--json]`", "")
    [shown] = transcript(sample)
    shutil.copy(TEAM_CONFIG, tmp_path / "rolebot.toml")
    env = {key: value for key, value in team.items() if key != "COLUMNS"}
    subprocess.run([BASH, "-e", "-c", setup.text], cwd=tmp_path, env=env, capture_output=True, check=True)
    ran = in_terminal(shown.command, tmp_path, {**env, "PATH": f"{Path(sys.executable).parent}:{env['PATH']}"})
    assert ran.returncode == 0, ran
    assert_shows(ran, shown.output, sample.where)
