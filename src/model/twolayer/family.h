/* family.h: internals shared by the files of the two-layer family —
 * twolayer.c (the model, its modes, lin's fixed kernel), neurons.c (one
 * fused pass per neuron, for inputs of few dimensions, threaded),
 * gates1d.c (relu and linear on 1-D inputs: two gate patterns), gram.c
 * (inputs of more dimensions than examples: the displacement kept as
 * combinations of the training inputs) and predict.c (outputs on other
 * inputs). Not a public interface; its names start with tl_ (two-layer).
 *
 * Per-example vectors are padded from n to np (a multiple of
 * NQM_TL_LANES) with zero inputs, zero residuals and zero directions, so
 * that every loop over examples runs in whole lanes; the padded entries
 * of B vanish (sigma(0) = 0 for every activation) and those of C are
 * always multiplied by a zero input, so they add nothing anywhere. */
#ifndef NQMTOP_TL_FAMILY_H
#define NQMTOP_TL_FAMILY_H

#include "nqmtop/model/model.h"
#include "nqmtop/base/pool.h"

enum {
    NQM_TL_LANES = NQM_EXAMPLE_LANES, /* partial sums per reduction, vector friendly */
    NQM_TL_BLOCK = 64,                /* neurons summed together before a chunk total */
    NQM_TL_PROBE_MAX_D = 4,           /* rows mode probes the kernel up to this d */
};

/* The hot loops get clones for wider vector units where the compiler can
 * dispatch on the CPU at load time; without it they stay portable C. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define NQM_TL_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
#endif
#ifndef NQM_TL_HOT
#define NQM_TL_HOT
#endif
/* What a hot loop calls is melted into it (and so into each clone). */
#if defined(__GNUC__)
#define NQM_TL_INLINE static inline __attribute__((always_inline))
#else
#define NQM_TL_INLINE static inline
#endif

typedef enum { TL_ROWS, TL_GRAM } tl_mode;

/* The variants' table of DESIGN §1.2 — the one definition every pass of
 * the family reads — as coefficients of one neuron:
 *
 *     B = a0 + qB a1 s,   C = cv a1 + cq a2 s,
 *     term of sqrt(m) (g - f0) = ov B + os s (a1 + oc a2 s)   (net: of sqrt(m) g)
 *
 * a0, a1, a2 = sigma, sigma', sigma'' at z0 (at z for net), s = du.x / sqrt(d)
 * the neuron's displacement (0 for net); v its outer weight (net) or the
 * displacement dv of it (lin, quad), v0 its initial outer weight:
 *
 *     net:  qB 0, cv v,       cq 0,  ov v,  os 0,  oc 0
 *     lin:  qB 0, cv v0,      cq 0,  ov dv, os v0, oc 0
 *     quad: qB 1, cv v0 + dv, cq v0, ov dv, os v0, oc 1/2
 *
 * A pass may leave out the terms whose coefficient its variant zeroes. */
typedef struct {
    nqm_model_kind variant;
    double qB, cv, cq, ov, os, oc;
} tl_coef;

NQM_TL_INLINE tl_coef tl_coefficients(nqm_model_kind variant, double v, double v0)
{
    tl_coef c = {variant, 0, 0, 0, v, 0, 0};
    if (variant == MODEL_NET) {
        c.cv = v;
        return c;
    }
    c.os = v0;
    c.cv = variant == MODEL_QUAD ? v0 + v : v0;
    if (variant == MODEL_QUAD) {
        c.qB = 1;
        c.cq = v0;
        c.oc = 0.5;
    }
    return c;
}

typedef struct tl_rows tl_rows;
typedef struct tl_gram tl_gram;
typedef struct tl_product tl_product;

