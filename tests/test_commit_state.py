""".github/scripts/commit-state.sh against real git repositories: a bare "origin" standing in
for GitHub, a shallow clone where the workflow runs (as actions/checkout makes it), and a
second clone where someone else pushes to main meanwhile."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # real git repositories and the shell script, several per test

SCRIPT = REPO / ".github" / "scripts" / "commit-state.sh"
STATE = "state/team-roles.json"
GITHUB_URL = "https://github.com/example-org/team-compass.git"  # what the script pushes to


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"testing commit-state.sh needs {name}")
    return found


GIT, BASH = tool("git"), tool("bash")


def state(incoming: str, current: str) -> str:
    roles = {"support_triager": {"incoming": {"name": incoming, "id": "U?"}, "current": {"name": current, "id": "U?"}}}
    return json.dumps(roles, indent=4) + "\n"


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run([GIT, *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass
class Repos:
    origin: Path
    runner: Path  # where the workflow runs
    other: Path  # someone else's clone
    env: dict[str, str]  # no git identity: the script sets its own

    @property
    def someone_else(self) -> dict[str, str]:
        names = ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL")
        return self.env | dict.fromkeys(names[:2], "Someone Else") | dict.fromkeys(names[2:], "someone@example.org")

    def run_script(self, message: str = "Rotate support-triager") -> subprocess.CompletedProcess[str]:
        env = {**self.env, "GITHUB_TOKEN": "test-token", "REPOSITORY": "example-org/team-compass", "BRANCH": "main"}
        return subprocess.run(
            [BASH, str(SCRIPT), message], cwd=self.runner, env=env, capture_output=True, text=True, check=False
        )

    def push_from_other(self, path: str, content: str, message: str) -> str:
        git(self.other, "pull", "--quiet", "--rebase", env=self.someone_else)
        (self.other / path).write_text(content)
        git(self.other, "commit", "--quiet", "-am", message, env=self.someone_else)
        git(self.other, "push", "--quiet", "origin", "HEAD:main", env=self.someone_else)
        return self.head()

    def head(self) -> str:
        return git(self.origin, "rev-parse", "refs/heads/main", env=self.env)

    def log(self) -> list[str]:
        return git(self.origin, "log", "--format=%s", "main", env=self.env).splitlines()

    def on_main(self, path: str) -> str:
        return git(self.origin, "show", f"main:{path}", env=self.env) + "\n"

    def hook(self, body: str) -> Path:
        """Install an origin pre-receive hook; returns the file it logs each push attempt to."""
        attempts = self.origin.parent / "push-attempts.log"
        hook = self.origin / "hooks" / "pre-receive"
        hook.write_text(f'#!/bin/sh\necho attempt >> "{attempts}"\n{body}')
        hook.chmod(0o755)
        return attempts


@pytest.fixture
def repos(tmp_path: Path) -> Repos:
    # No personal or system git config.
    repos = Repos(
        tmp_path / "origin.git",
        tmp_path / "runner",
        tmp_path / "other",
        {"PATH": os.environ["PATH"], "HOME": str(tmp_path / "home"), "GIT_CONFIG_NOSYSTEM": "1"},
    )
    origin, other, runner, env = repos.origin, repos.other, repos.runner, repos.someone_else
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(origin), env=env)
    git(tmp_path, "clone", "--quiet", str(origin), str(other), env=env)
    (other / "state").mkdir()
    (other / STATE).write_text(state("Chen Wei", "Bruno Silva"))
    (other / "README.md").write_text("# team compass\n")
    git(other, "add", ".", env=env)
    git(other, "commit", "--quiet", "-m", "seed", env=env)
    git(other, "push", "--quiet", "origin", "HEAD:main", env=env)
    # As actions/checkout: one commit deep; and GitHub's URL leads to the bare origin.
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{origin}", str(runner), env=env)
    git(runner, "config", f"url.file://{origin}.insteadOf", GITHUB_URL, env=env)
    return repos


def rotate(repos: Repos, incoming: str = "Dana Kowalski", current: str = "Chen Wei") -> None:
    """What `rolebot rotate` does to the runner's checkout."""
    (repos.runner / STATE).write_text(state(incoming, current))


