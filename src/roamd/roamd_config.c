/* INI configuration for roamd (see roamd_config.h and docs/roamd.md). */
#include "roamd_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_reader.h"
#include "errbuf.h"
#include "hostport.h"
#include "icmp6.h"
#include "ipv6_addr.h"

static int set_ifname(char *field, size_t cap, const char *v, char *why, size_t whylen)
{
    if (!roam_ifname_valid(v) || strlen(v) >= cap)
        return roam_errf(why, whylen, "'%s' is not an interface name", v);
    strcpy(field, v);
    return 0;
}

static int set_addr(char *host, size_t hcap, char *port, size_t pcap, const char *v, char *why,
                    size_t whylen)
{
    /* The port given so far (the default) stands when v names none. */
    if (roam_split_hostport(v, host, hcap, port, pcap, port) < 0)
        return roam_errf(why, whylen, "'%s' is not HOST:PORT or [IPV6]:PORT", v);
    return 0;
}

#define C(obj) ((struct roamd_config *)(obj))

static int set_listen(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return set_addr(C(obj)->listen_host, sizeof C(obj)->listen_host, C(obj)->listen_port,
                    sizeof C(obj)->listen_port, v, why, whylen);
}

static int set_peer_listen(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return set_addr(C(obj)->peer_listen_host, sizeof C(obj)->peer_listen_host,
                    C(obj)->peer_listen_port, sizeof C(obj)->peer_listen_port, v, why, whylen);
}

static int set_bridge(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return set_ifname(C(obj)->bridge, sizeof C(obj)->bridge, v, why, whylen);
}

static int set_uplink(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return set_ifname(C(obj)->uplink, sizeof C(obj)->uplink, v, why, whylen);
}

/* An IPv6 literal and a port, both required: the handover compares the
 * guest's target with it byte for byte, so no name to resolve. */
static int set_ims(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    char host[ROAMD_HOST_MAX], port[8];
    unsigned char a[16];
    if (roam_split_hostport(v, host, sizeof host, port, sizeof port, "") < 0 || !port[0] ||
        inet_pton(AF_INET6, host, a) != 1 || roam_ipv6_unicast_check(a, "IMS", NULL, 0) < 0 ||
        atoi(port) < 1)
        return roam_errf(why, whylen, "'%s' is not [IPV6]:PORT of a unicast IPv6 address", v);
    memcpy(C(obj)->ims_addr, a, 16);
    C(obj)->ims_port = atoi(port);
    return 0;
}

static int set_startups(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return roam_startups_parse(v, &C(obj)->max_startups, why, whylen);
}

static int set_router(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    struct in6_addr a;
    if (inet_pton(AF_INET6, v, &a) != 1 || !IN6_IS_ADDR_LINKLOCAL(&a))
        return roam_errf(why, whylen, "'%s' is not a link-local IPv6 address (routers send "
                         "RAs from one)", v);
    C(obj)->router = a;
    C(obj)->have_router = 1;
    return 0;
}

static int set_router_mac(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (roam_mac_parse(v, C(obj)->router_mac) < 0)
        return roam_errf(why, whylen, "'%s' is not a MAC address (aa:bb:cc:dd:ee:ff)", v);
    C(obj)->have_router_mac = 1;
    return 0;
}

/* A ':'-separated list of at most 8 absolute directories without "." or
 * ".." components (the hook compares paths against them as text). */
static int set_dirs(char *field, size_t cap, const char *v, char *why, size_t whylen)
{
    if (strlen(v) >= cap)
        return roam_errf(why, whylen, "longer than %zu bytes", cap - 1);
    int n = 0;
    for (const char *p = v; *p; n++) {
        const char *e = strchr(p, ':');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        char d[ROAMD_PATH_MAX];
        snprintf(d, sizeof d, "%.*s", (int)k, p);
        if (d[0] != '/' || strstr(d, "/./") || strstr(d, "/../") ||
            (k >= 2 && strcmp(d + k - 2, "/.") == 0) || (k >= 3 && strcmp(d + k - 3, "/..") == 0))
            return roam_errf(why, whylen, "'%s' is not an absolute directory", d);
        if (n >= 8)
            return roam_errf(why, whylen, "more than 8 directories");
        p += k + (e != NULL);
    }
    strcpy(field, v);
    return 0;
}

