/* roam-mat configuration (see mat_config.h). */
#include "mat_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg_value.h"
#include "config_reader.h"
#include "errbuf.h"

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

#define C(obj) ((mat_config *)(obj))

static int set_mode(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (strcmp(v, "mobile") == 0)
        C(obj)->role = MAT_MOBILE;
    else if (strcmp(v, "correspondent") == 0)
        C(obj)->role = MAT_CORRESPONDENT;
    else
        return roam_errf(why, whylen, "'%s' is not mobile or correspondent", v);
    return 0;
}

static int set_table(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    mat_table t;
    if (mat_table_init(&t, MAT_MOBILE, v, NULL, 0) < 0 ||
        cfg_copy(C(obj)->table, sizeof C(obj)->table, v) < 0)
        return roam_errf(why, whylen, "'%s' is not an nftables table name", v);
    return 0;
}

static int set_ims_port(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (cfg_port_text(C(obj)->ims_port, sizeof C(obj)->ims_port, v, 1) < 0)
        return roam_errf(why, whylen, "not a port in 1..65535");
    return 0;
}

static int set_hoa(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    C(obj)->have_hoa = ims_addr_parse(v, C(obj)->hoa) == 0 &&
                       ims_addr_check(C(obj)->hoa, "hoa", NULL, 0) == 0;
    return C(obj)->have_hoa ? 0 : roam_errf(why, whylen, "'%s' is not a unicast IPv6 address", v);
}

static int set_interfaces(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    mat_config *c = obj;
    char buf[256];
    if (cfg_copy(buf, sizeof buf, v) < 0)
        return roam_errf(why, whylen, "too long");
    c->n_ifaces = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save))
        if (c->n_ifaces == MAT_MAX_IFACES || cfg_copy(c->ifaces[c->n_ifaces++], IF_NAMESIZE, t) < 0)
            return roam_errf(why, whylen, "at most %d interface names", MAT_MAX_IFACES);
    return 0;
}

static int set_bypass(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (parse_addrs(v, C(obj)->bypass, MAT_MAX_BYPASS - 4, &C(obj)->n_bypass) < 0)
        return roam_errf(why, whylen, "not a list of at most %d unicast IPv6 addresses",
                         MAT_MAX_BYPASS - 4);
    return 0;
}

static int set_hoas(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    if (parse_addrs(v, C(obj)->hoas, IMS_MAX_SUBSCRIBE, &C(obj)->n_hoas) < 0)
        return roam_errf(why, whylen, "not a list of at most %d unicast IPv6 addresses",
                         IMS_MAX_SUBSCRIBE);
    return 0;
}

