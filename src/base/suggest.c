/* suggest.c: edit distances for suggestions (see suggest.h). */
#include "nqmtop/base/suggest.h"

#include <string.h>

int nqm_edit_distance(const char *a, const char *b)
{
    enum { MAXLEN = 64 };
    int la = (int)strnlen(a, MAXLEN), lb = (int)strnlen(b, MAXLEN);
    int row[MAXLEN + 1];
    for (int j = 0; j <= lb; j++)
        row[j] = j;
    for (int i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = i;
        for (int j = 1; j <= lb; j++) {
            int up = row[j];
            int best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

int nqm_near_enough(const char *query, const char *name, int distance)
{
    int limit = (int)strlen(query) / 3;
    return distance <= (limit > 2 ? limit : 2) || (query[0] && strstr(name, query) != NULL);
}