static int set_boot_dirs(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return set_dirs(C(obj)->hook_boot_dirs, sizeof C(obj)->hook_boot_dirs, v, why, whylen);
}

static int set_vm_dirs(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return set_dirs(C(obj)->hook_vm_dirs, sizeof C(obj)->hook_vm_dirs, v, why, whylen);
}

/* One directory: the hook allows backing files there, and no others. */
static int set_base_dir(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    (void)name;
    if (strchr(v, ':'))
        return roam_errf(why, whylen, "one directory, not a list");
    return set_dirs(C(obj)->storage_base_dir, sizeof C(obj)->storage_base_dir, v, why, whylen);
}

/* compression = none | xbzrle | zstd | zlib */
static int set_compression(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    (void)name;
    int c = roam_migrate_compression_parse(v);
    if (c < 0)
        return roam_errf(why, whylen, "'%s' is not none, xbzrle, zstd or zlib", v);
    C(obj)->migration_tune.compression = c;
    return 0;
}

/* postcopy = no | PASSES: post-copy after that many passes of pre-copy. */
static int set_postcopy(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    (void)name;
    if (strcmp(v, "no") == 0) {
        C(obj)->migration_tune.postcopy_after = 0;
        return 0;
    }
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno || end == v || *end || n < 1 || n > ROAM_MIGRATE_POSTCOPY_AFTER_MAX)
        return roam_errf(why, whylen, "'%s' is not 'no' or a number of passes in 1..%d", v,
                         ROAM_MIGRATE_POSTCOPY_AFTER_MAX);
    C(obj)->migration_tune.postcopy_after = (int)n;
    return 0;
}

/* switch_at = pause | rarp: when the destination sends the handover. */
static int set_switch_at(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    (void)name;
    if (strcmp(v, "pause") == 0)
        C(obj)->switch_at_pause = 1;
    else if (strcmp(v, "rarp") == 0)
        C(obj)->switch_at_pause = 0;
    else
        return roam_errf(why, whylen, "'%s' is not 'pause' or 'rarp'", v);
    return 0;
}

static int set_seccomp(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    (void)name;
    return roam_sandbox_mode_parse(v, &C(obj)->seccomp, why, whylen);
}

#undef C

#define STR(sec, n, f, req) ROAM_CFG_STR_KEY(struct roamd_config, sec, #n, f, \
    ROAM_CFG_NONEMPTY | ((req) ? ROAM_CFG_REQUIRED : 0))
#define INT(sec, n, f, lo, hi) ROAM_CFG_INT_KEY(struct roamd_config, sec, #n, f, lo, hi)
#define BOOL(sec, n, f) ROAM_CFG_BOOL_KEY(struct roamd_config, sec, #n, f)
#define FUNC(sec, n, fn) ROAM_CFG_FUNC_KEY(sec, #n, fn, 0)

