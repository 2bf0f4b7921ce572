/* ghosts.c — the one-site halo of a 3^d stencil, corners included
 * (ghosts.h). */
#include "latdiff/ghosts.h"
#include "latdiff/profile.h"

#include <limits.h>

struct ghosts {
  const lattice *lat;
  int split[LATTICE_MAXDIM];   /* 1 where the direction is cut between ranks */
  int ext[LATTICE_MAXDIM];     /* the padded box: l + 2 where split, l where not */
  int64_t V, nsites;           /* local sites; local + ghost sites */
  int64_t *box;                /* extended index of every site of the padded box */
  /* round mu: the sites sent down (side 0) and up (side 1), and the ghost
   * sites received from below (0) and above (1), in one order on both ends */
  int64_t *send[LATTICE_MAXDIM][2], *recv[LATTICE_MAXDIM][2], count[LATTICE_MAXDIM];
  char *sbuf[2], *rbuf[2];
  size_t buf_bytes;
};

/* the box position of padded coordinates y (y_mu in 0 .. ext_mu - 1) */
static int64_t box_position(const ghosts *g, const int *y)
{
  int64_t b = 0;
  for (int mu = 0; mu < g->lat->d; mu++) b = b * g->ext[mu] + y[mu];
  return b;
}

int64_t ghosts_index(const ghosts *g, const int *x)
{
  int y[LATTICE_MAXDIM];
  for (int mu = 0; mu < g->lat->d; mu++) {
    const int l = g->lat->l[mu];
    y[mu] = g->split[mu] ? x[mu] + 1 : ((x[mu] % l) + l) % l;
  }
  return g->box[box_position(g, y)];
}

int64_t ghosts_sites(const ghosts *g) { return g->nsites; }

/* the box positions of the layer x_mu = at of round mu: directions before
 * mu over the padded range (their ghosts are filled by then), after mu over
 * the local range, lexicographic; as extended indices into list */
static int64_t layer(const ghosts *g, int mu, int at, int64_t *list)
{
  const int d = g->lat->d;
  int lo[LATTICE_MAXDIM], hi[LATTICE_MAXDIM], x[LATTICE_MAXDIM];
  int64_t n = 0;
  for (int nu = 0; nu < d; nu++) {
    const int pad = g->split[nu] && nu < mu;
    lo[nu] = nu == mu ? at : -pad;
    hi[nu] = nu == mu ? at : g->lat->l[nu] - 1 + pad;
    x[nu] = lo[nu];
  }
  for (;;) {
    if (list) list[n] = ghosts_index(g, x);
    n++;
    int nu = d - 1;
    while (nu >= 0 && x[nu] == hi[nu]) x[nu] = lo[nu], nu--;
    if (nu < 0) return n;
    x[nu]++;
  }
}

PetscErrorCode ghosts_create(const lattice *lat, ghosts **out)
{
  ghosts *g;
  const int d = lat->d;
  int y[LATTICE_MAXDIM];

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&g));
  g->lat = lat;
  g->V = lat->V;
  int64_t nbox = 1;
  for (int mu = 0; mu < d; mu++) {
    g->split[mu] = lat->P[mu] > 1;
    g->ext[mu] = lat->l[mu] + 2 * g->split[mu];
    nbox *= g->ext[mu];
  }
  /* local sites keep their lattice index; ghosts follow in box order */
  PetscCall(PetscMalloc1((size_t)nbox, &g->box));
  int64_t next = g->V;
  for (int64_t b = 0; b < nbox; b++) {
    int64_t r = b, local = 0, inside = 1;
    for (int mu = d - 1; mu >= 0; mu--) y[mu] = (int)(r % g->ext[mu]), r /= g->ext[mu];
    for (int mu = 0; mu < d; mu++) {
      const int x = y[mu] - g->split[mu];
      if (x < 0 || x >= lat->l[mu]) inside = 0;
      local = local * lat->l[mu] + x;
    }
    g->box[b] = inside ? local : next++;
  }
  g->nsites = next;
  for (int mu = 0; mu < d; mu++) {
    if (!g->split[mu]) continue;
    g->count[mu] = layer(g, mu, 0, NULL);
    for (int s = 0; s < 2; s++) {
      PetscCall(PetscMalloc2((size_t)g->count[mu], &g->send[mu][s], (size_t)g->count[mu], &g->recv[mu][s]));
      /* down: my first layer, to the rank below, which files it as its upper ghosts */
      layer(g, mu, s ? lat->l[mu] - 1 : 0, g->send[mu][s]);
      layer(g, mu, s ? lat->l[mu] : -1, g->recv[mu][s]);
    }
  }
  *out = g;
  PetscFunctionReturn(PETSC_SUCCESS);
}

