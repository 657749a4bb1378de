/* suggest.h: "did you mean ...?" for a mistyped name (a preset key, a
 * preset or demo name): the Levenshtein distance and when a name is near
 * enough to offer. */
#ifndef NQMTOP_SUGGEST_H
#define NQMTOP_SUGGEST_H

/* Edits (insertions, deletions, substitutions) between a and b, both cut
 * to 64 bytes. */
int nqm_edit_distance(const char *a, const char *b);

/* Whether name, at edit distance `distance` from the typed query, is worth
 * suggesting: within a third of the query's length (at least 2), or
 * containing the query. */
int nqm_near_enough(const char *query, const char *name, int distance);

#endif
