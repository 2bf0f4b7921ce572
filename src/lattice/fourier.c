/* fourier.c — batched FFTW-MPI transforms of real fields (fourier.h). */
#include "latdiff/fourier.h"
#include "latdiff/profile.h"

#include <fftw3-mpi.h>
#include <math.h>

struct fourier {
  fourier_layout lay;
  MPI_Comm comm;
  fftw_complex *x, *k; /* position and momentum space, interleaved batch */
  fftw_plan forward, backward;
  PetscBool trivial; /* one site: the transform is the identity (FFTW-MPI cannot plan it) */
};

/* the identity transform of a 1-site lattice: rank 0 holds the site */
static PetscErrorCode create_trivial(fourier *f, int d, const int *L, int howmany)
{
  int rank;

  PetscFunctionBeginUser;
  MPICHECK(MPI_Comm_rank(f->comm, &rank));
  f->trivial = PETSC_TRUE;
  f->x = fftw_alloc_complex((size_t)howmany);
  f->k = fftw_alloc_complex((size_t)howmany);
  PetscCheck(f->x && f->k, f->comm, PETSC_ERR_MEM, "FFTW could not allocate the transform buffers");
  const int mine = rank == 0;
  f->lay = (fourier_layout){.d = d, .howmany = howmany, .row0 = 0, .nrows = mine, .local_sites = mine, .out_row0 = 0,
                            .out_nrows = mine, .out_sites = mine, .volume = 1};
  for (int mu = 0; mu < d; mu++) f->lay.L[mu] = L[mu];
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode fourier_create(MPI_Comm comm, int d, const int *L, int howmany, fourier **out)
{
  fourier *f;
  ptrdiff_t n[4], alloc, ni, i0, no, o0;
  int64_t rest = 1;
  const ptrdiff_t hm = howmany;
  const unsigned flags = FFTW_ESTIMATE;

  PetscFunctionBeginUser;
  PetscCheck(d >= 1 && d <= 4 && howmany >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "fourier: d %d, batch %d", d, howmany);
  PetscCall(PetscNew(&f));
  f->comm = comm;
  for (int mu = 0; mu < d; mu++) rest *= L[mu];
  if (rest == 1) {
    PetscCall(create_trivial(f, d, L, howmany));
    *out = f;
    PetscFunctionReturn(PETSC_SUCCESS);
  }
  rest = 1;
  fftw_mpi_init();
  for (int mu = 0; mu < d; mu++) n[mu] = L[mu];
  for (int mu = 1; mu < d; mu++) rest *= L[mu];
  if (d == 1) {
    alloc = fftw_mpi_local_size_many_1d(n[0], hm, comm, FFTW_FORWARD, flags, &ni, &i0, &no, &o0);
  } else {
    alloc = fftw_mpi_local_size_many(d, n, hm, FFTW_MPI_DEFAULT_BLOCK, comm, &ni, &i0);
    no = ni;
    o0 = i0;
  }
  f->x = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  f->k = fftw_alloc_complex((size_t)PetscMax(alloc, 1));
  PetscCheck(f->x && f->k, comm, PETSC_ERR_MEM, "FFTW could not allocate the transform buffers");
  if (d == 1) {
    /* the backward transform's input slab must be the forward's output
     * slab; FFTW-MPI's 1-d distribution need not be symmetric */
    ptrdiff_t bi, bi0, bo, bo0;
    fftw_mpi_local_size_many_1d(n[0], hm, comm, FFTW_BACKWARD, flags, &bi, &bi0, &bo, &bo0);
    f->forward = fftw_mpi_plan_many_dft(1, n, hm, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, f->x, f->k, comm,
                                        FFTW_FORWARD, flags);
    if (bi == no && bi0 == o0 && bo == ni && bo0 == i0)
      f->backward = fftw_mpi_plan_many_dft(1, n, hm, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, f->k, f->x, comm,
                                           FFTW_BACKWARD, flags);
  } else {
    f->forward = fftw_mpi_plan_many_dft(d, n, hm, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, f->x, f->k, comm,
                                        FFTW_FORWARD, flags);
    f->backward = fftw_mpi_plan_many_dft(d, n, hm, FFTW_MPI_DEFAULT_BLOCK, FFTW_MPI_DEFAULT_BLOCK, f->k, f->x, comm,
                                         FFTW_BACKWARD, flags);
  }
  PetscCheck(f->forward, comm, PETSC_ERR_LIB, "FFTW-MPI could not plan the transform");
  fourier_layout *lay = &f->lay;
  *lay = (fourier_layout){.d = d, .howmany = howmany, .row0 = i0, .nrows = ni, .local_sites = (int64_t)ni * rest,
                          .out_row0 = o0, .out_nrows = no, .out_sites = (int64_t)no * rest, .volume = rest * L[0]};
  for (int mu = 0; mu < d; mu++) lay->L[mu] = L[mu];
  *out = f;
  PetscFunctionReturn(PETSC_SUCCESS);
}

const fourier_layout *fourier_get_layout(const fourier *f) { return &f->lay; }

void fourier_momentum(const fourier *f, int64_t j, double *p)
{
  int64_t g = j;
  for (int mu = f->lay.d - 1; mu >= 0; mu--) {
    const int64_t c = mu == 0 ? g + f->lay.out_row0 : g % f->lay.L[mu];
    if (mu) g /= f->lay.L[mu];
    p[mu] = 2 * PETSC_PI * (double)c / f->lay.L[mu];
  }
}

/* fields (field-major) into the interleaved buffer, and the forward transform */
static PetscErrorCode transform(fourier *f, int nb, const double *in)
{
  const int hm = f->lay.howmany;

  PetscFunctionBeginUser;
  PetscCheck(nb >= 0 && nb <= hm, f->comm, PETSC_ERR_ARG_OUTOFRANGE, "fourier: %d fields in a batch of %d", nb, hm);
  for (int64_t s = 0; s < f->lay.local_sites; s++)
    for (int b = 0; b < hm; b++) f->x[s * hm + b] = b < nb ? in[b * f->lay.local_sites + s] : 0;
  PetscCall(PetscLogEventBegin(EV_FFT, 0, 0, 0, 0));
  if (f->trivial) PetscCall(PetscArraycpy(f->k, f->x, f->lay.local_sites * hm));
  else fftw_execute(f->forward);
  PetscCall(PetscLogEventEnd(EV_FFT, 0, 0, 0, 0));
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode fourier_power(fourier *f, int nb, const double *in, double *power)
{
  const int hm = f->lay.howmany;

  PetscFunctionBeginUser;
  PetscCall(transform(f, nb, in));
  for (int b = 0; b < nb; b++)
    for (int64_t j = 0; j < f->lay.out_sites; j++) {
      const double re = creal(f->k[j * hm + b]), im = cimag(f->k[j * hm + b]);
      power[b * f->lay.out_sites + j] = re * re + im * im;
    }
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode fourier_multiply(fourier *f, int nb, const double *m, const double *in, double *out)
{
  const int hm = f->lay.howmany;
  const double norm = 1.0 / (double)f->lay.volume;

  PetscFunctionBeginUser;
  PetscCheck(f->backward || f->trivial, f->comm, PETSC_ERR_SUP,
             "a 1-dimensional lattice of %d sites cannot be filtered on this many ranks; run on one rank",
             f->lay.L[0]);
  PetscCall(transform(f, nb, in));
  for (int64_t j = 0; j < f->lay.out_sites; j++)
    for (int b = 0; b < hm; b++) f->k[j * hm + b] *= m[j] * norm;
  PetscCall(PetscLogEventBegin(EV_FFT, 0, 0, 0, 0));
  if (f->trivial) PetscCall(PetscArraycpy(f->x, f->k, f->lay.local_sites * hm));
  else fftw_execute(f->backward);
  PetscCall(PetscLogEventEnd(EV_FFT, 0, 0, 0, 0));
  for (int b = 0; b < nb; b++)
    for (int64_t s = 0; s < f->lay.local_sites; s++) out[b * f->lay.local_sites + s] = creal(f->x[s * hm + b]);
  PetscFunctionReturn(PETSC_SUCCESS);
}

PetscErrorCode fourier_destroy(fourier **fp)
{
  fourier *f = *fp;

  PetscFunctionBeginUser;
  if (!f) PetscFunctionReturn(PETSC_SUCCESS);
  if (f->forward) fftw_destroy_plan(f->forward);
  if (f->backward) fftw_destroy_plan(f->backward);
  fftw_free(f->x);
  fftw_free(f->k);
  PetscCall(PetscFree(*fp));
  PetscFunctionReturn(PETSC_SUCCESS);
}
