/* test_numbers.c: the one number grammar every reader shares (cnum.h):
 * what it takes and refuses, and the shortest exact form the writers use,
 * checked against the C library's own strtod (it must read back to the
 * same double) on edge values and on 20000 random bit patterns; and the
 * writers' non-finite numbers: inf, -inf and nan distinct in text, and in
 * JSON two numbers that read back as the infinities (strtod) and null. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "nqmtop/base/cnum.h"
#include "nqmtop/base/rng.h"
#include "nqmtop/out/emit.h"

static void takes(const char *s, double want)
{
    double v = NAN;
    char msg[128] = "";
    CHECK(nqm_parse_number(s, &v, msg, sizeof msg) == 0, "'%s' refused: %s", s, msg);
    CHECK(v == want, "'%s' read as %.17g, not %.17g", s, v, want);
}

static void refuses(const char *s, const char *why)
{
    double v;
    char msg[128] = "";
    CHECK(nqm_parse_number(s, &v, msg, sizeof msg) != 0, "'%s' accepted as %.17g", s, v);
    CHECK(strstr(msg, why) != NULL, "'%s': message '%s' lacks '%s'", s, msg, why);
}

/* The shortest form reads back exactly, and no shorter %g does. */
static void exact(double v)
{
    char buf[40], shorter[400];
    nqm_format_exact(buf, sizeof buf, v);
    double back = strtod(buf, NULL);
    CHECK(back == v || (v != v && back != back), "%.17g wrote '%s', which reads %.17g", v, buf,
          back);
    const char *e = strchr(buf, 'e');
    CHECK(!e || (e[1] != '+' && !(e[1] == '0' && e[2])), "'%s': exponent not compact", buf);
    int digits = 0, leading = 1; /* significant digits: from the first nonzero one */
    for (const char *p = buf; *p && *p != 'e'; p++) {
        leading &= *p < '1' || *p > '9';
        digits += !leading && *p >= '0' && *p <= '9';
    }
    if (digits > 1 && isfinite(v) && v != 0) {
        snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v);
        CHECK(strtod(shorter, NULL) != v, "%.17g: '%s' is shorter than '%s'", v, shorter, buf);
    }
}

/* v as the writers put it, text or JSON, and what the text reads back as. */
static void non_finite(double v, const char *text, const char *json)
{
    char buf[2][64];
    for (int j = 0; j < 2; j++) {
        FILE *f = fmemopen(buf[j], sizeof buf[j], "w");
        nqm_put_number(f, v, j);
        fclose(f);
    }
    CHECK(strcmp(buf[0], text) == 0 && strcmp(buf[1], json) == 0, "%g: '%s' and '%s'", v, buf[0],
          buf[1]);
    double back = strtod(buf[1], NULL);
    CHECK(isnan(v) ? strcmp(buf[1], "null") == 0 : back == v, "%s reads back as %g, not %g", buf[1],
          back, v);
}

int main(void)
{
    non_finite(INFINITY, "inf", "1e999");
    non_finite(-INFINITY, "-inf", "-1e999");
    non_finite(NAN, "nan", "null");
    takes("0", 0);
    takes("-0.5", -0.5);
    takes("+3", 3);
    takes("1e3", 1000);
    takes("2.5E-2", 0.025);
    takes(".5", 0.5);
    takes("5.", 5);
    takes("4.9e-324", 4.9e-324); /* the smallest subnormal reads as itself */
    takes("1.7976931348623157e308", 1.7976931348623157e308);
    refuses("", "is not a number");
    refuses("abc", "is not a number");
    refuses(" 1", "is not a number");
    refuses("1 ", "is not a number");
    refuses("0x10", "is not a number");
    refuses("0x1p3", "is not a number");
    refuses("1e", "is not a number");
    refuses("1,5", "is not a number");
    refuses("inf", "is not a finite number");
    refuses("-Infinity", "is not a finite number");
    refuses("nan", "is not a finite number");
    refuses("1e309", "overflows a double");
    refuses("1e-400", "too small for a double");
    refuses("0.000000000000000000000000000000000000000000000000000000000000000000000000000000000"
            "0000000000000000000000000000000000000000000000000000001",
            "number too long");
    CHECK(nqm_number_span("12.5e3x") == 6, "span of 12.5e3x");
    CHECK(nqm_number_span("7e+") == 1, "span of 7e+: the exponent needs digits");
    CHECK(nqm_number_span("-.e1") == 0, "span of -.e1");

    char buf[32];
    snprintf(buf, sizeof buf, "2.500e+06");
    nqm_compact_exponent(buf);
    CHECK(strcmp(buf, "2.5e6") == 0, "compact 2.500e+06: %s", buf);
    snprintf(buf, sizeof buf, "1e-05");
    nqm_compact_exponent(buf);
    CHECK(strcmp(buf, "1e-5") == 0, "compact 1e-05: %s", buf);

    const double edges[] = {0.1,
                            0.41,
                            1.0 / 3,
                            2.0 / 3,
                            1e23,
                            5e-324,
                            2.2250738585072014e-308,
                            1.7976931348623157e308,
                            -0.0,
                            123456789012345680.0,
                            9007199254740993.0};
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        exact(edges[i]);
    nqm_format_exact(buf, sizeof buf, 0.41);
    CHECK(strcmp(buf, "0.41") == 0, "0.41 written as %s", buf);
    nqm_rng rng;
    nqm_rng_seed(&rng, 7, 1);
    int tried = 0;
    while (tried < 20000) {
        uint64_t bits = nqm_rng_u64(&rng);
        double v;
        memcpy(&v, &bits, sizeof v);
        if (!isfinite(v))
            continue;
        exact(v);
        tried++;
    }
    printf("grammar and shortest exact form: %d random doubles round-trip\n", tried);
    return check_failures ? 1 : 0;
}
