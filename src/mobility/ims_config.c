/* roam-ims configuration (see ims_config.h). */
#include "ims_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg_value.h"
#include "config_reader.h"
#include "errbuf.h"

#define C(obj) ((ims_config *)(obj))

/* [enroll] LABEL = HOA PUBKEY-FILE: inih splits keys at ':' too, so an IPv6
 * address cannot be the key. */
static int set_enroll(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    ims_config *c = obj;
    if (c->n_enroll == IMS_CFG_ENROLL_MAX)
        return roam_errf(why, whylen, "more than %d [enroll] entries", IMS_CFG_ENROLL_MAX);
    ims_enroll_entry *e = &c->enroll[c->n_enroll];
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
};
#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= IMS_CFG_KEYS_MAX, "raise IMS_CFG_KEYS_MAX");

static int load(ims_config *c, const char *path, roam_diag *d)
{
    memset(c, 0, sizeof *c);
    ims_server_config_defaults(&c->server);
    strcpy(c->port, IMS_DEFAULT_PORT);
    strcpy(c->cert, "/etc/roam/ims.pem");
    strcpy(c->key, "/etc/roam/ims.key");
    strcpy(c->database, "/var/lib/roam/ims.sqlite");
    c->log_level = 1;
    c->enroll = calloc(IMS_CFG_ENROLL_MAX, sizeof *c->enroll);
    if (!c->enroll) {
        roam_diag_at(d, path ? path : "roam-ims", 0, "out of memory");
        return -1;
    }
    int r = 0;
    if (path) {
        struct roam_cfg cfg = { keys, NKEYS, c, c->key_line, &c->line_now };
        r = roam_cfg_check_file(&cfg, path, d);
    }
    c->server.listen = c->listen;
    c->server.port = c->port;
    c->server.cert = c->cert;
    c->server.key = c->key;
    c->server.client_ca = c->client_ca[0] ? c->client_ca : NULL;
    c->server.ack_key = c->ack_key[0] ? c->ack_key : NULL;
    return r;
}

int ims_config_load(ims_config *c, const char *path, char *err, size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return load(c, path, &d);
}

int ims_config_read(ims_config *c, const char *path, roam_diag *d)
{
    return load(c, path, d);
}

int ims_config_line(const ims_config *c, const char *key)
{
    const struct roam_cfg cfg = { keys, NKEYS, NULL, (int *)c->key_line, NULL };
    return roam_cfg_line(&cfg, "ims", key);
}

void ims_config_free(ims_config *c)
{
    free(c->enroll);
    c->enroll = NULL;
}
