/* json.c — minimal JSON writer (json.h). */
#include "latdiff/json.h"

#include <math.h>

void json_init(json_writer *j, FILE *f)
{
  j->f = f;
  j->depth = 0;
  j->first[0] = 1;
}

static void put_string(FILE *f, const char *s)
{
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fputc('\\', f);
    if ((unsigned char)*s < 0x20) fprintf(f, "\\u%04x", (unsigned char)*s);
    else fputc(*s, f);
  }
  fputc('"', f);
}

static void item(json_writer *j, const char *key)
{
  if (!j->first[j->depth]) fputc(',', j->f);
  j->first[j->depth] = 0;
  fprintf(j->f, "\n%*s", 2 * j->depth, "");
  if (key) {
    put_string(j->f, key);
    fputs(": ", j->f);
  }
}

void json_open(json_writer *j, const char *key, char bracket)
{
  if (j->depth > 0 || !j->first[0]) item(j, key);
  fputc(bracket, j->f);
  j->first[++j->depth] = 1;
}

void json_close(json_writer *j, char bracket)
{
  j->depth--;
  fprintf(j->f, "\n%*s%c", 2 * j->depth, "", bracket);
  if (j->depth == 0) fputc('\n', j->f);
}

void json_number(json_writer *j, const char *key, double v)
{
  item(j, key);
  if (isfinite(v)) fprintf(j->f, "%.17g", v);
  else fputs("null", j->f);
}

void json_int(json_writer *j, const char *key, long long v)
{
  item(j, key);
  fprintf(j->f, "%lld", v);
}

void json_string(json_writer *j, const char *key, const char *v)
{
  item(j, key);
  put_string(j->f, v);
}

void json_estimate(json_writer *j, const char *key, double value, double error)
{
  item(j, key);
  fputs("{\"value\": ", j->f);
  if (isfinite(value)) fprintf(j->f, "%.17g", value);
  else fputs("null", j->f);
  fputs(", \"error\": ", j->f);
  if (isfinite(error)) fprintf(j->f, "%.17g", error);
  else fputs("null", j->f);
  fputc('}', j->f);
}
