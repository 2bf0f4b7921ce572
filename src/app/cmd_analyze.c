#include "app.h"
PetscErrorCode cmd_analyze(void) { return 0; }
