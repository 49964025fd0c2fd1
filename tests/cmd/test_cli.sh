#!/bin/sh
# roam-kgc and roam check end to end (TAP): setup, keygen, inspect, check
# satisfied / not satisfied / exit 2 on garbage files and bad policies, file
# modes, refusal to overwrite, --help everywhere.
# usage: test_cli.sh ROAM_KGC ROAM
KGC=$1
ROAM=$2
T=$(mktemp -d /tmp/roam-cli-test.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"
mode() { stat -c %a "$1"; }

umask 022
expect 0 "kgc setup" "$KGC" setup --out "$T/kgc"
[ "$(mode "$T/kgc/msk.pem")" = 600 ]; ok $? "msk.pem mode 0600"
[ "$(mode "$T/kgc/mpk.pem")" = 644 ]; ok $? "mpk.pem mode 0644"
expect 1 "setup refuses to overwrite" "$KGC" setup --out "$T/kgc"
# roam-kgc keygen under this test's authority.  (shellcheck takes the body
# for dead code: it runs through expect's "$@".)
# shellcheck disable=SC2317
keygen() { "$KGC" keygen --mpk "$T/kgc/mpk.pem" --msk "$T/kgc/msk.pem" "$@"; }
expect 0 "keygen" keygen --out "$T/u.key" HCU Netsci M1 'grade = 4' 'expiry = 2099-12-31'
[ "$(mode "$T/u.key")" = 600 ]; ok $? "user key mode 0600"
grep -q '^fingerprint: [0-9a-f]\{64\}$' "$T/out"; ok $? "keygen prints the fingerprint"
expect 1 "keygen refuses to overwrite" keygen --allow-expired --out "$T/u.key" A
expect 1 "keygen refuses two values of one numeric attribute" keygen --out "$T/x.key" 'x = 4' 'x = 10'
grep -q "one value per numeric" "$T/err"; ok $? "… with a clear message"
expect 1 "keygen refuses out-of-range numbers" keygen --out "$T/x.key" 'x = 99999999999999999999'
expect 1 "keygen refuses negative numbers" keygen --out "$T/x.key" 'x = -1'
[ ! -e "$T/x.key" ]; ok $? "no key file left behind"
expect 2 "keygen without attributes is a usage error" keygen --out "$T/x.key"
expect 0 "keygen key B" keygen --out "$T/b.key" B 'expiry = 2099-12-31'
expect 1 "keygen refuses a key without expiry" keygen --out "$T/x.key" HCU
grep -q "no roam server would accept this key: expiry none" "$T/err" && grep -q -- --allow-expired "$T/err"
ok $? "… saying why and naming --allow-expired"
expect 1 "keygen refuses an expired key" keygen --out "$T/x.key" HCU 'expiry = 2020-01-01'
grep -q "expiry 2020-01-01 (expired" "$T/err"; ok $? "… saying it expired"
[ ! -e "$T/x.key" ]; ok $? "no key file left behind"
expect 0 "keygen --allow-expired: an undated test key" keygen --allow-expired --out "$T/undated.key" HCU
expect 0 "keygen --allow-expired: an expired test key" keygen --allow-expired --out "$T/expired.key" HCU 'expiry = 2020-01-01'
expect 0 "second authority" "$KGC" setup --out "$T/kgc2"
expect 0 "keygen under the second authority" "$KGC" keygen --mpk "$T/kgc2/mpk.pem" --msk "$T/kgc2/msk.pem" --out "$T/o.key" HCU 'expiry = 2099-12-31'
expect 1 "keygen with an MSK of another MPK" "$KGC" keygen --mpk "$T/kgc/mpk.pem" --msk "$T/kgc2/msk.pem" --out "$T/x.key" HCU 'expiry = 2099-12-31'

expect 0 "inspect user key" "$KGC" inspect "$T/u.key"
grep -q '^type: user key' "$T/out" && grep -q '^  grade = 4$' "$T/out" && grep -q '^fingerprint: ' "$T/out"
ok $? "inspect shows type, attributes and fingerprint"
grep -q '^expiry: 2099-12-31 (valid: today is [0-9-]*; [0-9]* days left' "$T/out"; ok $? "inspect shows the expiry and the days left"
expect 0 "inspect an expired key" "$KGC" inspect "$T/expired.key"
grep -q '^expiry: 2020-01-01 (expired' "$T/out"; ok $? "inspect says the key expired"
expect 0 "inspect an undated key" "$KGC" inspect "$T/undated.key"
grep -q '^expiry: none' "$T/out"; ok $? "inspect says the key has no expiry"
expect 0 "inspect MPK" "$KGC" inspect "$T/kgc/mpk.pem"
grep -q '^mpk id: [0-9a-f]\{64\}$' "$T/out"; ok $? "inspect shows the MPK id"
expect 0 "inspect MSK" "$KGC" inspect "$T/kgc/msk.pem"
grep -q 'value not shown' "$T/out"; ok $? "inspect does not show the MSK value"
ALPHA_B64=$(sed -n 2p "$T/kgc/msk.pem")
! grep -q -- "$ALPHA_B64" "$T/out"; ok $? "no MSK bytes in the output"

# roam check with this test's user key (run through expect, as keygen).
# shellcheck disable=SC2317
check() { "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/u.key" "$@"; }
expect 0 "check satisfied" check --policy 'grade >= 3 and expiry >= 2026-11-25'
[ "$(cat "$T/out")" = satisfied ]; ok $? "prints 'satisfied'"
expect 0 "check satisfied on one thread (ROAM_ABE_THREADS=1)" env ROAM_ABE_THREADS=1 "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/u.key" --policy 'grade >= 3 and expiry >= 2026-11-25'
expect 1 "check not satisfied" check --policy 'grade >= 5 or B4'
[ "$(cat "$T/out")" = "not satisfied" ]; ok $? "prints 'not satisfied'"
grep -q "lacks: grade (the key's value does not satisfy the comparison), B4$" "$T/err"; ok $? "says which attributes the key lacks"
expect 0 "threshold" check --policy '2 of (HCU, B4, M1)'
expect 1 "key B alone on A and B" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/b.key" --policy 'HCU and B'
expect 1 "numeric edge: grade >= 5 with grade = 4" check --policy 'grade >= 5'
expect 0 "numeric edge: grade >= 4 with grade = 4" check --policy 'grade >= 4'
expect 1 "expired key not satisfied (servers add expiry >= today)" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/expired.key" --policy HCU
grep -q "expired: it carries expiry = 2020-01-01" "$T/err"; ok $? "… saying it expired and when"
expect 1 "undated key not satisfied" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/undated.key" --policy HCU
grep -q "carries no expiry" "$T/err"; ok $? "… saying it carries no expiry"
expect 0 "--at the expiry day: satisfied" check --policy HCU --at 2099-12-31
expect 1 "--at the day after: not satisfied" check --policy HCU --at 2100-01-01
expect 0 "--at a past day: the expired key was valid" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/expired.key" --policy HCU --at 2019-12-31
expect 2 "--at garbage" check --policy HCU --at 'x) or (HCU'
expect 2 "--at an impossible date" check --policy HCU --at 2026-02-30
expect 2 "a policy reaching out of its parentheses" check --policy 'B4) or (HCU'
grep -q "column 3: unbalanced" "$T/err"; ok $? "… refused with the column in the text as written"
expect 2 "bad policy" check --policy 'grade >= '
grep -q 'column' "$T/err"; ok $? "bad policy message has a position"
expect 2 "unbalanced policy" check --policy '(HCU and'
expect 2 "key of another MPK" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/o.key" --policy HCU
expect 2 "MPK given as key" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/kgc/mpk.pem" --policy HCU
expect 2 "missing key file" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/none" --policy HCU
head -c 3000 /dev/urandom > "$T/garbage"
expect 2 "garbage key file" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/garbage" --policy HCU
expect 2 "garbage MPK file" "$ROAM" check --mpk "$T/garbage" --key "$T/u.key" --policy HCU
head -n 5 "$T/u.key" > "$T/trunc.key"
echo "-----END ROAM USER KEY-----" >> "$T/trunc.key"
expect 2 "truncated key file" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/trunc.key" --policy HCU
{ cat "$T/u.key"; echo extra; } > "$T/trail.key"
expect 2 "trailing text after the key" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/trail.key" --policy HCU
sed 's/USER KEY/CIPHERTEXT/' "$T/u.key" > "$T/label.key"
expect 2 "wrong armor label" "$ROAM" check --mpk "$T/kgc/mpk.pem" --key "$T/label.key" --policy HCU
expect 1 "inspect garbage" "$KGC" inspect "$T/garbage"
expect 2 "check without --policy" check
mkdir -p "$T/home/.config/roam"
cp "$T/u.key" "$T/home/.config/roam/user.key"
cp "$T/kgc/mpk.pem" "$T/home/.config/roam/mpk.pem"
expect 0 "default paths under ~/.config/roam" env -u XDG_CONFIG_HOME HOME="$T/home" "$ROAM" check --policy HCU

# shows_usage CMD...: the command prints its usage and exits 0.
shows_usage() {
    expect 0 "$*" "$@"
    grep -q usage "$T/out"; ok $? "$* prints usage"
}
shows_usage "$KGC" --help
shows_usage "$KGC" setup --help
shows_usage "$KGC" keygen --help
shows_usage "$KGC" inspect --help
shows_usage "$ROAM" --help
shows_usage "$ROAM" check --help
expect 2 "unknown kgc command" "$KGC" frobnicate
expect 2 "unknown roam command" "$ROAM" frobnicate

tap_done