static const struct roam_cfg_key keys[] = {
    FUNC("roamd", listen, set_listen),
    FUNC("roamd", peer_listen, set_peer_listen),
    STR("roamd", name, name, 1),
    INT("roamd", peer_port, peer_port, 1, 65535),
    STR("roamd", cert, cert, 1),
    STR("roamd", key, key, 1),
    STR("roamd", peer_cert, peer_cert, 0),
    STR("roamd", peer_key, peer_key, 0),
    STR("roamd", peer_ca, peer_ca, 1),
    STR("roamd", mpk, mpk, 1),
    STR("roamd", accept_policy, accept_policy, 1),
    STR("roamd", libvirt_uri, libvirt_uri, 0),
    STR("roamd", migrate_uri, migrate_uri, 0),
    FUNC("roamd", bridge, set_bridge),
    FUNC("roamd", uplink, set_uplink),
    STR("roamd", metadata_ns, metadata_ns, 0),
    STR("roamd", audit_log, audit_log, 0),
    FUNC("roamd", router, set_router),
    FUNC("roamd", router_mac, set_router_mac),
    INT("limits", max_sessions, max_sessions, 1, 1024),
    INT("limits", max_client_sessions, max_client_sessions, 1, 1024),
    INT("limits", max_peer_sessions, max_peer_sessions, 1, 1024),
    FUNC("limits", max_startups, set_startups),
    INT("limits", max_per_source, max_per_source, 1, 1024),
    INT("limits", handshake_timeout_ms, handshake_timeout_ms, 100, 60000),
    INT("limits", challenges_per_minute, challenges_per_minute, 1, 100000),
    INT("limits", admission_lifetime, admission_lifetime_s, 1, 60),
    INT("limits", admission_wait_ms, admission_wait_ms, 0, 60000),
    INT("limits", io_timeout_ms, io_timeout_ms, 100, 600000),
    INT("limits", ra_timeout_ms, ra_timeout_ms, 100, 60000),
    INT("limits", ra_max_age, ra_max_age_s, 0, 3600),
    INT("limits", switchover_timeout, switchover_timeout_s, 1, 3600),
    INT("limits", confirm_timeout_ms, confirm_timeout_ms, 0, 60000),
    INT("limits", link_down_delay_ms, link_down_delay_ms, 0, 10000),
    INT("limits", migration_timeout, migration_timeout_s, 10, 86400),
    BOOL("mobility", handover, handover),
    FUNC("mobility", ims, set_ims),
    FUNC("mobility", switch_at, set_switch_at),
    STR("storage", pool, storage_pool, 0),
    STR("hook", socket, hook_socket, 0),
    FUNC("hook", boot_dirs, set_boot_dirs),
    FUNC("hook", vm_dirs, set_vm_dirs),
    BOOL("migration", tls, migration_tls),
    INT("limits", max_waiting, max_waiting, 1, 65536),
    INT("storage", max_disk_gib, max_disk_gib, 1, 65536),
    BOOL("storage", remove_source, remove_source),
    BOOL("storage", shared, storage_shared),
    STR("roamd", state_dir, state_dir, 0),
    STR("roamd", peer_pins, peer_pins, 0),
    FUNC("storage", base_dir, set_base_dir),
    STR("roamd", disclose_policy, disclose_policy, 0),
    INT("migration", parallel, migration_tune.parallel, 1, ROAM_MIGRATE_PARALLEL_MAX),
    FUNC("migration", compression, set_compression),
    BOOL("migration", auto_converge, migration_tune.auto_converge),
    FUNC("migration", postcopy, set_postcopy),
    FUNC("roamd", seccomp, set_seccomp),
    STR("mobility", attest_key, attest_key, 0),
};
#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= ROAMD_CONFIG_KEYS_MAX, "raise ROAMD_CONFIG_KEYS_MAX");

void roamd_config_defaults(struct roamd_config *c)
{
    memset(c, 0, sizeof *c);
    strcpy(c->listen_host, "::");
    strcpy(c->listen_port, "7443");
    strcpy(c->peer_listen_host, "::");
    strcpy(c->peer_listen_port, "7444");
    c->peer_port = 7444;
    strcpy(c->libvirt_uri, "qemu:///system");
    strcpy(c->migrate_uri, "qemu+tls://{host}/system");
    strcpy(c->bridge, "br0");
    strcpy(c->metadata_ns, "https://roam.example/ns/vm/1");
    strcpy(c->audit_log, "/var/log/roamd/audit.jsonl");
    c->max_sessions = 16;
    c->max_startups = (struct roam_startups){ 10, 30, 60 };
    c->max_per_source = 4;
    c->handshake_timeout_ms = 5000;
    c->challenges_per_minute = 30;
    c->admission_lifetime_s = 60;
    c->admission_wait_ms = 5000;
    c->io_timeout_ms = 10000;
    c->ra_timeout_ms = 3000;
    c->ra_max_age_s = 10;
    c->switchover_timeout_s = 120;
    c->confirm_timeout_ms = 5000;
    c->link_down_delay_ms = 300;
    c->migration_timeout_s = 600;
    c->handover = 1;
    c->switch_at_pause = 1;
    strcpy(c->hook_boot_dirs, "/usr/share/OVMF:/usr/share/qemu:/usr/share/seabios");
    strcpy(c->hook_vm_dirs, "/var/log/libvirt/qemu:/var/lib/libvirt/qemu/channel/target:"
           "/var/lib/libvirt/qemu/nvram");
    c->migration_tls = 1;
    c->max_waiting = 1024;
    c->max_disk_gib = 64;
    c->migration_tune = (struct roam_migrate_tuning){ .parallel = 1, .auto_converge = 1,
                                                    .compression = ROAM_MIGRATE_COMP_XBZRLE };
}

