/* roam-kgc inspect FILE: says what a roam file is and shows its public
 * facts: MPK id; for an MSK only the MPK it belongs to; for a user key its
 * MPK, fingerprint, attributes, expiry and whether a server accepts it
 * today; for a ciphertext its policy and sizes.
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

static void show_key(const abe_key_t *key)
{
    char hex[65];
    uint8_t fp[32];
    cli_hex(hex, key->mpk_id, ABE_ID_BYTES);
    printf("type: user key\nmpk id: %s\n", hex);
    if (abe_key_fingerprint(key, fp) == ABE_OK) {
        cli_hex(hex, fp, sizeof fp);
        printf("fingerprint: %s\n", hex);
    }
    printf("attributes (%zu):\n", key->n_user);
    for (size_t i = 0; i < key->n_user; i++)
        printf("  %.*s\n", (int)key->user_len[i], (const char *)key->user_pool + key->user_off[i]);
    printf("internal attribute strings: %zu\n", abe_attr_set_count(&key->attrs));
    char validity[256];
    kgc_key_validity(key, validity, sizeof validity);
    printf("expiry: %s\n", validity);
}

static int show_ct(const uint8_t *obj, size_t len)
{
    abe_prepared_t *pp = malloc(sizeof *pp);
    const uint8_t *ser;
    size_t sl;
    int rc = pp == NULL ? ABE_ERR_MEMORY : abe_decode_ct(obj, len, &ser, &sl, pp);
    if (rc != ABE_OK) {
        free(pp);
        return rc;
    }
    char *text = malloc(65536);
    if (text != NULL)
        abe_policy_format(&pp->pol, text, 65536);
    printf("type: ciphertext\npolicy: %s\nrows (n1): %u\ncolumns (n2): %u\n"
           "tau: %u\nsize: %zu bytes\n",
           text != NULL ? text : "?", pp->n1, pp->n2, pp->tau, sl);
    free(text);
    abe_prepared_clear(pp);
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
        if (optind == argc)
            cli_usage_error(usage, "missing FILE");
        else
            cli_usage_error(usage, "unexpected argument '%s'", argv[optind + 1]);
        return CLI_USAGE;
    }
    const char *path = argv[optind];
    char err[1024], hex[65];
    uint8_t *obj, id[ABE_ID_BYTES];
    size_t len;
    abe_obj_type type;
    if (abe_keyfile_load(path, 0, &obj, &len, &type, err, sizeof err) != 0) {
        cli_err("%s", err);
        return CLI_FAIL;
    }
    int rc = ABE_OK;
    printf("file: %s\n", path);
    switch (type) {
    case ABE_OBJ_MPK: {
        abe_mpk_t *m = malloc(sizeof *m);
        rc = m == NULL ? ABE_ERR_MEMORY : abe_decode_mpk(m, obj, len);
        if (rc == ABE_OK) {
            cli_hex(hex, m->id, ABE_ID_BYTES);
            printf("type: master public key\nmpk id: %s\n", hex);
        }
        free(m);
        break;
    }
    case ABE_OBJ_MSK: {
        abe_msk_t m;
        rc = abe_decode_msk(&m, id, obj, len);
        abe_msk_clear(&m);
        if (rc == ABE_OK) {
            cli_hex(hex, id, ABE_ID_BYTES);
            printf("type: master secret key (value not shown)\nmpk id: %s\n", hex);
        }
        break;
    }
    case ABE_OBJ_USER_KEY: {
        abe_key_t *k = malloc(sizeof *k);
        abe_error_t perr;
        rc = k == NULL ? ABE_ERR_MEMORY : abe_decode_key(k, obj, len, &perr);
        if (rc == ABE_OK)
            show_key(k);
        cli_free_key(k);
        break;
    }
    case ABE_OBJ_CIPHERTEXT:
        rc = show_ct(obj, len);
        break;
    }
    abe_free_secret(obj, len);
    if (rc != ABE_OK) {
        cli_err("%s: %s", path, abe_strerror(rc));
        return CLI_FAIL;
    }
    return CLI_OK;
}
