/* roam-ims configuration (see ims_config.h). */
#include "ims_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_value.h"
#include "config_reader.h"
#include "errbuf.h"
#include "ims_etcd_rec.h"

#define C(obj) ((ims_config *)(obj))

/* [enroll] LABEL = HOA PUBKEY-FILE: inih splits keys at ':' too, so an IPv6
 * address cannot be the key. */
static int set_enroll(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    ims_config *c = obj;
    if (c->n_enroll == IMS_CFG_ENROLL_MAX)
        return roam_errf(why, whylen, "more than %d [enroll] entries", IMS_CFG_ENROLL_MAX);
    /* Grown as entries come: most files have a few, and the whole table
     * would cost every read a quarter of a megabyte. */
    if (c->n_enroll == c->enroll_cap) {
        size_t cap = c->enroll_cap ? c->enroll_cap * 2 : 16;
        if (cap > IMS_CFG_ENROLL_MAX)
            cap = IMS_CFG_ENROLL_MAX;
        ims_enroll_entry *grown = realloc(c->enroll, cap * sizeof *grown);
        if (!grown)
            return roam_errf(why, whylen, "out of memory");
        c->enroll = grown;
        c->enroll_cap = cap;
    }
    ims_enroll_entry *e = &c->enroll[c->n_enroll];
    memset(e, 0, sizeof *e);
    e->line = c->line_now;
    char buf[IMS_CFG_PATH_MAX + 64];
    char *save = NULL, *hoa = NULL, *file = NULL;
    int bad = cfg_copy(buf, sizeof buf, v) < 0;
    if (!bad) {
        hoa = strtok_r(buf, " \t", &save);
        file = strtok_r(NULL, " \t", &save);
    }
    bad = bad || !hoa || !file || strtok_r(NULL, " \t", &save) ||
          ims_addr_parse(hoa, e->hoa) < 0 || ims_addr_check(e->hoa, "HoA", NULL, 0) < 0 ||
          cfg_copy(e->pubkey, sizeof e->pubkey, file) < 0;
    if (bad)
        return roam_errf(why, whylen, "not HOA PUBKEY-FILE");
    c->n_enroll++;
    return 0;
}

static int set_port(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (cfg_port_text(C(obj)->port, sizeof C(obj)->port, v, 0) < 0)
        return roam_errf(why, whylen, "not a port in 0..65535");
    return 0;
}

static int set_output_buffer(void *obj, const char *name, const char *v, char *why,
                             size_t whylen)
{
    long x;
    if (cfg_long(v, IMS_FRAME_MAX + 4, 16 << 20, &x) < 0)
        return roam_errf(why, whylen, "not an integer in %d..%d", IMS_FRAME_MAX + 4, 16 << 20);
    C(obj)->server.output_buffer = (size_t)x;
    return 0;
}

static int set_startups(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    return roam_startups_parse(v, &C(obj)->server.max_startups, why, whylen);
}

static int set_backend(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (strcmp(v, "sqlite") != 0 && strcmp(v, "etcd") != 0)
        return roam_errf(why, whylen, "not 'sqlite' or 'etcd'");
    C(obj)->etcd = strcmp(v, "etcd") == 0;
    return 0;
}

static int set_endpoints(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    char urls[ETCD_ENDPOINTS_MAX][ETCD_URL_MAX + 1];
    if (etcd_endpoints_parse(v, urls, why, whylen) < 0)
        return -1;
    return cfg_copy(C(obj)->endpoints, sizeof C(obj)->endpoints, v) < 0
               ? roam_errf(why, whylen, "too long") : 0;
}

static int set_prefix(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (!*v || strlen(v) > IMS_PREFIX_MAX || strchr(v, ' '))
        return roam_errf(why, whylen, "not a key prefix of 1..%d characters without spaces",
                         IMS_PREFIX_MAX);
    return cfg_copy(C(obj)->etcd_prefix, sizeof C(obj)->etcd_prefix, v);
}

static int set_seccomp(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    (void)name;
    return roam_sandbox_mode_parse(v, &C(obj)->seccomp, why, whylen);
}

#undef C

#define STR(n, f) ROAM_CFG_STR_KEY(ims_config, "ims", n, f, 0)
#define INT(n, f, lo, hi) ROAM_CFG_INT_KEY(ims_config, "ims", n, f, lo, hi)

