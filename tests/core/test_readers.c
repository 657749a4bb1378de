/* test_readers.c: the binary data readers on files this test writes
 * itself. IDX (every element type, plain and gzip, one and several gzip
 * members), NPY (versions 1 to 3, both byte orders, every element type,
 * C and Fortran order, 1-D and 3-D) and CIFAR-10 batches read back the
 * values written; every malformed variant is refused with one line that
 * names the file and what is wrong. Through a preset: classes picks two
 * labels as +1 / -1, class labels without classes are refused, test_size
 * takes part of the test set, standardize gives mean 0 and deviation 1
 * over the training set and normalize unit norms. */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "nqmtop/input/arrays.h"
#include "nqmtop/input/data.h"

static char dir[] = "/tmp/nqmtop-readers-XXXXXX";

static void write_bytes(const char *name, const void *bytes, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL, "cannot write %s", path);
    if (f) {
        fwrite(bytes, 1, len, f);
        fclose(f);
    }
}

/* ---- writing the formats ---------------------------------------------------------- */

typedef struct {
    unsigned char b[1 << 16];
    size_t n;
} buffer;

static void put(buffer *o, const void *p, size_t n)
{
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

/* v as an element of `size` bytes of the byte order, its bits from the
 * type: float, or a two's complement integer. */
static void put_value(buffer *o, double v, char kind, size_t size, int big)
{
    unsigned char bytes[8];
    uint64_t bits;
    if (kind == 'f' && size == 4) {
        float f = (float)v;
        uint32_t w;
        memcpy(&w, &f, 4);
        bits = w;
    } else if (kind == 'f') {
        memcpy(&bits, &v, 8);
    } else {
        bits = (uint64_t)(int64_t)v;
    }
    for (size_t k = 0; k < size; k++)
        bytes[big ? size - 1 - k : k] = (unsigned char)(bits >> (8 * k));
    put(o, bytes, size);
}

/* The value of example i, feature j in every test array: small whole
 * numbers, negative ones where the type is signed, exact in float32. */
static double value(int i, int j, int is_signed) { return (is_signed ? -7 : 0) + 3 * i + j; }

/* An IDX file of rows x cols (as 2 dims: rows x 1 x cols when dims3) of
 * the type code. */
static void idx_file(buffer *o, int code, int rows, int cols, int dims3)
{
    const char kind = code >= 0x0D ? 'f' : 'i';
    const size_t size = code == 0x0B ? 2 : code == 0x0C || code == 0x0D ? 4 : code == 0x0E ? 8 : 1;
    unsigned char head[4] = {0, 0, (unsigned char)code, (unsigned char)(dims3 ? 3 : 2)};
    o->n = 0;
    put(o, head, 4);
    put_value(o, rows, 'i', 4, 1);
    if (dims3)
        put_value(o, 1, 'i', 4, 1);
    put_value(o, cols, 'i', 4, 1);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            put_value(o, value(i, j, code != 0x08), kind, size, 1);
}

/* An NPY file of the descr and shape text, its values value(i, j) in C
 * or Fortran order (cols 0: a 1-D array of rows). */
static void npy_file(buffer *o, int version, const char *descr, int rows, int cols, int fortran)
{
    char header[256];
    int hl = snprintf(header, sizeof header,
                      "{'descr': '%s', 'fortran_order': %s, 'shape': (%d,%s%d), }", descr,
                      fortran ? "True" : "False", rows, cols ? " " : "", cols);
    if (!cols)
        hl = snprintf(header, sizeof header,
                      "{'descr': '%s', 'fortran_order': False, 'shape': (%d,), }", descr, rows);
    size_t start = version == 1 ? 10 : 12, total = start + (size_t)hl + 1;
    while (total % 64)
        header[hl++] = ' ', total++;
    header[hl++] = '\n';
    o->n = 0;
    unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', (unsigned char)version, 0};
    put(o, magic, 8);
    put_value(o, hl, 'i', version == 1 ? 2 : 4, 0);
    put(o, header, (size_t)hl);
    const char kind = descr[1] == 'f' ? 'f' : 'i';
    const size_t size = (size_t)(descr[2] - '0');
    const int big = descr[0] == '>', is_signed = descr[1] == 'i' || kind == 'f';
    int c = cols ? cols : 1;
    for (int a = 0; a < (fortran ? c : rows); a++)
        for (int b = 0; b < (fortran ? rows : c); b++) {
            int i = fortran ? b : a, j = fortran ? a : b;
            put_value(o, descr[1] == 'b' ? (i + j) % 2 : value(i, j, is_signed), kind, size, big);
        }
}

/* gzip of in into out, split into `members` gzip members. */
static void gzip_of(const buffer *in, buffer *out, int members)
{
    out->n = 0;
    size_t at = 0;
    for (int k = 0; k < members; k++) {
        size_t part = k == members - 1 ? in->n - at : in->n / members;
        z_stream z;
        memset(&z, 0, sizeof z);
        deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        z.next_in = (unsigned char *)in->b + at;
        z.avail_in = (unsigned)part;
        z.next_out = out->b + out->n;
        z.avail_out = (unsigned)(sizeof out->b - out->n);
        deflate(&z, Z_FINISH);
        out->n = sizeof out->b - z.avail_out;
        deflateEnd(&z);
        at += part;
    }
}

/* ---- reading back ------------------------------------------------------------------- */

static void check_values(const char *what, const nqm_array *a, int rows, int cols, int is_signed,
                         double scale, int boolean)
{
    CHECK(a->rows == rows && a->cols == cols, "%s: %ld x %ld, want %d x %d", what, a->rows, a->cols,
          rows, cols);
    if (a->rows != rows || a->cols != cols)
        return;
    int wrong = 0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            wrong +=
                nqm_array_at(a, i, j) != (boolean ? (i + j) % 2 : scale * value(i, j, is_signed));
    CHECK(wrong == 0, "%s: %d values differ from those written", what, wrong);
}

static void check_idx(void)
{
    static const int codes[] = {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E};
    static buffer raw, gz;
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++)
        for (int dims3 = 0; dims3 < 2; dims3++) {
            idx_file(&raw, codes[k], 5, 7, dims3);
            nqm_array a;
            char err[256], what[64];
            snprintf(what, sizeof what, "idx type 0x%02x%s", codes[k], dims3 ? " 3-D" : "");
            int rc = nqm_idx_parse("t.idx", raw.b, raw.n, &a, err, sizeof err);
            CHECK(rc == 0, "%s: %s", what, err);
            if (rc == 0)
                check_values(what, &a, 5, 7, codes[k] != 0x08, 1, 0);
        }
    /* gzip, one and three members, through the file reader */
    idx_file(&raw, 0x08, 9, 4, 1);
    for (int members = 1; members <= 3; members += 2) {
        gzip_of(&raw, &gz, members);
        write_bytes("t.idx.gz", gz.b, gz.n);
        char path[256], err[256];
        snprintf(path, sizeof path, "%s/t.idx.gz", dir);
        unsigned char *bytes;
        size_t len;
        int rc = nqm_binary_read(path, &bytes, &len, err, sizeof err);
        CHECK(rc == 0 && len == raw.n && memcmp(bytes, raw.b, len) == 0, "gzip of %d member(s): %s",
              members, rc ? err : "other bytes");
        if (rc == 0)
            free(bytes);
    }
    printf("idx: 6 element types, 2-D and 3-D, plain and gzip (1 and 3 members) read back\n");
}