static void pack(char *buf, const char *data, const int64_t *sites, int64_t n, int64_t nb, int64_t nsites, size_t w)
{
  for (int64_t b = 0; b < nb; b++)
    for (int64_t i = 0; i < n; i++) memcpy(buf + (size_t)(b * n + i) * w, data + (size_t)(b * nsites + sites[i]) * w, w);
}

static void unpack(char *data, const char *buf, const int64_t *sites, int64_t n, int64_t nb, int64_t nsites, size_t w)
{
  for (int64_t b = 0; b < nb; b++)
    for (int64_t i = 0; i < n; i++) memcpy(data + (size_t)(b * nsites + sites[i]) * w, buf + (size_t)(b * n + i) * w, w);
}

PetscErrorCode ghosts_fill(ghosts *g, void *data, int64_t nb, size_t width)
{
  const lattice *lat = g->lat;

  PetscFunctionBeginUser;
  PetscCall(PetscLogEventBegin(EV_HALO, 0, 0, 0, 0));
  for (int mu = 0; mu < lat->d; mu++) {
    if (!g->split[mu]) continue;
    const int64_t n = g->count[mu];
    const size_t bytes = (size_t)(nb * n) * width;
    PetscCheck(bytes <= INT_MAX, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE,
               "ghosts: a message of %zu bytes; take fewer samples per pass", bytes);
    if (bytes > g->buf_bytes) {
      for (int s = 0; s < 2; s++) {
        PetscCall(PetscFree(g->sbuf[s]));
        PetscCall(PetscFree(g->rbuf[s]));
        PetscCall(PetscMalloc1(bytes, &g->sbuf[s]));
        PetscCall(PetscMalloc1(bytes, &g->rbuf[s]));
      }
      g->buf_bytes = bytes;
    }
    MPI_Request req[4];
    /* tag: the side of the receiver's ghosts the message fills */
    for (int s = 0; s < 2; s++)
      MPICHECK(MPI_Irecv(g->rbuf[s], (int)bytes, MPI_BYTE, lat->neighbour[mu][s], s, lat->comm, &req[s]));
    for (int s = 0; s < 2; s++) {
      pack(g->sbuf[s], data, g->send[mu][s], n, nb, g->nsites, width);
      MPICHECK(MPI_Isend(g->sbuf[s], (int)bytes, MPI_BYTE, lat->neighbour[mu][s], 1 - s, lat->comm, &req[2 + s]));
    }
    MPICHECK(MPI_Waitall(4, req, MPI_STATUSES_IGNORE));
    for (int s = 0; s < 2; s++) unpack(data, g->rbuf[s], g->recv[mu][s], n, nb, g->nsites, width);
  }
  PetscCall(PetscLogEventEnd(EV_HALO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode ghosts_destroy(ghosts **gp)
{
  ghosts *g = *gp;

  PetscFunctionBeginUser;
  if (!g) PetscFunctionReturn(PETSC_SUCCESS);
  for (int mu = 0; mu < g->lat->d; mu++)
    for (int s = 0; s < 2; s++)
      if (g->send[mu][s]) PetscCall(PetscFree2(g->send[mu][s], g->recv[mu][s]));
  for (int s = 0; s < 2; s++) {
    PetscCall(PetscFree(g->sbuf[s]));
    PetscCall(PetscFree(g->rbuf[s]));
  }
  PetscCall(PetscFree(g->box));
  PetscCall(PetscFree(*gp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
