# Checks for the libraries latdiff is built on. Each macro fails with a
# message that names the Debian package to install.

AC_DEFUN([LATDIFF_CHECK_MPI], [
  AC_MSG_CHECKING([whether $CC compiles and links MPI programs])
  AC_LINK_IFELSE([AC_LANG_PROGRAM([[#include <mpi.h>]],
                                  [[MPI_Init(0, 0); MPI_Finalize();]])],
    [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([$CC cannot build MPI programs: install openmpi-bin and libopenmpi-dev, or set CC=mpicc])])
  AC_PATH_PROG([MPIRUN], [mpirun], [no])
  AS_IF([test "x$MPIRUN" = xno], [AC_MSG_ERROR([mpirun not found: install openmpi-bin])])
])

AC_DEFUN([LATDIFF_CHECK_PETSC], [
  PKG_CHECK_MODULES([PETSC], [petsc], [],
    [AC_MSG_ERROR([PETSc not found by pkg-config: install libpetsc-real-dev (or set PKG_CONFIG_PATH to your PETSc)])])
  save_CPPFLAGS=$CPPFLAGS; CPPFLAGS="$CPPFLAGS $PETSC_CFLAGS"
  AC_MSG_CHECKING([whether PETSc is the real, double-precision build])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <petscsys.h>
#if !defined(PETSC_USE_REAL_DOUBLE) || defined(PETSC_USE_COMPLEX)
#error not real double
#endif]], [])], [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no]); AC_MSG_ERROR([latdiff needs PETSc with real double scalars (Debian: libpetsc-real-dev)])])
  CPPFLAGS=$save_CPPFLAGS
])

AC_DEFUN([LATDIFF_CHECK_HDF5_PARALLEL], [
  PKG_CHECK_MODULES([HDF5], [hdf5-openmpi], [],
    [PKG_CHECK_MODULES([HDF5], [hdf5], [],
      [AC_MSG_ERROR([HDF5 not found by pkg-config: install libhdf5-openmpi-dev])])])
  save_CPPFLAGS=$CPPFLAGS; CPPFLAGS="$CPPFLAGS $HDF5_CFLAGS"
  AC_MSG_CHECKING([whether HDF5 is built for parallel I/O])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <hdf5.h>
#ifndef H5_HAVE_PARALLEL
#error serial HDF5
#endif]], [])], [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no])
     AC_MSG_ERROR([the HDF5 found ($HDF5_CFLAGS) is a serial build; latdiff writes ensembles collectively and needs parallel HDF5: install libhdf5-openmpi-dev])])
  CPPFLAGS=$save_CPPFLAGS
])

AC_DEFUN([LATDIFF_CHECK_FFTW_MPI], [
  PKG_CHECK_MODULES([FFTW], [fftw3], [],
    [AC_MSG_ERROR([FFTW3 not found: install libfftw3-dev])])
  dnl Debian ships no fftw3-mpi.pc: look for the library directly.
  save_LIBS=$LIBS
  AC_CHECK_LIB([fftw3_mpi], [fftw_mpi_init], [FFTW_LIBS="-lfftw3_mpi $FFTW_LIBS"],
    [AC_MSG_ERROR([libfftw3_mpi not found: install libfftw3-mpi-dev])], [$FFTW_LIBS])
  AC_CHECK_HEADER([fftw3-mpi.h], [], [AC_MSG_ERROR([fftw3-mpi.h not found: install libfftw3-mpi-dev])])
  LIBS=$save_LIBS
])

AC_DEFUN([LATDIFF_CHECK_RANDOM123], [
  AC_CHECK_HEADER([Random123/philox.h], [],
    [AC_MSG_ERROR([Random123 headers not found: install librandom123-dev])])
])

AC_DEFUN([LATDIFF_CHECK_CBLAS], [
  PKG_CHECK_MODULES([CBLAS], [openblas], [],
    [CBLAS_LIBS="-lopenblas"])
  save_LIBS=$LIBS
  AC_CHECK_LIB([openblas], [cblas_sgemm], [],
    [AC_MSG_ERROR([CBLAS (OpenBLAS) not found: install libopenblas-dev])])
  LIBS=$save_LIBS
  AC_SUBST([CBLAS_LIBS])
])