static void check_npy(void)
{
    static const char *const types[] = {"|b1", "|u1", "|i1", "<u2", ">u2", "<i2", ">i2", "<u4",
                                        ">i4", "<u8", ">i8", "<f4", ">f4", "<f8", ">f8"};
    static buffer raw;
    int count = 0;
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
        for (int version = 1; version <= 3; version++)
            for (int fortran = 0; fortran < 2; fortran++) {
                npy_file(&raw, version, types[k], 6, 5, fortran);
                nqm_array a;
                char err[256], what[64];
                snprintf(what, sizeof what, "npy %s v%d %s", types[k], version,
                         fortran ? "F" : "C");
                int rc = nqm_npy_parse("t.npy", raw.b, raw.n, &a, err, sizeof err);
                CHECK(rc == 0, "%s: %s", what, err);
                int is_signed = types[k][1] != 'u';
                if (rc == 0)
                    check_values(what, &a, 6, 5, is_signed, 1, types[k][1] == 'b');
                count++;
            }
    npy_file(&raw, 1, "<i8", 4, 0, 0);
    nqm_array a;
    char err[256];
    CHECK(nqm_npy_parse("l.npy", raw.b, raw.n, &a, err, sizeof err) == 0 && a.rows == 4 &&
              a.cols == 1 && nqm_array_at(&a, 3, 0) == value(3, 0, 1),
          "1-D labels: %s", err);
    const char text3[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }";
    buffer b3 = {.n = 0};
    unsigned char magic[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, sizeof text3 - 1, 0};
    put(&b3, magic, 10);
    put(&b3, text3, sizeof text3 - 1);
    for (int i = 0; i < 24; i++)
        put_value(&b3, i, 'f', 8, 0);
    CHECK(nqm_npy_parse("3d.npy", b3.b, b3.n, &a, err, sizeof err) == 0 && a.rows == 2 &&
              a.cols == 12 && nqm_array_at(&a, 1, 5) == 17,
          "3-D array flattened in C order: %s", err);
    printf("npy: %d variants (15 types x versions 1-3 x C/Fortran), 1-D and 3-D read back\n",
           count);
}

