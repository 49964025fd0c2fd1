# shellcheck shell=sh
# TAP for roam's shell tests (POSIX sh), the counterpart of tests/tap.h.
# Source it after setting T (a scratch folder):
#
#   ok STATUS "name"            one point: STATUS 0 passes
#   expect CODE "name" CMD...   one point: CMD exits with CODE (stdout and
#                               stderr in $T/out and $T/err, shown on failure)
#   tap_done                    prints the plan; exit with its status
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
expect() {
    code=$1; desc=$2; shift 2
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    [ "$rc" -eq "$code" ]; ok $? "$desc (exit $rc, want $code)"
    if [ "$rc" -ne "$code" ]; then sed 's/^/# /' "$T/out" "$T/err"; fi
}
tap_done() { echo "1..$n"; return "$fail"; }
