/* A request's query id (chosen by the client, shared by both daemons and
 * the client's answer) as the audit log writes it, for the text log lines
 * about that request: a support request quoting the id the user saw finds
 * them with grep on either server. */
#ifndef ROAMD_QUERY_ID_H
#define ROAMD_QUERY_ID_H

#include <stddef.h>
#include <stdint.h>

#define ROAMD_QID_LEN 33   /* 32 hex digits and the NUL */

/* Lower-case hex of the 16-byte id into out, which it returns; "-" when
 * id is not 16 bytes (a malformed request). */
const char *roamd_qid(char out[ROAMD_QID_LEN], const uint8_t *id, size_t len);

#endif
