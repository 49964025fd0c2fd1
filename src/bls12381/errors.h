/* Error codes shared by every part of the BLS12-381 library. */
#ifndef ROAM_BLS12381_ERRORS_H
#define ROAM_BLS12381_ERRORS_H

typedef enum {
    BLS_OK = 0,
    BLS_ERR_LENGTH = -1,          /* input shorter or longer than the encoding */
    BLS_ERR_NONCANONICAL = -2,    /* field element or scalar >= modulus */
    BLS_ERR_FLAGS = -3,           /* impossible combination of ZCash flag bits */
    BLS_ERR_NOT_ON_CURVE = -4,    /* coordinates do not satisfy the curve equation */
    BLS_ERR_NOT_IN_SUBGROUP = -5, /* on the curve but not of order r */
    BLS_ERR_IDENTITY = -6,        /* identity where the caller forbade it */
    BLS_ERR_NOT_SQUARE = -7,      /* x has no y on the curve (compressed input) */
    BLS_ERR_NOT_IN_GT = -8,       /* Fp12 element outside the order-r subgroup */
    BLS_ERR_ARGUMENT = -9         /* invalid argument (NULL, count too large...) */
} bls_err;

/* A short English description of an error code, never NULL. */
const char *bls_strerror(bls_err e);

#endif
