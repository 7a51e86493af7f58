/*
 * mpi_train.c: data-parallel training of your own model with clopt and MPI.
 *
 * A linear model y = x . w + b fitted to 3,000 synthetic examples by Adam, on every rank's
 * OpenCL device. Its parameters (w, then b) live in one buffer and its gradients in
 * another: one buffer pair, two tensors, one launch per clopt step. Each rank computes the
 * gradient of its share of the examples on its device; then data parallelism is three
 * calls before the ordinary step:
 *
 *     clEnqueueReadBuffer(grad)  ->  MPI_Allreduce(SUM)  ->  clEnqueueWriteBuffer(grad)
 *     clopt_optimizer_step(opt)
 *
 * (no MPI library accepts OpenCL buffers, so the gradients travel through host memory).
 * Every rank starts from the same parameters and applies the same summed gradient, so all
 * stay equal; rank 0 prints the loss and whether the ranks' parameters are identical.
 *
 *     mpicc -std=c11 mpi_train.c $(pkg-config --cflags --libs clopt) -o mpi_train
 *     mpirun -np 3 ./mpi_train
 */
#include <clopt/clopt.h>
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define EXAMPLES 3000
#define FEATURES 64
#define NPARAMS (FEATURES + 1) /* w, then b */
#define STEPS 200

/* Your model's backward pass: the gradient of the loss sum over rows [lo, hi), times scale. */
static const char *kernels =
    "__kernel void grad(__global const float *x, __global const float *y,\n"
    "                   __global const float *p, __global float *g, uint lo, uint hi,\n"
    "                   float scale, __global float *loss) {\n"
    "  const uint j = get_global_id(0); /* one work-item per parameter */\n"
    "  float s = 0.0f, l = 0.0f;\n"
    "  for (uint i = lo; i < hi; i++) {\n"
    "    float r = p[F];\n"
    "    for (uint k = 0; k < F; k++) r += x[i * F + k] * p[k];\n"
    "    r -= y[i];\n"
    "    s += r * (j < F ? x[i * F + j] : 1.0f);\n"
    "    l += 0.5f * r * r;\n"
    "  }\n"
    "  g[j] = s * scale;\n"
    "  if (j == 0) loss[0] = l * scale;\n"
    "}\n";

/* The same synthetic data on every rank: x uniform in [-1, 1), y = x . w_true + 0.5. */
static void make_data(float *x, float *y)
{
    uint64_t s = 88172645463325252ull;
    for (int i = 0; i < EXAMPLES * FEATURES; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        x[i] = (float)(s >> 40) / (float)(1 << 24) * 2.0f - 1.0f;
    }
    for (int i = 0; i < EXAMPLES; i++) {
        y[i] = 0.5f;
        for (int k = 0; k < FEATURES; k++)
            y[i] += x[i * FEATURES + k] * (float)((k % 5) - 2) * 0.25f;
    }
}

