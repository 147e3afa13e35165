#ifndef TERN_KERNELS_H
#define TERN_KERNELS_H
int tern_kernels_placeholder(void);
#endif