def test_a_changed_state_is_committed_and_pushed(repos: Repos) -> None:
    rotate(repos)
    done = repos.run_script("Rotate support-triager")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == f"committed and pushed {STATE}"
    assert repos.log() == ["Rotate support-triager", "seed"]
    assert repos.on_main(STATE) == state("Dana Kowalski", "Chen Wei")
    assert git(repos.origin, "log", "-1", "--format=%an", "main", env=repos.env) == "rolebot"


def test_an_unchanged_state_commits_nothing(repos: Repos) -> None:
    before = repos.head()
    done = repos.run_script()
    assert done.returncode == 0
    assert done.stdout.strip() == f"{STATE} is unchanged: nothing to commit"
    assert repos.head() == before


def test_an_unrelated_push_to_main_during_the_run_is_rebased_onto(repos: Repos) -> None:
    rotate(repos)
    repos.push_from_other("README.md", "# team compass\n\nNow with docs.\n", "Document the team compass")
    done = repos.run_script()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "main moved on during this run (attempt 1 of 5): rebasing the state commit onto it" in done.stdout
    assert repos.log() == ["Rotate support-triager", "Document the team compass", "seed"]
    assert repos.on_main(STATE) == state("Dana Kowalski", "Chen Wei")
    assert repos.on_main("README.md") == "# team compass\n\nNow with docs.\n"


def test_a_state_changed_on_main_during_the_run_fails_clearly_and_pushes_nothing(repos: Repos) -> None:
    rotate(repos)
    theirs = repos.push_from_other(STATE, state("Farah Haddad", "Chen Wei"), "Set the team roles by hand")
    done = repos.run_script()
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        f"::error title=State not pushed::main changed {STATE} while this run worked, so the state this run "
        "computed is stale and was not pushed — re-run the workflow: a re-run starts from the new state and "
        "recomputes it"
    )
    assert repos.head() == theirs  # the remote is untouched
    assert repos.on_main(STATE) == state("Farah Haddad", "Chen Wei")
    status = git(repos.runner, "status", env=repos.env)
    assert "rebase" not in status  # the rebase was undone
    assert git(repos.runner, "log", "-1", "--format=%s", env=repos.env) == "Rotate support-triager"


def test_the_same_state_already_on_main_is_not_pushed_twice(repos: Repos) -> None:
    """A re-run of a run whose first attempt pushed this very state."""
    rotate(repos)
    theirs = repos.push_from_other(STATE, state("Dana Kowalski", "Chen Wei"), "Rotate support-triager (attempt 1)")
    done = repos.run_script()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1] == "main already has this state: nothing to push"
    assert repos.head() == theirs


def test_a_push_refused_for_another_reason_is_not_retried(repos: Repos) -> None:
    attempts = repos.hook('echo "protected branch: pushes need a review" >&2\nexit 1\n')
    before = repos.head()
    rotate(repos)
    done = repos.run_script()
    assert done.returncode == 1
    assert "protected branch: pushes need a review" in done.stderr
    assert done.stdout.splitlines()[-1] == (
        f"::error title=State not pushed::the push of {STATE} to main was refused, and not because main moved on: "
        "see git's message above"
    )
    assert attempts.read_text().count("attempt") == 1
    assert repos.head() == before


def test_a_branch_that_keeps_moving_is_retried_a_bounded_number_of_times(repos: Repos) -> None:
    # Each push attempt finds main moved on by someone else: the hook adds a commit, then refuses.
    attempts = repos.hook(
        "unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES\n"
        "export GIT_AUTHOR_NAME=x GIT_AUTHOR_EMAIL=x@example.org\n"
        "export GIT_COMMITTER_NAME=x GIT_COMMITTER_EMAIL=x@example.org\n"
        "tip=$(git rev-parse refs/heads/main)\n"
        'next=$(git commit-tree -p "$tip" -m meanwhile "$tip^{tree}")\n'
        'git update-ref refs/heads/main "$next" "$tip"\n'
        "exit 1\n"
    )
    rotate(repos)
    done = repos.run_script()
    assert done.returncode == 1
    assert done.stdout.splitlines()[-1] == (
        f"::error title=State not pushed::main kept moving: {STATE} was not pushed after 5 attempts — "
        "re-run the workflow"
    )
    assert attempts.read_text().count("attempt") == 5
    assert repos.log() == ["meanwhile"] * 5 + ["seed"]