static uint32_t checksum(const float *p, int n)
{
    uint32_t h = 2166136261u; /* FNV-1a over the bytes */
    const unsigned char *b = (const unsigned char *)p;
    for (size_t i = 0; i < (size_t)n * sizeof *p; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static int fail(const char *what, const char *text)
{
    fprintf(stderr, "mpi_train: %s: %s\n", what, text);
    MPI_Abort(MPI_COMM_WORLD, 1); /* the other ranks would wait for this one forever */
    return 1;
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    static float x[EXAMPLES * FEATURES], y[EXAMPLES], p[NPARAMS], g[NPARAMS];
    make_data(x, y);
    /* This rank's share of the examples; the shares differ by at most one. */
    const int lo = rank * (EXAMPLES / size) + (rank < EXAMPLES % size ? rank : EXAMPLES % size);
    const int hi = lo + EXAMPLES / size + (rank < EXAMPLES % size);

    clopt_error err;
    clopt_context *ctx = clopt_context_create(NULL, &err);
    if (!ctx) return fail("context", err.text);
    cl_context cl = clopt_context_cl(ctx);
    cl_command_queue q = clopt_context_queue(ctx);
    cl_device_id dev = clopt_context_device(ctx);
    cl_int rc;
    cl_program prog = clCreateProgramWithSource(cl, 1, &kernels, NULL, &rc);
    char options[32];
    snprintf(options, sizeof options, "-DF=%d", FEATURES);
    if (rc != CL_SUCCESS || clBuildProgram(prog, 1, &dev, options, NULL, NULL) != CL_SUCCESS)
        return fail("kernel", "the gradient kernel did not build");
    cl_kernel k = clCreateKernel(prog, "grad", &rc);
    memset(p, 0, sizeof p); /* every rank starts from the same parameters */
    cl_mem dx = clCreateBuffer(cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof x, x, &rc);
    cl_mem dy = clCreateBuffer(cl, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof y, y, &rc);
    cl_mem param = clCreateBuffer(cl, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof p, p, &rc);
    cl_mem grad = clCreateBuffer(cl, CL_MEM_READ_WRITE, sizeof g, NULL, &rc);
    cl_mem dloss = clCreateBuffer(cl, CL_MEM_READ_WRITE, sizeof(float), NULL, &rc);

    /* One buffer pair, two tensors: w (FEATURES floats) and b (one float after it). */
    clopt_optimizer *opt = clopt_optimizer_create(ctx, "adam(lr=0.01)", &err);
    if (!opt || clopt_optimizer_add(opt, param, grad, 0, FEATURES, &err) != CLOPT_OK ||
        clopt_optimizer_add(opt, param, grad, FEATURES, 1, &err) != CLOPT_OK)
        return fail("optimizer", err.text);

    const cl_uint ulo = (cl_uint)lo, uhi = (cl_uint)hi;
    const float scale = 1.0f / EXAMPLES; /* the mean over ALL examples, not this share */
    clSetKernelArg(k, 0, sizeof dx, &dx);
    clSetKernelArg(k, 1, sizeof dy, &dy);
    clSetKernelArg(k, 2, sizeof param, &param);
    clSetKernelArg(k, 3, sizeof grad, &grad);
    clSetKernelArg(k, 4, sizeof ulo, &ulo);
    clSetKernelArg(k, 5, sizeof uhi, &uhi);
    clSetKernelArg(k, 6, sizeof scale, &scale);
    clSetKernelArg(k, 7, sizeof dloss, &dloss);
    float first = 0, early = 0, loss = 0;
    for (int step = 0; step <= STEPS; step++) {
        const size_t items = NPARAMS;
        if (clEnqueueNDRangeKernel(q, k, 1, NULL, &items, NULL, 0, NULL, NULL) != CL_SUCCESS)
            return fail("kernel", "the gradient kernel did not run");
        clEnqueueReadBuffer(q, dloss, CL_TRUE, 0, sizeof loss, &loss, 0, NULL, NULL);
        MPI_Allreduce(MPI_IN_PLACE, &loss, 1, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        if (step == 0) first = loss;
        if (step == 50) early = loss;
        if (step == STEPS) break;

        /* Data parallelism: the gradient sums of all ranks, then the same step everywhere. */
        clEnqueueReadBuffer(q, grad, CL_TRUE, 0, sizeof g, g, 0, NULL, NULL);
        MPI_Allreduce(MPI_IN_PLACE, g, NPARAMS, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        clEnqueueWriteBuffer(q, grad, CL_FALSE, 0, sizeof g, g, 0, NULL, NULL);
        if (clopt_optimizer_step(opt, &err) != CLOPT_OK) return fail("step", err.text);
    }
    /* Every rank must hold the same parameters: compare their checksums. */
    clEnqueueReadBuffer(q, param, CL_TRUE, 0, sizeof p, p, 0, NULL, NULL);
    unsigned long sum = checksum(p, NPARAMS), lowest, highest;
    MPI_Allreduce(&sum, &lowest, 1, MPI_UNSIGNED_LONG, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&sum, &highest, 1, MPI_UNSIGNED_LONG, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0)
        printf("ranks %d: loss %.6g, after 50 steps %.6g, after %d steps %.3g; b = %.4f; "
               "parameters %s on every rank\n",
               size, first, early, STEPS, loss, p[FEATURES],
               lowest == highest ? "identical" : "DIFFER");
    const int ok = loss < 1e-3f * first && lowest == highest;
    clopt_optimizer_release(opt);
    clReleaseMemObject(dx);
    clReleaseMemObject(dy);
    clReleaseMemObject(param);
    clReleaseMemObject(grad);
    clReleaseMemObject(dloss);
    clReleaseKernel(k);
    clReleaseProgram(prog);
    clopt_context_release(ctx);
    MPI_Finalize();
    return ok ? 0 : 1;
}
