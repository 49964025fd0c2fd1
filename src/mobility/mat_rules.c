/* nftables scripts for MAT translation, applied with libnftables (see
 * mat_rules.h). */
#include "mat_rules.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "errbuf.h"
#include "nft_exec.h"

struct mat_nft {
    struct nft_ctx *ctx;
};

int mat_table_init(mat_table *t, mat_role role, const char *name, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len >= MAT_TABLE_MAX)
        return roam_errf(err, errlen, "nft table name must have 1..%d characters",
                         MAT_TABLE_MAX - 1);
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9')))
            return roam_errf(err, errlen, "nft table name may hold only letters, digits and _");
    }
    memcpy(t->name, name, len + 1);
    t->role = role;
    return 0;
}

/* Drop every pair whose `key` side (from or to) equals a. */
static void drop_pairs(mat_pair *p, size_t *n, const uint8_t a[IMS_ADDR_LEN], int by_to)
{
    size_t k = 0;
    for (size_t i = 0; i < *n; i++)
        if (memcmp(by_to ? p[i].to : p[i].from, a, IMS_ADDR_LEN) != 0)
            p[k++] = p[i];
    *n = k;
}

int mat_table_set(mat_table *t, const ims_mapping *m, char *err, size_t errlen)
{
    if (t->role != MAT_MOBILE)
        drop_pairs(t->out, &t->n_out, m->hoa, 0);
    drop_pairs(t->in, &t->n_in, m->hoa, 1);
    for (size_t i = 0; i < m->n; i++)   /* a MoA now someone else's is no longer ours */
        drop_pairs(t->in, &t->n_in, m->b[i].moa, 0);
    int act = t->role == MAT_MOBILE ? -1 : ims_mapping_active(m);   /* see set_sources */
    if (t->n_out + (act >= 0) > MAT_MAX_PAIRS || t->n_in + m->n > MAT_MAX_PAIRS)
        return roam_errf(err, errlen, "translation table full (%d entries per map)",
                         MAT_MAX_PAIRS);
    if (act >= 0) {
        t->out[t->n_out].dev[0] = '\0';
        memcpy(t->out[t->n_out].from, m->hoa, IMS_ADDR_LEN);
        memcpy(t->out[t->n_out++].to, m->b[act].moa, IMS_ADDR_LEN);
    }
    for (size_t i = 0; i < m->n; i++) {
        memcpy(t->in[t->n_in].from, m->b[i].moa, IMS_ADDR_LEN);
        t->in[t->n_in].dev[0] = '\0';
        memcpy(t->in[t->n_in++].to, m->hoa, IMS_ADDR_LEN);
    }
    return 0;
}

static int plain_ifname(const char *s)
{
    size_t n = strnlen(s, IF_NAMESIZE);
    if (n == 0 || n >= IF_NAMESIZE)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-", s[i]))
            return 0;
    return 1;
}

int mat_table_set_sources(mat_table *t, const uint8_t hoa[IMS_ADDR_LEN], const mat_source *s,
                          size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++)
        if (!plain_ifname(s[i].dev))
            return roam_errf(err, errlen, "interface name \"%.*s\" is not usable in a rule",
                             IF_NAMESIZE, s[i].dev);
    drop_pairs(t->out, &t->n_out, hoa, 0);
    if (t->n_out + n > MAT_MAX_PAIRS)
        return roam_errf(err, errlen, "translation table full (%d entries per map)",
                         MAT_MAX_PAIRS);
    for (size_t i = 0; i < n; i++) {
        mat_pair *p = &t->out[t->n_out++];
        memcpy(p->from, hoa, IMS_ADDR_LEN);
        memcpy(p->to, s[i].moa, IMS_ADDR_LEN);
        memcpy(p->dev, s[i].dev, IF_NAMESIZE);
    }
    return 0;
}

