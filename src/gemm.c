/* Where matrix products run, and OpenBLAS's SGEMM for those on the host (see gemm.h). */
#include "gemm.h"

#include "error.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>

clopt_status clopt_gemm_on_host(clopt_context *ctx, int *host, clopt_error *err)
{
    const char *env = getenv("CLOPT_GEMM");
    if (env && strcmp(env, "clblast") != 0 && strcmp(env, "host") != 0)
        return clopt_error_set(err, CLOPT_EINVAL,
                               "CLOPT_GEMM='%s': expected clblast or host (or unset: the host's "
                               "BLAS on a CPU device, CLBlast on others)",
                               env);
    cl_device_type type = 0;
    const cl_int rc =
        clGetDeviceInfo(clopt_context_device(ctx), CL_DEVICE_TYPE, sizeof type, &type, NULL);
    if (rc != CL_SUCCESS)
        return clopt_error_cl(err, rc, "clGetDeviceInfo", "asking the device's type");
    *host = env ? strcmp(env, "host") == 0 : (type & CL_DEVICE_TYPE_CPU) != 0;
    return CLOPT_OK;
}

void clopt_gemm_host(int ta, int tb, size_t rows, size_t cols, size_t inner, float alpha,
                     const float *a, size_t lda, const float *b, size_t ldb, float beta, float *c,
                     size_t ldc)
{
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
                (int)rows, (int)cols, (int)inner, alpha, a, (int)lda, b, (int)ldb, beta, c,
                (int)ldc);
}
