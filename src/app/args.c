/* args.c — the command line and options files, checked before PETSc reads
 * them (app.h: args_check). PETSc ignores words that are not options and
 * recurses without bound into an options file that includes itself; here
 * every word is an option or the one value after it, every options file is
 * readable, every line of it is "-option [value] ...", and includes form
 * no cycle. The first problem is reported in one line. */
#define _XOPEN_SOURCE 700 /* realpath, strtok_r */
#include "app.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#define MAX_INCLUDE_DEPTH 16

/* "-name" is an option; "-0.5" or "-4,8" is a value */
static int is_option(const char *w) { return w[0] == '-' && (isalpha((unsigned char)w[1]) || w[1] == '-'); }

typedef struct {
  char *msg;
  size_t len;
  char stack[MAX_INCLUDE_DEPTH][PATH_MAX]; /* the files being read, outermost first */
  int depth;
} checker;

static int check_file(checker *c, const char *path, const char *from);

/* Words w[0..n) from `where` (the command line, or FILE:LINE): each an
 * option or one value after an option; -options_file FILE is followed. */
static int check_words(checker *c, char **w, int n, const char *where)
{
  for (int i = 0; i < n; i++) {
    if (!is_option(w[i])) {
      if (i == 0 || !is_option(w[i - 1]))
        snprintf(c->msg, c->len,
                 "%s'%s' is not an option: options start with '-' and take at most one value%s%s%s", where, w[i],
                 i > 0 ? " (it follows " : "", i > 0 ? w[i - 1] : "", i > 0 ? ")" : "");
      if (c->msg[0]) return 1;
      continue;
    }
    if (!strcmp(w[i], "-options_file")) {
      if (i + 1 >= n || is_option(w[i + 1])) {
        snprintf(c->msg, c->len, "%s-options_file needs a file name", where);
        return 1;
      }
      if (check_file(c, w[i + 1], where)) return 1;
    }
  }
  return 0;
}

static int check_file(checker *c, const char *path, const char *from)
{
  char real[PATH_MAX], line[4096], where[PATH_MAX + 32];
  FILE *f;
  int rc = 0, lineno = 0;

  if (!realpath(path, real) || !(f = fopen(real, "r"))) {
    snprintf(c->msg, c->len, "%s-options_file: cannot read %s: %s", from, path, strerror(errno));
    return 1;
  }
  for (int k = 0; k < c->depth; k++)
    if (!strcmp(c->stack[k], real)) {
      snprintf(c->msg, c->len, "%s-options_file: %s includes itself (through %s)", from, path, c->stack[c->depth - 1]);
      fclose(f);
      return 1;
    }
  if (c->depth == MAX_INCLUDE_DEPTH) {
    snprintf(c->msg, c->len, "%s-options_file: %s: options files nested more than %d deep", from, path,
             MAX_INCLUDE_DEPTH);
    fclose(f);
    return 1;
  }
  snprintf(c->stack[c->depth++], PATH_MAX, "%s", real);
  while (!rc && fgets(line, sizeof line, f)) {
    char *words[256], *save = NULL;
    int n = 0;
    lineno++;
    if (!strchr(line, '\n') && !feof(f)) {
      snprintf(c->msg, c->len, "%s:%d: line longer than %zu characters", path, lineno, sizeof line - 1);
      rc = 1;
      break;
    }
    line[strcspn(line, "#")] = 0;
    for (char *w = strtok_r(line, " \t\r\n", &save); w && n < 256; w = strtok_r(NULL, " \t\r\n", &save)) words[n++] = w;
    snprintf(where, sizeof where, "%s:%d: ", path, lineno);
    rc = check_words(c, words, n, where);
  }
  fclose(f);
  c->depth--;
  return rc;
}

int args_check(int argc, char **argv, char *msg, size_t len)
{
  checker *c = calloc(1, sizeof *c);
  int rc;

  if (!c) {
    snprintf(msg, len, "out of memory");
    return 1;
  }
  msg[0] = 0;
  c->msg = msg;
  c->len = len;
  rc = check_words(c, argv + 1, argc - 1, "");
  free(c);
  return rc;
}
