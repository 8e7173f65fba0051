"""The GitHub workflows: one concurrency group for everything that writes the state, one
reusable rotate job called per role, and only rolebot commands and options that exist.

Schema and security are checked by `.ci/run` (check-jsonschema, zizmor); these tests hold
what those cannot know."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO, Invoke

WORKFLOWS = REPO / ".github" / "workflows"
STATE_GROUP = "rolebot-state"


def text(name: str) -> str:
    return (WORKFLOWS / name).read_text()


def uncommented(name: str) -> str:
    return "\n".join(line.split(" #", 1)[0] for line in text(name).splitlines() if not line.lstrip().startswith("#"))


def writes_state(name: str) -> bool:
    return "commit-state.sh" in uncommented(name)


def test_every_workflow_that_writes_the_state_is_in_the_one_state_group() -> None:
    writers = sorted(path.name for path in WORKFLOWS.glob("*.yaml") if writes_state(path.name))
    assert writers == ["init.yaml", "rotate.yaml"]
    for name in writers:
        groups = re.findall(r"^\s*group:\s*(\S+)", uncommented(name), flags=re.MULTILINE)
        assert groups == [STATE_GROUP], name
        assert "cancel-in-progress: false" in uncommented(name), name
        # The branch as it is when the job starts, so a run that waited starts from the latest state.
        assert "ref: ${{ github.ref }}" in uncommented(name), name


@pytest.mark.parametrize(
    ("name", "role", "cron"),
    [
        ("support-triager.yaml", "support-triager", '"0 0 * * 1"'),
        ("meeting-facilitator.yaml", "meeting-facilitator", None),
    ],
)
def test_each_role_calls_the_reusable_rotate_workflow_on_its_own_schedule(
    name: str, role: str, cron: str | None
) -> None:
    body = uncommented(name)
    assert re.search(r"^\s+uses: \$/\.github/workflows/rotate\.yaml$", body, flags=re.MULTILINE)
    assert re.search(rf"^\s+role: {role}$", body, flags=re.MULTILINE)
    for given in ("update-state", "update-calendar", "dry-run"):
        assert re.search(rf"^\s+{given}: \$\{{\{{ inputs\.{given} ", body, flags=re.MULTILINE), given
    assert "group:" not in body  # the called job holds the state group; a second one here would deadlock
    crons = re.findall(r"^\s+- cron: (.+)$", body, flags=re.MULTILINE)
    assert crons == ([cron] if cron else [])
    if cron is None:
        assert '#     - cron: "0 0 28 * *"' in text(name)  # the retired role's schedule, kept for its return


def test_the_reusable_workflow_takes_the_role_and_the_three_switches() -> None:
    body = uncommented("rotate.yaml")
    assert "workflow_call:" in body
    inputs = re.findall(r"^      ([a-z-]+):$", body.split("permissions:", 1)[0], flags=re.MULTILINE)
    assert inputs == ["role", "update-state", "update-calendar", "dry-run"]
    assert "workflow_dispatch" not in body
    assert "secrets: inherit" not in body


def rolebot_call(name: str) -> tuple[str, set[str]]:
    """The command, and every option, of the `uv run rolebot "${args[@]}"` a workflow runs."""
    body = uncommented(name)
    assert 'uv run rolebot "${args[@]}"' in body
    (command,) = re.findall(r"\bargs=\((\w+)", body)
    lines = [line for line in body.splitlines() if re.search(r"\bargs\+?=\(", line)]
    return command, set(re.findall(r"(--[a-z-]+)", "\n".join(lines)))


@pytest.mark.parametrize("name", ["rotate.yaml", "init.yaml"])
def test_the_workflows_run_only_commands_and_options_that_exist(name: str, rolebot: Invoke) -> None:
    command, options = rolebot_call(name)
    assert options
    result = rolebot(command, "--help")
    assert result.exit_code == 0, command
    for option in options:
        assert option in result.stdout, f"{name}: rolebot {command} has no {option}"


def test_no_workflow_names_a_secret_outside_the_rolebot_environment() -> None:
    for path in WORKFLOWS.glob("*.yaml"):
        secrets = set(re.findall(r"secrets\.([A-Z_]+)", uncommented(path.name)))
        assert secrets <= {"SOPS_GCP_CREDENTIALS", "SOPS_AGE_KEY"}, path.name
        if secrets:
            assert "environment: rolebot" in uncommented(path.name), path.name
    named = set(re.findall(r"\b[A-Z][A-Z_]+_(?:CREDENTIALS|KEY)\b", (REPO / ".sops.yaml").read_text()))
    assert named <= {"SOPS_GCP_CREDENTIALS", "SOPS_AGE_KEY", "SOPS_AGE_KEY_FILE"}


def test_the_rotate_job_checks_the_services_before_it_rotates(rolebot: Invoke) -> None:
    body = uncommented("rotate.yaml")
    steps = re.findall(r"^      - (?:name|uses): (.+)$", body, flags=re.MULTILINE)
    assert steps.index("Check the services") < steps.index("Rotate")
    doctor = body.split("- name: Check the services", 1)[1].split("- name: Rotate", 1)[0]
    assert 'run: uv run rolebot doctor "$ROLE"' in doctor
    assert "ROLEBOT_BACKEND: live" in doctor
    assert "ROLE: ${{ inputs.role }}" in doctor
    assert rolebot("doctor", "--help").exit_code == 0
