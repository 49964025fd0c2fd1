/* The small JSON and base64 vocabulary of etcd's v3 JSON gateway, checked
 * strictly: etcd encodes keys and values in base64 and 64-bit numbers as
 * decimal strings, and omits fields that hold their zero value.  Every
 * reader bounds what it accepts, so a malformed or lying answer is an
 * error, never a crash or an over-read. */
#ifndef ROAM_MOBILITY_IMS_ETCD_JSON_H
#define ROAM_MOBILITY_IMS_ETCD_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

/* Deepest nesting accepted in an answer (a txn answer is 7 deep). */
#define ETCD_JSON_DEPTH 12

/* Parse len bytes as one JSON object (nothing after it).  NULL with err. */
json_object *etcd_json_parse(const char *buf, size_t len, char *err, size_t errlen);

/* Base64 of len bytes into out (room for 4*ceil(len/3)+1).  0 or -1. */
int etcd_b64_encode(const uint8_t *in, size_t len, char *out, size_t outlen);

/* Decode base64 text into out (at most cap bytes).  Length, or -1 if the
 * text is not base64 or decodes to more than cap bytes. */
long etcd_b64_decode(const char *in, uint8_t *out, size_t cap);

/* obj[name] as an unsigned 64-bit number written as a decimal string (or a
 * JSON integer); a missing field is 0 (etcd omits zeros).  0 or -1. */
int etcd_json_u64(json_object *obj, const char *name, uint64_t *out);

/* obj[name] as base64 decoded into out (at most cap bytes); a missing
 * field is empty.  Length, or -1. */
long etcd_json_b64(json_object *obj, const char *name, uint8_t *out, size_t cap);

/* obj[name] if it is an array (a missing field: NULL, *n = 0).  -1 if it
 * is there but not an array. */
int etcd_json_array(json_object *obj, const char *name, json_object **arr, size_t *n);

/* obj[name] if it is an object; NULL if missing or not an object. */
json_object *etcd_json_obj(json_object *obj, const char *name);

/* obj[name] as a boolean (missing: 0).  0, 1, or -1 if not a boolean. */
int etcd_json_bool(json_object *obj, const char *name);

#endif
