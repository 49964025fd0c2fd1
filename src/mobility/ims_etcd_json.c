/* etcd's JSON and base64 (see ims_etcd_json.h). */
#include "ims_etcd_json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "errbuf.h"

json_object *etcd_json_parse(const char *buf, size_t len, char *err, size_t errlen)
{
    if (len > INT32_MAX) {
        roam_errf(err, errlen, "etcd answer too long");
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex(ETCD_JSON_DEPTH);
    if (!tok) {
        roam_errf(err, errlen, "out of memory");
        return NULL;
    }
    json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error e = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!o || e != json_tokener_success) {
        json_object_put(o);
        roam_errf(err, errlen, "etcd answer is not JSON: %s",
                  e == json_tokener_continue ? "cut short" : json_tokener_error_desc(e));
        return NULL;
    }
    while (used < len && (buf[used] == ' ' || buf[used] == '\n' || buf[used] == '\r' ||
                          buf[used] == '\t'))
        used++;
    if (used != len || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        roam_errf(err, errlen, "etcd answer is not one JSON object");
        return NULL;
    }
    return o;
}

int etcd_b64_encode(const uint8_t *in, size_t len, char *out, size_t outlen)
{
    if (len > INT32_MAX / 2 || outlen < 4 * ((len + 2) / 3) + 1)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, in, (int)len);
    return 0;
}

static int b64_char(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/';
}

long etcd_b64_decode(const char *in, uint8_t *out, size_t cap)
{
    size_t len = strlen(in);
    if (len % 4 != 0 || len / 4 * 3 > cap + 2)
        return -1;
    size_t pad = 0;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)in[i];
        if (c == '=' && i >= len - 2) {
            pad++;
            continue;
        }
        if (!b64_char(c) || pad)
            return -1;
    }
    if (len == 0)
        return 0;
    size_t n = len / 4 * 3 - pad;
    if (n > cap)
        return -1;
    /* EVP_DecodeBlock writes whole groups (with the padding's zeros). */
    uint8_t *tmp = malloc(len / 4 * 3);
    if (!tmp)
        return -1;
    int r = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)len);
    if (r < 0 || (size_t)r != len / 4 * 3) {
        free(tmp);
        return -1;
    }
    memcpy(out, tmp, n);
    free(tmp);
    return (long)n;
}

int etcd_json_u64(json_object *obj, const char *name, uint64_t *out)
{
    json_object *v;
    *out = 0;
    if (!json_object_object_get_ex(obj, name, &v))
        return 0;
    if (json_object_is_type(v, json_type_int)) {
        int64_t x = json_object_get_int64(v);
        if (x < 0)
            return -1;
        *out = (uint64_t)x;
        return 0;
    }
    if (!json_object_is_type(v, json_type_string))
        return -1;
    const char *s = json_object_get_string(v);
    if (!s || !*s || strlen(s) > 20 || *s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = x;
    return 0;
}

long etcd_json_b64(json_object *obj, const char *name, uint8_t *out, size_t cap)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, name, &v))
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return -1;
    return etcd_b64_decode(json_object_get_string(v), out, cap);
}

int etcd_json_array(json_object *obj, const char *name, json_object **arr, size_t *n)
{
    json_object *v;
    *arr = NULL;
    *n = 0;
    if (!json_object_object_get_ex(obj, name, &v))
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return -1;
    *arr = v;
    *n = json_object_array_length(v);
    return 0;
}

json_object *etcd_json_obj(json_object *obj, const char *name)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, name, &v) || !json_object_is_type(v, json_type_object))
        return NULL;
    return v;
}

int etcd_json_bool(json_object *obj, const char *name)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, name, &v))
        return 0;
    if (!json_object_is_type(v, json_type_boolean))
        return -1;
    return json_object_get_boolean(v) ? 1 : 0;
}
