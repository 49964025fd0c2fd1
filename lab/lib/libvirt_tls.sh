# lab/lib/libvirt_tls.sh: the lab's PKI for libvirt and QEMU.  One lab CA
# (standing for the federation's trust anchors); each provider host gets,
# inside its own config dir, a libvirtd TLS identity (RSA-2048: libvirtd
# refuses ECDSA keys for key encipherment) and a migration TLS dir for QEMU,
# both naming its lab address as an IP SAN (QEMU and libvirt check the
# destination against the IPv6 literal of the URI).  Each libvirtd listens
# with TLS only and admits only the OTHER host's certificate
# (tls_allowed_dn_list); the lab's own admin access goes through the unix
# socket.  Sourced by lab/lib/libvirt.sh, never run.
# shellcheck shell=bash

LAB_PKI_ORG="roam lab"

# Migration data over QEMU TLS (yes, the default) or in clear (no: `up
# --no-tls`).  libvirtd's own connections use TLS either way.
lab_tls() { cat "$RUN/tls" 2>/dev/null || echo yes; }

pki_dir() { echo "$RUN/pki"; }                      # the CA and the issued keys
host_pki() { echo "$(host_dir "$1")/etc/pki"; }     # libvirtd's identity (server and p2p client)
host_mig_pki() { echo "$(host_dir "$1")/etc/pki-migrate"; }  # QEMU's migration TLS dir
user_pki() { echo "$RUN/pki-user"; }                # a client the hosts do not admit

# The DN of host H's certificate as libvirt prints it (virt-pki-query-dn):
# O first, unlike certtool's own order.
host_dn() { echo "O=$LAB_PKI_ORG,CN=lab host $1"; }

# libvirt URI of host DST's libvirtd over TLS, as host SRC's libvirtd opens
# it (peer-to-peer migration): SRC's identity is the client certificate.
host_tls_uri() { echo "qemu+tls://[$(host_addr "$2")]/system?pkipath=$(host_pki "$1")"; }

pki_issue() { # NAME CN IP|"" USAGES...: an RSA-2048 key and a certificate from the lab CA
    local p name=$1 cn=$2 ip=$3 u; p=$(pki_dir); shift 3
    certtool --generate-privkey --key-type rsa --bits 2048 --outfile "$p/$name.key" \
        >/dev/null 2>&1 || die "key for $cn failed"
    {
        printf 'organization = "%s"\ncn = "%s"\nexpiration_days = 30\n' "$LAB_PKI_ORG" "$cn"
        [ -z "$ip" ] || printf 'ip_address = "%s"\n' "$ip"
        for u in "$@"; do echo "$u"; done
    } >"$p/$name.tmpl"
    certtool --generate-certificate --load-privkey "$p/$name.key" --load-ca-certificate "$p/ca.pem" \
        --load-ca-privkey "$p/ca.key" --template "$p/$name.tmpl" --outfile "$p/$name.pem" \
        >/dev/null 2>&1 || die "certificate for $cn failed"
}

# The CA, both hosts' identities and the user node's (once per run).
lab_pki() {
    local p h; p=$(pki_dir)
    [ -s "$p/user.pem" ] && return 0
    mkdir -p "$p" && chmod 700 "$p"
    certtool --generate-privkey --key-type rsa --bits 2048 --outfile "$p/ca.key" >/dev/null 2>&1 ||
        die "lab CA key failed"
    printf 'organization = "%s"\ncn = "roam lab libvirt CA"\nca\ncert_signing_key\nexpiration_days = 30\n' \
        "$LAB_PKI_ORG" >"$p/ca.tmpl"
    certtool --generate-self-signed --load-privkey "$p/ca.key" --template "$p/ca.tmpl" \
        --outfile "$p/ca.pem" >/dev/null 2>&1 || die "lab CA failed"
    for h in A B; do
        pki_issue "host-${h,,}" "lab host $h" "$(host_addr "$h")" \
            tls_www_server tls_www_client signing_key encryption_key
    done
    pki_issue user "lab user node" "" tls_www_client signing_key encryption_key
}

# Install host H's files where its libvirtd and QEMU read them (under
# /etc/libvirt in its mount namespace), and the user node's client dir.
lab_pki_install() {
    local h=$1 p n d m u; p=$(pki_dir) n=host-${1,,} d=$(host_pki "$1") m=$(host_mig_pki "$1")
    mkdir -p "$d" "$m"
    cp "$p/ca.pem" "$d/cacert.pem"; cp "$p/ca.pem" "$m/ca-cert.pem"
    local role
    for role in server client; do
        cp "$p/$n.pem" "$d/${role}cert.pem"; cp "$p/$n.key" "$d/${role}key.pem"
        cp "$p/$n.pem" "$m/$role-cert.pem"; cp "$p/$n.key" "$m/$role-key.pem"
    done
    chmod 600 "$d"/*key.pem "$m"/*-key.pem
    u=$(user_pki); mkdir -p "$u"
    cp "$p/ca.pem" "$u/cacert.pem"; cp "$p/user.pem" "$u/clientcert.pem"; cp "$p/user.key" "$u/clientkey.pem"
}

# libvirtd.conf lines: TLS on the lab address only, no TCP, only the peer's DN.
libvirtd_tls_conf() {
    cat <<CONF
# TLS only, on the lab address; only the other provider host may connect
listen_tls = 1
listen_tcp = 0
listen_addr = "$(host_addr "$1")"
key_file = "/etc/libvirt/pki/serverkey.pem"
cert_file = "/etc/libvirt/pki/servercert.pem"
ca_file = "/etc/libvirt/pki/cacert.pem"
tls_no_verify_certificate = 0
tls_allowed_dn_list = ["$(host_dn "$(other_host "$1")")"]
auth_tls = "none"
CONF
}

# qemu.conf lines: QEMU's migration TLS, verified both ways; with the lab's
# TLS on, libvirt refuses any migration in clear, incoming or outgoing.
# LAB_TLS_FORCE=0|1 overrides that for the daemon started next (tests).
qemu_tls_conf() {
    cat <<CONF
migrate_tls_x509_cert_dir = "/etc/libvirt/pki-migrate"
migrate_tls_x509_verify = 1
migrate_tls_force = ${LAB_TLS_FORCE:-$([ "$(lab_tls)" = yes ] && echo 1 || echo 0)}
CONF
}
