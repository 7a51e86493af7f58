/*
 * The element-wise parts of `clopt train`'s multilayer perceptron (the matrix products are
 * CLBlast's). Row-major matrices; offsets in floats into the model's parameter buffer.
 * Built as training's own program (src/train/mlp.c), with the options of the library's.
 */

/* No contraction into fma, as in the library's kernels: the same bits on every device. */
#pragma OPENCL FP_CONTRACT OFF

/* A batch: x[r][c] = images[order[first + r]][c] / 255 and y[r] its label; one item per
 * (row, column). */
__kernel void clopt_mlp_gather(__global const uchar *restrict images,
                               __global const uchar *restrict labels,
                               __global const uint *restrict order, const uint first,
                               const uint cols, const uint rows, __global float *restrict x,
                               __global uint *restrict y)
{
    const uint i = get_global_id(0);
    if (i >= rows * cols)
        return;
    const uint r = i / cols, c = i % cols, item = order[first + r];
    x[i] = (float)images[(size_t)item * cols + c] * (1.0f / 255.0f);
    if (c == 0)
        y[r] = labels[item];
}

/* h[r][j] += b[j], then max(h, 0) when relu; n = rows * cols. */
__kernel void clopt_mlp_bias(__global float *restrict h, __global const float *restrict p,
                             const uint b_off, const uint cols, const uint n, const uint relu)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const float v = h[i] + p[b_off + i % cols];
    h[i] = relu ? fmax(v, 0.0f) : v;
}

/*
 * Softmax cross-entropy per row (one work-item each): loss[r] = -log p[y], correct[r] =
 * argmax == y, and dz[r][k] = (p[k] - [k == y]) * scale (scale = 1 / rows: the mean).
 */
__kernel void clopt_mlp_softmax(__global const float *restrict z, __global const uint *restrict y,
                                const uint classes, const uint rows, const float scale,
                                __global float *restrict dz, __global float *restrict loss,
                                __global uint *restrict correct)
{
    const uint r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *zr = z + (size_t)r * classes;
    float top = zr[0];
    uint best = 0;
    for (uint k = 1; k < classes; k++)
        if (zr[k] > top) {
            top = zr[k];
            best = k;
        }
    float sum = 0.0f;
    for (uint k = 0; k < classes; k++)
        sum += exp(zr[k] - top);
    const uint label = y[r];
    loss[r] = log(sum) - (zr[label] - top);
    correct[r] = best == label;
    for (uint k = 0; k < classes; k++)
        dz[(size_t)r * classes + k] = (exp(zr[k] - top) / sum - (k == label ? 1.0f : 0.0f)) * scale;
}

/* out[out_off + j] = sum over rows of d[r][j]: a bias gradient, one work-item per column. */
__kernel void clopt_mlp_colsum(__global const float *restrict d, const uint rows,
                               const uint cols, __global float *restrict out, const uint out_off)
{
    const uint j = get_global_id(0);
    if (j >= cols)
        return;
    float s = 0.0f;
    for (uint r = 0; r < rows; r++)
        s += d[(size_t)r * cols + j];
    out[out_off + j] = s;
}

/* The ReLU's backward pass: dh = 0 where the unit was off. */
__kernel void clopt_mlp_relu_grad(__global float *restrict dh, __global const float *restrict h,
                                  const uint n)
{
    const uint i = get_global_id(0);
    if (i < n && !(h[i] > 0.0f))
        dh[i] = 0.0f;
}
