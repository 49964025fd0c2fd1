/* INI configuration for roamd (see config.h and docs/roamd.md). */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errbuf.h"
#include "hostport.h"

enum kind { K_STR, K_ADDR, K_INT, K_IFNAME, K_BOOL };

struct key {
    const char *section, *name;
    enum kind kind;
    size_t off, cap;      /* K_STR / K_IFNAME: char array; K_ADDR: host array */
    size_t off2, cap2;    /* K_ADDR: port array */
    int min, max;         /* K_INT bounds */
    int required;
};

#define STR(sec, n, f, req) { sec, #n, K_STR, offsetof(struct roamd_config, f), \
    sizeof(((struct roamd_config *)0)->f), 0, 0, 0, 0, req }
#define IFN(sec, n, f) { sec, #n, K_IFNAME, offsetof(struct roamd_config, f), \
    sizeof(((struct roamd_config *)0)->f), 0, 0, 0, 0, 0 }
#define ADDR(sec, n, h, p) { sec, #n, K_ADDR, offsetof(struct roamd_config, h), \
    sizeof(((struct roamd_config *)0)->h), offsetof(struct roamd_config, p), \
    sizeof(((struct roamd_config *)0)->p), 0, 0, 0 }
#define BOOL(sec, n, f) { sec, #n, K_BOOL, offsetof(struct roamd_config, f), 0, 0, 0, 0, 0, 0 }
#define INT(sec, n, f, lo, hi) { sec, #n, K_INT, offsetof(struct roamd_config, f), 0, 0, 0, \
    lo, hi, 0 }

static const struct key keys[] = {
    ADDR("roamd", listen, listen_host, listen_port),
    ADDR("roamd", peer_listen, peer_listen_host, peer_listen_port),
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
    IFN("roamd", bridge, bridge),
    IFN("roamd", uplink, uplink),
    STR("roamd", metadata_ns, metadata_ns, 0),
    STR("roamd", audit_log, audit_log, 0),
    INT("limits", max_sessions, max_sessions, 1, 1024),
    INT("limits", challenges_per_minute, challenges_per_minute, 1, 100000),
    INT("limits", admission_lifetime, admission_lifetime_s, 1, 60),
    INT("limits", io_timeout_ms, io_timeout_ms, 100, 600000),
    INT("limits", ra_timeout_ms, ra_timeout_ms, 100, 60000),
    INT("limits", ra_max_age, ra_max_age_s, 0, 3600),
    INT("limits", switchover_timeout, switchover_timeout_s, 1, 3600),
    INT("limits", confirm_timeout_ms, confirm_timeout_ms, 0, 60000),
    INT("limits", link_down_delay_ms, link_down_delay_ms, 0, 10000),
    INT("limits", migration_timeout, migration_timeout_s, 10, 86400),
    BOOL("mobility", handover, handover),
};
#define NKEYS (sizeof keys / sizeof keys[0])

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
    c->challenges_per_minute = 30;
    c->admission_lifetime_s = 60;
    c->io_timeout_ms = 10000;
    c->ra_timeout_ms = 3000;
    c->ra_max_age_s = 10;
    c->switchover_timeout_s = 120;
    c->confirm_timeout_ms = 5000;
    c->link_down_delay_ms = 300;
    c->migration_timeout_s = 600;
    c->handover = 1;
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

struct parse_state {
    struct roamd_config *c;
    const char *file;
    int line;
    int seen[NKEYS];
    int failed;
    char *err;
    size_t errlen;
};

