#!/usr/bin/env bash
# Commit state/team-roles.json if it changed, and push it to $BRANCH of $REPOSITORY.
#
# The branch may move while a run works: someone pushes, or this is "Re-run failed jobs" of a
# run whose first attempt already pushed. A rejected push fetches the branch, rebases this one
# commit onto it and pushes again, at most $ATTEMPTS times. If the branch changed the state file
# too, the rebase conflicts: the state this run computed started from a state that is no longer
# current. Then nothing is pushed, the rebase is undone, and the step fails saying so: a re-run
# starts from the new state and recomputes it.
#
# The token reaches git through a credential helper that reads it from the environment, so it
# never appears on a command line or in the log.
#
# Usage: commit-state.sh "<commit message>"   Environment: GITHUB_TOKEN, REPOSITORY, BRANCH.
set -euo pipefail

STATE=state/team-roles.json
ATTEMPTS=5
message=${1:?usage: commit-state.sh \"<commit message>\"}
remote="https://github.com/${REPOSITORY}.git"
# shellcheck disable=SC2016 # expanded by git's shell, from the environment, not here
helper='!f() { echo username=x-access-token; echo "password=$GITHUB_TOKEN"; }; f'

with_token() { git -c credential.helper="$helper" "$@"; }
fail() {
  echo "::error title=State not pushed::$*"
  exit 1
}

if git diff --quiet -- "$STATE"; then
  echo "$STATE is unchanged: nothing to commit"
  exit 0
fi
git config user.name "rolebot"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git add -- "$STATE"
git commit --quiet -m "$message"

for attempt in $(seq 1 "$ATTEMPTS"); do
  if with_token push --quiet "$remote" "HEAD:refs/heads/${BRANCH}"; then
    echo "committed and pushed $STATE"
    exit 0
  fi
  with_token fetch --quiet "$remote" "refs/heads/${BRANCH}" || fail "could not fetch ${BRANCH} after the push was refused"
  if git merge-base --is-ancestor FETCH_HEAD HEAD; then
    fail "the push of $STATE to ${BRANCH} was refused, and not because ${BRANCH} moved on: see git's message above"
  fi
  echo "${BRANCH} moved on during this run (attempt ${attempt} of ${ATTEMPTS}): rebasing the state commit onto it"
  if ! git rebase --quiet FETCH_HEAD; then
    git rebase --abort
    fail "${BRANCH} changed $STATE while this run worked, so the state this run computed is stale and was not" \
      "pushed — re-run the workflow: a re-run starts from the new state and recomputes it"
  fi
  if [ "$(git rev-parse HEAD)" = "$(git rev-parse FETCH_HEAD)" ]; then
    echo "${BRANCH} already has this state: nothing to push"
    exit 0
  fi
done
fail "${BRANCH} kept moving: $STATE was not pushed after ${ATTEMPTS} attempts — re-run the workflow"
