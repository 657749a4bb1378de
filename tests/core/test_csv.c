/* test_csv.c: the CSV loader on good tables (header detection, label by
 * name, number or position, CRLF, comments, quoted fields holding commas
 * and quotes, separators seen or given, np.savetxt output), on every malformed
 * input it must refuse (each message must name the file, the line and,
 * where there is one, the column), and on the shipped digits data. */
#include <string.h>

#include "check.h"
#include "nqmtop/input/csv.h"

static void good(const char *text, const char *label, nqm_csv_header header, int rows, int cols,
                 double first_x, double first_y)
{
    nqm_table t;
    char err[256];
    int rc = nqm_csv_parse("t.csv", text, strlen(text), label, header, 0, &t, err, sizeof err);
    CHECK(rc == 0, "%s: refused: %s", text, err);
    if (rc != 0)
        return;
    CHECK(t.rows == rows && t.cols == cols, "%s: %d x %d, want %d x %d", text, t.rows, t.cols, rows,
          cols);
    CHECK(t.X[0] == first_x && t.y[0] == first_y, "%s: first row %g / %g", text, t.X[0], t.y[0]);
    nqm_table_free(&t);
}

static void bad(const char *text, size_t len, const char *label, const char *want)
{
    nqm_table t;
    char err[256] = "";
    int rc = nqm_csv_parse("bad.csv", text, len, label, CSV_HEADER_AUTO, 0, &t, err, sizeof err);
    CHECK(rc != 0, "accepted: %.60s", text);
    CHECK(strstr(err, want) != NULL, "message '%s' lacks '%s'", err, want);
    CHECK(strchr(err, '\n') == NULL, "message spans lines: %s", err);
}

static void check_digits(const char *path)
{
    nqm_table t;
    char err[256];
    int rc = nqm_csv_load(path, "label", CSV_HEADER_AUTO, 0, &t, err, sizeof err);
    CHECK(rc == 0, "%s", err);
    if (rc != 0)
        return;
    int plus = 0, outside = 0;
    for (int i = 0; i < t.rows; i++) {
        plus += t.y[i] == 1;
        CHECK(t.y[i] == 1 || t.y[i] == -1, "row %d: label %g", i, t.y[i]);
        for (int j = 0; j < t.cols; j++)
            outside += t.X[(size_t)i * t.cols + j] < 0 || t.X[(size_t)i * t.cols + j] > 1;
    }
    printf("digits: %d rows x %d features, %d labelled +1 (digit 0)\n", t.rows, t.cols, plus);
    CHECK(t.rows == 355 && t.cols == 64 && plus == 178 && outside == 0,
          "digits: %d x %d, %d positive, %d pixels outside [0, 1]", t.rows, t.cols, plus, outside);
    nqm_table_free(&t);
}

int main(int argc, char **argv)
{
    nqm_table t;
    char err[256];
    good("a,b,label\n1,2,3\n4,5,6\n", "", CSV_HEADER_AUTO, 2, 2, 1, 3);
    good("1,2,3\n4,5,6\n", "", CSV_HEADER_AUTO, 2, 2, 1, 3);
    good("y,a,b\n1,2,3\n", "y", CSV_HEADER_AUTO, 1, 2, 2, 1);
    good("1,2,3\n", "2", CSV_HEADER_NO, 1, 2, 1, 2);
    good("\"a\",\"b\"\r\n# comment\r\n\r\n 1.5 , -2e-3 \r\n", "", CSV_HEADER_AUTO, 1, 1, 1.5,
         -2e-3);
    good("1,2\n3,4", "", CSV_HEADER_NO, 2, 1, 1, 2);
    /* quoted fields: a comma and a doubled quote inside a header name */
    good("\"x, mm\",\"say \"\"y\"\"\"\n1,2\n", "say \"y\"", CSV_HEADER_AUTO, 1, 1, 1, 2);
    good("\"1\",\"2\"\n", "", CSV_HEADER_AUTO, 1, 1, 1, 2);
    /* separators seen on the first line, or given */
    good("a;b;c\n1;2;3\n", "", CSV_HEADER_AUTO, 1, 2, 1, 3);
    good("a\tb\n1.5\t2\n", "", CSV_HEADER_AUTO, 1, 1, 1.5, 2);
    good("1 2  3\n  4\t5 6 \n", "", CSV_HEADER_AUTO, 2, 2, 1, 3);
    CHECK(nqm_csv_parse("t.csv", "1;2,5\n", 6, "", CSV_HEADER_NO, ';', &t, err, sizeof err) != 0 &&
              strstr(err, "column 2"),
          "separator ';' given: '2,5' is one field, not a number: %s", err);
    /* np.savetxt's default: "%.18e", one space, '# ' before a header */
    char saved[512];
    snprintf(saved, sizeof saved, "# a b label\n%.18e %.18e %.18e\n%.18e %.18e %.18e\n", 0.1, -2.5,
             1.0, 1e-7, 3.0, -1.0);
    good(saved, "", CSV_HEADER_AUTO, 2, 2, 0.1, 1);

    bad("a,b\n1,2\n3\n", 9, "", "bad.csv:3: 1 field, expected 2");
    bad("a,b\n1,2,3\n", 10, "", "bad.csv:2: 3 fields");
    bad("1,nan\n", 6, "", "bad.csv:1: column 2: not a number");
    bad("1,2\n1,inf\n", 10, "", "bad.csv:2: column 2: not a number");
    bad("1,2\n3,1e999\n", 12, "", "bad.csv:2: column 2");
    bad("1,2\n,4\n", 7, "", "bad.csv:2: column 1: empty field");
    bad("1,2\n3,0x1p3\n", 12, "",
        "bad.csv:2: column 2: not a number"); /* the shared grammar: no hex */
    bad("1,2\n3,1e-400\n", 13, "", "bad.csv:2: column 2: 1e-400 is too small"); /* not silently 0 */
    bad("a,b\n1,x2\n", 9, "", "bad.csv:2: column 2: not a number");
    bad("a,b\n1,\0"
        "2\n",
        8, "", "bad.csv:2: NUL byte");
    bad("a,\xff\n1,2\n", 9, "", "bad.csv:1: invalid UTF-8 byte 0xff (byte 3 of the line)");
    bad("a,b\n1,\x1b[2J\n", 10, "", "bad.csv:2: control character 0x1b (byte 3 of the line)");
    bad("", 0, "", "bad.csv: no data rows");
    bad("a,b\n", 4, "", "bad.csv: no data rows");
    bad("a,b\n1,2\n", 8, "c", "no column is named 'c'");
    bad("1,2\n", 4, "y", "names a column but the file has no header");
    bad("1,2\n", 4, "3", "column 3 does not exist");
    bad("1\n2\n", 4, "", "at least one feature and a label");
    bad("a,b\n1,\"2\n", 9, "", "bad.csv:2: column 2: a quoted field is not closed");
    bad("a,b\n\"1\"x,2\n", 11, "", "bad.csv:2: column 1: text after the closing quote");
    size_t big = NQM_CSV_MAX_LINE + 10;
    char *longline = malloc(big + 1);
    memset(longline, '1', big);
    longline[big] = '\0';
    bad(longline, big, "", "bad.csv:1: line longer than");
    free(longline);

    CHECK(nqm_csv_load("/nonexistent/x.csv", "", CSV_HEADER_AUTO, 0, &t, err, sizeof err) != 0 &&
              strstr(err, "/nonexistent/x.csv: cannot open") != NULL,
          "missing file: %s", err);
    if (argc > 1)
        check_digits(argv[1]);
    return check_report("test_csv");
}
