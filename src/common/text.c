/* Wire text rules (see text.h). */
#include "text.h"

#include <string.h>

static int is_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
}

/* Length of the well-formed UTF-8 sequence at p (no overlong forms, no
 * surrogates, at most U+10FFFF), or 0 if there is none. */
static size_t utf8_seq(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3
             : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)   /* stops at the NUL, which is not 10xxxxxx */
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
        (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

size_t roam_text_check(const char *s, const char **why)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (p[i]) {
        if (is_control(p[i])) {
            *why = "control character";
            return i;
        }
        size_t n = utf8_seq(p + i);
        if (n == 0) {
            *why = "invalid UTF-8";
            return i;
        }
        i += n;
    }
    return (size_t)-1;
}

void roam_text_clean(char *dst, size_t cap, const char *src)
{
    const unsigned char *p = (const unsigned char *)src;
    size_t o = 0;
    while (*p) {
        size_t n = is_control(*p) ? 0 : utf8_seq(p);
        size_t take = n ? n : 1;
        if (o + take >= cap)
            break;
        if (n)
            memcpy(dst + o, p, n);
        else
            dst[o] = '?';
        o += take;
        p += take;
    }
    if (o == 0)
        dst[o++] = '?';
    dst[o] = '\0';
}
