#!/bin/sh
# Every program speaks the command-line conventions of src/cmd/cli_msg.h
# (TAP): --help (exit 0, usage on stdout), --version (exit 0, one line
# `PROGRAM VERSION`), an unknown option or command (exit 2, named, on stderr
# as `PROGRAM: ...`), a missing required option or operand (named), and
# `roam migrate --json` prints one JSON object; plus roam-ims' list and
# revoke on a missing database or an unknown address.  lab/lab is run only
# for what it answers before loading its libraries (help, version, a wrong
# command), which touches nothing of the lab.
# usage: test_conformance.sh VERSION ROAM ROAM_KGC ROAMD ROAM_IMS ROAM_MAT LAB [ROAM_HOOK]
VERSION=$1 ROAM=$2 KGC=$3 ROAMD=$4 IMS=$5 MAT=$6 LAB=$7 HOOK=${8:-}
T=$(mktemp -d /tmp/roam-conformance.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
# run CMD...: runs it, leaving stdout, stderr and the exit code in $T.
run() { "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }
show() { sed 's/^/# /' "$T/out" "$T/err"; }
# name PATH: the name a program calls itself by (lab/lab keeps its folder).
name() { case $1 in */lab/lab) echo lab/lab ;; *) basename "$1" ;; esac; }

# helps PROGRAM [SUBCOMMAND]: --help exits 0 with the usage on stdout only.
helps() {
    run "$@" --help
    [ "$(cat "$T/rc")" -eq 0 ] && grep -q '^usage: ' "$T/out" && [ ! -s "$T/err" ]
    ok $? "$(name "$1")${2:+ $2} --help: exit 0, usage on stdout"
    [ "$(cat "$T/rc")" -eq 0 ] || show
}
# usage_error WHAT PREFIX PATTERN CMD...: exit 2, stderr's first line is
# "PREFIX: ..." and matches PATTERN (a basic regular expression), and the
# usage follows on stderr.
usage_error() {
    what=$1 prefix=$2 pattern=$3
    shift 3
    run "$@"
    first=$(head -n 1 "$T/err")
    rc=$(cat "$T/rc")
    [ "$rc" -eq 2 ] && [ "${first#"$prefix: "}" != "$first" ] &&
        printf '%s\n' "$first" | grep -q -e "$pattern" && grep -q '^usage: ' "$T/err"
    ok $? "$what: exit 2 (got $rc), \"$first\""
}

for p in "$ROAM" "$KGC" "$ROAMD" "$IMS" "$MAT" "$LAB" ${HOOK:+"$HOOK"}; do
    nm=$(name "$p")
    helps "$p"
    run "$p" --version
    [ "$(cat "$T/rc")" -eq 0 ] && [ "$(cat "$T/out")" = "$nm $VERSION" ] && [ ! -s "$T/err" ]
    ok $? "$nm --version prints \"$nm $VERSION\" alone"
    [ "$(cat "$T/rc")" -eq 0 ] || show
    usage_error "$nm --no-such-option" "$nm" "'--no-such-option'" "$p" --no-such-option
done
for c in check migrate; do
    helps "$ROAM" $c
    usage_error "roam $c --no-such-option" "roam $c" "'--no-such-option'" "$ROAM" $c --no-such-option
done
for c in setup keygen inspect; do
    helps "$KGC" $c
    usage_error "roam-kgc $c --no-such-option" "roam-kgc $c" "'--no-such-option'" "$KGC" $c --no-such-option
done
usage_error "roamd -x" roamd "'x'" "$ROAMD" -x

# Commands: missing or unknown.
usage_error "roam alone" roam "missing COMMAND" "$ROAM"
usage_error "roam-kgc alone" roam-kgc "missing COMMAND" "$KGC"
usage_error "lab/lab alone" lab/lab "missing COMMAND" "$LAB"
usage_error "roam frob" roam "unknown command 'frob'" "$ROAM" frob
usage_error "roam-kgc frob" roam-kgc "unknown command 'frob'" "$KGC" frob
usage_error "roam-ims frob" roam-ims "unknown command 'frob'" "$IMS" frob
usage_error "roam-mat frob" roam-mat "unknown command 'frob'" "$MAT" frob
usage_error "lab/lab foo" lab/lab "unknown command 'foo'" "$LAB" foo

