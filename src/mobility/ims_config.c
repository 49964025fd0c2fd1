/* roam-ims configuration (see ims_config.h). */
#include "ims_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "cfg_value.h"
#include "errbuf.h"

typedef struct load_state {
    ims_config *c;
    char err[ROAM_ERR_MAX];
} load_state;

static int on_key(void *user, const char *sec, const char *name, const char *v)
{
    load_state *st = user;
    ims_config *c = st->c;
    ims_server_config *s = &c->server;
    long x = 0;
    int bad = 0, known = 1;
#define IS(k) (strcmp(sec, "ims") == 0 && strcmp(name, k) == 0)
    if (strcmp(sec, "enroll") == 0) {
        if (c->n_enroll == IMS_CFG_ENROLL_MAX) {
            snprintf(st->err, sizeof st->err, "more than %d [enroll] entries", IMS_CFG_ENROLL_MAX);
            return 0;
        }
        /* "LABEL = HOA PUBKEY-FILE": inih splits keys at ':' too, so an
         * IPv6 address cannot be the key. */
        ims_enroll_entry *e = &c->enroll[c->n_enroll];
        char buf[IMS_CFG_PATH_MAX + 64];
        char *save = NULL, *hoa = NULL, *file = NULL;
        bad = cfg_copy(buf, sizeof buf, v) < 0;
        if (!bad) {
            hoa = strtok_r(buf, " \t", &save);
            file = strtok_r(NULL, " \t", &save);
        }
        bad = bad || !hoa || !file || strtok_r(NULL, " \t", &save) ||
              ims_addr_parse(hoa, e->hoa) < 0 || ims_addr_check(e->hoa, "HoA", NULL, 0) < 0 ||
              cfg_copy(e->pubkey, sizeof e->pubkey, file) < 0;
        if (!bad)
            c->n_enroll++;
    } else if (IS("listen")) {
        bad = cfg_copy(c->listen, sizeof c->listen, v) < 0;
    } else if (IS("port")) {
        bad = cfg_long(v, 0, 65535, &x) < 0 || cfg_copy(c->port, sizeof c->port, v) < 0;
    } else if (IS("cert")) {
        bad = cfg_copy(c->cert, sizeof c->cert, v) < 0;
    } else if (IS("key")) {
        bad = cfg_copy(c->key, sizeof c->key, v) < 0;
    } else if (IS("client_ca")) {
        bad = cfg_copy(c->client_ca, sizeof c->client_ca, v) < 0;
    } else if (IS("ack_key")) {
        bad = cfg_copy(c->ack_key, sizeof c->ack_key, v) < 0;
    } else if (IS("database")) {
        bad = cfg_copy(c->database, sizeof c->database, v) < 0;
    } else if (IS("max_connections")) {
        bad = cfg_long(v, 1, 65536, &x) < 0;
        s->max_connections = (int)x;
    } else if (IS("max_subscriptions")) {
        bad = cfg_long(v, 1, 4096, &x) < 0;
        s->max_subscriptions = (int)x;
    } else if (IS("handshake_timeout_ms")) {
        bad = cfg_long(v, 100, 60000, &x) < 0;
        s->handshake_timeout_ms = (int)x;
    } else if (IS("output_buffer")) {
        bad = cfg_long(v, IMS_FRAME_MAX + 4, 16 << 20, &x) < 0;
        s->output_buffer = (size_t)x;
    } else if (IS("log_level")) {
        bad = cfg_long(v, 0, 2, &x) < 0;
        c->log_level = (int)x;
    } else {
        known = 0;
    }
#undef IS
    return cfg_verdict(st->err, sizeof st->err, sec, name, v, known, bad);
}

int ims_config_load(ims_config *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    ims_server_config_defaults(&c->server);
    strcpy(c->port, IMS_DEFAULT_PORT);
    strcpy(c->cert, "/etc/roam/ims.pem");
    strcpy(c->key, "/etc/roam/ims.key");
    strcpy(c->database, "/var/lib/roam/ims.sqlite");
    c->log_level = 1;
    c->enroll = calloc(IMS_CFG_ENROLL_MAX, sizeof *c->enroll);
    if (!c->enroll)
        return roam_errf(err, errlen, "out of memory");
    if (path) {
        load_state st = { .c = c };
        if (cfg_parse_file(path, on_key, &st, st.err, err, errlen) < 0)
            return -1;
    }
    c->server.listen = c->listen;
    c->server.port = c->port;
    c->server.cert = c->cert;
    c->server.key = c->key;
    c->server.client_ca = c->client_ca[0] ? c->client_ca : NULL;
    c->server.ack_key = c->ack_key[0] ? c->ack_key : NULL;
    return 0;
}

void ims_config_free(ims_config *c)
{
    free(c->enroll);
    c->enroll = NULL;
}
