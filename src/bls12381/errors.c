/* Human-readable text for the library's error codes (for logs and CLIs). */
#include "bls12381.h"

const char *bls_strerror(bls_err e)
{
    switch (e) {
    case BLS_OK: return "success";
    case BLS_ERR_LENGTH: return "input has the wrong length";
    case BLS_ERR_NONCANONICAL: return "field element or scalar is not reduced (>= modulus)";
    case BLS_ERR_FLAGS: return "invalid combination of encoding flag bits";
    case BLS_ERR_NOT_ON_CURVE: return "point is not on the curve";
    case BLS_ERR_NOT_IN_SUBGROUP: return "point is not in the prime-order subgroup";
    case BLS_ERR_IDENTITY: return "unexpected identity element";
    case BLS_ERR_NOT_SQUARE: return "x-coordinate has no matching y (not a square)";
    case BLS_ERR_NOT_IN_GT: return "element is not in the order-r subgroup GT";
    case BLS_ERR_ARGUMENT: return "invalid argument";
    }
    return "unknown error";
}