typedef struct {
    nqm_model base;
    nqm_model_kind variant;
    nqm_activation act;
    tl_mode mode;
    long m;
    int n, np, d;
    double in_scale; /* 1 / sqrt(d) */
    const double *X; /* (n, d) inputs, borrowed from the data while the model is
                        built; passes read Xt */
    double *Xt;      /* (d, np) inputs transposed, zero padded */
    double *gdiag;   /* (np) |x_i|^2 / d, zero padded */
    double *gram;    /* (n, n) X X^T / d, both triangles */
    double *w;       /* (p) parameters: U or dU (m, d), then v or dv (m) */
    double *w0;      /* (p) initial parameters U0 (m, d), v0 (m) */
    double *f0;      /* (n) f(w0) */
    double *KB, *KC; /* (n, n) accumulators of B B^T and C C^T, upper triangle */
    double *Kfixed;  /* (n, n) lin's constant kernel, NULL until computed */
    int threads;     /* pool threads asked for (0: one) */
    nqm_pool *pool;
    tl_rows *rows;       /* rows mode workspace */
    tl_gram *gm;         /* gram mode caches, NULL in rows mode */
    tl_product *product; /* top_eigs' workspace, made on first use */
} twolayer;

/* What one pass over all neurons does. */
typedef struct {
    double eta_s;
    const double *r;  /* (np) residual, padded; NULL: evaluate only */
    int init;         /* evaluate the network at w0 into g (for f0) */
    int dense;        /* accumulate KB, KC (zeroed by the caller) */
    nqm_probe *probe; /* accumulate H and trace when not NULL */
    double *g;        /* (np) out: sqrt(m) (g - f0), or sqrt(m) g for net and init */
} tl_pass;

/* Rows mode (neurons.c). */
tl_rows *nqm_tl_rows_new(const twolayer *t);
void nqm_tl_rows_free(tl_rows *rows);
void nqm_tl_rows_pass(twolayer *t, const tl_pass *ps);
/* Lin's and quad's (3, np) table of sigma, sigma', sigma'' at Z0 for
 * neuron k when rows mode keeps them and a pass has filled them, else NULL. */
const double *nqm_tl_rows_table(const twolayer *t, long k);

/* The kernel matrix-free (product.c): the top_eigs op of the family. */
tl_product *nqm_tl_product_new(const twolayer *t);
void nqm_tl_product_free(tl_product *pr);
int nqm_tl_top_eigs(nqm_model *self, int k, double tol, double *lam, double *vec);
/* J^T u (p) for u (n) and J v (n) for v (p) at the current point: the
 * vjp and jvp ops. 0, 1 in gram mode, -1 when out of memory. */
int nqm_tl_vjp(nqm_model *self, const double *u, double *out);
int nqm_tl_jvp(nqm_model *self, const double *v, double *out);
/* sum_i r_i (hess g_i) v (p) for r (n), v (p): the curvature op (zero for
 * lin). 0, 1 in gram mode, -1 when out of memory. */
int nqm_tl_curvature(nqm_model *self, const double *r, const double *v, double *out);

/* Relu and linear on 1-D inputs in rows mode (gates1d.c): two gate
 * patterns, O(m + n) per pass. */
void nqm_tl_gate_pass(twolayer *t, const tl_pass *ps);
/* J^T u (p) for u (n) and J v (n) for v (p) from the two patterns,
 * O(m + n) (the vjp and jvp ops in this case). */
void nqm_tl_gate_vjp(const twolayer *t, const double *u, double *out);
void nqm_tl_gate_jvp(const twolayer *t, const double *v, double *out);

/* Gram mode (gram.c): NULL when out of memory. */
tl_gram *nqm_tl_gram_new(const twolayer *t);
void nqm_tl_gram_free(tl_gram *gm);
void nqm_tl_gram_pass(twolayer *t, const tl_pass *ps);
/* Write the displacement kept as coefficients into w (rows mode reads w). */
void nqm_tl_gram_materialise(twolayer *t);
/* Neurons with a positive cached pre-activation on some training example. */
long nqm_tl_gram_active_units(const twolayer *t);

/* Outputs g (n) on the inputs X (n, d) at the current parameters
 * (predict.c; the predict op of the family). 0, or -1 out of memory. */
int nqm_tl_predict(nqm_model *self, const double *X, int n, double *g);

#endif
