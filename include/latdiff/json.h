/* json.h — a minimal JSON writer for reports (not collective: rank 0 writes).
 * Nesting and commas are tracked; non-finite numbers are written as null. */
#ifndef LATDIFF_JSON_H
#define LATDIFF_JSON_H

#include <stdio.h>

typedef struct {
  FILE *f;
  int depth;
  int first[32];
} json_writer;

void json_init(json_writer *j, FILE *f);
void json_open(json_writer *j, const char *key, char bracket); /* key NULL inside arrays */
void json_close(json_writer *j, char bracket);
void json_number(json_writer *j, const char *key, double v);
void json_int(json_writer *j, const char *key, long long v);
void json_string(json_writer *j, const char *key, const char *v);
void json_estimate(json_writer *j, const char *key, double value, double error);

#endif
