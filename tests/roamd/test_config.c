/* roamd configuration: defaults, every kind of value, and errors that name
 * the file, the line and the key. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "errbuf.h"
#include "roamd_config.h"
#include "tap.h"

static struct roamd_config c;
static char err[ROAM_ERR_MAX];

static const char *base =
    "[roamd]\n"
    "name = 2001:db8:a::2\n"
    "cert = /etc/roam/a.pem\n"
    "key = /etc/roam/a.key\n"
    "peer_ca = /etc/roam/ca.pem\n"
    "mpk = /etc/roam/mpk.pem\n"
    "accept_policy = provider_b or admin\n";

static int parse(const char *extra)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", base, extra);
    roamd_config_defaults(&c);
    return roamd_config_parse_string(&c, text, "roamd.conf", err, sizeof err);
}

static void check_err(const char *extra, const char *want, const char *name)
{
    int r = parse(extra);
    tap_ok(r < 0 && strstr(err, want) != NULL, "%s: \"%s\"", name, err);
}

int main(void)
{
    tap_eq(parse(""), 0, "minimal config parses (%s)", err);
    tap_ok(strcmp(c.listen_port, "7443") == 0 && strcmp(c.listen_host, "::") == 0 &&
           c.peer_port == 7444 && c.max_sessions == 16 && c.admission_lifetime_s == 60 &&
           c.admission_wait_ms == 5000 &&
           strcmp(c.libvirt_uri, "qemu:///system") == 0 && strcmp(c.uplink, "br0") == 0 &&
           strcmp(c.peer_cert, c.cert) == 0 && c.link_down_delay_ms == 300 && c.handover == 1,
           "defaults (uplink follows bridge, peer cert follows cert)");
    tap_ok(parse("[limits]\nlink_down_delay_ms = 0\n") == 0 && c.link_down_delay_ms == 0,
           "link_down_delay_ms = 0: the link goes down inside post-processing");
    tap_ok(parse("[mobility]\nhandover = no\n") == 0 && c.handover == 0,
           "[mobility] handover = no (%s)", err);
    tap_ok(parse("[mobility]\nhandover = yes\n") == 0 && c.handover == 1,
           "[mobility] handover = yes (%s)", err);
    check_err("[mobility]\nhandover = maybe\n", ":9: key 'handover': 'maybe' is not yes or no",
              "handover neither yes nor no");
    check_err("[mobility]\nhandover = no\nhandover = yes\n", "key 'handover' set twice",
              "handover set twice");
    tap_ok(parse("") == 0 && c.switch_at_pause == 1, "[mobility] switch_at is pause by default");
    tap_ok(parse("[mobility]\nswitch_at = rarp\n") == 0 && c.switch_at_pause == 0,
           "[mobility] switch_at = rarp (%s)", err);
    tap_ok(parse("[mobility]\nswitch_at = pause\n") == 0 && c.switch_at_pause == 1,
           "[mobility] switch_at = pause (%s)", err);
    check_err("[mobility]\nswitch_at = later\n", "'later' is not 'pause' or 'rarp'",
              "switch_at neither pause nor rarp");
    tap_ok(parse("") == 0 && !c.hook_socket[0] && !c.storage_pool[0] &&
           strstr(c.hook_boot_dirs, "/usr/share/OVMF") &&
           strstr(c.hook_vm_dirs, "/var/log/libvirt/qemu"),
           "[hook]: no socket; firmware and libvirt's per-VM dirs by default");
    tap_ok(parse("[hook]\nsocket = /run/roam/hook.sock\nboot_dirs = /srv/boot:/srv/fw\n"
                 "vm_dirs = /var/log/libvirt/qemu\n[storage]\npool = vms\n") == 0 &&
           strcmp(c.hook_socket, "/run/roam/hook.sock") == 0 &&
           strcmp(c.hook_boot_dirs, "/srv/boot:/srv/fw") == 0 &&
           strcmp(c.storage_pool, "vms") == 0, "[hook] and [storage] keys (%s)", err);
    check_err("[hook]\nboot_dirs = srv/boot\n", "'srv/boot' is not an absolute directory",
              "boot_dirs: a relative directory");
    check_err("[hook]\nvm_dirs = /var/log/../../etc\n", "is not an absolute directory",
              "vm_dirs: a .. component");
    check_err("[hook]\nvm_dirs = /a::/b\n", "is not an absolute directory",
              "vm_dirs: an empty entry");
    check_err("[hook]\nboot_dirs = /1:/2:/3:/4:/5:/6:/7:/8:/9\n", "more than 8",
              "boot_dirs: more than 8");
    tap_ok(parse("") == 0 && c.migration_tls == 1, "[migration] tls defaults to yes");
    tap_ok(parse("[migration]\ntls = no\n") == 0 && c.migration_tls == 0,
           "[migration] tls = no (%s)", err);
    check_err("[migration]\ntls = sometimes\n", ":9: key 'tls': 'sometimes' is not yes or no",
              "tls neither yes nor no");
    tap_ok(parse("") == 0 && c.migration_tune.parallel == 1 &&
           c.migration_tune.compression == ROAM_MIGRATE_COMP_XBZRLE &&
           c.migration_tune.auto_converge == 1 && c.migration_tune.postcopy_after == 0,
           "[migration] tuning defaults: one connection, xbzrle, auto-converge, no post-copy");
    check_err("[migration]\nparallel = 2\n", ":9: [migration] compression xbzrle does not go with "
              "parallel >= 2 (set compression = none, zstd or zlib)", "parallel with the default xbzrle");
    tap_ok(parse("[migration]\nparallel = 4\ncompression = zstd\nauto_converge = no\n") == 0 &&
           c.migration_tune.parallel == 4 && c.migration_tune.compression == ROAM_MIGRATE_COMP_ZSTD &&
           !c.migration_tune.auto_converge, "[migration] parallel 4, zstd, no auto-converge (%s)", err);
    tap_ok(parse("[migration]\ncompression = xbzrle\npostcopy = 3\n") == 0 &&
           c.migration_tune.compression == ROAM_MIGRATE_COMP_XBZRLE &&
           c.migration_tune.postcopy_after == 3, "[migration] xbzrle, post-copy after 3 passes (%s)",
           err);
    tap_ok(parse("[migration]\npostcopy = no\n") == 0 && c.migration_tune.postcopy_after == 0,
           "[migration] postcopy = no (%s)", err);
    check_err("[migration]\nparallel = 0\n", ":9: key 'parallel'", "parallel 0");
    check_err("[migration]\nparallel = 17\n", ":9: key 'parallel'", "parallel 17");
    check_err("[migration]\ncompression = lz4\n",
              ":9: key 'compression': 'lz4' is not none, xbzrle, zstd or zlib", "compression lz4");
    check_err("[migration]\npostcopy = yes\n",
              ":9: key 'postcopy': 'yes' is not 'no' or a number of passes in 1..64",
              "postcopy yes");
    check_err("[migration]\npostcopy = 65\n", "number of passes in 1..64", "postcopy 65");
    check_err("[migration]\npostcopy = 2x\n", "number of passes", "postcopy 2x");
    check_err("[migration]\ncompression = zstd\n", ":9: [migration] compression zstd needs "
              "parallel >= 2", "zstd on one connection");
    check_err("[migration]\nparallel = 2\ncompression = none\npostcopy = 1\n",
              ":11: [migration] postcopy does not go with parallel >= 2", "post-copy with multifd");
    tap_ok(c.ims_port == 0, "no IMS for handovers by default");
    uint8_t ims[16];
    inet_pton(AF_INET6, "2001:db8:d::2", ims);
    tap_ok(parse("[mobility]\nims = [2001:db8:d::2]:4780\n") == 0 && c.ims_port == 4780 &&
           memcmp(c.ims_addr, ims, 16) == 0, "[mobility] ims = [2001:db8:d::2]:4780 (%s)", err);
    check_err("[mobility]\nims = [2001:db8:d::2]\n", "key 'ims': '[2001:db8:d::2]' is not "
              "[IPV6]:PORT", "ims without a port");
    check_err("[mobility]\nims = ims.example:4780\n", "key 'ims'", "ims as a name");
    check_err("[mobility]\nims = [fe80::1]:4780\n", "key 'ims'", "ims link-local");
    check_err("[mobility]\nims = [2001:db8:d::2]:0\n", "key 'ims'", "ims port 0");
    check_err("[mobility]\nims = 192.0.2.1:4780\n", "key 'ims'", "ims IPv4");
    check_err("[mobility]\nmax_sessions = 4\n", "unknown key 'max_sessions' in [mobility]",
              "[limits] key in [mobility]");
    tap_ok(parse("listen = [2001:db8:a::2]:9000\npeer_listen = 127.0.0.1:0\nbridge = brvm\n"
                 "uplink = uplink0\n[limits]\nmax_sessions = 4\nadmission_lifetime = 30\n") == 0 &&
           strcmp(c.listen_host, "2001:db8:a::2") == 0 && strcmp(c.listen_port, "9000") == 0 &&
           strcmp(c.peer_listen_host, "127.0.0.1") == 0 && strcmp(c.peer_listen_port, "0") == 0 &&
           strcmp(c.bridge, "brvm") == 0 && strcmp(c.uplink, "uplink0") == 0 &&
           c.max_sessions == 4 && c.admission_lifetime_s == 30,
           "addresses, interfaces and limits (%s)", err);
    tap_ok(c.max_client_sessions == 4 && c.max_peer_sessions == 4,
           "max_sessions alone sets both pools");
    tap_ok(parse("[limits]\nmax_sessions = 8\nmax_peer_sessions = 3\nmax_startups = 4:50:12\n"
                 "max_per_source = 2\nhandshake_timeout_ms = 800\n") == 0 &&
           c.max_client_sessions == 8 && c.max_peer_sessions == 3 &&
           c.max_startups.start == 4 && c.max_startups.rate == 50 && c.max_startups.full == 12 &&
           c.max_per_source == 2 && c.handshake_timeout_ms == 800,
           "connection limits: pools, startups, per source, handshake deadline (%s)", err);
    tap_ok(parse("") == 0 && c.max_client_sessions == 16 && c.max_peer_sessions == 16 &&
           c.max_startups.start == 10 && c.max_startups.rate == 30 && c.max_startups.full == 60 &&
           c.max_per_source == 4 && c.handshake_timeout_ms == 5000,
           "connection limit defaults");
    check_err("[limits]\nmax_startups = 10:30\n", "key 'max_startups': '10:30' is not "
              "START:RATE:FULL", "max_startups malformed");
    tap_eq(parse("; comment\n# another\nmigrate_uri = qemu+tcp://{host}/system\n"), 0,
           "comments and migrate_uri template");
    char uri[256];
    tap_ok(roamd_migrate_uri(&c, "2001:db8:b::2", uri, sizeof uri) == 0 &&
           strcmp(uri, "qemu+tcp://[2001:db8:b::2]/system") == 0, "IPv6 host bracketed: %s", uri);
    tap_ok(roamd_migrate_uri(&c, "vms-b.example", uri, sizeof uri) == 0 &&
           strcmp(uri, "qemu+tcp://vms-b.example/system") == 0, "DNS host: %s", uri);

    check_err("frobnicate = 1\n", "roamd.conf:8: unknown key 'frobnicate' in [roamd]",
              "unknown key, with line");
    check_err("\n\n[limits]\nmax_sessions = 0\n", "roamd.conf:11: key 'max_sessions': not an "
              "integer in 1..1024", "out-of-range integer");
    check_err("[limits]\nmax_sessions = 12abc\n", ":9: key 'max_sessions'", "trailing junk");
    check_err("[limits]\nadmission_lifetime = 61\n", "'admission_lifetime': not an integer in 1..60",
              "admission lifetime capped at 60 s");
    tap_ok(parse("[limits]\nadmission_wait_ms = 1500\n") == 0 && c.admission_wait_ms == 1500,
           "admission_wait_ms read (%s)", err);
    check_err("[limits]\nadmission_wait_ms = 60001\n",
              "'admission_wait_ms': not an integer in 0..60000", "admission wait capped at 60 s");
    check_err("listen = [::1\n", ":8: key 'listen'", "unclosed bracket");
    check_err("listen = host:99999\n", ":8: key 'listen'", "port out of range");
    check_err("bridge = a/b\n", ":8: key 'bridge': 'a/b' is not an interface name", "bad ifname");
    check_err("bridge = abcdefghijklmnopq\n", "key 'bridge'", "ifname too long");
    check_err("name = again\n", ":8: key 'name' set twice (first on line 2)", "duplicate key");
    check_err("[other]\nx = 1\n", ":9: key 'x' in unknown section [other]", "unknown section");
    check_err("this line is junk\n", "roamd.conf:8: syntax error", "syntax error line");
    check_err("migrate_uri = qemu+tcp://nohost/system\n", ":8: key 'migrate_uri': must contain "
              "{host}", "template without {host}");
    check_err("peer_cert = /x.pem\n", "peer_cert and peer_key go together", "half a peer pair");
    check_err("[limits]\nio_timeout_ms = \n", "key 'io_timeout_ms'", "empty integer");
    check_err("[limits]\nlink_down_delay_ms = 20000\n", "key 'link_down_delay_ms'",
              "link-down delay above 10 s");

    /* The router that may send RAs: a link-local address and/or a MAC. */
    tap_ok(parse("router = fe80::1\nrouter_mac = 52:54:00:AA:00:01\n") == 0 && c.have_router &&
           c.router.s6_addr[0] == 0xfe && c.router.s6_addr[15] == 1 && c.have_router_mac &&
           c.router_mac[3] == 0xaa, "router and router_mac parse (%s)", err);
    check_err("router = 2001:db8::1\n", ":8: key 'router': '2001:db8::1' is not a link-local",
              "router must be link-local");
    check_err("router_mac = 52:54:00\n", "key 'router_mac'", "bad router MAC");
    tap_ok(parse("") == 0 && roamd_config_router_check(&c, err, sizeof err) < 0 &&
           strstr(err, "set 'router'"), "uplink = bridge without a pinned router refused: %s",
           err);
    tap_ok(parse("router_mac = 52:54:00:aa:00:01\n") == 0 &&
           roamd_config_router_check(&c, err, sizeof err) == 0 &&
           parse("router = fe80::1\n") == 0 && roamd_config_router_check(&c, err, sizeof err) == 0
           && parse("uplink = eth1\n") == 0 && roamd_config_router_check(&c, err, sizeof err) == 0,
           "pinned router, or an uplink that is not the VM bridge: accepted");

    tap_ok(parse("") == 0 && c.max_waiting == 1024 &&
           parse("[limits]\nmax_waiting = 5000\n") == 0 && c.max_waiting == 5000,
           "max_waiting: 1024 by default, settable");
    check_err("[limits]\nmax_waiting = 0\n", "max_waiting", "max_waiting = 0 refused");

    roamd_config_defaults(&c);
    int r = roamd_config_parse_string(&c, "[roamd]\nname = x\n", "roamd.conf", err, sizeof err);
    tap_ok(r < 0 && strstr(err, "required key 'cert' in [roamd] is missing"),
           "missing required key named: \"%s\"", err);
    roamd_config_defaults(&c);
    r = roamd_config_load(&c, "/nonexistent/roamd.conf", err, sizeof err);
    tap_ok(r < 0 && strstr(err, "/nonexistent/roamd.conf: cannot open"), "missing file: %s", err);

    tap_ok(parse("") == 0 && c.seccomp == ROAM_SANDBOX_ON, "seccomp filter on by default");
    tap_ok(parse("seccomp = report\n") == 0 && c.seccomp == ROAM_SANDBOX_REPORT,
           "seccomp = report (%s)", err);
    tap_ok(parse("seccomp = no\n") == 0 && c.seccomp == ROAM_SANDBOX_OFF, "seccomp = no (%s)",
           err);
    check_err("seccomp = off\n", ":8: key 'seccomp': not 'yes', 'report' or 'no'",
              "seccomp neither yes, report nor no");
    check_err("[limits]\nseccomp = yes\n", "seccomp", "seccomp outside [roamd] refused");

    char h[64], p[8];
    tap_ok(roam_split_hostport("[2001:db8::1]:7443", h, sizeof h, p, sizeof p, "1") == 0 &&
           strcmp(h, "2001:db8::1") == 0 && strcmp(p, "7443") == 0, "[v6]:port");
    tap_ok(roam_split_hostport("2001:db8::1", h, sizeof h, p, sizeof p, "1") == 0 &&
           strcmp(h, "2001:db8::1") == 0 && strcmp(p, "1") == 0, "bare v6 takes default port");
    tap_ok(roam_split_hostport("vms:80", h, sizeof h, p, sizeof p, "1") == 0 &&
           strcmp(h, "vms") == 0 && strcmp(p, "80") == 0, "name:port");
    tap_ok(roam_split_hostport(":80", h, sizeof h, p, sizeof p, "1") < 0 &&
           roam_split_hostport("[::1]x", h, sizeof h, p, sizeof p, "1") < 0 &&
           roam_split_hostport("a:", h, sizeof h, p, sizeof p, "1") < 0,
           "empty host, junk after bracket, empty port refused");
    return tap_done();
}
