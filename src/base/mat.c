/* base/mat.c — small dense matrix algebra for the tracking filters.
 *
 * Everything is a plain loop over row-major arrays no larger than VG_MAT_MAX²; the
 * few temporaries live on the stack at that fixed size. Covariances are handled
 * through their Cholesky factor wherever possible, because a factorisation that
 * fails is the cheapest and most reliable test that a covariance has gone bad. */
#include "vigie/mat.h"

#include <float.h>
#include <math.h>

#include "vigie/error.h"

/* Functions that need a stack temporary refuse larger sizes rather than overrun it. */
static int dim_ok(int n)
{
    return n >= 1 && n <= VG_MAT_MAX;
}

void vg_mat_zero(double *a, int rows, int cols)
{
    for (int i = 0; i < rows * cols; i++)
        a[i] = 0.0;
}

void vg_mat_identity(double *a, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            a[i * n + j] = i == j ? 1.0 : 0.0;
}

void vg_mat_copy(double *dst, const double *src, int rows, int cols)
{
    for (int i = 0; i < rows * cols; i++)
        dst[i] = src[i];
}

void vg_mat_add(double *c, const double *a, const double *b, int rows, int cols)
{
    for (int i = 0; i < rows * cols; i++)
        c[i] = a[i] + b[i];
}

void vg_mat_sub(double *c, const double *a, const double *b, int rows, int cols)
{
    for (int i = 0; i < rows * cols; i++)
        c[i] = a[i] - b[i];
}

void vg_mat_scale(double *a, double s, int rows, int cols)
{
    for (int i = 0; i < rows * cols; i++)
        a[i] *= s;
}

void vg_mat_transpose(double *at, const double *a, int rows, int cols)
{
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            at[j * rows + i] = a[i * cols + j];
}

static inline void mul_fixed(double *c, const double *a, const double *b, int n, int m, int p)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < p; j++) {
            double s = 0.0;
            for (int k = 0; k < m; k++)
                s += a[i * m + k] * b[k * p + j];
            c[i * p + j] = s;
        }
}

void vg_mat_mul(double *c, const double *a, const double *b, int n, int m, int p)
{
    /* Constant sizes for the filters' shapes (state 6, measurement 3) let the
     * compiler unroll; the arithmetic, and so the result, is the same. */
    if (n == 6 && m == 6 && p == 6)
        mul_fixed(c, a, b, 6, 6, 6);
    else if (n == 3 && m == 6 && p == 6)
        mul_fixed(c, a, b, 3, 6, 6);
    else if (n == 6 && m == 3 && p == 6)
        mul_fixed(c, a, b, 6, 3, 6);
    else if (n == 6 && m == 6 && p == 3)
        mul_fixed(c, a, b, 6, 6, 3);
    else
        mul_fixed(c, a, b, n, m, p);
}

void vg_mat_mul_abt(double *c, const double *a, const double *b, int n, int m, int p)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < p; j++) {
            double s = 0.0;
            for (int k = 0; k < m; k++)
                s += a[i * m + k] * b[j * m + k];
            c[i * p + j] = s;
        }
}

/* c = a·b·aᵀ computing only the upper triangle of the second product and mirroring
 * it: exactly symmetric by construction, and half the work of a full product. */
static inline void abat_fixed(double *c, const double *a, const double *b, int n, int m)
{
    double ab[VG_MAT_MAX * VG_MAT_MAX];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++) {
            double s = 0.0;
            for (int k = 0; k < m; k++)
                s += a[i * m + k] * b[k * m + j];
            ab[i * m + j] = s;
        }
    for (int i = 0; i < n; i++)
        for (int j = i; j < n; j++) {
            double s = 0.0;
            for (int k = 0; k < m; k++)
                s += ab[i * m + k] * a[j * m + k];
            c[i * n + j] = s;
            c[j * n + i] = s;
        }
}

void vg_mat_abat(double *c, const double *a, const double *b, int n, int m)
{
    if (!dim_ok(n) || !dim_ok(m)) {
        /* No way to report it: poison the result so that the next check fails. */
        for (int i = 0; i < n * n; i++)
            c[i] = NAN;
        return;
    }
    /* The filters call this with the same few shapes on every detection: give the
     * compiler constant sizes for those, so it can unroll. */
    if (n == 6 && m == 6)
        abat_fixed(c, a, b, 6, 6);
    else if (n == 3 && m == 6)
        abat_fixed(c, a, b, 3, 6);
    else if (n == 6 && m == 3)
        abat_fixed(c, a, b, 6, 3);
    else
        abat_fixed(c, a, b, n, m);
}

void vg_mat_symmetrize(double *a, int n)
{
    /* Both halves get the very same rounded value, so the result is exactly
     * symmetric, not merely to within an ulp. */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double s = 0.5 * (a[i * n + j] + a[j * n + i]);
            a[i * n + j] = s;
            a[j * n + i] = s;
        }
}

/* Cholesky-Banachiewicz, row by row. Only the lower triangle of a is read, and each
 * element a[i][j] (j ≤ i) is read just before l[i][j] replaces it, so l may alias a. */
