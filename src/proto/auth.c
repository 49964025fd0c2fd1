/* Transcript from protocol messages (see auth.h). */
#include "auth.h"

#include <string.h>

#include "errbuf.h"

int roam_auth_transcript_x(const Roam__V1__Authenticate *au, const Roam__V1__Challenge *ch,
                           const uint8_t exporter[ROAM_TLS_EXPORTER_LEN],
                           struct roam_transcript *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    /* Re-check what validation guarantees: this copies fixed sizes. */
    if (au->query_id.len != ROAM_QUERY_ID_LEN || ch->nonce.len != ROAM_NONCE_LEN)
        return roam_errf(err, errlen, "transcript: query id or nonce of the wrong size");
    if (au->role != ROAM__V1__ROLE__ROLE_ACCEPT && au->role != ROAM__V1__ROLE__ROLE_MIGRATE)
        return roam_errf(err, errlen, "transcript: unknown role %d", (int)au->role);
    t->role = au->role == ROAM__V1__ROLE__ROLE_ACCEPT ? ROAM_ROLE_ACCEPT : ROAM_ROLE_MIGRATE;
    t->vm = au->vm;
    t->src = au->src;
    t->dst = au->dst;
    t->dry_run = au->dry_run != 0;
    memcpy(t->query_id, au->query_id.data, ROAM_QUERY_ID_LEN);
    memcpy(t->nonce, ch->nonce.data, ROAM_NONCE_LEN);
    if (roam_sha256(ch->ciphertext.data, ch->ciphertext.len, t->ciphertext_hash, err, errlen) < 0)
        return -1;
    t->sealed = ch->sealed.len > 0;
    if (t->sealed && roam_sha256(ch->sealed.data, ch->sealed.len, t->sealed_hash, err, errlen) < 0)
        return -1;
    memcpy(t->exporter, exporter, sizeof t->exporter);
    return 0;
}

int roam_auth_transcript(const Roam__V1__Authenticate *au, const Roam__V1__Challenge *ch,
                         roam_tls_conn *conn, struct roam_transcript *t,
                         char *err, size_t errlen)
{
    uint8_t exporter[ROAM_TLS_EXPORTER_LEN];
    if (roam_tls_exporter(conn, exporter, err, errlen) < 0)
        return -1;
    return roam_auth_transcript_x(au, ch, exporter, t, err, errlen);
}
