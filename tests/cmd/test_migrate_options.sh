#!/bin/sh
# roam migrate's --bandwidth, --dry-run and --locate-wait options at the
# client (TAP): a bandwidth that is not a whole number of MiB/s in range, or
# a locate wait outside 0..600 s, is a usage error before anything is read
# or dialled; valid values parse.  (The daemon's
# own bound and the dry run itself: tests/roamd/test_daemon.c.)
# usage: test_migrate_options.sh ROAM
ROAM=$1
T=$(mktemp -d /tmp/roam-migopt-test.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# run ARGS...: roam migrate vm1 between two closed ports with a missing key.
run() {
    "$ROAM" migrate vm1 --from 127.0.0.1:1 --to 127.0.0.2:1 --key "$T/none.key" \
        --mpk "$T/none.pem" --ca "$T/none.pem" "$@" >"$T/out" 2>"$T/err"
}

for bad in 0 -1 12x '' ' 5' 1048577 99999999999999999999 1e3; do
    run --bandwidth "$bad"
    rc=$?
    [ "$rc" -eq 2 ] && grep -q "^roam migrate: --bandwidth must be a whole number of MiB/s, 1..1048576" "$T/err"
    ok $? "--bandwidth '$bad' refused as a usage error (exit $rc)"
done
for good in 1 100 1048576; do
    run --bandwidth "$good" --dry-run
    ! grep -q -e "--bandwidth" -e "unrecognized" "$T/err"
    ok $? "--bandwidth $good --dry-run accepted (fails later, on the missing key)"
done
for bad in -1 601 1000 12x '' ' 5' 99999999999999999999; do
    run --locate-wait "$bad"
    rc=$?
    [ "$rc" -eq 2 ] && grep -q "^roam migrate: --locate-wait must be 0..600 seconds" "$T/err"
    ok $? "--locate-wait '$bad' refused as a usage error (exit $rc)"
done
for good in 0 30 600; do
    run --locate-wait "$good"
    ! grep -q -e "--locate-wait" -e "unrecognized" "$T/err"
    ok $? "--locate-wait $good accepted (fails later, on the missing key)"
done
"$ROAM" migrate --help >"$T/out" 2>&1
grep -q -e "--dry-run" "$T/out" && grep -q -e "--bandwidth MIB_PER_S" "$T/out" &&
    grep -q -e "--locate-wait S" "$T/out"
ok $? "--help lists --dry-run, --bandwidth and --locate-wait"

tap_done
