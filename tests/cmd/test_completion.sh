#!/usr/bin/env bash
# The bash completion of dist/completion/ (TAP): commands, options and file
# names for roam and roam-kgc, commands and choices for lab/lab, as a user
# pressing TAB would get them.  lab/lab only answers --help here, which it
# does before loading anything of the lab.
# usage: test_completion.sh SOURCE_ROOT ROAM ROAM_KGC
set -u
root=$1 ROAM=$2 KGC=$3
T=$(mktemp -d /tmp/roam-completion.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../../dist/completion/roam
source "$root/dist/completion/roam"
# shellcheck source=../../dist/completion/lab
source "$root/dist/completion/lab"
n=0 fail=0
# completes FUNCTION WANT WORD...: completing the last WORD offers exactly
# WANT (sorted, space-separated).
completes() {
    local fn=$1 want=$2 got
    shift 2
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    "$fn"
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
    n=$((n + 1))
    if [ "$got" = "$want" ]; then
        echo "ok $n - ${*: -2:2} -> $want"
    else
        echo "not ok $n - ${*: -2:2}: want '$want', got '$got'"
        fail=1
    fi
}

touch "$T/alice.key" "$T/alpha.pem"
mkdir "$T/adir"
completes _roam_cli "--help --version check migrate policy" "$ROAM" ""
completes _roam_cli "migrate" "$ROAM" mi
completes _roam_cli "inspect" "$KGC" ins
completes _roam_cli "--from" "$ROAM" migrate vm --to b --c --f
completes _roam_cli "--ca" "$ROAM" migrate vm --c
completes _roam_cli "--json" "$ROAM" migrate vm --j
completes _roam_cli "--at --key --mpk" "$ROAM" check --policy HCU --
completes _roam_cli "$T/adir $T/alice.key $T/alpha.pem" "$ROAM" check --key "$T/a"
completes _roam_cli "$T/adir $T/alice.key $T/alpha.pem" "$ROAM" migrate vm --ca "$T/a"
completes _roam_cli "" "$ROAM" migrate vm --to ""
completes _roam_cli "$T/adir" "$KGC" setup --out "$T/a"
completes _roam_cli "$T/adir $T/alice.key $T/alpha.pem" "$KGC" inspect "$T/a"
completes _roam_cli "" "$KGC" keygen --mpk m --msk s --out o "gr"

LAB=$root/lab/lab
completes _roam_lab "down" "$LAB" dow
completes _roam_lab "vm-addr vm-host" "$LAB" vm-
completes _roam_lab "--base --disk --ims --l2 --no-disk --no-tls --ram --storage --wan --wan-rate" "$LAB" up -
completes _roam_lab "" "$LAB" up --ram ""
completes _roam_lab "--base --disk --ims --l2 --no-disk --no-tls --ram --storage --wan --wan-rate" "$LAB" up --ram 128 --
completes _roam_lab "primary secondary" "$LAB" link ""
completes _roam_lab "down up" "$LAB" link primary ""
completes _roam_lab "A B R S U" "$LAB" exec ""
completes _roam_lab "A B" "$LAB" migrate-baseline ""
completes _roam_lab "--ping" "$LAB" migrate-baseline B --p
completes _roam_lab "printf" "$LAB" exec U printf

echo "1..$n"
exit $fail