/* A growing string; any failure sticks and makes the result NULL. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    int failed;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)n;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
}

int mat_table_set_standby(mat_table *t, const char *dev, char *err, size_t errlen)
{
    if (dev && dev[0] && !plain_ifname(dev))
        return roam_errf(err, errlen, "interface name \"%.*s\" is not usable in a rule",
                         IF_NAMESIZE, dev);
    snprintf(t->standby_if, sizeof t->standby_if, "%s", dev ? dev : "");
    return 0;
}

static void put_addr(sbuf *b, const uint8_t a[IMS_ADDR_LEN])
{
    char s[INET6_ADDRSTRLEN];
    put(b, "%s", ims_addr_str(a, s, sizeof s));
}

static void put_elements(sbuf *b, const char *table, const char *map, const mat_pair *p, size_t n)
{
    if (n == 0)
        return;
    put(b, "add element ip6 %s %s { ", table, map);
    for (size_t i = 0; i < n; i++) {
        put(b, i ? ", " : "");
        put_addr(b, p[i].from);
        if (p[i].dev[0])
            put(b, " . \"%s\"", p[i].dev);
        put(b, " : ");
        put_addr(b, p[i].to);
    }
    put(b, " }\n");
}

/* The mobile node's HoAs (the out map's keys), for conntrack's exemption:
 * a map cannot stand in for a set there on every kernel (6.1 refuses). */
static void put_homes(sbuf *b, const mat_table *t)
{
    int any = 0;
    for (size_t i = 0; i < t->n_out; i++) {
        size_t k = 0;
        while (k < i && memcmp(t->out[k].from, t->out[i].from, IMS_ADDR_LEN) != 0)
            k++;
        if (k < i)
            continue;   /* listed already */
        if (any++)
            put(b, ", ");
        else
            put(b, "add element ip6 %s home { ", t->name);
        put_addr(b, t->out[i].from);
    }
    if (any)
        put(b, " }\n");
}

/* ND must keep its real addresses: rewriting an NS/NA breaks address
 * resolution of the very MoAs we translate to. */
#define ND_TYPES "{ nd-router-solicit, nd-router-advert, nd-neighbor-solicit, " \
                 "nd-neighbor-advert, nd-redirect }"

static void put_table(sbuf *b, const mat_table *t)
{
    int mn = t->role == MAT_MOBILE;
    put(b, "table ip6 %s {\n", t->name);
    put(b, "  set bypass { type ipv6_addr; }\n");
    put(b, mn ? "  map hoa2moa { type ipv6_addr . ifname : ipv6_addr; }\n"
              : "  map hoa2moa { type ipv6_addr : ipv6_addr; }\n");
    put(b, "  map moa2hoa { type ipv6_addr : ipv6_addr; }\n");
    if (mn) {
        put(b, "  set home { type ipv6_addr; }\n");
        put(b, "  set standby_if { type ifname; }\n");
        put(b, "  set via_standby { type ipv6_addr; size %d; flags dynamic,timeout; timeout %ds; }\n",
            MAT_STEER_MAX, MAT_STEER_TIMEOUT_S);
    }
    put(b, "  chain in {\n    type filter hook prerouting priority raw; policy accept;\n");
    put(b, "    icmpv6 type " ND_TYPES " accept\n");
    if (mn)   /* global sources only: link-local and :: (DAD, MLD) stay on-link */
        put(b, "    iifname @standby_if ip6 saddr 2000::/3 update @via_standby { ip6 saddr }\n");
    put(b, "    ip6 saddr @bypass accept\n");
    put(b, mn ? "    ip6 daddr set ip6 daddr map @moa2hoa notrack\n"
              : "    ip6 saddr set ip6 saddr map @moa2hoa notrack\n");
    put(b, "  }\n");
    if (mn) {
        /* Steering re-routes the packet, but the hook's output interface
         * stays the first route's for the rest of output: the source is
         * therefore chosen in postrouting, by the interface it really
         * leaves through.  Output only keeps conntrack out of it. */
        put(b, "  chain steer {\n    type route hook output priority raw - 10; policy accept;\n");
        put(b, "    ip6 daddr @via_standby meta mark set 0x%x\n  }\n", MAT_STEER_MARK);
        put(b, "  chain out {\n    type route hook output priority raw; policy accept;\n");
        put(b, "    icmpv6 type " ND_TYPES " accept\n");
        put(b, "    ip6 daddr @bypass accept\n");
        put(b, "    ip6 saddr @home notrack\n  }\n");
        put(b, "  chain src {\n    type filter hook postrouting priority raw; policy accept;\n");
        put(b, "    icmpv6 type " ND_TYPES " accept\n");
        put(b, "    ip6 daddr @bypass accept\n");
        put(b, "    ip6 saddr set ip6 saddr . oifname map @hoa2moa\n  }\n");
    } else {
        put(b, "  chain out {\n    type route hook output priority raw; policy accept;\n");
        put(b, "    icmpv6 type " ND_TYPES " accept\n");
        put(b, "    ip6 daddr @bypass accept\n");
        put(b, "    ip6 daddr set ip6 daddr map @hoa2moa notrack\n  }\n");
    }
    put(b, "}\n");
}

