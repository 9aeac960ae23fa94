// OpenBLAS's C interface. Debian installs cblas.h through the alternatives
// system; pkg-config "openblas" adds the include path of the chosen variant.
#include <cblas.h>
