/* FABEO's attribute hash H_A and its domain-separation tag: the one part of
 * the fixed parameters (fabeo_params.c) that the rest of the library
 * calls besides abe_params() (abe.h).  Internal to src/abe. */
#ifndef ROAM_ABE_FABEO_PARAMS_H
#define ROAM_ABE_FABEO_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "bls12381.h"

/* DSTs and fixed inputs of docs/spec/fabeo.md §3. */
#define ABE_DST_H "ROAM-FABEO-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_"

/* H_A(x) = hash_to_curve(0x01 || I2OSP(len(x), 2) || x) with ABE_DST_H. */
int abe_hash_attr(bls_g1_t *out, const uint8_t *x, size_t len);

#endif
