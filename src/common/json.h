/* A bounded JSON object writer for audit lines (and the client's --json):
 * strings are escaped per RFC 8259 (quotes, backslash, every control
 * character as \u00XX; invalid UTF-8 bytes become U+FFFD), so peer-supplied
 * text can never break a line or forge a field.  Output that would exceed
 * the buffer sets `overflow` instead of truncating mid-token. */
#ifndef ROAM_COMMON_JSON_H
#define ROAM_COMMON_JSON_H

#include <stddef.h>
#include <stdint.h>

#define ROAM_JSON_DEPTH 8

struct roam_json {
    char *buf;
    size_t cap, len;
    int overflow;
    int depth;
    int first[ROAM_JSON_DEPTH];   /* no member written yet at this depth */
};

void roam_json_init(struct roam_json *j, char *buf, size_t cap);   /* writes "{" */
void roam_json_str(struct roam_json *j, const char *key, const char *val);
void roam_json_strn(struct roam_json *j, const char *key, const char *val, size_t n);
void roam_json_u64(struct roam_json *j, const char *key, uint64_t v);
void roam_json_i64(struct roam_json *j, const char *key, int64_t v);
void roam_json_bool(struct roam_json *j, const char *key, int v);
void roam_json_hex(struct roam_json *j, const char *key, const uint8_t *b, size_t n);
void roam_json_obj_begin(struct roam_json *j, const char *key);
void roam_json_obj_end(struct roam_json *j);
/* Close every open object.  0 and a NUL-terminated buffer, or -1 on overflow. */
int roam_json_finish(struct roam_json *j);

#endif