static const struct roam_cfg_key keys[] = {
    ROAM_CFG_FUNC_KEY("enroll", NULL, set_enroll, 0),
    STR("listen", listen),
    ROAM_CFG_FUNC_KEY("ims", "port", set_port, 0),
    STR("cert", cert),
    STR("key", key),
    STR("client_ca", client_ca),
    STR("ack_key", ack_key),
    STR("database", database),
    INT("max_connections", server.max_connections, 1, 65536),
    INT("max_subscriptions", server.max_subscriptions, 1, 4096),
    INT("handshake_timeout_ms", server.handshake_timeout_ms, 100, 60000),
    ROAM_CFG_FUNC_KEY("ims", "max_startups", set_startups, 0),
    INT("max_per_source", server.max_per_source, 1, 65536),
    INT("idle_timeout_ms", server.idle_timeout_ms, 0, 86400000),
    ROAM_CFG_FUNC_KEY("ims", "output_buffer", set_output_buffer, 0),
    INT("log_level", log_level, 0, 2),
    ROAM_CFG_FUNC_KEY("store", "backend", set_backend, 0),
    ROAM_CFG_FUNC_KEY("store", "endpoints", set_endpoints, 0),
    ROAM_CFG_STR_KEY(ims_config, "store", "ca", etcd_ca, 0),
    ROAM_CFG_STR_KEY(ims_config, "store", "cert", etcd_cert, 0),
    ROAM_CFG_STR_KEY(ims_config, "store", "key", etcd_key, 0),
    ROAM_CFG_FUNC_KEY("store", "prefix", set_prefix, 0),
    ROAM_CFG_INT_KEY(ims_config, "store", "timeout_ms", etcd_timeout_ms, 100, 60000),
    ROAM_CFG_FUNC_KEY("ims", "seccomp", set_seccomp, 0),
    INT("open_queries", server.open_queries, 0, 1),
    STR("moa_secret", moa_secret),
    INT("moa_token_epoch_s", server.moa_token_epoch_s, 1, 3600),
    INT("challenge_port", server.challenge_port, 1, 65535),
    STR("attestors", attestors),
};
#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= IMS_CFG_KEYS_MAX, "raise IMS_CFG_KEYS_MAX");

/* text, if not NULL, stands for the file called path (one reader for both). */
static int load(ims_config *c, const char *path, const char *text, roam_diag *d)
{
    memset(c, 0, sizeof *c);
    ims_server_config_defaults(&c->server);
    strcpy(c->port, IMS_DEFAULT_PORT);
    strcpy(c->cert, "/etc/roam/ims.pem");
    strcpy(c->key, "/etc/roam/ims.key");
    strcpy(c->database, "/var/lib/roam/ims.sqlite");
    strcpy(c->etcd_prefix, "/roam/ims/");
    c->etcd_timeout_ms = 2000;
    c->log_level = 1;
    int r = 0;
    if (path) {
        struct roam_cfg cfg = { keys, NKEYS, c, c->key_line, &c->line_now };
        r = text ? roam_cfg_check_string(&cfg, text, path, d)
                 : roam_cfg_check_file(&cfg, path, d);
    }
    c->server.listen = c->listen;
    c->server.port = c->port;
    c->server.cert = c->cert;
    c->server.key = c->key;
    c->server.client_ca = c->client_ca[0] ? c->client_ca : NULL;
    c->server.ack_key = c->ack_key[0] ? c->ack_key : NULL;
    c->server.moa_secret = c->moa_secret[0] ? c->moa_secret : NULL;
    c->server.attestors = c->attestors[0] ? c->attestors : NULL;
    c->etcd_cfg = (ims_etcd_config){ c->endpoints, c->etcd_ca, c->etcd_cert, c->etcd_key,
                                     c->etcd_prefix, c->etcd_timeout_ms };
    if (r == 0 && path && c->etcd && !c->endpoints[0]) {
        roam_diag_at(d, path, 0, "[store] backend = etcd needs [store] endpoints");
        r = -1;
    }
    if (r == 0 && path && c->moa_secret[0] && !c->ack_key[0]) {
        roam_diag_at(d, path, ims_config_line(c, "moa_secret"),
                     "[ims] moa_secret needs [ims] ack_key (challenges go by UDP)");
        r = -1;
    }
    if (r == 0 && path && c->attestors[0] && !c->moa_secret[0]) {
        roam_diag_at(d, path, ims_config_line(c, "attestors"),
                     "[ims] attestors needs [ims] moa_secret (without it no mobile address "
                     "needs a proof)");
        r = -1;
    }
    if (r == 0 && path && !c->etcd_cert[0] != !c->etcd_key[0]) {
        roam_diag_at(d, path, ims_config_store_line(c, c->etcd_cert[0] ? "cert" : "key"),
                     "[store] cert and key go together");
        r = -1;
    }
    return r;
}

int ims_config_load(ims_config *c, const char *path, char *err, size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return load(c, path, NULL, &d);
}

int ims_config_parse_string(ims_config *c, const char *text, const char *name, char *err,
                            size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return load(c, name, text, &d);
}

int ims_config_read(ims_config *c, const char *path, roam_diag *d)
{
    return load(c, path, NULL, d);
}

int ims_config_line(const ims_config *c, const char *key)
{
    const struct roam_cfg cfg = { keys, NKEYS, NULL, (int *)c->key_line, NULL };
    return roam_cfg_line(&cfg, "ims", key);
}

int ims_config_store_line(const ims_config *c, const char *key)
{
    const struct roam_cfg cfg = { keys, NKEYS, NULL, (int *)c->key_line, NULL };
    return roam_cfg_line(&cfg, "store", key);
}

ims_store *ims_config_open_store(const ims_config *c, const char *db, int create, char *err,
                                 size_t errlen)
{
    if (c->etcd && !db)
        return ims_store_open_etcd(&c->etcd_cfg, err, errlen);
    const char *path = db ? db : c->database;
    return create ? ims_store_open(path, err, errlen) : ims_store_open_existing(path, err, errlen);
}

void ims_config_free(ims_config *c)
{
    free(c->enroll);
    c->enroll = NULL;
    c->n_enroll = c->enroll_cap = 0;
}
