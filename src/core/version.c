/* version.c — version and git commit, baked in by the build (base.h). */
#include "config.h"
#include "latdiff/base.h"
#include "version.h" /* generated: LATDIFF_GIT_COMMIT */

const char *latdiff_version(void) { return PACKAGE_VERSION; }
const char *latdiff_git_commit(void) { return LATDIFF_GIT_COMMIT; }
