#!/usr/bin/env bash
# Commit state/team-roles.json if it changed and push it. The token reaches git through a
# credential helper that reads it from the environment, so it never appears on a command line
# or in the log. Usage: commit-state.sh "<commit message>"
set -euo pipefail

if git diff --quiet -- state/team-roles.json; then
  echo "state/team-roles.json is unchanged: nothing to commit"
  exit 0
fi
git config user.name "rolebot"
git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
git add state/team-roles.json
git commit --quiet -m "$1"
# shellcheck disable=SC2016 # expanded by git's shell, from the environment, not here
git -c credential.helper='!f() { echo username=x-access-token; echo "password=$GITHUB_TOKEN"; }; f' \
  push --quiet "https://github.com/${REPOSITORY}.git" "HEAD:${BRANCH}"
echo "committed and pushed state/team-roles.json"
