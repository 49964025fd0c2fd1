#!/bin/sh
# The systemd units of dist/ (TAP): each passes `systemd-analyze verify`
# without a word (an unknown or misspelt key is only a warning there, so
# any output fails), its sandboxing scores "OK" or better in
# `systemd-analyze security`, and the directories it gives a daemon are
# those of the daemon's defaults in docs/.  The units' @sbindir@ is set to
# the build's programs, which verify requires to exist.
# Usage: test_units.sh SRCDIR BINDIR
set -u
SRC=$1 BIN=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "1..0 # SKIP systemd-analyze not found (Debian: systemd)"
    exit 0
fi
N=0 FAIL=0
ok() { N=$((N + 1)); if [ "$1" = 0 ]; then echo "ok $N - $2"; else FAIL=$((FAIL + 1)); echo "not ok $N - $2"; fi; }
D=$(mktemp -d "${TMPDIR:-/tmp}/roam-units.XXXXXX") || exit 1
trap 'rm -rf "$D"' EXIT

# The worst exposure (0 best .. 10 worst) each unit may reach: roam-mat
# keeps three capabilities and its writes to /proc/sys and /sys.
limit() { case $1 in roam-mat) echo 3.5 ;; *) echo 2.5 ;; esac; }

for u in roamd roam-ims roam-mat; do
    sed "s|@sbindir@|$BIN|g" "$SRC/dist/$u.service.in" >"$D/$u.service"
    out=$(systemd-analyze verify --man=no "$D/$u.service" 2>&1)
    rc=$?
    [ "$rc" = 0 ] && [ -z "$out" ]
    ok $? "$u.service: systemd-analyze verify is silent (rc $rc)"
    [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
    # --offline needs systemd 252; an older one cannot score a unit file
    if sec=$(systemd-analyze security --offline=yes "$D/$u.service" 2>/dev/null); then
        level=$(printf '%s\n' "$sec" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
        awk -v l="${level:-99}" -v m="$(limit "$u")" 'BEGIN { exit !(l <= m) }'
        ok $? "$u.service: exposure ${level:-?} at most $(limit "$u")"
    else
        N=$((N + 1)); echo "ok $N # SKIP $u.service: systemd-analyze security --offline unsupported"
    fi
done

# A misspelt sandboxing key is caught (it would silently weaken the unit).
sed 's/^ProtectSystem=/ProtectSystm=/' "$D/roamd.service" >"$D/typo.service"
out=$(systemd-analyze verify --man=no "$D/typo.service" 2>&1)
printf '%s\n' "$out" | grep -q "ProtectSystm"
ok $? "a misspelt key is reported by verify"

# The users the units run as.
if command -v systemd-sysusers >/dev/null 2>&1; then
    mkdir -p "$D/root/etc"
    out=$(systemd-sysusers --dry-run --root="$D/root" "$SRC/dist/roam.sysusers" 2>&1)
    printf '%s\n' "$out" | grep -q "Creating user 'roamd'" &&
        printf '%s\n' "$out" | grep -q "Creating user 'roam-ims'" &&
        ! printf '%s\n' "$out" | grep -qi "fail\|ignor"
    ok $? "roam.sysusers makes the users roamd and roam-ims"
else
    N=$((N + 1)); echo "ok $N # SKIP systemd-sysusers not found"
fi

# Directories against the defaults the daemons' pages document.
has() { grep -qx "$2" "$SRC/dist/$1.service.in"; }
doc_has() { grep -qF "$2" "$SRC/$1"; }
doc_has docs/roamd.md "| \`audit_log\` | \`/var/log/roamd/audit.jsonl\`" && has roamd LogsDirectory=roamd
ok $? "roamd: LogsDirectory=roamd holds audit_log's default /var/log/roamd/audit.jsonl"
doc_has docs/roamd.md "default is \`/run/roam/hook.sock\`" && has roamd RuntimeDirectory=roam
ok $? "roamd: RuntimeDirectory=roam holds roam-hook's default socket /run/roam/hook.sock"
doc_has docs/mobility.md "| \`[ims] database\` | \`/var/lib/roam/ims.sqlite\`" && has roam-ims StateDirectory=roam
ok $? "roam-ims: StateDirectory=roam holds [ims] database's default /var/lib/roam/ims.sqlite"
for u in roamd roam-ims roam-mat; do
    has "$u" "NoNewPrivileges=yes" && has "$u" "ProtectSystem=strict" && has "$u" "ProtectHome=yes" &&
        has "$u" "PrivateTmp=yes" && grep -q '^CapabilityBoundingSet=' "$SRC/dist/$u.service.in" &&
        grep -q '^RestrictAddressFamilies=' "$SRC/dist/$u.service.in" &&
        grep -q '^SystemCallFilter=@system-service$' "$SRC/dist/$u.service.in"
    ok $? "$u.service: the sandboxing every unit has"
done
echo "1..$N"
[ "$FAIL" = 0 ]
