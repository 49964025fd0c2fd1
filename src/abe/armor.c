/* PEM-style armor (armor.h) over OpenSSL's EVP_EncodeBlock/EVP_DecodeBlock.
 * EVP_DecodeBlock tolerates whitespace and does not report padding, so the
 * alphabet, line lengths and padding are checked here before decoding. */
#include "armor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define LINE 64

int abe_armor_encode(const char *label, const uint8_t *data, size_t len, char **out,
                     size_t *out_len)
{
    if (label == NULL || data == NULL || out == NULL || len == 0 || len > ABE_ARMOR_MAX_DATA ||
        strlen(label) > ABE_ARMOR_MAX_LABEL)
        return -1;
    size_t b64 = 4 * ((len + 2) / 3);
    size_t cap = b64 + b64 / LINE + 2 + 2 * (strlen(label) + 32);
    char *tmp = malloc(b64 + 1), *o = malloc(cap);
    if (tmp == NULL || o == NULL) {
        free(tmp);
        free(o);
        return -1;
    }
    if (EVP_EncodeBlock((unsigned char *)tmp, data, (int)len) != (int)b64) {
        OPENSSL_cleanse(tmp, b64 + 1);
        free(tmp);
        free(o);
        return -1;
    }
    size_t n = (size_t)snprintf(o, cap, "-----BEGIN %s-----\n", label);
    for (size_t i = 0; i < b64; i += LINE) {
        size_t l = b64 - i < LINE ? b64 - i : LINE;
        memcpy(o + n, tmp + i, l);
        n += l;
        o[n++] = '\n';
    }
    n += (size_t)snprintf(o + n, cap - n, "-----END %s-----\n", label);
    OPENSSL_cleanse(tmp, b64);
    free(tmp);
    *out = o;
    *out_len = n;
    return 0;
}

static int b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/';
}

/* Reads "-----<word> <label>-----\n" at *p; returns the label length or -1. */
static int marker(const char **p, const char *end, const char *word, char *label)
{
    size_t wl = strlen(word);
    const char *s = *p;
    if ((size_t)(end - s) < 5 + wl + 1 || memcmp(s, "-----", 5) != 0 ||
        memcmp(s + 5, word, wl) != 0 || s[5 + wl] != ' ')
        return -1;
    s += 6 + wl;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    if (nl == NULL)
        nl = end;   /* the END line may lack its newline */
    if (nl - s < 6 || memcmp(nl - 5, "-----", 5) != 0)
        return -1;
    size_t ll = (size_t)(nl - 5 - s);
    if (ll == 0 || ll > ABE_ARMOR_MAX_LABEL)
        return -1;
    for (size_t i = 0; i < ll; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == ' '))
            return -1;
    memcpy(label, s, ll);
    label[ll] = '\0';
    *p = nl < end ? nl + 1 : end;
    return (int)ll;
}

/* Copies the base64 lines after the BEGIN line into b64 (at most len
 * bytes) and leaves *p at the first line that starts with '-'.  Every line
 * but the last must be exactly LINE characters. */
static int collect_lines(const char **p, const char *end, char *b64, size_t *n,
                         const char **why)
{
    int last_short = 0;
    *n = 0;
    while (*p < end && **p != '-') {
        const char *nl = memchr(*p, '\n', (size_t)(end - *p));
        if (nl == NULL || last_short) {
            *why = nl == NULL ? "missing -----END ...----- line" : "short base64 line before the end";
            return -1;
        }
        size_t l = (size_t)(nl - *p);
        if (l == 0 || l > LINE) {
            *why = "base64 line longer than 64 characters or empty";
            return -1;
        }
        last_short = l < LINE;
        memcpy(b64 + *n, *p, l);
        *n += l;
        *p = nl + 1;
    }
    return 0;
}

/* The END line with the BEGIN label, then nothing. */
static int check_end(const char *p, const char *end, const char *label, const char **why)
{
    char endlabel[ABE_ARMOR_MAX_LABEL + 1];
    if (marker(&p, end, "END", endlabel) < 0 || strcmp(label, endlabel) != 0) {
        *why = "missing END line, or its label differs from BEGIN";
        return -1;
    }
    if (p != end) {
        *why = "trailing data after the END line";
        return -1;
    }
    return 0;
}

/* Length, alphabet and size of the collected base64; *pad gets the number
 * of '=' at its end. */
static int check_base64(const char *b64, size_t n, size_t *pad, const char **why)
{
    if (n == 0 || n % 4 != 0) {
        *why = "base64 length is not a multiple of 4";
        return -1;
    }
    *pad = b64[n - 1] == '=' ? (b64[n - 2] == '=' ? 2 : 1) : 0;
    for (size_t i = 0; i < n - *pad; i++)
        if (!b64_char(b64[i])) {
            *why = "invalid base64 character";
            return -1;
        }
    if ((n / 4) * 3 - *pad > ABE_ARMOR_MAX_DATA) {
        *why = "data too large";
        return -1;
    }
    return 0;
}

/* Decodes checked base64 into a malloc'd buffer and insists on canonical
 * padding: re-encoding must give back the same characters (rejects nonzero
 * bits in the last character before '=').  The data may be a secret key,
 * so every copy of it is wiped before it is freed. */
static int decode_canonical(const char *b64, size_t n, size_t pad, uint8_t **data,
                            size_t *data_len, const char **why)
{
    size_t full = n / 4 * 3, dl = full - pad;
    uint8_t *d = malloc(full);
    if (d == NULL) {
        *why = "out of memory";
        return -1;
    }
    if (EVP_DecodeBlock(d, (const unsigned char *)b64, (int)n) != (int)full) {
        *why = "invalid base64";
        OPENSSL_cleanse(d, full);
        free(d);
        return -1;
    }
    char *check = malloc(n + 1);
    int same = check != NULL && EVP_EncodeBlock((unsigned char *)check, d, (int)dl) == (int)n &&
               memcmp(check, b64, n) == 0;
    if (check != NULL) {
        OPENSSL_cleanse(check, n + 1);
        free(check);
    }
    if (!same) {
        *why = "non-canonical base64";
        OPENSSL_cleanse(d, full);
        free(d);
        return -1;
    }
    *data = d;
    *data_len = dl;
    return 0;
}

int abe_armor_decode(const char *text, size_t len, char label[ABE_ARMOR_MAX_LABEL + 1],
                     uint8_t **data, size_t *data_len, const char **why)
{
    static const char *dummy;
    if (why == NULL)
        why = &dummy;
    *why = "invalid armor";
    if (text == NULL || label == NULL || data == NULL || data_len == NULL)
        return -1;
    if (len > 2 * ABE_ARMOR_MAX_DATA) {
        *why = "file too large";
        return -1;
    }
    const char *p = text, *end = text + len;
    if (marker(&p, end, "BEGIN", label) < 0) {
        *why = "missing or malformed -----BEGIN ...----- line";
        return -1;
    }
    char *b64 = malloc(len + 1);
    if (b64 == NULL) {
        *why = "out of memory";
        return -1;
    }
    size_t n = 0, pad = 0;
    int rc = -1;
    if (collect_lines(&p, end, b64, &n, why) == 0 && check_end(p, end, label, why) == 0 &&
        check_base64(b64, n, &pad, why) == 0)
        rc = decode_canonical(b64, n, pad, data, data_len, why);
    OPENSSL_cleanse(b64, n);
    free(b64);
    return rc;
}
