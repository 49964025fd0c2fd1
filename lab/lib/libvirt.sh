# lab/lib/libvirt.sh: one privileged libvirtd per provider host, each in the
# host's network namespace and a private mount + UTS namespace whose libvirt
# directories are bind-mounted from the lab state dir.  docs/design.md §6 explains
# why this is the combination that live-migrates on these machines.
# shellcheck shell=bash
# shellcheck source=libvirt_tls.sh
source "$(dirname "${BASH_SOURCE[0]}")/libvirt_tls.sh"

virsh_h() { local h=$1; shift; virsh -q -c "$(host_uri "$h")" "$@"; }

# Config files for host H, written fresh each run.  The /var/cache part is
# kept across runs (QEMU capability cache: the first start probes ~17 s).
libvirt_conf() {
    local h=$1 d uuid; d=$(host_dir "$h")
    mkdir -p "$d"/{etc,run,lib,log/qemu} "$CACHE/libvirt-${h,,}"
    [ "$h" = A ] && uuid=00000000-0000-4000-8000-00000000000a || uuid=00000000-0000-4000-8000-00000000000b
    lab_pki; lab_pki_install "$h"
    libvirtd_tls_conf "$h" >"$d/etc/libvirtd.conf"
    cat >>"$d/etc/libvirtd.conf" <<CONF
auth_unix_rw = "none"
auth_unix_ro = "none"
host_uuid = "$uuid"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
CONF
    cat >"$d/etc/qemu.conf" <<CONF
migration_address = "$(host_addr "$h")"
migration_host = "$(host_addr "$h")"
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
stdio_handler = "file"
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
CONF
    qemu_tls_conf >>"$d/etc/qemu.conf"
    hook_install "$h"
}

# roam's qemu hook (roam-hook; docs/roamd.md): host H's libvirtd asks its
# roamd before a migration comes in.  Lab only: while roamd does not run on
# H (no socket) the hook lets everything in, so that plain libvirt
# migrations (migrate-baseline) keep working without roamd.
hook_socket() { echo "$RUN/roamd-${1,,}.hook.sock"; }
hook_install() { # HOST
    local d; d=$(host_dir "$1")
    mkdir -p "$d/etc/hooks"
    cat >"$d/etc/hooks/qemu" <<HOOK
#!/bin/sh
# roam's qemu hook on lab host $1 (written by lab/lib/libvirt.sh)
[ -S "$(hook_socket "$1")" ] || exit 0
exec "${ROAM_BUILD:-$STATE/roam-build}/src/cmd/roam-hook" --socket "$(hook_socket "$1")" "\$@"
HOOK
    chmod 0755 "$d/etc/hooks/qemu"
}

# roamd.conf's [hook] section for host H: the socket above, the guest's
# kernel and initrd, and the lab domain's console file and agent socket.
hook_conf() { # HOST
    printf '[hook]\nsocket = %s\nboot_dirs = %s\nvm_dirs = %s\n' "$(hook_socket "$1")" "$GUEST" \
        /var/log/libvirt/qemu:/var/lib/libvirt/qemu
}

# Runs inside the new mount namespace: a private /run (so /run/libvirt needs
# no directory in the real /run), then the libvirt directories.  libvirtd
# runs in the foreground under tini as a child subreaper: QEMU is started
# daemonized, so when it exits it is reaped by whoever adopted it, and
# libvirt's migrate call only returns once the source QEMU's pid is gone.
# Adopted by this machine's PID 1, which reaps orphans only every second
# or two, that added 1.3-1.8 s to every migration; tini reaps at once, as
# systemd does for a libvirtd it runs.
# shellcheck disable=SC2016  # a script for `bash -c`, which expands it
LIBVIRTD_INNER='
set -e
d=$1 cache=$2 name=$3
mount --make-rprivate /
mount -t tmpfs -o mode=755 lab-run /run
mkdir /run/libvirt
mount --bind "$d/run" /run/libvirt
mount --bind "$d/etc" /etc/libvirt
mount --bind "$d/lib" /var/lib/libvirt
mount --bind "$d/log" /var/log/libvirt
mount --bind "$cache" /var/cache/libvirt
hostname "$name"
exec tini -s -- libvirtd --listen --pid-file "$d/libvirtd.pid" --config /etc/libvirt/libvirtd.conf
'

libvirtd_start() {
    local h=$1 d; d=$(host_dir "$h")
    libvirt_conf "$h"
    rm -f "$d/libvirtd.pid"
    ip netns exec "$(host_ns "$h")" unshare --mount --uts --propagation private \
        bash -c "$LIBVIRTD_INNER" inner "$d" "$CACHE/libvirt-${h,,}" "lab-host-${h,,}" \
        </dev/null >>"$d/libvirtd.out" 2>&1 &
    # Its pid file appears once it runs (libvirtd_wait then waits for it
    # to answer); a start that fails at once is reported here.
    wait_for 30 test -s "$d/libvirtd.pid" || die "libvirtd $h failed to start (see $d/libvirtd.out)"
}

libvirtd_wait() {
    wait_for 90 virsh_h "$1" version || die "libvirtd $1 not answering (see $(host_dir "$1")/log/libvirtd.log)"
}

