#include "tern_kernels.h"
int tern_kernels_placeholder(void) { return 0; }
