/* For a daemon's --check: a TLS identity (certificate chain and private
 * key) and CA bundle from a configuration, loaded exactly as start-up
 * loads them (tls.h), each problem reported at the line of the key that
 * names the file. */
#ifndef ROAM_PROTO_TLS_CHECK_H
#define ROAM_PROTO_TLS_CHECK_H

#include "diag.h"

/* One file named by a config key; path NULL or "" when not configured. */
struct roam_tls_file {
    const char *key;     /* the config key, for messages */
    const char *path;
    int line;            /* where the key was set, 0 for a default */
};

enum roam_tls_side { ROAM_TLS_CHECK_SERVER, ROAM_TLS_CHECK_CLIENT };

/* Report to d (file: the config's name) every file that does not open,
 * a CA bundle that does not load, and a certificate/key pair that does not
 * load or match, building the context `side` would build at start-up.
 * 0 if nothing was reported, else -1. */
int roam_tls_check(enum roam_tls_side side, const struct roam_tls_file *cert,
                   const struct roam_tls_file *key, const struct roam_tls_file *ca,
                   const char *file, roam_diag *d);

#endif