AC_DEFUN([LATDIFF_WARNINGS], [
  LATDIFF_WFLAGS="-Wall -Wextra -Wpedantic -Wshadow -Wconversion"
  AC_SUBST([LATDIFF_WFLAGS])
])

# The float network kernels (src/nn/kernels_f.c) are written to vectorize
# (swish's exponential in plain arithmetic); -O2's "very cheap" vectorizer
# declines loops whose trip count is not a multiple of the vector width, so
# they get the full cost model where the compiler takes the flags.
AC_DEFUN([LATDIFF_VECTORIZE], [
  LATDIFF_VECFLAGS=""
  latdiff_save_CFLAGS=$CFLAGS
  CFLAGS="$CFLAGS -ftree-vectorize -fvect-cost-model=dynamic -Werror"
  AC_MSG_CHECKING([whether $CC vectorizes with -fvect-cost-model=dynamic])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
    [LATDIFF_VECFLAGS="-ftree-vectorize -fvect-cost-model=dynamic"; AC_MSG_RESULT([yes])], [AC_MSG_RESULT([no])])
  CFLAGS=$latdiff_save_CFLAGS
  AC_SUBST([LATDIFF_VECFLAGS])
])

# Parallel tests: mpirun that also works as root and with more ranks than cores.
AC_DEFUN([LATDIFF_TEST_MPIRUN], [
  AC_ARG_VAR([TESTMPIRUN], [command that launches parallel tests; ranks are appended as -n N])
  AS_IF([test -z "$TESTMPIRUN"], [TESTMPIRUN="$MPIRUN --oversubscribe --allow-run-as-root"])
])

# Library headers are included as system headers, so -Wconversion and
# friends speak about our code only.
AC_DEFUN([LATDIFF_SYSTEM_HEADERS], [
  PETSC_CFLAGS=`echo "$PETSC_CFLAGS" | sed 's/-I/-isystem /g'`
  HDF5_CFLAGS=`echo "$HDF5_CFLAGS" | sed 's/-I/-isystem /g'`
  FFTW_CFLAGS=`echo "$FFTW_CFLAGS" | sed 's/-I/-isystem /g'`
])

# The Python of the test helpers, the plots and bench/: the first python3 on
# PATH (then /usr/bin) that imports h5py and numpy; Debian's python3-h5py
# lives in /usr/bin/python3, which an earlier python3 on PATH (pyenv, conda)
# may hide. Without one, configure says which tests will be skipped.
AC_DEFUN([LATDIFF_CHECK_PYTHON], [
  AC_ARG_VAR([PYTHON], [Python 3 with h5py and numpy (matplotlib for the plots): test helpers, plots, bench/])
  AC_CACHE_CHECK([for a python3 with h5py and numpy], [ac_cv_path_PYTHON],
    [AC_PATH_PROGS_FEATURE_CHECK([PYTHON], [python3],
      [$ac_path_PYTHON -c 'import h5py, numpy' >/dev/null 2>&1 && ac_cv_path_PYTHON=$ac_path_PYTHON ac_path_PYTHON_found=:],
      [ac_cv_path_PYTHON=no], [$PATH$PATH_SEPARATOR/usr/bin])])
  PYTHON=$ac_cv_path_PYTHON
  AS_IF([test "$PYTHON" = no],
    [AC_MSG_WARN([no python3 with h5py and numpy: make check will skip the cases that edit or read files with h5py (damaged files in tests/readers.sh, the flow record in tests/record.sh, parts of train.sh and nll.sh) and make run draws no plots; install python3-h5py (sh .ci/install-deps)])
     PYTHON=python3])
  latdiff_matplotlib=no
  AS_IF([$PYTHON -c 'import matplotlib' >/dev/null 2>&1], [latdiff_matplotlib=yes])
  AC_SUBST([PYTHON])
])