int roamd_config_router_check(const struct roamd_config *c, char *err, size_t errlen)
{
    if (strcmp(c->uplink, c->bridge) != 0 || c->have_router || c->have_router_mac)
        return 0;
    return roam_errf(err, errlen, "uplink %s is the VM bridge: set 'router' (the router's "
                     "link-local address) or 'router_mac' in [roamd], or any VM on the bridge "
                     "could send the RA that migrating VMs are given", c->uplink);
}

int roamd_migrate_uri(const struct roamd_config *c, const char *host, char *out, size_t cap)
{
    const char *at = strstr(c->migrate_uri, "{host}");
    int v6 = strchr(host, ':') != NULL;
    int n;
    if (!at)
        n = snprintf(out, cap, "%s", c->migrate_uri);
    else
        n = snprintf(out, cap, "%.*s%s%s%s%s", (int)(at - c->migrate_uri), c->migrate_uri,
                     v6 ? "[" : "", host, v6 ? "]" : "", at + 6);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The checks between keys, once the file is read. */
static int finish(struct roamd_config *c, const char *file, roam_diag *d)
{
    int pc = roamd_config_line(c, "roamd", "peer_cert"), pk = roamd_config_line(c, "roamd",
                                                                                "peer_key");
    if (!c->peer_cert[0] != !c->peer_key[0])
        roam_diag_at(d, file, pc ? pc : pk, "peer_cert and peer_key go together");
    if (!c->peer_cert[0] || !c->peer_key[0]) {
        strcpy(c->peer_cert, c->cert);
        strcpy(c->peer_key, c->key);
    }
    if (!c->uplink[0])
        strcpy(c->uplink, c->bridge);
    if (!c->max_client_sessions)
        c->max_client_sessions = c->max_sessions;
    if (!c->max_peer_sessions)
        c->max_peer_sessions = c->max_sessions;
    int n = 0;
    for (const char *p = c->migrate_uri; (p = strstr(p, "{host}")); p += 6)
        n++;
    if (n != 1)
        roam_diag_at(d, file, roamd_config_line(c, "roamd", "migrate_uri"),
                     "key 'migrate_uri': must contain {host} exactly once");
    if (c->storage_shared && !c->storage_pool[0])
        roam_diag_at(d, file, roamd_config_line(c, "storage", "shared"),
                     "key 'shared': needs 'pool' in [storage] (the shared images' pool)");
    char why[ROAM_ERR_MAX];
    if (roam_migrate_tuning_check(&c->migration_tune, why, sizeof why) < 0) {
        int l = 0;
        static const char *const tk[] = { "postcopy", "compression", "parallel" };
        for (size_t i = 0; !l && i < sizeof tk / sizeof tk[0]; i++)
            l = roamd_config_line(c, "migration", tk[i]);
        roam_diag_at(d, file, l, "[migration] %s", why);
    }
    return d->count ? -1 : 0;
}

static struct roam_cfg table(struct roamd_config *c)
{
    memset(c->key_line, 0, sizeof c->key_line);
    return (struct roam_cfg){ keys, NKEYS, c, c->key_line, NULL };
}

int roamd_config_line(const struct roamd_config *c, const char *section, const char *key)
{
    const struct roam_cfg cfg = { keys, NKEYS, NULL, (int *)c->key_line, NULL };
    return roam_cfg_line(&cfg, section, key);
}

int roamd_config_read(struct roamd_config *c, const char *path, roam_diag *d)
{
    struct roam_cfg cfg = table(c);
    int before = d->count;
    roam_cfg_check_file(&cfg, path, d);
    finish(c, path, d);
    return d->count > before ? -1 : 0;
}

int roamd_config_parse_string(struct roamd_config *c, const char *text, const char *name,
                              char *err, size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    struct roam_cfg cfg = table(c);
    roam_cfg_check_string(&cfg, text, name, &d);
    return finish(c, name, &d);
}

int roamd_config_load(struct roamd_config *c, const char *path, char *err, size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return roamd_config_read(c, path, &d);
}
