# lab/lib/common.sh: shared settings and helpers for lab/lab (paths, names,
# addresses, logging, root and prerequisite checks).  Sourced, never run.
# shellcheck shell=bash
# The settings below look unused to shellcheck here: the scripts that source
# this file use them.
# shellcheck disable=SC2034

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${ROAM_LAB_STATE:-$LAB_DIR/state}
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
RUN=$STATE/run          # per-run files; removed by `down`
# Downloads and libvirt's QEMU capability cache; kept across runs and
# shareable between state dirs (the test suite uses its own state dir).
CACHE=${ROAM_LAB_CACHE:-$STATE/cache}
GUEST=$STATE/guest      # built kernel + initramfs; kept across runs

# Namespace names carry a hash of the state dir so that two clones of the
# repository (a developer's and CI's) never share namespaces.
LAB_ID=${ROAM_LAB_NAME:-roam$(printf '%s' "$STATE" | md5sum | cut -c1-4)}
NS_A=$LAB_ID-a NS_B=$LAB_ID-b NS_R=$LAB_ID-r NS_U=$LAB_ID-u NS_S=$LAB_ID-s

VM=${ROAM_LAB_VM:-roam-vm}
MAC_PRIMARY=52:54:00:52:0a:01
MAC_SECONDARY=52:54:00:52:0a:02
VM_BRIDGE=brvm              # same name on both hosts: NICs re-attach after migration
ROAM_NS_URI=https://roam.example/ns/vm/1
AGENT_PORT=org.roam.lab.agent
PREFIX_U=2001:db8:c PREFIX_S=2001:db8:d

log() { printf 'lab: %s\n' "$*" >&2; }
die() { printf 'lab: error: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

need_root() { [ "$(id -u)" -eq 0 ] || die "must run as root (namespaces, libvirtd, bridges)"; }

# command -> Debian package that provides it; checked before anything starts.
PREREQS="ip:iproute2 libvirtd:libvirt-daemon-system virsh:libvirt-clients
qemu-system-x86_64:qemu-system-x86 radvd:radvd busybox:busybox-static
tcpdump:tcpdump cpio:cpio depmod:kmod zstd:zstd socat:socat ping:iputils-ping
gcc:gcc unshare:util-linux flock:util-linux apt-get:apt dpkg:dpkg
tini:tini etcd:etcd-server etcdctl:etcd-client ip6tables:iptables certtool:gnutls-bin qemu-img:qemu-utils"
check_prereqs() {
    local pair cmd pkg missing=()
    for pair in $PREREQS; do
        cmd=${pair%%:*} pkg=${pair#*:}
        command -v "$cmd" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ -e /usr/lib/x86_64-linux-gnu/libc.a ] || missing+=(libc6-dev)
    [ -e /usr/include/seccomp.h ] || missing+=(libseccomp-dev)
    [ ${#missing[@]} -eq 0 ] || die "missing Debian package(s): $(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')(run lab/setup)"
}

# Per-host parameters.  In --l2 mode both hosts share provider A's prefix.
mode() { cat "$RUN/mode" 2>/dev/null || echo l3; }
host_ns() { case $1 in A) echo "$NS_A" ;; B) echo "$NS_B" ;; *) die "unknown host $1" ;; esac; }
host_prefix() { if [ "$(mode)" = l2 ]; then echo 2001:db8:a; else echo "2001:db8:${1,,}"; fi; }
host_addr() {
    if [ "$(mode)" = l2 ]; then [ "$1" = A ] && echo 2001:db8:a::2 || echo 2001:db8:a::3
    else echo "$(host_prefix "$1")::2"; fi
}
host_dir() { echo "$RUN/host-${1,,}"; }
host_uri() { echo "qemu+unix:///system?socket=$(host_dir "$1")/run/libvirt-sock"; }
other_host() { [ "$1" = A ] && echo B || echo A; }

# SLAAC (EUI-64) address of a MAC in a /64 prefix such as 2001:db8:a.
eui64_addr() {
    local IFS=: m
    read -r -a m <<<"$2"
    printf '%s::%x:%x:%x:%x\n' "$1" $(( (0x${m[0]} ^ 2) << 8 | 0x${m[1]} )) \
        $(( 0x${m[2]} << 8 | 0xff )) $(( 0xfe << 8 | 0x${m[3]} )) $(( 0x${m[4]} << 8 | 0x${m[5]} ))
}

# Poll CMD... every 0.1 s for up to $1 seconds.
wait_for() {
    local t=$1 end; shift
    end=$(( $(now_ms) + t * 1000 ))
    until "$@" >/dev/null 2>&1; do
        [ "$(now_ms)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

# Full 8-group form of an IPv6 address, for comparing spellings that differ
# (busybox prints 2001:db8:a:0:… where iproute2 prints 2001:db8:a::…).
ip6_expand() {
    local a=$1 head tail n i hex=() g
    if [[ $a == *::* ]]; then
        head=${a%%::*} tail=${a#*::}
        local h t
        IFS=: read -ra h <<<"$head"
        IFS=: read -ra t <<<"$tail"
        n=$(( 8 - ${#h[@]} - ${#t[@]} ))
        g=("${h[@]}"); for ((i = 0; i < n; i++)); do g+=(0); done; g+=("${t[@]}")
    else
        IFS=: read -ra g <<<"$a"
    fi
    for i in "${g[@]}"; do hex+=("$(printf '%04x' "0x$i")"); done
    (IFS=:; echo "${hex[*]}")
}

# A process that has exited (possibly a zombie its parent has not reaped yet).
pid_gone() { [ ! -e "/proc/$1" ] || [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]; }
# SIGTERM, up to 10 s to exit, then SIGKILL.
kill_wait() {
    kill "$1" 2>/dev/null || return 0
    wait_for 10 pid_gone "$1" || { kill -9 "$1" 2>/dev/null; wait_for 2 pid_gone "$1"; }
}
