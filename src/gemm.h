/*
 * Where a context's matrix products run, for the library's (Muon's Newton-Schulz, src/muon.c)
 * and the trainer's (src/train/mlp.c): OpenBLAS's SGEMM on the host, over the buffers mapped
 * (without a copy on a CPU device, whose buffers are host memory), where the device is the
 * CPU (PoCL's): CLBlast's SGEMM reaches a tenth of OpenBLAS's rate there (clopt bench gemm).
 * CLBlast on every other device. CLOPT_GEMM=clblast or =host chooses; another value is an
 * error that names it.
 */
#ifndef CLOPT_GEMM_H
#define CLOPT_GEMM_H

#include "context.h"

/* *host: 1 for OpenBLAS on the host, 0 for CLBlast. */
clopt_status clopt_gemm_on_host(clopt_context *ctx, int *host, clopt_error *err);

/*
 * C = alpha op(A) op(B) + beta C in host memory, row-major: op(A) rows x inner, op(B) inner x
 * cols, C rows x cols, with leading dimensions lda, ldb and ldc (OpenBLAS's cblas_sgemm).
 */
void clopt_gemm_host(int ta, int tb, size_t rows, size_t cols, size_t inner, float alpha,
                     const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c,
                     size_t ldc);

#endif
