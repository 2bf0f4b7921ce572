/* output.c — one run per output: the lock and the checks before the work
 * (output.h). Every decision is made on rank 0 and broadcast, so an error
 * is raised on all ranks together and no rank is left in a collective. */
#define _XOPEN_SOURCE 700 /* fcntl locks, pread, gethostname */
#include "latdiff/h5.h" /* file_exists */
#include "latdiff/output.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

void output_name(const char *path, const char *suffix, char *out, size_t len) { snprintf(out, len, "%s%s", path, suffix); }

PetscErrorCode file_exists_collective(MPI_Comm comm, const char *path, PetscBool *out)
{
  int rank, e = 0;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0) e = file_exists(path);
  MPICHECK(MPI_Bcast(&e, 1, MPI_INT, 0, comm));
  *out = e ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode file_remove(MPI_Comm comm, const char *path)
{
  int rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0) unlink(path);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* The lock on rank 0. Returns 0 and the fd, or writes why not into msg.
 * A lock file unlinked by its finishing owner between our open and our
 * lock is a dead inode: retry on the name until the inode we hold is it. */
static int take_lock(const char *option, const char *path, int *fd, char *msg, size_t len)
{
  char lock[PETSC_MAX_PATH_LEN + 8];

  output_name(path, ".lock", lock, sizeof lock);
  for (int attempt = 0; attempt < 10; attempt++) {
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    struct stat held, named;
    int f = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (f < 0) {
      snprintf(msg, len, "%s: cannot create the lock file %s: %s", option, lock, strerror(errno));
      return 1;
    }
    const int rc = fcntl(f, F_SETLK, &fl), err = errno;
    if (rc < 0 && (err == ENOLCK || err == ENOSYS || err == EOPNOTSUPP)) {
      /* a file system without locks (some NFS mounts): go on unprotected */
      fprintf(stderr, "latdiff: warning: %s: the file system cannot lock %s (%s); nothing stops a second run on this "
                      "output\n", option, lock, strerror(err));
    } else if (rc < 0) {
      char owner[256] = "";
      const ssize_t n = pread(f, owner, sizeof owner - 1, 0);
      owner[n > 0 ? n : 0] = 0;
      owner[strcspn(owner, "\n")] = 0;
      close(f);
      if (err == EACCES || err == EAGAIN)
        snprintf(msg, len, "%s: %s is being written by another run (%s); wait for it to end or choose another name",
                 option, path, owner[0] ? owner : "owner unknown");
      else snprintf(msg, len, "%s: cannot lock %s: %s", option, lock, strerror(err));
      return 1;
    }
    if (fstat(f, &held) == 0 && stat(lock, &named) == 0 && held.st_ino == named.st_ino && held.st_dev == named.st_dev) {
      char host[128] = "?", line[256];
      gethostname(host, sizeof host);
      host[sizeof host - 1] = 0;
      const int n = snprintf(line, sizeof line, "pid %ld on host %s\n", (long)getpid(), host);
      if (ftruncate(f, 0) == 0 && pwrite(f, line, (size_t)n, 0) == n) {
        *fd = f;
        return 0;
      }
      snprintf(msg, len, "%s: cannot write the lock file %s: %s", option, lock, strerror(errno));
      close(f);
      return 1;
    }
    close(f);
  }
  snprintf(msg, len, "%s: cannot take the lock %s: it keeps changing", option, lock);
  return 1;
}

/* the bytes free for an unprivileged writer in the directory of path (infinite if unknown) */
static double free_bytes(const char *path)
{
  char copy[PETSC_MAX_PATH_LEN];
  struct statvfs fs;

  snprintf(copy, sizeof copy, "%s", path);
  return statvfs(dirname(copy), &fs) == 0 ? (double)fs.f_bavail * (double)fs.f_frsize : INFINITY;
}

PetscErrorCode file_check_space(MPI_Comm comm, const char *path, double bytes)
{
  double avail = 0;
  int rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0) avail = free_bytes(path);
  MPICHECK(MPI_Bcast(&avail, 1, MPI_DOUBLE, 0, comm));
  PetscCheck(bytes <= avail, comm, PETSC_ERR_FILE_WRITE,
             "%s: No space left on device (it needs %.0f KB, %.0f KB are free); nothing was written", path, bytes / 1024,
             avail / 1024);
  PetscFunctionReturn(PETSC_SUCCESS);
}

