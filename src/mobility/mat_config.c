/* roam-mat configuration (see mat_config.h). */
#include "mat_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "cfg_value.h"
#include "errbuf.h"

typedef struct load_state {
    mat_config *c;
    char err[ROAM_ERR_MAX];
} load_state;

/* Space- or comma-separated address list. */
static int parse_addrs(const char *v, uint8_t (*out)[IMS_ADDR_LEN], size_t max, size_t *n)
{
    char buf[4096];
    if (cfg_copy(buf, sizeof buf, v) < 0)
        return -1;
    *n = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
        if (*n == max || ims_addr_parse(t, out[*n]) < 0 ||
            ims_addr_check(out[*n], "address", NULL, 0) < 0)
            return -1;
        (*n)++;
    }
    return 0;
}

static int on_key(void *user, const char *sec, const char *name, const char *v)
{
    load_state *st = user;
    mat_config *c = st->c;
    int bad = 0, known = 1;
#define IS(s, k) (strcmp(sec, s) == 0 && strcmp(name, k) == 0)
    if (IS("agent", "mode")) {
        if (strcmp(v, "mobile") == 0)
            c->role = MAT_MOBILE;
        else if (strcmp(v, "correspondent") == 0)
            c->role = MAT_CORRESPONDENT;
        else
            bad = 1;
    } else if (IS("agent", "table")) {
        mat_table t;
        bad = mat_table_init(&t, MAT_MOBILE, v, NULL, 0) < 0 || cfg_copy(c->table, sizeof c->table, v);
    } else if (IS("agent", "nice")) {
        bad = cfg_int(v, -20, 19, &c->nice) < 0;
    } else if (IS("agent", "log_level")) {
        bad = cfg_int(v, 0, 2, &c->log_level) < 0;
    } else if (IS("ims", "address")) {
        bad = cfg_copy(c->ims_address, sizeof c->ims_address, v) < 0 || !*v;
    } else if (IS("ims", "port")) {
        int p;
        bad = cfg_int(v, 1, 65535, &p) < 0 || cfg_copy(c->ims_port, sizeof c->ims_port, v) < 0;
    } else if (IS("ims", "server_name")) {
        bad = cfg_copy(c->ims_server_name, sizeof c->ims_server_name, v) < 0;
    } else if (IS("ims", "ca")) {
        bad = cfg_copy(c->ims_ca, sizeof c->ims_ca, v) < 0;
    } else if (IS("ims", "cert")) {
        bad = cfg_copy(c->ims_cert, sizeof c->ims_cert, v) < 0;
    } else if (IS("ims", "key")) {
        bad = cfg_copy(c->ims_key, sizeof c->ims_key, v) < 0;
    } else if (IS("ims", "ack_pubkey")) {
        bad = cfg_copy(c->ims_ack_pubkey, sizeof c->ims_ack_pubkey, v) < 0;
    } else if (IS("ims", "connect_timeout_ms")) {
        bad = cfg_int(v, 100, 60000, &c->connect_timeout_ms) < 0;
    } else if (IS("ims", "retry_max_ms")) {
        bad = cfg_int(v, 100, 600000, &c->retry_max_ms) < 0;
    } else if (IS("mobile", "hoa")) {
        bad = ims_addr_parse(v, c->hoa) < 0 || ims_addr_check(c->hoa, "hoa", NULL, 0) < 0;
        c->have_hoa = !bad;
    } else if (IS("mobile", "hoa_device")) {
        bad = cfg_copy(c->hoa_device, sizeof c->hoa_device, v) < 0;
    } else if (IS("mobile", "key")) {
        bad = cfg_copy(c->key, sizeof c->key, v) < 0;
    } else if (IS("mobile", "interfaces")) {
        char buf[256];
        bad = cfg_copy(buf, sizeof buf, v) < 0;
        c->n_ifaces = 0;
        for (char *save = NULL, *t = bad ? NULL : strtok_r(buf, " ,\t", &save); t && !bad;
             t = strtok_r(NULL, " ,\t", &save))
            bad = c->n_ifaces == MAT_MAX_IFACES ||
                  cfg_copy(c->ifaces[c->n_ifaces++], IF_NAMESIZE, t) < 0;
    } else if (IS("mobile", "handover")) {
        bad = cfg_bool(v, &c->handover) < 0;
    } else if (IS("mobile", "threaded_napi")) {
        bad = cfg_bool(v, &c->threaded_napi) < 0;
    } else if (IS("mobile", "bypass")) {
        bad = parse_addrs(v, c->bypass, MAT_MAX_BYPASS - 4, &c->n_bypass) < 0;
    } else if (IS("correspondent", "hoas")) {
        bad = parse_addrs(v, c->hoas, IMS_MAX_SUBSCRIBE, &c->n_hoas) < 0;
    } else {
        known = 0;
    }
#undef IS
    return cfg_verdict(st->err, sizeof st->err, sec, name, v, known, bad);
}

int mat_config_load(mat_config *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    strcpy(c->table, "roam_mat");
    c->log_level = 1;
    strcpy(c->ims_port, IMS_DEFAULT_PORT);
    strcpy(c->ims_ca, "/etc/roam/ims-ca.pem");
    strcpy(c->hoa_device, "lo");
    strcpy(c->key, "/etc/roam/mat.key");
    c->connect_timeout_ms = 3000;
    c->retry_max_ms = 5000;
    c->handover = 1;
    c->threaded_napi = 1;
    load_state st = { .c = c };
    if (cfg_parse_file(path, on_key, &st, st.err, err, errlen) < 0)
        return -1;
    if (!c->role)
        return roam_errf(err, errlen, "%s: [agent] mode must be mobile or correspondent", path);
    if (!c->ims_address[0])
        return roam_errf(err, errlen, "%s: [ims] address is required", path);
    if (!c->ims_cert[0] != !c->ims_key[0])
        return roam_errf(err, errlen, "%s: [ims] cert and key go together", path);
    if (c->role == MAT_MOBILE && (!c->have_hoa || c->n_ifaces == 0))
        return roam_errf(err, errlen, "%s: mobile mode needs [mobile] hoa and interfaces", path);
    if (c->role == MAT_CORRESPONDENT && c->n_hoas == 0)
        return roam_errf(err, errlen, "%s: correspondent mode needs [correspondent] hoas", path);
    return 0;
}
