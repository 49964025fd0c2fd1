#!/bin/sh
# roam policy end to end (TAP) on libvirt's test driver, from a node file
# (each process gets its own copy, so a write is checked by its answer):
# show, the hint when a VM has none, set, refusal of an invalid policy with
# its column or of one too large once roamd adds its expiry clause, unknown
# VM, usage errors.
# usage: test_policy.sh ROAM
ROAM=$1
T=$(mktemp -d /tmp/roam-policy-test.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
# shellcheck source=../tap.sh
. "$(dirname "$0")/../tap.sh"

cat >"$T/node.xml" <<'XML'
<node>
 <domain type='test'>
  <name>vm1</name><memory>65536</memory><os><type>hvm</type></os>
  <metadata><roam:vm xmlns:roam='https://roam.example/ns/vm/1'><roam:migrate-policy>B4 or M1</roam:migrate-policy></roam:vm></metadata>
 </domain>
 <domain type='test'>
  <name>bare</name><memory>65536</memory><os><type>hvm</type></os>
 </domain>
</node>
XML
URI="test://$T/node.xml"

expect 0 "show a VM's policy" "$ROAM" policy vm1 --connect "$URI"
[ "$(cat "$T/out")" = "B4 or M1" ]; ok $? "prints the policy text alone"
expect 1 "a VM without a policy" "$ROAM" policy bare --connect "$URI"
grep -q "^roam policy: VM bare has no migrate policy.*set one with: roam policy bare 'POLICY'" \
    "$T/err"; ok $? "… says so and how to set one"
expect 0 "set a policy" "$ROAM" policy bare 'HCU and (M1 or grade >= 3)' --connect "$URI"
grep -q "HCU and (M1 or grade >= 3)" "$T/out"; ok $? "… and says what it stored"
LIBVIRT_DEFAULT_URI=$URI expect 0 "\$LIBVIRT_DEFAULT_URI is the default" "$ROAM" policy vm1
expect 2 "an invalid policy is refused" "$ROAM" policy vm1 'B4 or (M1' --connect "$URI"
grep -q "^roam policy: invalid policy: column [0-9]" "$T/err"; ok $? "… with the column"
big=$(seq -f 'a%g' 0 249 | paste -sd' ' | sed 's/ / and /g')
expect 2 "a policy that roamd's expiry clause takes past the limits is refused" \
    "$ROAM" policy vm1 "$big" --connect "$URI"
grep -q "expiry clause" "$T/err"; ok $? "… saying so"
expect 2 "an empty policy is refused" "$ROAM" policy vm1 '' --connect "$URI"
expect 1 "an unknown VM" "$ROAM" policy nosuch --connect "$URI"
grep -q "nosuch" "$T/err"; ok $? "… is named"
expect 2 "no VM: usage error" "$ROAM" policy --connect "$URI"
expect 2 "too many arguments: usage error" "$ROAM" policy vm1 A B --connect "$URI"
expect 0 "--help" "$ROAM" policy --help
grep -q "usage: roam policy VM \[POLICY\]" "$T/out"; ok $? "… prints the usage"

tap_done