static int fail(struct parse_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse_state *st, const char *fmt, ...)
{
    if (!st->failed) {
        char msg[ROAM_ERR_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        roam_errf(st->err, st->errlen, "%s:%d: %s", st->file, st->line, msg);
    }
    st->failed = 1;
    return 0;
}

static int valid_ifname(const char *v)
{
    size_t n = strlen(v);
    if (n == 0 || n >= 16)
        return 0;
    for (; *v; v++)
        if (*v == '/' || *v == ' ' || *v == ':')
            return 0;
    return 1;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *st = user;
    if (!name)
        return 1;      /* a section header alone */
    size_t i;
    for (i = 0; i < NKEYS && strcmp(keys[i].section, section) != 0; i++)
        ;
    if (i == NKEYS)
        return fail(st, "key '%s' in unknown section [%s]", name, section);
    for (i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
            break;
    if (i == NKEYS)
        return fail(st, "unknown key '%s' in [%s]", name, section);
    if (st->seen[i]) {
        char first[16];
        snprintf(first, sizeof first, "%d", st->seen[i]);
        return fail(st, "key '%s' set twice (first on line %s)", name, first);
    }
    st->seen[i] = st->line;
    const struct key *k = &keys[i];
    char *base = (char *)st->c;
    switch (k->kind) {
    case K_STR:
        if (*value == '\0')
            return fail(st, "key '%s': empty value", name);
        if (strlen(value) >= k->cap)
            return fail(st, "key '%s': value too long (at most %zu bytes)", name, k->cap - 1);
        strcpy(base + k->off, value);
        return 1;
    case K_IFNAME:
        if (!valid_ifname(value))
            return fail(st, "key '%s': '%s' is not an interface name", name, value);
        strcpy(base + k->off, value);
        return 1;
    case K_ADDR:
        if (roam_split_hostport(value, base + k->off, k->cap, base + k->off2, k->cap2,
                                 base + k->off2) < 0)
            return fail(st, "key '%s': '%s' is not HOST:PORT or [IPV6]:PORT", name, value);
        return 1;
    case K_BOOL:
        if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
            return fail(st, "key '%s': '%s' is not yes or no", name, value);
        *(int *)(base + k->off) = strcmp(value, "yes") == 0;
        return 1;
    case K_INT: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || errno || v < k->min || v > k->max) {
            char range[48];
            snprintf(range, sizeof range, "%d..%d", k->min, k->max);
            return fail(st, "key '%s': not an integer in %s", name, range);
        }
        *(int *)(base + k->off) = (int)v;
        return 1;
    }
    }
    return fail(st, "key '%s': internal error", name);
}

/* inih reader that counts lines, so handler errors carry their line. */
struct reader {
    struct parse_state *st;
    FILE *f;
    const char *text;
};

static char *read_line(char *str, int num, void *stream)
{
    struct reader *r = stream;
    char *got;
    if (r->f) {
        got = fgets(str, num, r->f);
    } else {
        if (*r->text == '\0')
            return NULL;
        size_t n = strcspn(r->text, "\n");
        if (r->text[n] == '\n')
            n++;
        if (n > (size_t)num - 1)
            n = (size_t)num - 1;
        memcpy(str, r->text, n);
        str[n] = '\0';
        r->text += n;
        got = str;
    }
    if (got)
        r->st->line++;
    return got;
}

static int finish(struct parse_state *st, int r)
{
    struct roamd_config *c = st->c;
    if (st->failed)
        return -1;
    if (r < 0)
        return roam_errf(st->err, st->errlen, "%s: cannot read: %s", st->file,
                         r == -1 ? strerror(errno) : "out of memory");
    if (r > 0)
        return roam_errf(st->err, st->errlen, "%s:%d: syntax error (expected [section], "
                         "key = value, or a ; comment; lines up to 200 bytes)", st->file, r);
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].required && !st->seen[i])
            return roam_errf(st->err, st->errlen, "%s: required key '%s' in [%s] is missing",
                             st->file, keys[i].name, keys[i].section);
    if (!c->peer_cert[0] != !c->peer_key[0])
        return roam_errf(st->err, st->errlen, "%s: peer_cert and peer_key go together",
                         st->file);
    if (!c->peer_cert[0]) {
        strcpy(c->peer_cert, c->cert);
        strcpy(c->peer_key, c->key);
    }
    if (!c->uplink[0])
        strcpy(c->uplink, c->bridge);
    int n = 0;
    for (const char *p = c->migrate_uri; (p = strstr(p, "{host}")); p += 6)
        n++;
    if (n != 1) {
        for (size_t i = 0; i < NKEYS; i++)
            if (strcmp(keys[i].name, "migrate_uri") == 0 && st->seen[i])
                st->line = st->seen[i];
        return roam_errf(st->err, st->errlen, "%s:%d: key 'migrate_uri': must contain "
                         "{host} exactly once", st->file, st->line);
    }
    return 0;
}

int roamd_config_parse_string(struct roamd_config *c, const char *text, const char *name,
                              char *err, size_t errlen)
{
    struct parse_state st = { .c = c, .file = name, .err = err, .errlen = errlen };
    struct reader r = { .st = &st, .text = text };
    int res = ini_parse_stream(read_line, &r, handler, &st);
    return finish(&st, res);
}

int roamd_config_load(struct roamd_config *c, const char *path, char *err, size_t errlen)
{
    struct parse_state st = { .c = c, .file = path, .err = err, .errlen = errlen };
    FILE *f = fopen(path, "re");
    if (!f)
        return roam_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    struct reader r = { .st = &st, .f = f };
    int res = ini_parse_stream(read_line, &r, handler, &st);
    fclose(f);
    return finish(&st, res);
}
