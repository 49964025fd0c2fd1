/* roam-kgc inspect FILE: says what a roam file is and shows its public
 * facts: MPK id; for an MSK only the MPK it belongs to; for a user key its
 * MPK, fingerprint and attributes; for a ciphertext its policy and sizes.
 * Secret values are never printed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abe.h"
#include "cli_common.h"
#include "kgc.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: roam-kgc inspect FILE\n"
               "Shows what FILE is (master public key, master secret key, user key,\n"
               "ciphertext) and its public contents.  Secret values are never shown.\n");
}

static void show_key(const fabeo_key_t *key)
{
    char hex[65];
    uint8_t fp[32];
    cli_hex(hex, key->mpk_id, FABEO_ID_BYTES);
    printf("type: user key\nmpk id: %s\n", hex);
    if (rf_key_fingerprint(key, fp) == ABE_OK) {
        cli_hex(hex, fp, sizeof fp);
        printf("fingerprint: %s\n", hex);
    }
    printf("attributes (%zu):\n", key->n_user);
    for (size_t i = 0; i < key->n_user; i++)
        printf("  %.*s\n", (int)key->user_len[i], (const char *)key->user_pool + key->user_off[i]);
    printf("internal attribute strings: %zu\n", attr_set_count(&key->attrs));
}

static int show_ct(const uint8_t *obj, size_t len)
{
    fabeo_policy_t *pp = malloc(sizeof *pp);
    const uint8_t *ser;
    size_t sl;
    int rc = pp == NULL ? ABE_ERR_MEMORY : rf_decode_ct(obj, len, &ser, &sl, pp);
    if (rc != ABE_OK) {
        free(pp);
        return rc;
    }
    char *text = malloc(65536);
    if (text != NULL)
        policy_format(&pp->pol, text, 65536);
    printf("type: ciphertext\npolicy: %s\nrows (n1): %u\ncolumns (n2): %u\n"
           "tau: %u\nsize: %zu bytes\n",
           text != NULL ? text : "?", pp->n1, pp->n2, pp->tau, sl);
    free(text);
    fabeo_policy_clear(pp);
    free(pp);
    return ABE_OK;
}

int kgc_inspect(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return CLI_OK;
        }
        usage(stderr);
        return CLI_USAGE;
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *path = argv[optind];
    char err[1024], hex[65];
    uint8_t *obj, id[FABEO_ID_BYTES];
    size_t len;
    rf_type type;
    if (keyfile_load(path, 0, &obj, &len, &type, err, sizeof err) != 0) {
        cli_err("%s", err);
        return CLI_FAIL;
    }
    int rc = ABE_OK;
    printf("file: %s\n", path);
    switch (type) {
    case RF_MPK: {
        fabeo_mpk_t *m = malloc(sizeof *m);
        rc = m == NULL ? ABE_ERR_MEMORY : rf_decode_mpk(m, obj, len);
        if (rc == ABE_OK) {
            cli_hex(hex, m->id, FABEO_ID_BYTES);
            printf("type: master public key\nmpk id: %s\n", hex);
        }
        free(m);
        break;
    }
    case RF_MSK: {
        fabeo_msk_t m;
        rc = rf_decode_msk(&m, id, obj, len);
        fabeo_msk_clear(&m);
        if (rc == ABE_OK) {
            cli_hex(hex, id, FABEO_ID_BYTES);
            printf("type: master secret key (value not shown)\nmpk id: %s\n", hex);
        }
        break;
    }
    case RF_USER_KEY: {
        fabeo_key_t *k = malloc(sizeof *k);
        pol_error_t perr;
        rc = k == NULL ? ABE_ERR_MEMORY : rf_decode_key(k, obj, len, &perr);
        if (rc == ABE_OK)
            show_key(k);
        cli_free_key(k);
        break;
    }
    case RF_CIPHERTEXT:
        rc = show_ct(obj, len);
        break;
    }
    rf_free_secret(obj, len);
    if (rc != ABE_OK) {
        cli_err("%s: %s", path, abe_strerror(rc));
        return CLI_FAIL;
    }
    return CLI_OK;
}
