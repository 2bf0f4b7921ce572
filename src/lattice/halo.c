/* halo.c — split-phase halo exchange on persistent requests (halo.h).
 * Directions split over ranks use MPI; a direction held by one rank wraps
 * around locally, by a copy, with no message. */
#include "latdiff/halo.h"
#include "latdiff/profile.h"

struct halo {
  const lattice *lat;
  double *field;
  double *send[LATTICE_MAXDIM][2]; /* packed faces: [mu][0] bottom, [mu][1] top */
  MPI_Request req[4 * LATTICE_MAXDIM];
  int nreq;
  int active;
};

/* Message tags name the halo slot they fill at the receiver. */
static int slot_tag(int mu, int side) { return 2 * mu + side; }

PetscErrorCode halo_create(const lattice *lat, double *field, halo **out)
{
  halo *h;

  PetscFunctionBeginUser;
  PetscCall(PetscNew(&h));
  h->lat = lat;
  h->field = field;
  for (int mu = 0; mu < lat->d; mu++) {
    const int n = (int)lat->face[mu];
    if (lat->P[mu] == 1) continue; /* wrap-around on this rank: copied in halo_start */
    for (int s = 0; s < 2; s++) PetscCall(PetscMalloc1(lat->face[mu], &h->send[mu][s]));
    /* my down halo holds phi(x - mu): the top face of the rank below */
    MPICHECK(MPI_Recv_init(field + lat->halo_offset[mu][0], n, MPI_DOUBLE, lat->neighbour[mu][0], slot_tag(mu, 0),
                           lat->comm, &h->req[h->nreq++]));
    MPICHECK(MPI_Recv_init(field + lat->halo_offset[mu][1], n, MPI_DOUBLE, lat->neighbour[mu][1], slot_tag(mu, 1),
                           lat->comm, &h->req[h->nreq++]));
    MPICHECK(MPI_Send_init(h->send[mu][1], n, MPI_DOUBLE, lat->neighbour[mu][1], slot_tag(mu, 0), lat->comm,
                           &h->req[h->nreq++]));
    MPICHECK(MPI_Send_init(h->send[mu][0], n, MPI_DOUBLE, lat->neighbour[mu][0], slot_tag(mu, 1), lat->comm,
                           &h->req[h->nreq++]));
  }
  *out = h;
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode halo_start(halo *h)
{
  const lattice *lat = h->lat;

  PetscFunctionBeginUser;
  PetscCheck(!h->active, PETSC_COMM_SELF, PETSC_ERR_ORDER, "halo_start called twice without halo_finish");
  PetscCall(PetscLogEventBegin(EV_HALO, 0, 0, 0, 0));
  for (int mu = 0; mu < lat->d; mu++)
    for (int s = 0; s < 2; s++) {
      const int64_t *sites = lat->face_sites[mu][s];
      /* one rank in this direction: my bottom face is my own up halo */
      double *buf = lat->P[mu] == 1 ? h->field + lat->halo_offset[mu][1 - s] : h->send[mu][s];
      for (int64_t k = 0; k < lat->face[mu]; k++) buf[k] = h->field[sites[k]];
    }
  if (h->nreq) MPICHECK(MPI_Startall(h->nreq, h->req));
  h->active = 1;
  PetscCall(PetscLogEventEnd(EV_HALO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode halo_finish(halo *h)
{
  PetscFunctionBeginUser;
  PetscCheck(h->active, PETSC_COMM_SELF, PETSC_ERR_ORDER, "halo_finish called without halo_start");
  PetscCall(PetscLogEventBegin(EV_HALO, 0, 0, 0, 0));
  if (h->nreq) MPICHECK(MPI_Waitall(h->nreq, h->req, MPI_STATUSES_IGNORE));
  h->active = 0;
  PetscCall(PetscLogEventEnd(EV_HALO, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode halo_exchange(halo *h)
{
  PetscFunctionBeginUser;
  PetscCall(halo_start(h));
  PetscCall(halo_finish(h));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode halo_destroy(halo **hp)
{
  halo *h = *hp;

  PetscFunctionBeginUser;
  if (!h) PetscFunctionReturn(PETSC_SUCCESS);
  PetscCheck(!h->active, PETSC_COMM_SELF, PETSC_ERR_ORDER, "halo_destroy while an exchange is in flight");
  for (int i = 0; i < h->nreq; i++) MPICHECK(MPI_Request_free(&h->req[i]));
  for (int mu = 0; mu < h->lat->d; mu++)
    for (int s = 0; s < 2; s++) PetscCall(PetscFree(h->send[mu][s]));
  PetscCall(PetscFree(*hp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
