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

# The watchdog.  meson kills a test at its timeout without a word, and a
# step that hangs (a virsh call, a migration job) then leaves no trace of
# where.  Past E2E_DEADLINE_S (set in meson.build, a minute under meson's
# timeout) the watchdog prints the test's processes with their ages, as TAP
# comments and on stderr, and kills them all, so the run fails naming the
# stuck step.  It polls, so it never outlives the test by more than 2 s.
e2e_descendants() { # PID SKIP: PID and its descendants outside SKIP's tree, one a line
    ps -e -o pid=,ppid= | awk -v root="$1" -v skip="$2" '
        { kids[$2] = kids[$2] " " $1 }
        END { q[1] = root; n = 1
              for (i = 1; i <= n; i++) { print q[i]; c = split(kids[q[i]], k, " ")
                                          for (j = 1; j <= c; j++) if (k[j] != skip) q[++n] = k[j] } }'
}
e2e_watchdog() {
    local me=$1 t=$2 self=$BASHPID end
    end=$(( $(date +%s) + t ))
    while kill -0 "$me" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$end" ]; then
            local pids
            pids=$(e2e_descendants "$me" "$self" | paste -sd, -)
            {
                echo "Bail out! still running after $t s (E2E_DEADLINE_S); its processes (pid, seconds, command):"
                ps -o pid=,etimes=,args= -p "$pids" | cut -c1-300 | sed 's/^/#   /'
            } | tee /dev/stderr
            local -a list
            IFS=, read -ra list <<<"$pids"
            kill -KILL "${list[@]}" 2>/dev/null
            return
        fi
        sleep 2
    done
}
if [ "${E2E_DEADLINE_S:-0}" -gt 0 ]; then
    e2e_watchdog $$ "$E2E_DEADLINE_S" </dev/null 9>&- &
fi
