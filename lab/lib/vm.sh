# lab/lib/vm.sh: the lab guest as a libvirt domain — its XML (two virtio
# NICs with fixed MACs, the secondary link-down, roam metadata), start,
# guest-exec over the lab agent channel, NIC link state, migrate policy.
# shellcheck shell=bash

DEFAULT_POLICY=${ROAM_LAB_POLICY:-'B4 or M1'}

# Paths below /var/{lib,log}/libvirt resolve to the running host's own
# bind-mounted state dirs, so the same XML works on A and on B.
AGENT_SOCK_IN_NS=/var/lib/libvirt/qemu/$VM.agent
CONSOLE_IN_NS=/var/log/libvirt/qemu/$VM.console

vm_nic_xml() { # MAC [down]
    echo "    <interface type='bridge'><mac address='$1'/><source bridge='$VM_BRIDGE'/><model type='virtio'/>"
    [ "${2:-}" = down ] && echo "      <link state='down'/>"
    echo "    </interface>"
}

# The guest's disk (/dev/vda) when the lab has one (lab/lib/libvirt.sh's
# storage part); defined with the domain, since the lab guest has no ACPI
# for hot-plugging.  On shared storage without host caching, as on NFS:
# libvirt refuses to migrate a cached image on a file system it does not
# know to be shared ("Unsafe migration").
vm_disk_xml() {
    local cache=""
    [ "$(lab_disk_mib)" -gt 0 ] || return 0
    [ "$(lab_storage)" = shared ] && cache=" cache='none'"
    echo "    <disk type='file' device='disk'><driver name='qemu' type='qcow2'$cache/><source file='$(vm_disk_path)'/><target dev='vda' bus='virtio'/></disk>"
}

vm_xml() {
    local ram=$1
    cat <<XML
<domain type='qemu'>
  <name>$VM</name>
  <memory unit='MiB'>$ram</memory>
  <vcpu>1</vcpu>
  <metadata>
    <roam:vm xmlns:roam='$ROAM_NS_URI'><roam:migrate-policy>$DEFAULT_POLICY</roam:migrate-policy></roam:vm>
  </metadata>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$GUEST/vmlinuz</kernel>
    <initrd>$GUEST/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
$(vm_disk_xml)
$(vm_nic_xml "$MAC_PRIMARY")
$(vm_nic_xml "$MAC_SECONDARY" down)
    <serial type='file'><source path='$CONSOLE_IN_NS'/><target port='0'/></serial>
    <channel type='unix'>
      <source mode='bind' path='$AGENT_SOCK_IN_NS'/>
      <target type='virtio' name='$AGENT_PORT'/>
    </channel>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>
XML
}

vm_define_start() {
    local h=$1 ram=$2
    vm_xml "$ram" >"$RUN/$VM.xml"
    virsh_h "$h" define "$RUN/$VM.xml" >/dev/null
    virsh_h "$h" start "$VM" >/dev/null
}

agent_sock() { echo "$(host_dir "$1")/lib/qemu/$VM.agent"; }

# guest_exec TIMEOUT CMD...: run CMD in the guest, print its output, return
# its status (124 on timeout, 125 if the agent is unreachable).
guest_exec() {
    local t=$1 h id line rc=124 started=; shift
    h=$(vm_host) || { log "the VM runs nowhere"; return 125; }
    [ -S "$(agent_sock "$h")" ] || return 125
    id=$$-$RANDOM
    exec 8>"$RUN/agent.lock"; flock -w "$t" 8 || return 124
    coproc AGENT { exec socat - "UNIX-CONNECT:$(agent_sock "$h")" 2>/dev/null; }
    local socat_pid=$AGENT_PID
    printf '%s %s\n' "$id" "$(printf '%s ' "$@" | tr '\n' ' ')" >&"${AGENT[1]}"
    while IFS= read -r -t "$t" line <&"${AGENT[0]}"; do
        case $line in
            "@@ROAM-BEGIN $id") started=1 ;;
            "@@ROAM-END $id "*) rc=${line##* }; break ;;
            *) [ -z "$started" ] || printf '%s\n' "$line" ;;
        esac
    done
    # SIGKILL: socat's SIGTERM handler only queues the exit for its main
    # loop, and a socat caught elsewhere (seen under load: in poll(), no
    # signal pending, our end of its stdin open) never gets there; the wait
    # below then hung the test until meson killed it.  The pid is the one
    # taken at the start.
    kill -KILL "$socat_pid" 2>/dev/null; wait "$socat_pid" 2>/dev/null
    exec 8>&-
    return "$rc"
}

guest_ready() { [ "$(guest_exec 2 echo ready)" = ready ]; }

# Global addresses of the guest NIC with MAC $1, one per line.
guest_addrs() {
    guest_exec 5 "for d in /sys/class/net/*; do [ \"\$(cat \$d/address)\" = $1 ] && ip -6 -o addr show dev \${d##*/} scope global; done" |
        awk '{sub(/\/.*/, "", $4); print $4}'
}
guest_has_addr() {
    local a want; want=$(ip6_expand "$2")
    for a in $(guest_addrs "$1"); do [ "$(ip6_expand "$a")" = "$want" ] && return 0; done
    return 1
}

nic_mac() { case $1 in primary) echo "$MAC_PRIMARY" ;; secondary) echo "$MAC_SECONDARY" ;; *) die "NIC is primary or secondary" ;; esac; }

# Live link state change; virsh domif-setlink goes through
# virDomainUpdateDeviceFlags with <link state=…/>.
vm_link() {
    local h; h=$(vm_host) || die "the VM runs nowhere"
    virsh_h "$h" domif-setlink "$VM" "$(nic_mac "$1")" "$2" >/dev/null
}

# Carrier as the guest sees it (1/0) for NIC primary|secondary.
guest_carrier() {
    guest_exec 5 "for d in /sys/class/net/*; do [ \"\$(cat \$d/address)\" = $(nic_mac "$1") ] && cat \$d/carrier; done"
}

# Read (no argument) or set the migrate policy in the roam metadata, both
# in the live domain and its persistent config.
vm_policy() {
    local h; h=$(vm_host) || die "the VM runs nowhere"
    if [ $# -eq 0 ]; then
        virsh_h "$h" metadata "$VM" "$ROAM_NS_URI" | sed -n 's:.*<migrate-policy>\(.*\)</migrate-policy>.*:\1:p' | xml_unescape
    else
        virsh_h "$h" metadata "$VM" "$ROAM_NS_URI" --key roam --live --config \
            --set "<vm><migrate-policy>$(xml_escape "$1")</migrate-policy></vm>" >/dev/null
    fi
}
# (bash 5.2 expands a bare & in a replacement to the match, hence \&)
xml_escape() { local s=${1//&/\&amp;}; s=${s//</\&lt;}; echo "${s//>/\&gt;}"; }
xml_unescape() { sed 's/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'; }