int vg_mat_cholesky(double *l, const double *a, int n)
{
    for (int i = 0; i < n; i++) {
        for (int j = 0; j <= i; j++) {
            double s = a[i * n + j];
            for (int k = 0; k < j; k++)
                s -= l[i * n + k] * l[j * n + k];
            if (j < i) {
                l[i * n + j] = s / l[j * n + j];
            } else {
                /* Written so that NaN fails too. */
                if (!(s > 0.0) || !isfinite(s))
                    return VG_ERANGE;
                l[i * n + i] = sqrt(s);
            }
        }
        for (int j = i + 1; j < n; j++)
            l[i * n + j] = 0.0;
    }
    return VG_OK;
}

/* Column by column, in place in x: each element of b is read once, just before x
 * overwrites it, which is what lets x alias b. */
void vg_mat_cholesky_solve(double *x, const double *l, const double *b, int n, int nrhs)
{
    for (int c = 0; c < nrhs; c++) {
        /* l·y = b */
        for (int i = 0; i < n; i++) {
            double s = b[i * nrhs + c];
            for (int k = 0; k < i; k++)
                s -= l[i * n + k] * x[k * nrhs + c];
            x[i * nrhs + c] = s / l[i * n + i];
        }
        /* lᵀ·x = y */
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i * nrhs + c];
            for (int k = i + 1; k < n; k++)
                s -= l[k * n + i] * x[k * nrhs + c];
            x[i * nrhs + c] = s / l[i * n + i];
        }
    }
}

int vg_mat_spd_inverse(double *inv, const double *a, int n)
{
    if (!dim_ok(n))
        return VG_EINVAL;
    double l[VG_MAT_MAX * VG_MAT_MAX];
    int rc = vg_mat_cholesky(l, a, n);
    if (rc != VG_OK)
        return rc;
    vg_mat_identity(inv, n);
    vg_mat_cholesky_solve(inv, l, inv, n, n);
    vg_mat_symmetrize(inv, n);
    return VG_OK;
}

int vg_mat_inverse(double *inv, const double *a, int n)
{
    if (!dim_ok(n))
        return VG_EINVAL;
    double lu[VG_MAT_MAX * VG_MAT_MAX];
    int perm[VG_MAT_MAX];
    double amax = 0.0;
    for (int i = 0; i < n * n; i++) {
        if (!isfinite(a[i]))
            return VG_ERANGE;
        lu[i] = a[i];
        amax = fmax(amax, fabs(a[i]));
    }
    /* Relative to the matrix's own scale, so that a covariance in mm² and the same
     * one in km² are judged alike; a zero matrix has tol 0 and fails on "not >". */
    double tol = n * DBL_EPSILON * amax;
    for (int i = 0; i < n; i++)
        perm[i] = i;

    /* Doolittle LU in place: unit lower factor below the diagonal, upper on and
     * above it; perm[i] is the row of a that ended up in row i. */
    for (int k = 0; k < n; k++) {
        int p = k;
        for (int i = k + 1; i < n; i++)
            if (fabs(lu[i * n + k]) > fabs(lu[p * n + k]))
                p = i;
        if (!(fabs(lu[p * n + k]) > tol))
            return VG_ERANGE;
        if (p != k) {
            for (int j = 0; j < n; j++) {
                double t = lu[k * n + j];
                lu[k * n + j] = lu[p * n + j];
                lu[p * n + j] = t;
            }
            int t = perm[k];
            perm[k] = perm[p];
            perm[p] = t;
        }
        for (int i = k + 1; i < n; i++) {
            double f = lu[i * n + k] / lu[k * n + k];
            lu[i * n + k] = f;
            for (int j = k + 1; j < n; j++)
                lu[i * n + j] -= f * lu[k * n + j];
        }
    }

    /* Column c of the inverse solves a·x = e_c, i.e. l·u·x = (row-permuted e_c). */
    for (int c = 0; c < n; c++) {
        for (int i = 0; i < n; i++) {
            double s = perm[i] == c ? 1.0 : 0.0;
            for (int k = 0; k < i; k++)
                s -= lu[i * n + k] * inv[k * n + c];
            inv[i * n + c] = s;
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = inv[i * n + c];
            for (int k = i + 1; k < n; k++)
                s -= lu[i * n + k] * inv[k * n + c];
            inv[i * n + c] = s / lu[i * n + i];
        }
    }
    return VG_OK;
}

/* vᵀ·s⁻¹·v = vᵀ·(l·lᵀ)⁻¹·v = |l⁻¹·v|²: one triangular solve and a sum of squares. */
double vg_mat_mahalanobis2(const double *l, const double *v, int n)
{
    if (!dim_ok(n))
        return NAN;
    double y[VG_MAT_MAX];
    double d2 = 0.0;
    for (int i = 0; i < n; i++) {
        double s = v[i];
        for (int k = 0; k < i; k++)
            s -= l[i * n + k] * y[k];
        y[i] = s / l[i * n + i];
        d2 += y[i] * y[i];
    }
    return d2;
}

/* A sum of logarithms rather than the log of a product: the product of nine
 * variances in m² can overflow or underflow long before its logarithm is extreme. */
double vg_mat_chol_logdet(const double *l, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += log(l[i * n + i]);
    return 2.0 * s;
}

double vg_mat_max_abs_diff(const double *a, const double *b, int rows, int cols)
{
    double m = 0.0;
    for (int i = 0; i < rows * cols; i++) {
        /* Equal infinities differ by nothing; a NaN anywhere makes the whole
         * comparison NaN, so a "diff < tol" check cannot pass by accident. */
        if (a[i] == b[i])
            continue;
        double d = fabs(a[i] - b[i]);
        if (isnan(d))
            return d;
        if (d > m)
            m = d;
    }
    return m;
}