char *mat_rules_render(const mat_table *t, int full)
{
    sbuf b = { 0 };
    if (full) {
        /* "add" makes "delete" safe when no table exists yet. */
        put(&b, "add table ip6 %s\ndelete table ip6 %s\n", t->name, t->name);
        put_table(&b, t);
    } else {
        put(&b, "flush map ip6 %s hoa2moa\nflush map ip6 %s moa2hoa\nflush set ip6 %s bypass\n",
            t->name, t->name, t->name);
        if (t->role == MAT_MOBILE)
            put(&b, "flush set ip6 %s home\nflush set ip6 %s standby_if\n"
                    "flush set ip6 %s via_standby\n", t->name, t->name, t->name);
    }
    put_elements(&b, t->name, "hoa2moa", t->out, t->n_out);
    put_elements(&b, t->name, "moa2hoa", t->in, t->n_in);
    if (t->n_bypass) {
        put(&b, "add element ip6 %s bypass { ", t->name);
        for (size_t i = 0; i < t->n_bypass; i++) {
            put(&b, i ? ", " : "");
            put_addr(&b, t->bypass[i]);
        }
        put(&b, " }\n");
    }
    if (t->role == MAT_MOBILE)
        put_homes(&b, t);
    if (t->role == MAT_MOBILE && t->standby_if[0])
        put(&b, "add element ip6 %s standby_if { \"%s\" }\n", t->name, t->standby_if);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}

mat_nft *mat_nft_open(char *err, size_t errlen)
{
    mat_nft *n = calloc(1, sizeof *n);
    if (!n) {
        roam_errf(err, errlen, "out of memory for an nftables context");
        return NULL;
    }
    if (!(n->ctx = roam_nft_ctx_new(err, errlen))) {
        free(n);
        return NULL;
    }
    return n;
}

void mat_nft_close(mat_nft *n)
{
    if (!n)
        return;
    nft_ctx_free(n->ctx);
    free(n);
}

static int run(mat_nft *n, const char *script, const char *what, char *err, size_t errlen)
{
    return roam_nft_exec(n->ctx, script, what, err, errlen);
}

int mat_rules_install(mat_nft *n, const mat_table *t, char *err, size_t errlen)
{
    char *s = mat_rules_render(t, 1);
    if (!s)
        return roam_errf(err, errlen, "out of memory for the nft script");
    int rc = run(n, s, "install", err, errlen);
    free(s);
    return rc;
}

int mat_rules_update(mat_nft *n, const mat_table *t, char *err, size_t errlen)
{
    char *s = mat_rules_render(t, 0);
    if (!s)
        return roam_errf(err, errlen, "out of memory for the nft script");
    int rc = run(n, s, "update", err, errlen);
    free(s);
    if (rc < 0)   /* table gone (someone ran nft flush ruleset?): rebuild it whole */
        return mat_rules_install(n, t, err, errlen);
    return 0;
}

int mat_rules_remove(mat_nft *n, const char *name, char *err, size_t errlen)
{
    char s[2 * MAT_TABLE_MAX + 64];
    snprintf(s, sizeof s, "add table ip6 %s\ndelete table ip6 %s\n", name, name);
    return run(n, s, "remove", err, errlen);
}
