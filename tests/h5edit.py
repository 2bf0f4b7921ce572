#!/usr/bin/python3
"""h5edit.py SRC KIND DST: a damaged or h5py-written copy of a latdiff file,
for the reader tests. Kinds:
  short      /action one row shorter than /configs
  long       /magnetisation 100 rows longer
  nan        a NaN in configuration 2
  mag        /magnetisation times 20: no longer the mean of /configs
  theory     theory "xyz": no theory latdiff knows
  huge       a value 1e200 in configuration 1 (its powers overflow)
  big        a value 1e30 in configuration 1, /magnetisation its mean (finite
             powers, but a probability-flow path that runs away)
  h5py       the string attributes rewritten by h5py (variable length),
             replicas as int32 and kappa as float32
  wrongtype  kappa as a string
  negconfigs configs_per_replica = -5
  bigconfigs replicas x configs_per_replica that overflows
  complete   SRC (a partial file) marked complete, with a /summary group:
             the state of a run killed while renaming its output
  ckpt_next  a checkpoint with next_traj = -1
  ckpt_nstored  a checkpoint with nstored one larger than its next_traj allows
"""
import sys
import h5py
import numpy as np

src, kind, dst = sys.argv[1:4]
with h5py.File(src, "r") as f, h5py.File(dst, "w") as g:
    for k, v in f.attrs.items():
        g.attrs[k] = v
    for k in f:
        f.copy(k, g)
    if kind == "mag":
        m = f["magnetisation"][:] * 20
        del g["magnetisation"]
        g["magnetisation"] = m
    elif kind == "theory":
        g.attrs["theory"] = "xyz"
    elif kind == "short":
        a = f["action"][:-1]
        del g["action"]
        g["action"] = a
    elif kind == "long":
        del g["magnetisation"]
        g["magnetisation"] = np.zeros(len(f["magnetisation"]) + 100)
    elif kind in ("nan", "huge", "big"):
        c = g["configs"][...]
        if kind == "nan":
            c[2].flat[5] = np.nan
        else:
            c[1].flat[3] = 1e200 if kind == "huge" else 1e30
        g["configs"][...] = c
        if kind == "big":
            g["magnetisation"][...] = c.reshape(len(c), -1).mean(axis=1)
    elif kind == "h5py":
        for k in ("format", "theory", "generator", "code_version", "git_commit", "options"):
            v = f.attrs[k]
            g.attrs[k] = v.decode() if isinstance(v, bytes) else str(v)
        g.attrs["replicas"] = np.int32(f.attrs["replicas"])
        g.attrs["kappa"] = np.float32(f.attrs["kappa"])
    elif kind == "wrongtype":
        g.attrs["kappa"] = "abc"
    elif kind == "negconfigs":
        g.attrs["configs_per_replica"] = np.int64(-5)
    elif kind == "bigconfigs":
        g.attrs["replicas"] = np.int64(2**31 - 1)
        g.attrs["configs_per_replica"] = np.int64(2**40)
    elif kind == "complete":
        g.attrs["complete"] = np.int64(1)
        g.create_group("summary").attrs["acceptance"] = 1.0
    elif kind == "ckpt_next":
        g.attrs["next_traj"] = np.int64(-1)
    elif kind == "ckpt_nstored":
        g.attrs["nstored"] = np.int64(g.attrs["nstored"] + 1)
    else:
        sys.exit("unknown kind " + kind)