static void check_cifar(void)
{
    static unsigned char batch[3 * NQM_CIFAR_RECORD];
    for (int r = 0; r < 3; r++) {
        batch[r * NQM_CIFAR_RECORD] = (unsigned char)(r * 4);
        for (int p = 0; p < NQM_CIFAR_PIXELS; p++)
            batch[r * NQM_CIFAR_RECORD + 1 + p] = (unsigned char)((r + p) % 256);
    }
    nqm_array X, y;
    char err[256];
    int rc = nqm_cifar_parse("c.bin", batch, sizeof batch, &X, &y, err, sizeof err);
    CHECK(rc == 0 && X.rows == 3 && X.cols == NQM_CIFAR_PIXELS && y.cols == 1, "cifar: %s", err);
    if (rc == 0)
        CHECK(nqm_array_at(&y, 2, 0) == 8 && nqm_array_at(&X, 2, 1023) == (2 + 1023) % 256 &&
                  nqm_array_at(&X, 1, 3071) == (1 + 3071) % 256,
              "cifar: labels or pixels differ");
    batch[NQM_CIFAR_RECORD] = 10;
    rc = nqm_cifar_parse("c.bin", batch, sizeof batch, &X, &y, err, sizeof err);
    CHECK(rc != 0 && strstr(err, "c.bin: record 2 (byte 3073): label 10") != NULL, "%s", err);
    rc = nqm_cifar_parse("c.bin", batch, sizeof batch - 1, &X, &y, err, sizeof err);
    CHECK(rc != 0 && strstr(err, "record 3 is cut short") != NULL, "%s", err);
    batch[NQM_CIFAR_RECORD] = 4;
}

/* ---- malformed files ---------------------------------------------------------------- */

typedef int (*parse_fn)(const char *, const unsigned char *, size_t, nqm_array *, char *, size_t);

static void refused(parse_fn parse, const char *name, const buffer *b, const char *want)
{
    nqm_array a;
    char err[256] = "";
    int rc = parse(name, b->b, b->n, &a, err, sizeof err);
    CHECK(rc != 0, "%s accepted (want '%s')", name, want);
    CHECK(strncmp(err, name, strlen(name)) == 0 && strstr(err, want) && !strchr(err, '\n'),
          "message '%s' lacks '%s'", err, want);
}

static void check_malformed(void)
{
    static buffer b, gz;
    idx_file(&b, 0x08, 3, 4, 0);
    b.n--;
    refused(nqm_idx_parse, "cut.idx", &b, "23 bytes, but its header (3 x 4 elements");
    b.n += 2;
    refused(nqm_idx_parse, "long.idx", &b, "25 bytes");
    b.b[2] = 0x0A;
    refused(nqm_idx_parse, "type.idx", &b, "unknown IDX element type 0x0a (byte 2)");
    b.b[2] = 0x08, b.b[0] = 1;
    refused(nqm_idx_parse, "magic.idx", &b, "not an IDX file");
    b.b[0] = 0, b.b[3] = 0;
    refused(nqm_idx_parse, "dims.idx", &b, "0 dimensions (byte 3)");
    b.b[3] = 2, b.b[7] = 0;
    refused(nqm_idx_parse, "zero.idx", &b, "dimension 1 is 0 (byte 4)");
    b.n = 6;
    b.b[3] = 2;
    refused(nqm_idx_parse, "head.idx", &b, "header of 12 bytes is cut short");

    npy_file(&b, 1, "<f8", 3, 2, 0);
    b.n -= 8;
    refused(nqm_npy_parse, "cut.npy", &b, "40 bytes of data after the header, the shape makes 48");
    static const struct {
        const char *text, *want;
    } headers[] = {
        {"{'descr': '<c16', 'fortran_order': False, 'shape': (3,), }", "'<c16' is not supported"},
        {"{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", "'<f2' is not supported"},
        {"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (3,), }", "structured"},
        {"{'descr': '<f8', 'fortran_order': Maybe, 'shape': (3,), }", "neither True nor False"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (), }", "a scalar"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (0, 3), }", "empty"},
        {"{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2, 2), }", "Fortran-order"},
        {"{'descr': '<f8', 'shape': (3,), }", "is missing"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1}", "unknown key"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3,) ", "',' or '}'"},
        {"{'descr: '<f8'}", "':' was expected"},
        {"['descr']", "not a dict"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } x", "text after the dict"},
    };
    for (size_t k = 0; k < sizeof headers / sizeof headers[0]; k++) {
        b.n = 0;
        unsigned char magic[10] = {
            0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)strlen(headers[k].text), 0};
        put(&b, magic, 10);
        put(&b, headers[k].text, strlen(headers[k].text));
        for (int i = 0; i < 3; i++)
            put_value(&b, i, 'f', 8, 0);
        refused(nqm_npy_parse, "head.npy", &b, headers[k].want);
    }
    b.b[6] = 4;
    refused(nqm_npy_parse, "v4.npy", &b, "NPY version 4.0 is not 1 to 3");
    b.b[0] = 'x';
    refused(nqm_npy_parse, "magic.npy", &b, "not an NPY file");
    b.b[0] = 0x93, b.b[6] = 1, b.b[8] = 200;
    refused(nqm_npy_parse, "hlen.npy", &b, "header is cut short");

    idx_file(&b, 0x08, 3, 4, 0);
    gzip_of(&b, &gz, 1);
    unsigned char *out;
    size_t len;
    char err[256];
    CHECK(nqm_gunzip("cut.gz", gz.b, gz.n - 5, 1 << 20, &out, &len, err, sizeof err) != 0 &&
              strstr(err, "cut.gz: gzip: "),
          "a cut gzip stream: %s", err);
    gz.b[12] ^= 0x55;
    CHECK(nqm_gunzip("bad.gz", gz.b, gz.n, 1 << 20, &out, &len, err, sizeof err) != 0 &&
              strstr(err, "bad.gz: gzip: "),
          "a corrupt gzip stream: %s", err);
    gz.b[12] ^= 0x55;
    CHECK(nqm_gunzip("big.gz", gz.b, gz.n, 10, &out, &len, err, sizeof err) != 0 &&
              strstr(err, "more than 10 bytes once inflated"),
          "a gzip stream over the limit: %s", err);
    gz.b[gz.n++] = 'x';
    CHECK(nqm_gunzip("tail.gz", gz.b, gz.n, 1 << 20, &out, &len, err, sizeof err) != 0 &&
              strstr(err, "data after the end"),
          "junk after a gzip stream: %s", err);
    printf("malformed: IDX, NPY, CIFAR-10 and gzip variants refused with FILE: what\n");
}