# Required options and operands are named.
usage_error "roam check without --policy" "roam check" "missing --policy" "$ROAM" check
usage_error "roam migrate without VM" "roam migrate" "missing VM" "$ROAM" migrate --from a --to b
usage_error "roam migrate without --from" "roam migrate" "missing --from" "$ROAM" migrate vm --to b
usage_error "roam migrate without --to" "roam migrate" "missing --to" "$ROAM" migrate vm --from a
usage_error "roam migrate --to without its argument" "roam migrate" "'--to'" "$ROAM" migrate vm --to
usage_error "roam migrate with two VMs" "roam migrate" "unexpected argument 'w'" "$ROAM" migrate vm w --from a --to b
usage_error "roam-kgc setup without --out" "roam-kgc setup" "missing --out" "$KGC" setup
usage_error "roam-kgc keygen without --mpk" "roam-kgc keygen" "missing --mpk" "$KGC" keygen --msk s --out o A
usage_error "roam-kgc keygen without --msk" "roam-kgc keygen" "missing --msk" "$KGC" keygen --mpk p --out o A
usage_error "roam-kgc keygen without --out" "roam-kgc keygen" "missing --out" "$KGC" keygen --mpk p --msk s A
usage_error "roam-kgc keygen without attributes" "roam-kgc keygen" "missing ATTR" "$KGC" keygen --mpk p --msk s --out o
usage_error "roam-kgc inspect without FILE" "roam-kgc inspect" "missing FILE" "$KGC" inspect
usage_error "roamd --config without its argument" roamd "'--config'" "$ROAMD" --config
usage_error "roam-ims enroll without --pubkey" "roam-ims enroll" "missing --pubkey" "$IMS" --db "$T/ims.db" enroll ::1
usage_error "roam-ims revoke without HOA" "roam-ims revoke" "missing HOA" "$IMS" --db "$T/ims.db" revoke
usage_error "roam-ims query without --ims" "roam-ims query" "missing --ims" "$IMS" query ::1 --ca c
usage_error "roam-ims query without --ca" "roam-ims query" "missing --ca" "$IMS" query ::1 --ims i
usage_error "roam-mat without --config" roam-mat "missing --config" "$MAT"
usage_error "roam-mat keygen without --pub" "roam-mat keygen" "missing --pub" "$MAT" keygen --key k
[ -z "$HOOK" ] || usage_error "roam-hook without SUBOP" roam-hook "expected NAME OP SUBOP" "$HOOK" vm migrate
[ ! -e "$T/ims.db" ]; ok $? "no usage error created a database"

# roam-ims administration: reading or revoking never creates a database,
# and revoking an address never enrolled is a failure.
run "$IMS" --db "$T/ims.db" list
[ "$(cat "$T/rc")" -eq 1 ] && grep -q '^roam-ims list: .*ims.db' "$T/err"
ok $? "roam-ims list on a missing database fails and names it"
run "$IMS" --db "$T/ims.db" revoke 2001:db8::1
[ "$(cat "$T/rc")" -eq 1 ]; ok $? "roam-ims revoke on a missing database fails"
[ ! -e "$T/ims.db" ]; ok $? "... and neither created it"
run "$MAT" keygen --key "$T/mn.key" --pub "$T/mn.pub"
[ "$(cat "$T/rc")" -eq 0 ]; ok $? "roam-mat keygen"
run "$IMS" --db "$T/ims.db" enroll 2001:db8::1 --pubkey "$T/mn.pub"
[ "$(cat "$T/rc")" -eq 0 ] && [ -s "$T/ims.db" ]; ok $? "roam-ims enroll creates the database"
run "$IMS" --db "$T/ims.db" list
[ "$(cat "$T/rc")" -eq 0 ] && grep -q '^2001:db8::1 ' "$T/out"; ok $? "roam-ims list shows it"
run "$IMS" --db "$T/ims.db" revoke 2001:db8::2
[ "$(cat "$T/rc")" -eq 1 ] && grep -q '^roam-ims revoke: 2001:db8::2 was not enrolled' "$T/err"
ok $? "roam-ims revoke of an address never enrolled exits 1 and says so"
run "$IMS" --db "$T/ims.db" revoke 2001:db8::1
[ "$(cat "$T/rc")" -eq 0 ]; ok $? "roam-ims revoke of an enrolled address exits 0"

# roam migrate --json: stdout is one JSON object.
is_json() {
    python3 -c 'import json, sys; sys.exit(not isinstance(json.load(sys.stdin), dict))' \
        <"$T/out" 2>/dev/null
}
run "$KGC" setup --out "$T/kgc"
run "$KGC" keygen --mpk "$T/kgc/mpk.pem" --msk "$T/kgc/msk.pem" --out "$T/u.key" A 'expiry = 2099-12-31'
# migrate_json DESC CA: roam migrate --json to port 1 of the loopback, where
# nothing listens, prints one JSON object and fails.
migrate_json() {
    run "$ROAM" migrate vm --from '[::1]:1' --to '127.0.0.1:1' --key "$T/u.key" \
        --mpk "$T/kgc/mpk.pem" --ca "$2" --json --timeout 5
    [ "$(cat "$T/rc")" -ne 0 ] && is_json
    r=$?
    ok $r "roam migrate --json, $1: one JSON object"
    [ $r -eq 0 ] || show
}
migrate_json "a CA file that holds no certificate" "$T/kgc/mpk.pem"
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=roam-test \
    -days 1 -keyout "$T/ca.key" -out "$T/ca.pem" >/dev/null 2>&1; then
    migrate_json "nothing listening" "$T/ca.pem"
else
    n=$((n + 1))
    echo "ok $n # SKIP no openssl program to make a CA certificate"
fi
# --json always prints one object, local errors included: a missing key
# file is a local error.
run "$ROAM" migrate vm --from '[::1]:1' --to '127.0.0.1:1' --key "$T/none.key" \
    --mpk "$T/kgc/mpk.pem" --ca "$T/kgc/mpk.pem" --json
[ "$(cat "$T/rc")" -eq 2 ] && is_json
ok $? "roam migrate --json, missing key file: one JSON object"

tap_done
