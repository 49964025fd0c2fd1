#!/bin/sh
# roam-load against a real roamd (bench/load/run): for 3 s two users
# authenticate back to back while 200 idle connections from 50 sources are
# held open.  Every authentication must succeed, the idle connections must
# really have been held (not shed), and roamd's peak resident set must stay
# within 64 MiB of what it was before any connection.  No timings are
# asserted (the machine is shared).
# usage: test_load.sh RUN BUILD_ROOT
RUN=$1
export ROAM_BUILD="$2"
T=$(mktemp -d /tmp/roam-load-test.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# ASan keeps freed memory in quarantine (up to 256 MiB): bound it, or it
# would count as growth.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16"
"$RUN" --duration 3 --concurrency 2 --idle 200 --settle 1 --expect-all-ok \
    --max-rss-growth-kb 65536 >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q 'roamd did not start' "$T/err"; then
    echo "1..0 # SKIP roamd does not start here"
    sed 's/^/# /' "$T/err"
    exit 0
fi
[ "$rc" -eq 0 ]
ok $? "every authentication succeeded, roamd's RSS bounded (exit $rc)"
grep -q '^authentications ok  *[1-9]' "$T/out"
ok $? "authentications were made"
held=$(sed -n 's/^hostile connections *open \([0-9]*\) on average.*/\1/p' "$T/out")
[ "${held:-0}" -ge 150 ]
ok $? "the idle connections were held meanwhile (${held:-none} open on average)"
sed 's/^/# /' "$T/out" "$T/err"
tap_done
