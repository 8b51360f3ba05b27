/* vigie/mat.h — small dense matrices for the tracker's filters.
 *
 * Matrices are row-major arrays of double with their dimensions passed explicitly;
 * sizes are tiny (≤ VG_MAT_MAX), so the functions are simple loops on the caller's
 * stack memory: no allocation, no hidden state. Unless a function says otherwise,
 * its output must not alias its inputs. */
#ifndef VIGIE_MAT_H
#define VIGIE_MAT_H

#ifdef __cplusplus
extern "C" {
#endif

/* The largest dimension any function accepts (state of a 3-D constant-acceleration
 * model). Callers size their arrays VG_MAT_MAX * VG_MAT_MAX when in doubt. Functions
 * that need a temporary refuse larger sizes: the inverses return VG_EINVAL,
 * vg_mat_mahalanobis2 returns NaN and vg_mat_abat fills c with NaN. */
#define VG_MAT_MAX 9

void vg_mat_zero(double *a, int rows, int cols);
void vg_mat_identity(double *a, int n);
void vg_mat_copy(double *dst, const double *src, int rows, int cols);

/* c = a + b, c = a - b (element-wise; c may alias a or b). */
void vg_mat_add(double *c, const double *a, const double *b, int rows, int cols);
void vg_mat_sub(double *c, const double *a, const double *b, int rows, int cols);

/* a *= s (in place). */
void vg_mat_scale(double *a, double s, int rows, int cols);

/* at = aᵀ, a is rows × cols, at is cols × rows. */
void vg_mat_transpose(double *at, const double *a, int rows, int cols);

/* c = a·b with a n×m, b m×p, c n×p. */
void vg_mat_mul(double *c, const double *a, const double *b, int n, int m, int p);

/* c = a·bᵀ with a n×m, b p×m, c n×p. */
void vg_mat_mul_abt(double *c, const double *a, const double *b, int n, int m, int p);

/* c = a·b·aᵀ with a n×m, b m×m, c n×n — covariance propagation. The result is made
 * exactly symmetric. */
void vg_mat_abat(double *c, const double *a, const double *b, int n, int m);

/* a = (a + aᵀ)/2 in place (n×n): removes the asymmetry rounding leaves behind. */
void vg_mat_symmetrize(double *a, int n);

/* Cholesky factorisation a = l·lᵀ of a symmetric positive definite n×n matrix; l is
 * lower triangular (upper part zeroed). Returns 0, or VG_ERANGE if a is not positive
 * definite (a pivot ≤ 0 or not finite); l is then unspecified. l may alias a. */
int vg_mat_cholesky(double *l, const double *a, int n);

/* Solve (l·lᵀ)·x = b for x (n×nrhs), given the Cholesky factor l. x may alias b. */
void vg_mat_cholesky_solve(double *x, const double *l, const double *b, int n, int nrhs);

/* Inverse of a symmetric positive definite matrix through its Cholesky factor; the
 * result is exactly symmetric. Returns 0 or VG_ERANGE (not positive definite). */
int vg_mat_spd_inverse(double *inv, const double *a, int n);

/* Inverse of a general square matrix by LU with partial pivoting. Returns 0, or
 * VG_ERANGE when a is singular to working precision. */
int vg_mat_inverse(double *inv, const double *a, int n);

/* Squared Mahalanobis distance vᵀ·s⁻¹·v, given l the Cholesky factor of s (n×n) and
 * v of length n; computed by one forward substitution, never forming s⁻¹. */
double vg_mat_mahalanobis2(const double *l, const double *v, int n);

/* log(det(s)) from s's Cholesky factor l: 2·Σ log(l_ii). */
double vg_mat_chol_logdet(const double *l, int n);

/* Largest absolute element-wise difference of two rows×cols matrices (for tests and
 * invariant checks). */
double vg_mat_max_abs_diff(const double *a, const double *b, int rows, int cols);

#ifdef __cplusplus
}
#endif
#endif
