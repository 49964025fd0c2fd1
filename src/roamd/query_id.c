/* The query id for log lines (see query_id.h). */
#include "query_id.h"

#include <string.h>

const char *roamd_qid(char out[ROAMD_QID_LEN], const uint8_t *id, size_t len)
{
    static const char d[] = "0123456789abcdef";
    if (!id || len != 16) {
        strcpy(out, "-");
        return out;
    }
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = d[id[i] >> 4];
        out[2 * i + 1] = d[id[i] & 15];
    }
    out[32] = '\0';
    return out;
}
