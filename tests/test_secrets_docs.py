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
from tests.conftest import REPO
from tests.fakes.google import load_test_key
from tests.fakes.server import FakeServer
from tests.fakes.slack import ALL_SCOPES, demo_workspace
from tests.sops import AGE_KEY, RECIPIENT, sops

pytestmark = pytest.mark.slow  # bash, the real sops and rolebot in subprocesses, per README block

BASH = shutil.which("bash") or "/bin/bash"
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
UV = """#!/bin/sh
# Stands in for `uv run`: the command, from the test's Python environment.
[ "$1" = run ] || {{ echo "only 'uv run' is expected" >&2; exit 1; }}
shift
PATH="{bin}:$PATH" exec "$@"
"""


def sops_blocks(readme: Path) -> list[str]:
    blocks = re.findall(r"^ *```bash\n(.*?)^ *```", readme.read_text(), flags=re.MULTILINE | re.DOTALL)
    found = [block for block in blocks if re.search(r"^[^#\n]*\bsops\b", block, flags=re.MULTILINE)]
    assert found, f"no sops commands in {readme}"
    return found


def blocks() -> list[tuple[str, str]]:
    return [
        (f"{readme.relative_to(REPO)} #{n}", block)
        for readme in (REPO / "README.md", REPO / "secrets" / "README.md")
        for n, block in enumerate(sops_blocks(readme), 1)
    ]


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
    (tools / "uv").write_text(UV.format(bin=Path(sys.executable).parent))
    for tool in tools.iterdir():
        tool.chmod(0o755)
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


@pytest.mark.parametrize(("where", "block"), blocks(), ids=[where for where, _ in blocks()])
def test_the_readmes_encrypt_secrets_as_written_and_leave_nothing_in_clear(
    where: str, block: str, team: dict[str, str], tmp_path: Path
) -> None:
    done = subprocess.run(
        [BASH, "-e", "-o", "pipefail", "-c", block],
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


@pytest.mark.parametrize(("where", "block"), blocks(), ids=[where for where, _ in blocks()])
def test_the_readmes_never_put_a_secret_in_a_file_in_clear_first(where: str, block: str) -> None:
    for line in block.splitlines():
        command = line.split("#", 1)[0]
        assert not re.search(r">\s*\S*secrets/|\bcp\b.*secrets/|--in-place|\btee\b", command), f"{where}: {line}"
