#!/bin/sh
# Every global symbol the BLS12-381 library defines carries its prefix
# (bls_ for functions, BLS_ for constants), so that linking it next to other
# code can never clash on a name like fp_add (TAP, suite bls12381).
# usage: test_exports.sh NM LIBRARY
NM=$1
LIB=$2
# -P prints "name type value size", plus one "archive[member]:" line per
# object; a failing nm leaves no names, which fails point 1.
names=$("$NM" -g --defined-only -P "$LIB" | awk 'NF >= 2 && $2 ~ /^[A-Za-z]$/ { print $1 }')
# Sanitizer builds add their own globals (__odr_asan.NAME, __asan_*).
bad=$(printf '%s\n' "$names" | grep -v -E '^((bls|BLS)_|__odr_asan\.|__(a|ub)san_|$)')
fail=0
echo "1..2"
if [ -n "$names" ]; then
    echo "ok 1 - $LIB defines $(printf '%s\n' "$names" | wc -l) global symbols"
else
    echo "not ok 1 - $LIB defines global symbols"
    fail=1
fi
if [ -z "$bad" ]; then
    echo "ok 2 - every global symbol starts with bls_ or BLS_"
else
    echo "not ok 2 - every global symbol starts with bls_ or BLS_"
    printf '%s\n' "$bad" | sed 's/^/# unprefixed: /'
    fail=1
fi
exit $fail
