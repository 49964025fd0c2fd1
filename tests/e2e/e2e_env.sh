# tests/e2e/e2e_env.sh: how every end-to-end test starts (sourced).  Skips
# without root; otherwise gives the test its own lab state dir, E2E_STATE
# (a name under lab/state, or a path; downloads shared with
# lab/state/cache), the build under test (ROAM_BUILD, set by meson), the
# lab's libraries, and that state dir's e2e lock, so two runs never share
# a lab.
# shellcheck shell=bash
# The names below are the tests' (they source this file).
# shellcheck disable=SC2034
if [ "$(id -u)" -ne 0 ]; then echo "1..0 # SKIP needs root (lab namespaces, libvirtd)"; exit 0; fi
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
case ${E2E_STATE:?E2E_STATE: the lab state dir of the test} in
    /*) ;;
    *) E2E_STATE=$SRC/lab/state/$E2E_STATE ;;
esac
export ROAM_LAB_STATE=$E2E_STATE
export ROAM_LAB_CACHE=${ROAM_LAB_CACHE:-$SRC/lab/state/cache}
export ROAM_NO_BUILD=${ROAM_BUILD:+1}
LAB=$SRC/lab/lab
# shellcheck source=../../lab/lib/common.sh
source "$SRC/lab/lib/common.sh"
# shellcheck source=../../lab/lib/topo.sh
source "$SRC/lab/lib/topo.sh"
# shellcheck source=../../lab/lib/libvirt.sh
source "$SRC/lab/lib/libvirt.sh"
# shellcheck source=../../lab/lib/vm.sh
source "$SRC/lab/lib/vm.sh"
# shellcheck source=../../lab/lib/measure.sh
source "$SRC/lab/lib/measure.sh"
# shellcheck source=../../lab/lib/roam.sh
source "$SRC/lab/lib/roam.sh"

# TAP: point STATUS "name" (0 passes), check "name" CMD..., diag (a
# stream as TAP comments); the test ends with its plan and $failed.
n=0 failed=0
point() { # COND-STATUS DESCRIPTION
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() { local d=$1; shift; "$@" >/dev/null 2>&1; point $? "$d"; }
diag() { sed 's/^/# /'; }

exec 9>"$STATE/e2e.lock"
flock -n 9 || { echo "Bail out! another e2e run holds $STATE/e2e.lock"; exit 1; }
