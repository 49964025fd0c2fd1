#!/usr/bin/env bash
# Runs shellcheck on every shell script of the tree (lab/, bench/, scripts/,
# .ci/, tests/, dist/, fuzz/): one TAP point a script, shellcheck's findings as
# diagnostics.  A script is a *.sh file, a file whose first line names sh or
# bash, or a bash completion (dist/completion/, sourced, hence no #! line).
# Settings (how sourced files are found) are in the top .shellcheckrc.
# Usage: shellcheck.sh SOURCE_ROOT
set -uo pipefail
root=${1:?usage: shellcheck.sh SOURCE_ROOT}
cd "$root" || exit 1

if ! command -v shellcheck >/dev/null; then
  echo "not ok 1 - shellcheck is installed (scripts/install-deps, or apt-get install shellcheck)"
  echo "1..1"
  exit 1
fi

# The tree's own files: what git tracks or would (not what it ignores, such
# as the lab's state with a guest's root file system); every file where
# there is no git.
tree_files() {
  local dirs=(lab bench scripts .ci tests dist fuzz)
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard -- "${dirs[@]}"
  else
    find "${dirs[@]}" -type f ! -path 'lab/state/*' -print0
  fi
}

scripts=()
while IFS= read -r -d '' f; do
  case $f in
    *.sh | dist/completion/*) scripts+=("$f") ;;
    *) head -n 1 "$f" | grep -qE '^#!.*[/ ](ba)?sh( |$)' && scripts+=("$f") ;;
  esac
done < <(tree_files | grep -zv '/vectors/' | sort -z)

n=0 failed=0
for f in "${scripts[@]}"; do
  n=$((n + 1))
  if out=$(shellcheck --format=gcc "$f" 2>&1); then
    echo "ok $n - $f"
  else
    failed=1
    printf '%s\n' "$out" | sed 's/^/# /'
    echo "not ok $n - $f"
  fi
done
echo "1..$n"
exit "$failed"
