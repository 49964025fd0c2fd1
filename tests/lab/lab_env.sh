# tests/lab/lab_env.sh: how the lab's own tests start (sourced, after their
# root check): the state dir they share (lab/state/test, its own namespaces,
# so a developer's lab keeps running; downloads shared with
# lab/state/cache) and its lock, the lab's names, a lab that is never left
# running (also when meson's timeout kills the test), and the TAP helpers:
# check DESCRIPTION CMD... (one point; on failure the command's output as
# diagnostics, and always into the log TLOG), lab ARGS, nsx NS CMD...
# shellcheck shell=bash
# The names below are the tests' (they source this file).
# shellcheck disable=SC2034
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB=$repo/lab/lab
export ROAM_LAB_STATE=${ROAM_LAB_STATE:-$repo/lab/state/test}
export ROAM_LAB_CACHE=${ROAM_LAB_CACHE:-$repo/lab/state/cache}
mkdir -p "$ROAM_LAB_STATE"
exec 9>"$ROAM_LAB_STATE/test.lock"
flock -w 600 9 || { echo "Bail out! another lab test holds $ROAM_LAB_STATE/test.lock"; exit 1; }
# shellcheck source=../../lab/lib/common.sh
source "$repo/lab/lib/common.sh"   # names and addresses only
trap '"$LAB" down >/dev/null 2>&1' EXIT
trap 'exit 1' INT TERM

n=0 failed=0
tlog=$ROAM_LAB_STATE/${TLOG:-test.log}
: >"$tlog"
check() {
    local d=$1 out; shift
    n=$((n + 1))
    if out=$("$@" 2>&1); then echo "ok $n - $d"; else
        echo "not ok $n - $d"; failed=$((failed + 1)); printf '%s\n' "$out" | sed 's/^/# /'; fi
    printf '== %s\n%s\n' "$d" "$out" >>"$tlog"
}
lab() { "$LAB" "$@"; }
nsx() { local ns; ns=$("$LAB" ns "$1"); shift; ip netns exec "$ns" "$@"; }
