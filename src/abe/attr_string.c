/* Building and validating attribute strings (see attr_string.h). */
#include "attr_string.h"

#include <stdio.h>
#include <string.h>

#include "num_type.h"

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_ok(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; min = 0x80; }
        else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; min = 0x800; }
        else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; min = 0x10000; }
        else return 0;
        if (len - i <= n)
            return 0;
        for (size_t j = 1; j <= n; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

int abe_astr_name_ok(const uint8_t *s, size_t len)
{
    if (s == NULL || len == 0 || len > ABE_POL_MAX_NAME)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < 0x20 || s[i] == 0x7F)
            return 0;
    return utf8_ok(s, len);
}

size_t abe_astr_numeric_prefix(uint8_t out[ABE_POL_MAX_ATTR], const uint8_t *name, size_t name_len)
{
    out[0] = ASTR_INTERNAL;
    memcpy(out + 1, name, name_len);
    out[1 + name_len] = ASTR_SEP;
    return name_len + 2;
}

size_t abe_astr_numeric(uint8_t out[ABE_POL_MAX_ATTR], const uint8_t *name, size_t name_len,
                        num_type_t t, astr_item item, uint64_t a, unsigned b)
{
    size_t n = abe_astr_numeric_prefix(out, name, name_len);
    char tail[48];
    char tag[8];
    if (t.kind == NUM_FLEX)
        snprintf(tag, sizeof tag, "f");
    else if (t.kind == NUM_DATE)
        snprintf(tag, sizeof tag, "d");
    else
        snprintf(tag, sizeof tag, "w%u", t.width);
    switch (item) {
    case ASTR_EQ:
        snprintf(tail, sizeof tail, "%s:=%llu", tag, (unsigned long long)a);
        break;
    case ASTR_BIT:
        snprintf(tail, sizeof tail, "%s:b%llu=%u", tag, (unsigned long long)a, b ? 1u : 0u);
        break;
    case ASTR_GE:
        snprintf(tail, sizeof tail, "%s:>=2^%llu", tag, (unsigned long long)a);
        break;
    default:
        snprintf(tail, sizeof tail, "%s:<2^%llu", tag, (unsigned long long)a);
        break;
    }
    size_t tl = strlen(tail);
    memcpy(out + n, tail, tl);
    return n + tl;
}

/* Reads a canonical decimal (no sign, no leading zeros) from s[*i..len). */
static int read_dec(const uint8_t *s, size_t len, size_t *i, uint64_t *v)
{
    size_t start = *i;
    uint64_t x = 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        unsigned d = (unsigned)(s[*i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            return 0;
        x = x * 10 + d;
        (*i)++;
    }
    if (*i == start || (s[start] == '0' && *i - start > 1))
        return 0;
    *v = x;
    return 1;
}

static int eat(const uint8_t *s, size_t len, size_t *i, const char *lit)
{
    size_t l = strlen(lit);
    if (len - *i < l || memcmp(s + *i, lit, l) != 0)
        return 0;
    *i += l;
    return 1;
}

/* Parses an internal string into its parts and checks that every number is
 * in range for the type.  Canonical form is then checked by rebuilding. */
static int internal_valid(const uint8_t *s, size_t len)
{
    const uint8_t *sep = memchr(s + 1, ASTR_SEP, len - 1);
    if (sep == NULL)
        return 0;
    size_t name_len = (size_t)(sep - s) - 1;
    if (!abe_astr_name_ok(s + 1, name_len))
        return 0;
    size_t i = name_len + 2;
    num_type_t t;
    uint64_t w;
    if (eat(s, len, &i, "f")) {
        t.kind = NUM_FLEX;
    } else if (eat(s, len, &i, "d")) {
        t.kind = NUM_DATE;
    } else if (eat(s, len, &i, "w") && read_dec(s, len, &i, &w) && w >= 1 && w <= 64) {
        t.kind = NUM_WIDTH;
        t.width = (unsigned)w;
    } else {
        return 0;
    }
    t = abe_num_type_make(t.kind, t.kind == NUM_WIDTH ? t.width : 0);
    if (!eat(s, len, &i, ":"))
        return 0;
    astr_item item;
    uint64_t a;
    unsigned b = 0;
    if (eat(s, len, &i, "=")) {
        item = ASTR_EQ;
        if (!read_dec(s, len, &i, &a) || a > abe_num_max(t))
            return 0;
    } else if (eat(s, len, &i, "b")) {
        uint64_t bit;
        item = ASTR_BIT;
        if (!read_dec(s, len, &i, &a) || a >= t.width || !eat(s, len, &i, "=") ||
            !read_dec(s, len, &i, &bit) || bit > 1)
            return 0;
        b = (unsigned)bit;
    } else if (eat(s, len, &i, ">=2^")) {
        item = ASTR_GE;
        if (!read_dec(s, len, &i, &a) || a < 1 || a >= t.width)
            return 0;
    } else if (eat(s, len, &i, "<2^")) {
        item = ASTR_LT;
        if (!read_dec(s, len, &i, &a) || a < 1 || a >= t.width)
            return 0;
    } else {
        return 0;
    }
    if (i != len)
        return 0;
    uint8_t again[ABE_POL_MAX_ATTR];
    size_t l = abe_astr_numeric(again, s + 1, name_len, t, item, a, b);
    return l == len && memcmp(again, s, len) == 0;
}

int abe_astr_valid(const uint8_t *s, size_t len)
{
    if (s == NULL || len == 0 || len > ABE_POL_MAX_ATTR)
        return 0;
    if (s[0] == ASTR_INTERNAL)
        return len >= 2 && internal_valid(s, len);
    return abe_astr_name_ok(s, len);
}

size_t abe_astr_display(char *out, size_t cap, const uint8_t *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = (char)s[i];
        if (s[i] == ASTR_INTERNAL && i == 0)
            continue;
        if (s[i] == ASTR_SEP)
            c = '#';
        if (cap > 0 && n + 1 < cap)
            out[n] = c;
        n++;
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}
