/* Bounded JSON object writer (see json.h). */
#include "json.h"

#include <stdio.h>
#include <string.h>

static void put(struct roam_json *j, const char *s, size_t n)
{
    if (j->overflow || n >= j->cap - j->len) {
        j->overflow = 1;
        return;
    }
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void puts_(struct roam_json *j, const char *s)
{
    put(j, s, strlen(s));
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t need;
    unsigned cp;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        need = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        need = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        need = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return need;
}

static void quoted(struct roam_json *j, const char *s, size_t n)
{
    put(j, "\"", 1);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        char esc[8];
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(j, esc, 2);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(j, esc, 6);
            i++;
        } else {
            size_t k = utf8_len(p + i, n - i);
            if (k == 0) {
                put(j, "\xef\xbf\xbd", 3);
                i++;
            } else {
                put(j, s + i, k);
                i += k;
            }
        }
    }
    put(j, "\"", 1);
}

static void key(struct roam_json *j, const char *k)
{
    if (!j->first[j->depth])
        put(j, ",", 1);
    j->first[j->depth] = 0;
    quoted(j, k, strlen(k));
    put(j, ":", 1);
}

void roam_json_init(struct roam_json *j, char *buf, size_t cap)
{
    memset(j, 0, sizeof *j);
    j->buf = buf;
    j->cap = cap;
    if (cap)
        buf[0] = '\0';
    else
        j->overflow = 1;
    j->first[0] = 1;
    put(j, "{", 1);
}

void roam_json_strn(struct roam_json *j, const char *k, const char *val, size_t n)
{
    key(j, k);
    if (!val)
        puts_(j, "null");
    else
        quoted(j, val, n);
}

void roam_json_str(struct roam_json *j, const char *k, const char *val)
{
    roam_json_strn(j, k, val, val ? strlen(val) : 0);
}

void roam_json_u64(struct roam_json *j, const char *k, uint64_t v)
{
    char b[24];
    key(j, k);
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    puts_(j, b);
}

void roam_json_i64(struct roam_json *j, const char *k, int64_t v)
{
    char b[24];
    key(j, k);
    snprintf(b, sizeof b, "%lld", (long long)v);
    puts_(j, b);
}

void roam_json_bool(struct roam_json *j, const char *k, int v)
{
    key(j, k);
    puts_(j, v ? "true" : "false");
}

void roam_json_hex(struct roam_json *j, const char *k, const uint8_t *b, size_t n)
{
    key(j, k);
    put(j, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        char h[3];
        snprintf(h, sizeof h, "%02x", b[i]);
        put(j, h, 2);
    }
    put(j, "\"", 1);
}

void roam_json_obj_begin(struct roam_json *j, const char *k)
{
    key(j, k);
    put(j, "{", 1);
    if (j->depth + 1 >= ROAM_JSON_DEPTH) {
        j->overflow = 1;
        return;
    }
    j->first[++j->depth] = 1;
}

void roam_json_obj_end(struct roam_json *j)
{
    put(j, "}", 1);
    if (j->depth > 0)
        j->depth--;
}

int roam_json_finish(struct roam_json *j)
{
    while (j->depth > 0)
        roam_json_obj_end(j);
    put(j, "}", 1);
    return j->overflow ? -1 : 0;
}