/* What can be known before the work, decided on rank 0: msg empty if fine. */
static void check_place(const char *option, const char *path, double bytes, char *msg, size_t len)
{
  char copy[PETSC_MAX_PATH_LEN], *dir;
  struct stat st;

  msg[0] = 0;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(msg, len, "%s: %s is a directory; give a file name", option, path);
    return;
  }
  snprintf(copy, sizeof copy, "%s", path);
  dir = dirname(copy);
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
    snprintf(msg, len, "%s: the directory %s does not exist", option, dir);
    return;
  }
  if (access(dir, W_OK | X_OK) != 0) {
    snprintf(msg, len, "%s: the directory %s is not writable", option, dir);
    return;
  }
  const double avail = bytes > 0 ? free_bytes(path) : INFINITY;
  if (bytes > avail)
    snprintf(msg, len, "%s: %s needs %.3g GB but %s has %.3g GB free; free space or write elsewhere", option, path,
             bytes / 1e9, dir, avail / 1e9);
}

PetscErrorCode output_claim_acquire(MPI_Comm comm, const char *option, const char *path, double bytes,
                                    output_claim **out)
{
  output_claim *c;
  char msg[PETSC_MAX_PATH_LEN * 2 + 256] = "";
  int rank, bad = 0;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscNew(&c));
  c->comm = comm;
  c->lock_fd = -1;
  PetscCall(PetscStrncpy(c->option, option, sizeof c->option));
  PetscCall(PetscStrncpy(c->path, path, sizeof c->path));
  if (rank == 0) {
    check_place(option, path, bytes, msg, sizeof msg);
    if (!msg[0]) take_lock(option, path, &c->lock_fd, msg, sizeof msg);
    bad = msg[0] != 0;
  }
  MPICHECK(MPI_Bcast(&bad, 1, MPI_INT, 0, comm));
  if (bad) {
    MPICHECK(MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, 0, comm));
    PetscCall(PetscFree(c));
    SETERRQ(comm, PETSC_ERR_USER_INPUT, "%s", msg);
  }
  *out = c;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_state(const output_claim *c, output_files *f)
{
  char name[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBeginUser;
  PetscCall(file_exists_collective(c->comm, c->path, &f->final));
  output_name(c->path, ".partial", name, sizeof name);
  PetscCall(file_exists_collective(c->comm, name, &f->partial));
  output_name(c->path, ".ckpt", name, sizeof name);
  PetscCall(file_exists_collective(c->comm, name, &f->ckpt));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode output_check_fresh(const output_claim *c, PetscBool force)
{
  output_files f;
  char name[PETSC_MAX_PATH_LEN + 16];

  PetscFunctionBeginUser;
  PetscCall(output_state(c, &f));
  if (force) {
    output_name(c->path, ".ckpt", name, sizeof name);
    PetscCall(file_remove(c->comm, name)); /* never to be combined with a new partial file */
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  PetscCheck(!f.final, c->comm, PETSC_ERR_USER_INPUT, "%s: %s exists; choose another name or add -force to overwrite it",
             c->option, c->path);
  PetscCheck(!f.partial && !f.ckpt, c->comm, PETSC_ERR_USER_INPUT,
             "%s: %s.%s is left from an interrupted run; continue it with -restart (hmc, langevin) or discard it with "
             "-force",
             c->option, c->path, f.partial ? "partial" : "ckpt");
  PetscFunctionReturn(PETSC_SUCCESS);
}

void output_discard_on_failure(output_claim *c) { c->discard_on_failure = PETSC_TRUE; }

void output_release(output_claim **cp, PetscBool failed)
{
  output_claim *c = *cp;
  char name[PETSC_MAX_PATH_LEN + 16];

  if (!c) return;
  if (c->lock_fd >= 0) {
    if (failed && c->discard_on_failure) {
      static const char *const temporaries[] = {".partial", ".tmp", ".ckpt", NULL};
      for (int k = 0; temporaries[k]; k++) {
        output_name(c->path, temporaries[k], name, sizeof name);
        unlink(name);
      }
    }
    output_name(c->path, ".ckpt.tmp", name, sizeof name);
    unlink(name); /* a checkpoint not completed is never used */
    output_name(c->path, ".lock", name, sizeof name);
    unlink(name);
    close(c->lock_fd);
  }
  PetscFree(c);
  *cp = NULL;
}

PetscErrorCode file_checksum(MPI_Comm comm, const char *path, uint64_t *sum)
{
  int rank, ok = 1;
  uint64_t h = 14695981039346656037ULL;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    FILE *f = fopen(path, "rb");
    unsigned char buf[65536];
    size_t n;
    ok = f != NULL;
    while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
      for (size_t i = 0; i < n; i++) h = (h ^ buf[i]) * 1099511628211ULL;
    if (f) fclose(f);
  }
  MPICHECK(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "%s: cannot read", path);
  MPICHECK(MPI_Bcast(&h, 1, MPI_UINT64_T, 0, comm));
  *sum = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}
