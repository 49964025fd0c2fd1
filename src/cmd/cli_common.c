/* Shared plumbing of roam's programs (cli_common.h). */
#include "cli_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "abe.h"

const char *cli_prog = "roam";
static char last_err[1200];

void cli_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_err, sizeof last_err, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", cli_prog, last_err);
}

const char *cli_last_error(void)
{
    return last_err;
}

/* Loads an armored object of type want. */
static int load_obj(const char *path, abe_obj_type want, uint8_t **obj, size_t *len)
{
    char err[1024];
    abe_obj_type t;
    if (abe_keyfile_load(path, want, obj, len, &t, err, sizeof err) != 0) {
        cli_err("%s", err);
        return -1;
    }
    return 0;
}

int cli_load_mpk(const char *path, abe_mpk_t **mpk)
{
    uint8_t *o;
    size_t ol;
    if (load_obj(path, ABE_OBJ_MPK, &o, &ol) != 0)
        return -1;
    abe_mpk_t *m = malloc(sizeof *m);
    int rc = m == NULL ? ABE_ERR_MEMORY : abe_decode_mpk(m, o, ol);
    free(o);
    if (rc != ABE_OK) {
        cli_err("%s: %s", path, abe_strerror(rc));
        free(m);
        return -1;
    }
    *mpk = m;
    return 0;
}

int cli_load_msk(const char *path, abe_msk_t **msk, uint8_t mpk_id[ABE_ID_BYTES])
{
    uint8_t *o;
    size_t ol;
    if (load_obj(path, ABE_OBJ_MSK, &o, &ol) != 0)
        return -1;
    abe_msk_t *m = malloc(sizeof *m);
    int rc = m == NULL ? ABE_ERR_MEMORY : abe_decode_msk(m, mpk_id, o, ol);
    abe_free_secret(o, ol);
    if (rc != ABE_OK) {
        cli_err("%s: %s", path, abe_strerror(rc));
        cli_free_msk(m);
        return -1;
    }
    *msk = m;
    return 0;
}

int cli_load_key(const char *path, abe_key_t **key)
{
    uint8_t *o;
    size_t ol;
    abe_error_t perr;
    if (load_obj(path, ABE_OBJ_USER_KEY, &o, &ol) != 0)
        return -1;
    abe_key_t *k = malloc(sizeof *k);
    abe_error_clear(&perr);
    int rc = k == NULL ? ABE_ERR_MEMORY : abe_decode_key(k, o, ol, &perr);
    abe_free_secret(o, ol);
    if (rc != ABE_OK) {
        if (perr.msg[0] != '\0')
            cli_err("%s: %s (%s)", path, abe_strerror(rc), perr.msg);
        else
            cli_err("%s: %s", path, abe_strerror(rc));
        cli_free_key(k);
        return -1;
    }
    *key = k;
    return 0;
}

void cli_free_msk(abe_msk_t *msk)
{
    abe_msk_clear(msk);
    free(msk);
}

void cli_free_key(abe_key_t *key)
{
    abe_key_clear(key);
    free(key);
}

int cli_save(const char *path, uint8_t *obj, size_t len)
{
    char err[1024];
    if (abe_keyfile_save(path, obj, len, err, sizeof err) != 0) {
        cli_err("%s", err);
        return -1;
    }
    return 0;
}

const char *cli_default_path(const char *name, char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    int n;
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(buf, cap, "%s/roam/%s", xdg, name);
    else if (home != NULL && home[0] == '/')
        n = snprintf(buf, cap, "%s/.config/roam/%s", home, name);
    else
        return NULL;
    return n > 0 && (size_t)n < cap ? buf : NULL;
}

void cli_hex(char *out, const uint8_t *b, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[b[i] >> 4];
        out[2 * i + 1] = d[b[i] & 15];
    }
    out[2 * n] = '\0';
}
