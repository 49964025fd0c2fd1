#!/bin/sh
# The --check of the three daemons, as the programs (and dist/roamd.service.in's
# ExecStartPre) run it: a valid file prints "PROG: FILE is valid" and exits 0;
# a broken one prints every problem as FILE:LINE: message on stderr, then
# "PROG: FILE: N problems", and exits 1; a key set twice is a problem for
# each of them.  The finer cases are in tests/roamd/test_check.c and
# tests/mobility/test_check.c.
# Usage: test_check.sh ROAMD ROAM_IMS ROAM_MAT ROAM_KGC MOB_PKI
set -u
ROAMD=$1 IMS=$2 MAT=$3 KGC=$4 PKI=$5
N=0 FAIL=0
# ok STATUS NAME: a TAP line; on failure the last run's output as diagnostics
ok() {
    N=$((N + 1))
    if [ "$1" = 0 ]; then echo "ok $N - $2"; return; fi
    FAIL=$((FAIL + 1))
    echo "not ok $N - $2"
    sed 's/^/# /' "$D/out" "$D/err" 2>/dev/null
}
D=$(mktemp -d /tmp/roam-check.XXXXXX)
trap 'rm -rf "$D"' EXIT

if ! { "$KGC" setup --out "$D/kgc" >/dev/null 2>&1 &&
        "$KGC" keygen --mpk "$D/kgc/mpk.pem" --msk "$D/kgc/msk.pem" --out "$D/user.key" \
            HCU 'expiry = 2099-12-31' >/dev/null 2>&1 &&
        "$PKI" "$D" DNS:a.test && "$MAT" keygen --key "$D/mn.key" --pub "$D/mn.pub"; }; then
    echo "1..0 # SKIP cannot make the test keys"
    exit 0
fi

# run PROG CONF: exit code in RC, stdout in OUT, stderr in ERR
run() {
    "$1" -c "$2" --check >"$D/out" 2>"$D/err"
    RC=$?
    OUT=$(cat "$D/out") ERR=$(cat "$D/err")
}
has() { printf '%s\n' "$1" | grep -qF -- "$2"; }

roamd_conf() {
    cat >"$D/roamd.conf" <<END
[roamd]
name = a.test
cert = $D/ims.pem
key = $D/ims.key
peer_ca = $D/ca.pem
mpk = $1
accept_policy = HCU and M1
audit_log = $2
router = fe80::1
END
}

C=$D/roamd.conf
roamd_conf "$D/kgc/mpk.pem" "$D/audit.jsonl"
run "$ROAMD" "$C"
ok "$([ $RC = 0 ] && [ "$OUT" = "roamd: $C is valid" ]; echo $?)" "roamd: valid"

roamd_conf "$D/user.key" "$D/nodir/audit.jsonl"
echo "name = b.test" >>"$C"
run "$ROAMD" "$C"
ok "$([ $RC = 1 ] && has "$ERR" "$C:6: key 'mpk'" && has "$ERR" "$C:8: key 'audit_log'" &&
      has "$ERR" "$C:10: key 'name' set twice (first on line 2)" &&
      has "$ERR" "roamd: $C: 3 problems"; echo $?)" "roamd: three problems, each at its line"

C=$D/ims.conf
printf '[ims]\ncert = %s\nkey = %s\ndatabase = %s\n[enroll]\nmn1 = 2001:db8::1 %s\n' \
    "$D/ims.pem" "$D/ims.key" "$D/ims.sqlite" "$D/mn.pub" >"$C"
run "$IMS" "$C"
ok "$([ $RC = 0 ] && [ "$OUT" = "roam-ims: $C is valid" ]; echo $?)" "roam-ims: valid"
ok "$([ ! -e "$D/ims.sqlite" ]; echo $?)" "roam-ims: the check creates no database"
printf '[ims]\nkey = %s\n' "$D/ims.key" >>"$C"
run "$IMS" "$C"
ok "$([ $RC = 1 ] && has "$ERR" "$C:8: key 'key' set twice (first on line 3)" &&
      has "$ERR" "roam-ims: $C: 1 problem"; echo $?)" "roam-ims: a key set twice"
"$IMS" --check >/dev/null 2>&1
ok "$([ $? = 2 ]; echo $?)" "roam-ims: --check without -c is a usage error"

C=$D/mat.conf
printf '[agent]\nmode = mobile\n[ims]\naddress = 2001:db8::99\nca = %s\n[mobile]\nhoa = 2001:db8::1\nkey = %s\ninterfaces = eth0\n' \
    "$D/ca.pem" "$D/mn.key" >"$C"
run "$MAT" "$C"
ok "$([ $RC = 0 ] && [ "$OUT" = "roam-mat: $C is valid" ]; echo $?)" "roam-mat: valid"
printf 'mode = correspondent\n' >>"$C"
printf '[agent]\nmode = correspondent\n' >>"$C"
run "$MAT" "$C"
ok "$([ $RC = 1 ] && has "$ERR" "$C:10: unknown key 'mode' in [mobile]" &&
      has "$ERR" "$C:12: key 'mode' set twice (first on line 2)"; echo $?)" \
   "roam-mat: an unknown key and a key set twice, both told"

echo "1..$N"
[ $FAIL = 0 ]