/* ---- through a preset --------------------------------------------------------------- */

/* images.idx (20 images of 6 pixels, labels i % 3 in labels.idx) and the
 * same as test files. */
static void write_set(void)
{
    static buffer b;
    b.n = 0;
    unsigned char head[4] = {0, 0, 0x08, 2};
    put(&b, head, 4);
    put_value(&b, 20, 'i', 4, 1);
    put_value(&b, 6, 'i', 4, 1);
    for (int i = 0; i < 20; i++)
        for (int j = 0; j < 6; j++)
            put_value(&b, (i * 37 + j * 11) % 256, 'i', 1, 1);
    write_bytes("images.idx", b.b, b.n);
    b.n = 0;
    unsigned char lhead[4] = {0, 0, 0x08, 1};
    put(&b, lhead, 4);
    put_value(&b, 20, 'i', 4, 1);
    for (int i = 0; i < 20; i++)
        put_value(&b, i % 3, 'i', 1, 1);
    write_bytes("labels.idx", b.b, b.n);
}

/* Resolve the preset of images.idx (and labels.idx unless extra starts
 * with '-') with the extra lines. */
static int resolve(const char *extra, nqm_config *cfg, char *err, size_t errlen)
{
    char text[1024], path[256];
    int labels = extra[0] != '-';
    snprintf(text, sizeof text, "# readers\ndata = idx\ntrain_file = images.idx\n%sloss = mse\n%s",
             labels ? "train_labels = labels.idx\n" : "", extra + !labels);
    snprintf(path, sizeof path, "%s/r.preset", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return nqm_preset_resolve(&test_places()->presets, path, NULL, 0, cfg, err, errlen);
}

static void check_preset(void)
{
    write_set();
    nqm_config cfg;
    nqm_data data;
    char err[1024];
    CHECK(resolve("", &cfg, err, sizeof err) != 0 &&
              strstr(err, "r.preset: classes: the labels of ") &&
              strstr(err, "labels.idx are classes 0 to 2"),
          "class labels without classes: %s", err);
    int rc = resolve("classes = 2,0\n", &cfg, err, sizeof err);
    CHECK(rc == 0, "classes = 2,0: %s", err);
    if (rc == 0 && nqm_data_make(&cfg, &data, err, sizeof err) == 0) {
        /* 7 of label 0 (i = 0, 3, ..., 18) and 6 of label 2 */
        int plus = 0, right = 1;
        for (int i = 0; i < data.n; i++) {
            plus += data.y[i] == 1;
            /* the first pixel tells the row: (i * 37) % 256 / 255 */
            int row = -1;
            for (int r = 0; r < 20; r++)
                if (data.X[(size_t)i * 6] == ((r * 37) % 256) / 255.0 &&
                    data.X[(size_t)i * 6 + 1] == ((r * 37 + 11) % 256) / 255.0)
                    row = r;
            right &= row >= 0 && data.y[i] == (row % 3 == 2 ? 1 : -1) && row % 3 != 1;
        }
        CHECK(data.n == 13 && plus == 6 && right, "classes = 2,0: n %d, %d of +1", data.n, plus);
        nqm_data_free(&data);
    }
    if (rc == 0)
        nqm_config_free(&cfg);

    rc = resolve("classes = 0,1\ntest_file = images.idx\ntest_labels = labels.idx\n"
                 "test_size = 5\nstandardize = yes\n",
                 &cfg, err, sizeof err);
    CHECK(rc == 0 && cfg.test_n == 5, "test_size = 5: %s (test_n %d)", err, cfg.test_n);
    if (rc == 0 && nqm_data_make(&cfg, &data, err, sizeof err) == 0) {
        for (int j = 0; j < data.d; j++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < data.n; i++)
                mean += data.X[(size_t)i * data.d + j] / data.n;
            for (int i = 0; i < data.n; i++)
                sq += pow(data.X[(size_t)i * data.d + j] - mean, 2) / data.n;
            CHECK(fabs(mean) < 1e-12 && fabs(sq - 1) < 1e-12, "feature %d: mean %g, var %g", j,
                  mean, sq);
        }
        CHECK(data.n_test == 5, "test set of %d", data.n_test);
        nqm_data_free(&data);
    }
    if (rc == 0)
        nqm_config_free(&cfg);

    rc = resolve("classes = 0,1\nnormalize = yes\n", &cfg, err, sizeof err);
    if (rc == 0 && nqm_data_make(&cfg, &data, err, sizeof err) == 0) {
        for (int i = 0; i < data.n; i++) {
            double sq = 0;
            for (int j = 0; j < data.d; j++)
                sq += data.X[(size_t)i * data.d + j] * data.X[(size_t)i * data.d + j];
            CHECK(fabs(sq - 1) < 1e-14, "example %d: |x|^2 = %.17g", i, sq);
        }
        nqm_data_free(&data);
    }
    CHECK(rc == 0, "normalize: %s", err);
    if (rc == 0)
        nqm_config_free(&cfg);

    CHECK(resolve("classes = 0,7\n", &cfg, err, sizeof err) != 0 &&
              strstr(err, "classes: no example of ") && strstr(err, "has the label 7"),
          "a class with no example: %s", err);
    CHECK(resolve("classes = 0,1\ntest_size = 3\n", &cfg, err, sizeof err) != 0 &&
              strstr(err, "test_size: there is no test set"),
          "test_size without a test set: %s", err);
    CHECK(resolve("classes = 1,1\n", &cfg, err, sizeof err) != 0 &&
              strstr(err, "r.preset:6: classes: the two classes are the same label 1"),
          "the same class twice: %s", err);
    CHECK(resolve("-classes = 0,1\n", &cfg, err, sizeof err) != 0 &&
              strstr(err, "train_labels: data = idx needs the file of the training labels"),
          "no label file: %s", err);
    printf("preset: classes, refusals, test_size, standardize and normalize\n");
}