# Stop QEMU and libvirtd of host H by their pid files.
libvirtd_stop() {
    local d pidf; d=$(host_dir "$1")
    for pidf in "$d"/run/qemu/*.pid "$d/libvirtd.pid"; do
        [ -s "$pidf" ] || continue
        kill_wait "$(cat "$pidf")"
    done
}

# Which host runs the VM (prints A or B; fails if none).
vm_host() {
    local h
    for h in A B; do
        [ -S "$(host_dir "$h")/run/libvirt-sock" ] || continue
        [ "$(virsh_h "$h" domstate "$VM" 2>/dev/null)" = running ] && { echo "$h"; return 0; }
    done
    return 1
}

# Storage for the guest's disk: a libvirt dir pool on each host, over the
# host's own directory (--storage local: two providers, the disk is copied
# when the VM moves) or over one directory both hosts see at the same path
# (--storage shared: the paper's NFS case, nothing is copied).  `up`
# records the choice in $RUN/storage and the disk size in $RUN/disk (MiB, 0:
# a diskless guest).
LAB_POOL=roam
lab_storage() { cat "$RUN/storage" 2>/dev/null || echo local; }
lab_disk_mib() { cat "$RUN/disk" 2>/dev/null || echo 0; }
# The pool's directory as host H's libvirtd sees it, and on this machine.
pool_dir() {
    if [ "$(lab_storage)" = shared ]; then echo "$RUN/shared-pool"; else echo "/var/lib/libvirt/images/$LAB_POOL"; fi
}
pool_dir_real() {
    if [ "$(lab_storage)" = shared ]; then echo "$RUN/shared-pool"; else echo "$(host_dir "$1")/lib/images/$LAB_POOL"; fi
}
vm_disk_path() { echo "$(pool_dir)/$VM.qcow2"; }

# Define and start the pool on both hosts; with a disk, create the guest's
# image (empty qcow2 of that virtual size) in host A's pool.
storage_up() {
    local h mib; mib=$(lab_disk_mib)
    for h in A B; do
        mkdir -p "$(pool_dir_real "$h")"
        if ! { virsh_h "$h" pool-define-as "$LAB_POOL" dir --target "$(pool_dir)" >/dev/null &&
            virsh_h "$h" pool-start "$LAB_POOL" >/dev/null; }; then die "storage pool on host $h failed"; fi
    done
    [ "$mib" -gt 0 ] || return 0
    if [ "$(lab_base)" = yes ]; then base_up "$mib"; return; fi
    qemu-img create -q -f qcow2 "$(pool_dir_real A)/$VM.qcow2" "${mib}M" || die "qemu-img create failed"
    virsh_h A pool-refresh "$LAB_POOL" >/dev/null
}

# --base: both hosts hold the same base image (raw, 2 x LAB_BASE_DATA_MIB
# MiB, random data in its first half) in their own base dir, and the
# guest's disk is a qcow2 overlay on A's copy, of the disk's virtual size
# (reads past the base's end return zeros).  The base
# dirs are outside the hosts' private mounts, so roamd and both libvirtds
# see them at the same path.
LAB_BASE_DATA_MIB=32
lab_base() { cat "$RUN/base" 2>/dev/null || echo no; }
base_dir() { echo "$(host_dir "$1")/base"; }
base_image() { echo "$(base_dir "$1")/base.raw"; }
base_up() { # MIB
    mkdir -p "$(base_dir A)" "$(base_dir B)"
    if ! { head -c $((LAB_BASE_DATA_MIB << 20)) /dev/urandom >"$(base_image A)" &&
        truncate -s $((2 * LAB_BASE_DATA_MIB))M "$(base_image A)" &&
        cp --sparse=always "$(base_image A)" "$(base_image B)"; }; then die "base image failed"; fi
    qemu-img create -q -f qcow2 -u -b "$(base_image A)" -F raw "$(pool_dir_real A)/$VM.qcow2" "${1}M" ||
        die "qemu-img create (overlay) failed"
    virsh_h A pool-refresh "$LAB_POOL" >/dev/null
}

# Images in host H's pool, one "name allocated-bytes" a line.
pool_volumes() {
    local v
    virsh_h "$1" pool-refresh "$LAB_POOL" >/dev/null 2>&1
    for v in $(virsh_h "$1" vol-list "$LAB_POOL" 2>/dev/null | awk '{print $1}'); do
        echo "$v $(virsh_h "$1" vol-info --bytes --pool "$LAB_POOL" "$v" | awk '/^Allocation:/ {print $2}')"
    done
}

# The virsh migrate arguments that take the guest's disk from host SRC to
# DST, one a line.  Local storage: an empty qcow2 of the same virtual size
# at the same path in DST's pool (libvirt copies into an existing target;
# one it makes itself is fully allocated), and --copy-storage-all.  Shared:
# --unsafe (libvirt cannot tell that the lab's directory is shared).
baseline_disk_args() { # SRC DST
    local p size t
    [ "$(lab_disk_mib)" -gt 0 ] || return 0
    if [ "$(lab_storage)" = shared ]; then echo --unsafe; return 0; fi
    p=$(virsh_h "$1" domblklist "$VM" | awk '$1 == "vda" {print $2}')
    size=$(virsh_h "$1" domblkinfo "$VM" vda | awk '/^Capacity:/ {print $2}')
    [ -n "$p" ] && [ -n "$size" ] || return 1
    t="$(pool_dir_real "$2")/${p##*/}"
    rm -f "$t"
    qemu-img create -q -f qcow2 "$t" "$size" || return 1
    virsh_h "$2" pool-refresh "$LAB_POOL" >/dev/null
    echo --copy-storage-all
}
