/* The messages of abe_status (abe.h): one table for the whole library. */
#include "abe.h"

const char *abe_strerror(int code)
{
    switch (code) {
    case ABE_OK: return "success";
    case ABE_ERR_SYNTAX: return "syntax error";
    case ABE_ERR_RANGE: return "value out of range";
    case ABE_ERR_TRIVIAL: return "comparison is always true or always false";
    case ABE_ERR_NEGATION: return "negation is not expressible in a monotone policy";
    case ABE_ERR_LIMIT: return "size limit exceeded";
    case ABE_ERR_CONFLICT: return "conflicting attribute values";
    case ABE_ERR_DECODE: return "invalid canonical policy encoding";
    case ABE_ERR_NOT_SATISFIED: return "attributes do not satisfy the policy";
    case ABE_ERR_ARGUMENT: return "invalid argument";
    case ABE_ERR_POLICY: return "policy rejected";
    case ABE_ERR_RNG: return "the random number generator failed";
    case ABE_ERR_INTERNAL: return "internal error";
    case ABE_ERR_REJECTED: return "a check run alongside decryption failed";
    case ABE_ERR_KEM_LIMIT: return "policy too large for the KEM (n2 + tau > 170)";
    case ABE_ERR_FORMAT: return "malformed ciphertext";
    case ABE_ERR_DECAPS: return "decapsulation failed";
    case ABE_ERR_MAGIC: return "not a roam object";
    case ABE_ERR_TYPE: return "wrong kind of object";
    case ABE_ERR_VERSION: return "unsupported format version";
    case ABE_ERR_LENGTH: return "truncated object or trailing bytes";
    case ABE_ERR_POINT: return "invalid group element";
    case ABE_ERR_SCALAR: return "invalid scalar";
    case ABE_ERR_ATTRS: return "invalid or inconsistent attributes";
    case ABE_ERR_MEMORY: return "out of memory";
    case ABE_ERR_CT_POLICY: return "invalid ciphertext policy";
    default: return "unknown error";
    }
}