/* Resolve the preset text written to lab.preset in the test folder. */
static int resolve_text(const char *text, nqm_config *cfg, char *err, size_t errlen)
{
    char path[256];
    snprintf(path, sizeof path, "%s/lab.preset", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return nqm_preset_resolve(&test_places()->presets, path, NULL, 0, cfg, err, errlen);
}

/* A CSV file of 12 rows, two features and the label label(i). */
static void csv_labels(const char *name, double (*label)(int))
{
    char text[1024];
    size_t n = 0;
    for (int i = 0; i < 12; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%d,%d,%g\n", i, 2 * i - 5, label(i));
    write_bytes(name, text, n);
}

static double three_classes(int i) { return i % 3; }
static double zero_one(int i) { return i % 2; }
static double targets(int i) { return 0.25 * i - 1.1; }
static double one_class(int i) { return 4 + 0 * i; }

/* Labels that are not +-1 (0/1, multi-class, one class) of every reader:
 * refused with a message naming the way out, picked with classes = a,b,
 * or kept as regression targets with classes = targets; real-valued
 * labels are targets. Never a run whose test accuracy is silently nan. */
static void check_labels(void)
{
    static const struct {
        const char *file;
        double (*label)(int);
    } sets[] = {{"k3.csv", three_classes}, {"k2.csv", zero_one}, {"k1.csv", one_class}};
    nqm_config cfg;
    char err[1024], text[1024];
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        csv_labels(sets[k].file, sets[k].label);
        snprintf(text, sizeof text, "data = csv\ntrain_file = %s\ntest_fraction = 0.25\n",
                 sets[k].file);
        CHECK(resolve_text(text, &cfg, err, sizeof err) != 0 && strstr(err, "classes: ") &&
                  strstr(err, sets[k].file) && strstr(err, "classes = targets"),
              "%s without classes: %s", sets[k].file, err);
        strcat(text, "classes = targets\n");
        int rc = resolve_text(text, &cfg, err, sizeof err);
        CHECK(rc == 0 && cfg.nclasses == NQM_CLASSES_TARGETS, "%s, classes = targets: %s",
              sets[k].file, err);
        if (rc == 0) {
            nqm_data data;
            CHECK(nqm_data_make(&cfg, &data, err, sizeof err) == 0 && data.n == 9 &&
                      data.n_test == 3,
                  "%s as targets: %s", sets[k].file, err);
            int as_stored = 1;
            for (int i = 0; i < data.n; i++)
                as_stored &= data.y[i] == sets[k].label((int)data.X[(size_t)i * 2]);
            CHECK(as_stored, "%s as targets: the labels are not as stored", sets[k].file);
            nqm_data_free(&data);
            char *written = NULL;
            size_t len = 0;
            FILE *mem = open_memstream(&written, &len);
            nqm_preset_write(mem, &cfg);
            fclose(mem);
            CHECK(written && strstr(written, "\nclasses = targets\n"), "classes = targets written");
            free(written);
            nqm_config_free(&cfg);
        }
    }
    CHECK(resolve_text("data = csv\ntrain_file = k3.csv\nclasses = 2,0\n", &cfg, err, sizeof err) ==
                  0 &&
              cfg.n == 8,
          "k3.csv, classes = 2,0: %s", err);
    if (cfg.n == 8)
        nqm_config_free(&cfg);
    csv_labels("real.csv", targets);
    CHECK(resolve_text("data = csv\ntrain_file = real.csv\n", &cfg, err, sizeof err) == 0,
          "real-valued labels are targets: %s", err);
    nqm_config_free(&cfg);
    /* NPY labels -7, -4, -1, ... (whole numbers): classes again */
    buffer b;
    npy_file(&b, 1, "<f8", 12, 2, 0);
    write_bytes("x.npy", b.b, b.n);
    npy_file(&b, 1, "<i8", 12, 0, 0);
    write_bytes("y.npy", b.b, b.n);
    const char *npy = "data = npy\ntrain_file = x.npy\ntrain_labels = y.npy\n";
    CHECK(resolve_text(npy, &cfg, err, sizeof err) != 0 &&
              strstr(err, "y.npy are classes -7 to 26"),
          "NPY whole-number labels without classes: %s", err);
    snprintf(text, sizeof text, "%sclasses = targets\n", npy);
    CHECK(resolve_text(text, &cfg, err, sizeof err) == 0, "NPY labels as targets: %s", err);
    nqm_config_free(&cfg);
    printf("labels: 0/1, multi-class and one class refused or mapped, targets kept\n");
}

/* ---- .npz archives --------------------------------------------------------------- */

/* A member of a zip archive being written. */
typedef struct {
    const char *name;
    const buffer *data;
    int deflate; /* else stored */
    int zip64;   /* sizes and offset in a zip64 extra field of the central header */
} zip_member;

static void put_le(buffer *o, uint64_t v, int n) { put_value(o, (double)v, 'i', (size_t)n, 0); }

/* A zip archive of the members, as np.savez (stored) or
 * np.savez_compressed (deflated) would hold them. */
static void zip_file(buffer *o, const zip_member *m, int count)
{
    static buffer packed[4];
    uint64_t offset[4];
    uint32_t crc[4];
    o->n = 0;
    for (int k = 0; k < count; k++) {
        packed[k].n = 0;
        if (m[k].deflate) {
            z_stream zs;
            memset(&zs, 0, sizeof zs);
            deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
            zs.next_in = (unsigned char *)m[k].data->b;
            zs.avail_in = (unsigned)m[k].data->n;
            zs.next_out = packed[k].b;
            zs.avail_out = sizeof packed[k].b;
            deflate(&zs, Z_FINISH);
            packed[k].n = zs.total_out;
            deflateEnd(&zs);
        } else {
            put(&packed[k], m[k].data->b, m[k].data->n);
        }
        crc[k] = (uint32_t)crc32(0, m[k].data->b, (unsigned)m[k].data->n);
        offset[k] = o->n;
        put_le(o, 0x04034b50, 4);
        put_le(o, 20, 2);
        put_le(o, 0, 2);
        put_le(o, m[k].deflate ? 8 : 0, 2);
        put_le(o, 0, 4);
        put_le(o, crc[k], 4);
        put_le(o, packed[k].n, 4);
        put_le(o, m[k].data->n, 4);
        put_le(o, strlen(m[k].name), 2);
        put_le(o, 0, 2);
        put(o, m[k].name, strlen(m[k].name));
        put(o, packed[k].b, packed[k].n);
    }
    uint64_t central = o->n;
    for (int k = 0; k < count; k++) {
        int z64 = m[k].zip64;
        put_le(o, 0x02014b50, 4);
        put_le(o, 45, 2);
        put_le(o, 45, 2);
        put_le(o, 0, 2);
        put_le(o, m[k].deflate ? 8 : 0, 2);
        put_le(o, 0, 4);
        put_le(o, crc[k], 4);
        put_le(o, z64 ? 0xFFFFFFFF : packed[k].n, 4);
        put_le(o, z64 ? 0xFFFFFFFF : m[k].data->n, 4);
        put_le(o, strlen(m[k].name), 2);
        put_le(o, z64 ? 28 : 0, 2);
        put_le(o, 0, 6); /* comment length, disk, internal attributes */
        put_le(o, 0, 4); /* external attributes */
        put_le(o, z64 ? 0xFFFFFFFF : offset[k], 4);
        put(o, m[k].name, strlen(m[k].name));
        if (z64) {
            put_le(o, 1, 2);
            put_le(o, 24, 2);
            put_le(o, m[k].data->n, 8);
            put_le(o, packed[k].n, 8);
            put_le(o, offset[k], 8);
        }
    }
    uint64_t dirlen = o->n - central;
    put_le(o, 0x06054b50, 4);
    put_le(o, 0, 4);
    put_le(o, (uint64_t)count, 2);
    put_le(o, (uint64_t)count, 2);
    put_le(o, dirlen, 4);
    put_le(o, central, 4);
    put_le(o, 0, 2);
}

/* Members chosen by name: an archive with the features under "images",
 * the labels under "targets" and decoys under the usual names (x, y of
 * other numbers) reads the named members; a name it lacks is refused
 * with the names it holds. */
static void check_npz_named(const buffer *x, const buffer *y, const nqm_data *ref)
{
    static buffer decoy_x, decoy_y, zip;
    npy_file(&decoy_x, 1, "<f8", 12, 3, 0);
    for (size_t i = decoy_x.n - 8 * 36; i < decoy_x.n; i += 8) {
        double v = 7.0;
        memcpy(decoy_x.b + i, &v, 8);
    }
    npy_file(&decoy_y, 1, "<f8", 12, 0, 0);
    zip_member m[4] = {{"x.npy", &decoy_x, 0, 0},
                       {"images.npy", x, 1, 0},
                       {"y.npy", &decoy_y, 0, 0},
                       {"targets.npy", y, 1, 0}};
    zip_file(&zip, m, 4);
    write_bytes("named.npz", zip.b, zip.n);
    static const char *const base = "data = npy\ntest_fraction = 0.25\ntrain_file = named.npz\n";
    char text[512], err[1024];
    nqm_config cfg;
    snprintf(text, sizeof text, "%snpz_features = images\nnpz_labels = targets\n", base);
    int rc = resolve_text(text, &cfg, err, sizeof err);
    CHECK(rc == 0, "named members: %s", err);
    nqm_data data;
    if (rc == 0 && nqm_data_make(&cfg, &data, err, sizeof err) == 0) {
        CHECK(data.n == ref->n && data.d == 3 && memcmp(data.X, ref->X, sizeof *data.X * 27) == 0 &&
                  memcmp(data.y, ref->y, sizeof *data.y * 9) == 0,
              "named members: the numbers of images.npy and targets.npy");
        nqm_data_free(&data);
    }
    if (rc == 0)
        nqm_config_free(&cfg);
    snprintf(text, sizeof text, "%snpz_features = pixels\nnpz_labels = targets\n", base);
    rc = resolve_text(text, &cfg, err, sizeof err);
    CHECK(rc != 0 && strstr(err, "no member pixels.npy") && strstr(err, "images.npy"),
          "a named member missing: %s", err);
    if (rc == 0)
        nqm_config_free(&cfg);
}

/* .npz archives: x and y stored, deflated and in zip64 headers, savez's
 * arr_0 and arr_1, through a preset (labels beside the features or in an
 * archive of their own) with the very numbers of the two .npy files; a
 * missing member, a bad CRC, a cut archive and a method other than
 * stored or deflate refused with FILE: what. */
static void check_npz(void)
{
    static buffer x, y, zip;
    npy_file(&x, 1, "<f8", 12, 3, 0);
    npy_file(&y, 1, "<f8", 12, 0, 0);
    for (int i = 0; i < 12; i++) { /* labels +-1 in place of value(i, 0) */
        double label = i % 2 ? 1.0 : -1.0;
        memcpy(y.b + y.n - 8 * (size_t)(12 - i), &label, 8);
    }
    write_bytes("x.npy", x.b, x.n);
    write_bytes("y.npy", y.b, y.n);
    static const char *const base = "data = npy\ntest_fraction = 0.25\n";
    char text[512], err[1024];
    nqm_config cfg;
    snprintf(text, sizeof text, "%strain_file = x.npy\ntrain_labels = y.npy\n", base);
    CHECK(resolve_text(text, &cfg, err, sizeof err) == 0, "the .npy pair: %s", err);
    nqm_data ref;
    CHECK(nqm_data_make(&cfg, &ref, err, sizeof err) == 0, "the .npy pair: %s", err);
    nqm_config_free(&cfg);
    const struct {
        const char *what, *x, *y;
        int deflate, zip64;
    } kinds[] = {{"stored", "x.npy", "y.npy", 0, 0},
                 {"deflated", "x.npy", "y.npy", 1, 0},
                 {"zip64", "X.npy", "Y.npy", 1, 1},
                 {"savez", "arr_0.npy", "arr_1.npy", 0, 0}};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        zip_member m[2] = {{kinds[k].y, &y, kinds[k].deflate, kinds[k].zip64},
                           {kinds[k].x, &x, kinds[k].deflate, kinds[k].zip64}};
        zip_file(&zip, m, 2);
        write_bytes("d.npz", zip.b, zip.n);
        snprintf(text, sizeof text, "%strain_file = d.npz\n", base);
        int rc = resolve_text(text, &cfg, err, sizeof err);
        CHECK(rc == 0, "npz %s: %s", kinds[k].what, err);
        nqm_data data;
        if (rc == 0 && nqm_data_make(&cfg, &data, err, sizeof err) == 0) {
            CHECK(data.n == ref.n && data.n_test == ref.n_test && data.d == 3 &&
                      memcmp(data.X, ref.X, sizeof *data.X * 27) == 0 &&
                      memcmp(data.y, ref.y, sizeof *data.y * 9) == 0 &&
                      memcmp(data.y_test, ref.y_test, sizeof *data.y * 3) == 0,
                  "npz %s: the numbers of the .npy files", kinds[k].what);
            nqm_data_free(&data);
        }
        if (rc == 0)
            nqm_config_free(&cfg);
    }
    zip_member alone = {"arr_0.npy", &y, 1, 0};
    zip_file(&zip, &alone, 1);
    write_bytes("labels.npz", zip.b, zip.n);
    snprintf(text, sizeof text, "%strain_file = x.npy\ntrain_labels = labels.npz\n", base);
    CHECK(resolve_text(text, &cfg, err, sizeof err) == 0 && cfg.n == ref.n,
          "labels in an archive of their own: %s", err);
    nqm_config_free(&cfg);
    check_npz_named(&x, &y, &ref);
    nqm_data_free(&ref);

    zip_member only_x = {"x.npy", &x, 0, 0};
    zip_file(&zip, &only_x, 1);
    unsigned char *out;
    size_t len;
    static const char *const labels[] = {"y", "labels", NULL};
    CHECK(nqm_npz_member("e.npz", zip.b, zip.n, labels, &out, &len, err, sizeof err) != 0 &&
              strstr(err, "e.npz: no member y.npy, labels.npy in the archive (it holds x.npy)"),
          "a missing member: %s", err);
    static const char *const xs[] = {"x", NULL};
    CHECK(nqm_npz_member("e.npz", zip.b, zip.n, xs, &out, &len, err, sizeof err) == 0 &&
              len == x.n && memcmp(out, x.b, len) == 0,
          "a stored member read back: %s", err);
    free(out);
    zip.b[60] ^= 1; /* inside x.npy's header */
    CHECK(nqm_npz_member("e.npz", zip.b, zip.n, xs, &out, &len, err, sizeof err) != 0 &&
              strstr(err, "e.npz: zip: a member fails its CRC-32 check"),
          "a flipped bit: %s", err);
    zip.b[60] ^= 1;
    zip.b[8] = 14;                        /* LZMA, in the local header */
    zip.b[zip.n - 22 - 46 - 5 + 10] = 14; /* and in the central one */
    CHECK(nqm_npz_member("e.npz", zip.b, zip.n, xs, &out, &len, err, sizeof err) != 0 &&
              strstr(err, "stored or deflated"),
          "another compression method: %s", err);
    for (size_t cut = 0; cut < zip.n; cut += 7)
        CHECK(nqm_npz_member("e.npz", zip.b, cut, xs, &out, &len, err, sizeof err) != 0 &&
                  strncmp(err, "e.npz: ", 7) == 0 && !strchr(err, '\n'),
              "cut at %zu: %s", cut, err);
    printf("npz: stored, deflated, zip64, savez names, labels apart; damage refused\n");
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL, "no temporary folder");
    check_idx();
    check_npy();
    check_cifar();
    check_malformed();
    check_preset();
    check_labels();
    check_npz();
    const char *names[] = {"t.idx.gz", "images.idx", "labels.idx", "r.preset", "lab.preset",
                           "k3.csv",   "k2.csv",     "k1.csv",     "real.csv", "x.npy",
                           "y.npy",    "d.npz",      "labels.npz", "named.npz"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        unlink(path);
    }
    rmdir(dir);
    return check_report("test_readers");
}
