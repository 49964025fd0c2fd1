/* TLS files of a configuration checked as start-up loads them (see
 * tls_check.h). */
#include "tls_check.h"

#include "errbuf.h"
#include "fscheck.h"
#include "tls.h"

static int set(const struct roam_tls_file *f)
{
    return f && f->path && f->path[0];
}

/* The file opens; else reported. */
static int readable(const struct roam_tls_file *f, const char *file, roam_diag *d)
{
    char why[ROAM_ERR_MAX];
    if (roam_fs_readable(f->path, why, sizeof why) == 0)
        return 1;
    roam_diag_at(d, file, f->line, "key '%s': %s", f->key, why);
    return 0;
}

int roam_tls_check(enum roam_tls_side side, const struct roam_tls_file *cert,
                   const struct roam_tls_file *key, const struct roam_tls_file *ca,
                   const char *file, roam_diag *d)
{
    int before = d->count;
    char why[ROAM_ERR_MAX];
    int ca_ok = !set(ca) || readable(ca, file, d);
    int id = set(cert) && set(key);
    int cert_ok = id && readable(cert, file, d);
    int key_ok = id && readable(key, file, d);   /* told even when the certificate is not */
    int id_ok = cert_ok && key_ok;
    /* A CA bundle alone first, so that its problems are told at its line. */
    if (set(ca) && ca_ok) {
        roam_tls_ctx *c = roam_tls_client_ctx(ca->path, NULL, NULL, why, sizeof why);
        if (!c) {
            roam_diag_at(d, file, ca->line, "key '%s': %s", ca->key, why);
            ca_ok = 0;
        }
        roam_tls_ctx_free(c);
    }
    /* The identity alone (loaded as every context loads it), so that a bad
     * CA bundle does not hide it. */
    if (id_ok) {
        roam_tls_ctx *c = roam_tls_server_ctx(cert->path, key->path, NULL, why, sizeof why);
        if (!c) {
            roam_diag_at(d, file, cert->line ? cert->line : key->line, "keys '%s'/'%s': %s",
                         cert->key, key->key, why);
            id_ok = 0;
        }
        roam_tls_ctx_free(c);
    }
    if (side == ROAM_TLS_CHECK_CLIENT && !set(ca)) {
        roam_diag_at(d, file, ca ? ca->line : 0, "key '%s': a TLS client needs a CA bundle",
                     ca ? ca->key : "ca");
        ca_ok = 0;
    }
    if (!ca_ok || (id && !id_ok))
        return d->count > before ? -1 : 0;
    /* Then the context start-up builds, with both. */
    const char *ca_path = set(ca) ? ca->path : NULL;
    const char *cert_path = id ? cert->path : NULL, *key_path = id ? key->path : NULL;
    roam_tls_ctx *c = side == ROAM_TLS_CHECK_SERVER
        ? roam_tls_server_ctx(cert_path, key_path, ca_path, why, sizeof why)
        : roam_tls_client_ctx(ca_path, cert_path, key_path, why, sizeof why);
    if (!c)
        roam_diag_at(d, file, set(ca) ? ca->line : cert->line, "key '%s': %s",
                     set(ca) ? ca->key : cert->key, why);
    roam_tls_ctx_free(c);
    return d->count > before ? -1 : 0;
}