static int set_fallback(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    mat_config *c = obj;
    char buf[MAT_IMS_FALLBACK_MAX * MAT_HOST_MAX];
    if (cfg_copy(buf, sizeof buf, v) < 0)
        return roam_errf(why, whylen, "too long");
    c->n_fallback = 0;
    for (char *save = NULL, *t = strtok_r(buf, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
        if (c->n_fallback == MAT_IMS_FALLBACK_MAX ||
            cfg_copy(c->ims_fallback[c->n_fallback], MAT_HOST_MAX, t) < 0)
            return roam_errf(why, whylen, "not a list of at most %d addresses or host names",
                             MAT_IMS_FALLBACK_MAX);
        c->n_fallback++;
    }
    return 0;
}

static int set_seccomp(void *obj, const char *name, const char *v, char *why, size_t whylen)
{
    (void)name;
    return roam_sandbox_mode_parse(v, &C(obj)->seccomp, why, whylen);
}

#undef C

#define STR(sec, n, f, fl) ROAM_CFG_STR_KEY(mat_config, sec, n, f, fl)
#define INT(sec, n, f, lo, hi) ROAM_CFG_INT_KEY(mat_config, sec, n, f, lo, hi)
#define BOOL(sec, n, f) ROAM_CFG_BOOL_KEY(mat_config, sec, n, f)
#define FUNC(sec, n, fn) ROAM_CFG_FUNC_KEY(sec, n, fn, 0)

static const struct roam_cfg_key keys[] = {
    FUNC("agent", "mode", set_mode),
    FUNC("agent", "table", set_table),
    INT("agent", "nice", nice, -20, 19),
    INT("agent", "log_level", log_level, 0, 2),
    STR("ims", "address", ims_address, ROAM_CFG_NONEMPTY),
    FUNC("ims", "port", set_ims_port),
    STR("ims", "server_name", ims_server_name, 0),
    STR("ims", "ca", ims_ca, 0),
    STR("ims", "cert", ims_cert, 0),
    STR("ims", "key", ims_key, 0),
    STR("ims", "ack_pubkey", ims_ack_pubkey, 0),
    INT("ims", "connect_timeout_ms", connect_timeout_ms, 100, 60000),
    INT("ims", "retry_max_ms", retry_max_ms, 100, 600000),
    FUNC("mobile", "hoa", set_hoa),
    STR("mobile", "hoa_device", hoa_device, 0),
    STR("mobile", "key", key, 0),
    FUNC("mobile", "interfaces", set_interfaces),
    BOOL("mobile", "handover", handover),
    BOOL("mobile", "threaded_napi", threaded_napi),
    FUNC("mobile", "bypass", set_bypass),
    FUNC("correspondent", "hoas", set_hoas),
    FUNC("ims", "fallback", set_fallback),
    INT("ims", "probe_ms", probe_ms, 0, 3600000),
    FUNC("agent", "seccomp", set_seccomp),
    INT("ims", "challenge_port", challenge_port, 0, 65535),
};
#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= MAT_CFG_KEYS_MAX, "raise MAT_CFG_KEYS_MAX");

/* text, if not NULL, stands for the file called path (one reader for both). */
static int read_config(mat_config *c, const char *path, const char *text, roam_diag *d)
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
    c->probe_ms = 10000;
    c->handover = 1;
    c->threaded_napi = 1;
    c->challenge_port = IMS_CHALLENGE_PORT;
    int before = d->count;
    struct roam_cfg cfg = { keys, NKEYS, c, c->key_line, NULL };
    if (text) {
        roam_cfg_check_string(&cfg, text, path, d);
    } else {
        roam_cfg_check_file(&cfg, path, d);
        if (access(path, R_OK) < 0)
            return -1;   /* no file: the checks below would only add noise */
    }
    if (!c->role)
        roam_diag_at(d, path, 0, "[agent] mode must be mobile or correspondent");
    if (!c->ims_address[0])
        roam_diag_at(d, path, 0, "[ims] address is required");
    if (!c->ims_cert[0] != !c->ims_key[0])
        roam_diag_at(d, path, mat_config_line(c, "ims", c->ims_cert[0] ? "cert" : "key"),
                     "[ims] cert and key go together");
    if (c->role == MAT_MOBILE && (!c->have_hoa || c->n_ifaces == 0))
        roam_diag_at(d, path, mat_config_line(c, "agent", "mode"),
                     "mobile mode needs [mobile] hoa and interfaces");
    if (c->role == MAT_CORRESPONDENT && c->n_hoas == 0)
        roam_diag_at(d, path, mat_config_line(c, "agent", "mode"),
                     "correspondent mode needs [correspondent] hoas");
    return d->count > before ? -1 : 0;
}

int mat_config_load(mat_config *c, const char *path, char *err, size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return read_config(c, path, NULL, &d);
}

int mat_config_read(mat_config *c, const char *path, roam_diag *d)
{
    return read_config(c, path, NULL, d);
}

int mat_config_parse_string(mat_config *c, const char *text, const char *name, char *err,
                            size_t errlen)
{
    roam_diag d = roam_diag_first(err, errlen);
    return read_config(c, name, text, &d);
}

size_t mat_config_ims_hosts(const mat_config *c)
{
    return 1 + c->n_fallback;
}

const char *mat_config_ims_host(const mat_config *c, size_t i)
{
    i %= mat_config_ims_hosts(c);
    return i == 0 ? c->ims_address : c->ims_fallback[i - 1];
}

int mat_config_line(const mat_config *c, const char *section, const char *key)
{
    const struct roam_cfg cfg = { keys, NKEYS, NULL, (int *)c->key_line, NULL };
    return roam_cfg_line(&cfg, section, key);
}
