/* Tests for G2 group arithmetic (src/bls12381/g2.c): the shared group test
 * body of test_g1.c instantiated for G2, plus psi = [x] on G2. */
#define TG_GROUP 2
#include "test_g1.c"
