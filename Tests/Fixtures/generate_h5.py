#!/usr/bin/python3
"""Generates the HDF5 fixtures PureHDF cannot write (REL §11.1) into Tests/Fixtures/h5/.

Run with Debian's python3-h5py:  /usr/bin/python3 Tests/Fixtures/generate_h5.py
The files are committed; CI does not need Python for them. Each file is small (<= 64 KiB) and holds one feature.
Regenerating reproduces the same objects, types and values (HDF5 files need not be byte-identical).

Every native fixture holds one problem "000000": the 3x3 matrix [[4,-1,0],[-1,4,-1],[0,-1,4]] as CSR, b = A*1 = (3,2,3),
except samples_bigendian.h5, which holds only the sample set /samples/be. The pdebench_*.h5 files are PDEBench-shaped
(PS §10.5) with dyadic values that are exact in f32 (formulas in darcy_arrays and burgers_arrays).
"""
import os
import sys

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "h5")

INDPTR = np.array([0, 2, 5, 7], dtype="<i4")
INDICES = np.array([0, 1, 0, 1, 2, 1, 2], dtype="<i4")
DATA = np.array([4, -1, -1, 4, -1, -1, 4], dtype="<f8")
B = np.array([3, 2, 3], dtype="<f8")


def path(name):
    return os.path.join(OUT, name)


def vstr(obj, name, value):
    obj.attrs.create(name, value, dtype=h5py.string_dtype("utf-8"))


def fixed_str(obj, name, value, pad="nullterm", cset="ascii"):
    """A fixed-length string attribute with the given padding (nullterm, nullpad, spacepad)."""
    raw = value.encode("utf-8")
    size = len(raw) + (1 if pad == "nullterm" else 3)
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad({"nullterm": h5py.h5t.STR_NULLTERM, "nullpad": h5py.h5t.STR_NULLPAD,
                    "spacepad": h5py.h5t.STR_SPACEPAD}[pad])
    tid.set_cset(h5py.h5t.CSET_ASCII if cset == "ascii" else h5py.h5t.CSET_UTF8)
    padded = raw + (b" " if pad == "spacepad" else b"\0") * (size - len(raw))
    space = h5py.h5s.create(h5py.h5s.SCALAR)
    if name in obj.attrs:
        del obj.attrs[name]
    aid = h5py.h5a.create(obj.id, name.encode(), tid, space)
    aid.write(np.array(padded, dtype="S%d" % size), mtype=tid)


def native_root(f, strings=vstr):
    strings(f, "format", "problem-set")
    strings(f, "format_version", "1.0.0")


def native_problem(f, strings=vstr, data_dtype="<f8", index_dtype="<i4", b_dtype="<f8", data_kwargs=None,
                   index_kwargs=None, b_kwargs=None, root_strings=None):
    native_root(f, root_strings or strings)
    p = f.create_group("problems/000000")
    strings(p, "kind", "linear_system")
    strings(p, "name", "tridiag3")
    a = p.create_group("A")
    strings(a, "storage", "csr")
    a.attrs.create("shape", np.array([3, 3], dtype="<i8"))
    a.create_dataset("indptr", data=INDPTR.astype(index_dtype), **(index_kwargs or {}))
    a.create_dataset("indices", data=INDICES.astype(index_dtype), **(index_kwargs or {}))
    a.create_dataset("data", data=DATA.astype(data_dtype), **(data_kwargs or {}))
    p.create_dataset("b", data=B.astype(b_dtype), **(b_kwargs or {}))
    return p


def new_file(name, libver="earliest", **kw):
    return h5py.File(path(name), "w", libver=libver, **kw)


def patch_filter_id(name, filter_name, new_id):
    """Replaces the id of the named filter in a v1 filter pipeline message (id sits 8 bytes before the name)."""
    with open(path(name), "r+b") as fh:
        content = bytearray(fh.read())
        key = filter_name.encode() + b"\0"
        pos = content.find(key)
        if pos < 8:
            sys.exit("filter name not found in " + name)
        content[pos - 8:pos - 6] = int(new_id).to_bytes(2, "little")
        fh.seek(0)
        fh.write(content)


# ---------------------------------------------------------------- native files with foreign features
def native_features():
    with new_file("native_plain.h5") as f:
        native_problem(f)

    with new_file("native_fixed_strings.h5") as f:
        p = native_problem(f, strings=lambda o, n, v: fixed_str(o, n, v, "nullpad", "utf-8"),
                           root_strings=lambda o, n, v: fixed_str(o, n, v, "nullterm"))
        fixed_str(p, "kind", "linear_system", "spacepad")
        fixed_str(p, "name", "tridiag3 \u00e9", "nullpad", "utf-8")

    with new_file("native_f16.h5") as f:
        native_problem(f, b_dtype="<f2")

    with new_file("native_f32.h5") as f:
        native_problem(f, data_dtype="<f4")

    with new_file("native_bool_enum.h5") as f:
        p = native_problem(f)
        p.attrs.create("symmetric", True)  # h5py writes bool as an enum over int8
        p.attrs.create("spd", np.array(True))

    with new_file("native_bigendian.h5") as f:
        native_problem(f, data_dtype=">f8", index_dtype=">i4", b_dtype=">f8")

    with new_file("native_bigendian_chunked.h5") as f:
        native_problem(f, data_dtype=">f8", index_dtype=">i4", b_dtype=">f8",
                       data_kwargs=dict(chunks=(4,), compression="gzip", shuffle=True),
                       index_kwargs=dict(chunks=(4,), compression="gzip", shuffle=True))

    with new_file("native_bigendian_attr.h5") as f:
        p = native_problem(f)
        p["A"].attrs.create("shape", np.array([3, 3], dtype=">i8"))

    with new_file("native_lzf.h5") as f:
        native_problem(f, data_kwargs=dict(chunks=(4,), compression="lzf"))

    with new_file("native_unknown_filter.h5") as f:
        native_problem(f, data_kwargs=dict(chunks=(4,), shuffle=True))
    patch_filter_id("native_unknown_filter.h5", "shuffle", 40001)

    with new_file("huge_unallocated.h5") as f:  # b declares 2^40 elements, chunked, never written
        p = native_problem(f)
        del p["b"]
        p.create_dataset("b", shape=(2**40,), chunks=(4096,), dtype="<f8")

    with new_file("native_fletcher32.h5") as f:
        native_problem(f, data_kwargs=dict(chunks=(4,), fletcher32=True))

    with new_file("native_gzip_shuffle.h5") as f:
        native_problem(f, data_kwargs=dict(chunks=(4,), compression="gzip", compression_opts=4, shuffle=True),
                       b_kwargs=dict(chunks=(2,), compression="gzip"))


# ---------------------------------------------------------------- links, cycles, external references
def links():
    with new_file("link_dangling_A.h5") as f:
        p = native_problem(f)
        del p["A"]
        p["A"] = h5py.SoftLink("/nowhere/A")

    with new_file("link_dangling_meta.h5") as f:
        p = native_problem(f)
        p["meta"] = h5py.SoftLink("/nowhere/meta")

    with new_file("ext_target.h5") as f:
        f.create_dataset("b", data=B)

    # New-style groups (link messages): PureHDF 2.2.0 does not see links added to an old-style (symbol table) group.
    with new_file("link_external.h5", libver="latest") as f:
        p = native_problem(f)
        del p["b"]
        p["b"] = h5py.ExternalLink("ext_target.h5", "/b")

    with new_file("cycle_kronecker.h5") as f:
        p = native_problem(f)
        del p["A"]
        a = p.create_group("A")
        vstr(a, "storage", "kronecker")
        vstr(a, "combine", "product")
        a.attrs.create("shape", np.array([9, 9], dtype="<i8"))
        fac = a.create_group("factors")
        fac["0"] = a  # hard link back to A: a cycle
        fac["1"] = a
        del p["b"]
        p.create_dataset("b", data=np.ones(9))

    with new_file("cycle_root.h5") as f:
        g = f.create_group("g")
        g.create_dataset("d", data=np.arange(3.0))
        g["loop"] = f["/"]

    with new_file("external_storage.h5") as f:
        p = native_problem(f)
        del p["b"]
        p.create_dataset("b", shape=(3,), dtype="<f8", external=[("ext_raw.bin", 0, 24)])
    with open(path("ext_raw.bin"), "wb") as fh:
        fh.write(B.tobytes())

    with new_file("virtual_dataset.h5", ) as f:
        p = native_problem(f)
        del p["b"]
        layout = h5py.VirtualLayout(shape=(3,), dtype="<f8")
        layout[:] = h5py.VirtualSource("ext_target.h5", "b", shape=(3,))
        p.create_virtual_dataset("b", layout)


# ---------------------------------------------------------------- MATLAB v7.3
MAT_HEADER_TEXT = "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 HDF5 schema 1.00 ."


def mat_header(endian=b"IM"):
    text = MAT_HEADER_TEXT.encode("ascii").ljust(116, b" ")
    return text + b"\0" * 8 + (0x0200).to_bytes(2, "little") + endian + b"\0" * (512 - 128)


def mat_file(name, build, endian=b"IM"):
    with h5py.File(path(name), "w", userblock_size=512, libver="earliest") as f:
        build(f)
    with open(path(name), "r+b") as fh:
        fh.write(mat_header(endian))


def mclass(obj, value):
    fixed_str(obj, "MATLAB_class", value, "nullterm")


def mat_dense(parent, name, matrix, cls="double"):
    """An m x n MATLAB matrix, stored (n, m): the HDF5 dataset is the transpose in C order."""
    arr = np.asarray(matrix)
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)  # MATLAB column vector n x 1 -> HDF5 (1, n)
    d = parent.create_dataset(name, data=np.ascontiguousarray(arr.T))
    mclass(d, cls)
    return d


def mat_sparse(parent, name, dense):
    dense = np.asarray(dense, dtype=float)
    rows, cols = dense.shape
    jc, ir, data = [0], [], []
    for j in range(cols):
        for i in range(rows):
            if dense[i, j] != 0:
                ir.append(i)
                data.append(dense[i, j])
        jc.append(len(ir))
    g = parent.create_group(name)
    mclass(g, "double")
    g.attrs.create("MATLAB_sparse", np.uint64(rows))
    g.create_dataset("jc", data=np.array(jc, dtype="<u8"))
    g.create_dataset("ir", data=np.array(ir, dtype="<u8"))
    if data:
        g.create_dataset("data", data=np.array(data, dtype="<f8"))
    return g


def mat_char(parent, name, text):
    codes = np.array([[ord(c) for c in text]], dtype="<u2")  # 1 x n char -> HDF5 (n, 1)
    d = parent.create_dataset(name, data=codes.T)
    mclass(d, "char")
    d.attrs.create("MATLAB_int_decode", np.int32(2))


MAT_A = np.array([[4.0, -1, 0], [-1, 4, -1], [0, -2, 4]])  # unsymmetric on purpose: a missed transpose shows


def matlab():
    def dense(f):
        mat_dense(f, "A", MAT_A)
        mat_dense(f, "b", MAT_A @ np.ones(3))
        mat_dense(f, "x", np.ones(3))
        mat_dense(f, "x0", np.zeros(3, dtype="<f4"), "single")
    mat_file("mat_dense.mat", dense)

    def sparse(f):
        mat_sparse(f, "A", MAT_A)
        mat_dense(f, "b", np.array([1, 2, 3], dtype="<i4"), "int32")
    mat_file("mat_sparse.mat", sparse)

    def sparse_no_b(f):
        mat_sparse(f, "A", MAT_A)
    mat_file("mat_sparse_no_b.mat", sparse_no_b)

    def sparse_empty(f):
        mat_sparse(f, "A", np.zeros((3, 3)))
        mat_dense(f, "b", np.ones(3))
    mat_file("mat_sparse_nnz0.mat", sparse_empty)

    def struct(f):
        p = f.create_group("Problem")
        mclass(p, "struct")
        mat_sparse(p, "A", MAT_A)
        mat_dense(p, "b", np.stack([MAT_A @ np.ones(3), MAT_A @ np.arange(3.0)], axis=1))  # 3 x 2 block -> (2, 3)
        mat_dense(p, "x", np.stack([np.ones(3), np.arange(3.0)], axis=1))
        mat_char(p, "name", "Test/tridiag3")
        mat_char(p, "title", "a test matrix")
        mat_dense(p, "id", np.array([[42.0]]))
    mat_file("mat_struct.mat", struct)

    def empty(f):
        d = f.create_dataset("A", data=np.array([0, 0], dtype="<u8"))
        mclass(d, "double")
        d.attrs.create("MATLAB_empty", np.uint8(1))
        mat_dense(f, "b", np.ones(3))
    mat_file("mat_empty.mat", empty)

    def complex_(f):
        z = (MAT_A + 1j * np.eye(3)).T.astype(np.complex128)
        dt = np.dtype([("real", "<f8"), ("imag", "<f8")])
        arr = np.empty(z.shape, dtype=dt)
        arr["real"] = z.real
        arr["imag"] = z.imag
        d = f.create_dataset("A", data=arr)
        mclass(d, "double")
        mat_dense(f, "b", np.ones(3))
    mat_file("mat_complex.mat", complex_)

    mat_file("mat_bigendian_header.mat", dense, endian=b"MI")

    def logical(f):
        mat_dense(f, "A", np.eye(3, dtype=np.uint8), "logical")
        mat_dense(f, "b", np.array([2.0**53 + 2, 1, 1]))
        mat_dense(f, "x", np.array([1, 2, 3], dtype="<i8"), "int64")
    mat_file("mat_logical.mat", logical)

    def big_int(f):
        mat_dense(f, "A", np.eye(3))
        mat_dense(f, "b", np.array([2**60, 1, 1], dtype="<i8"), "int64")
    mat_file("mat_int_beyond_2p53.mat", big_int)


# ---------------------------------------------------------------- CSR/CSC groups (PS §10.4)
SP_DENSE = np.array([[1.0, 0, 2], [0, 0, 3], [4, 5, 0], [0, 6, 0]])  # 4 x 3


def csr_arrays(dense):
    indptr, indices, data = [0], [], []
    for row in dense:
        for j, v in enumerate(row):
            if v != 0:
                indices.append(j)
                data.append(v)
        indptr.append(len(indices))
    return np.array(indptr), np.array(indices), np.array(data)


def sparse_groups():
    ip, ix, dv = csr_arrays(SP_DENSE)
    cp, cx, cv = csr_arrays(SP_DENSE.T)  # CSC of SP_DENSE

    with new_file("anndata_csr.h5") as f:
        g = f.create_group("X")
        vstr(g, "encoding-type", "csr_matrix")
        vstr(g, "encoding-version", "0.1.0")
        g.attrs.create("shape", np.array([4, 3], dtype="<i8"))
        g.create_dataset("data", data=dv.astype("<f4"))
        g.create_dataset("indices", data=ix.astype("<i4"))
        g.create_dataset("indptr", data=ip.astype("<i4"))
        vstr(f, "encoding-type", "anndata")

    with new_file("h5sparse_csc.h5") as f:
        g = f.create_group("A")
        vstr(g, "h5sparse_format", "csc")
        g.attrs.create("h5sparse_shape", np.array([4, 3], dtype="<i8"))
        g.create_dataset("data", data=cv)
        g.create_dataset("indices", data=cx.astype("<i4"))
        g.create_dataset("indptr", data=cp.astype("<i8"))

    with new_file("tenx.h5") as f:
        g = f.create_group("matrix")
        g.create_dataset("data", data=cv.astype("<i4"))
        g.create_dataset("indices", data=cx.astype("<u4"))
        g.create_dataset("indptr", data=cp.astype("<u8"))
        g.create_dataset("shape", data=np.array([4, 3], dtype="<i4"))

    with new_file("scipy_csr.h5") as f:
        g = f.create_group("A")
        g.attrs.create("shape", np.array([4, 3], dtype="<i8"))
        vstr(g, "format", "csr")
        g.create_dataset("data", data=dv)
        g.create_dataset("indices", data=ix.astype("<i8"))
        g.create_dataset("indptr", data=ip.astype("<i8"))

    with new_file("scipy_nolayout.h5") as f:
        g = f.create_group("A")
        g.attrs.create("shape", np.array([4, 3], dtype="<i8"))
        g.create_dataset("data", data=dv)
        g.create_dataset("indices", data=ix.astype("<i4"))
        g.create_dataset("indptr", data=ip.astype("<i4"))


def darcy_arrays(n=3, size=8):
    """PDEBench 2-D Darcy shapes with dyadic values (exact in f32): nu in {1, 10}, u = (s+1)/4 + j/8 + k/16."""
    s, j, k = np.meshgrid(np.arange(n), np.arange(size), np.arange(size), indexing="ij")
    nu = np.where((s + j + k) % 2 == 0, 1.0, 10.0).astype("<f4")
    u = ((s + 1) * 0.25 + j * 0.125 + k * 0.0625).astype("<f4")[:, None, :, :]
    coord = ((np.arange(size) + 0.5) / size).astype("<f4")
    return nu, u, coord


def burgers_arrays(n=2, steps=5, size=16):
    """PDEBench 1-D scalar shapes: u = s + t/2 + x/32 (exact in f32); t-coordinate has T + 1 entries as in PDEBench."""
    s, t, x = np.meshgrid(np.arange(n), np.arange(steps), np.arange(size), indexing="ij")
    u = (s + t * 0.5 + x * 0.03125).astype("<f4")
    xc = ((np.arange(size) + 0.5) / size).astype("<f4")
    tc = (np.arange(steps + 1) * 0.25).astype("<f4")
    return u, xc, tc


def pdebench():
    nu, u, coord = darcy_arrays()
    with new_file("pdebench_darcy.h5") as f:
        f.create_dataset("nu", data=nu)
        f.create_dataset("tensor", data=u)
        f.create_dataset("x-coordinate", data=coord)
        f.create_dataset("y-coordinate", data=coord)
        f.attrs.create("beta", np.float32(0.5))

    # Negative twin: nu disagrees with the y-coordinate (ShapeMismatch).
    with new_file("pdebench_darcy_badshape.h5") as f:
        f.create_dataset("nu", data=nu[:, :, :7])
        f.create_dataset("tensor", data=u)
        f.create_dataset("x-coordinate", data=coord)
        f.create_dataset("y-coordinate", data=coord)

    u1, xc, tc = burgers_arrays()
    with new_file("pdebench_1d_advection.h5") as f:
        f.create_dataset("tensor", data=u1)
        f.create_dataset("x-coordinate", data=xc)
        f.create_dataset("t-coordinate", data=tc)

    # Negative twin: a NaN in sample 1, t = 2, x = 3 (NonFiniteValue at (1, 2, 3)).
    bad = u1.copy()
    bad[1, 2, 3] = np.nan
    with new_file("pdebench_1d_nan.h5") as f:
        f.create_dataset("tensor", data=bad)
        f.create_dataset("x-coordinate", data=xc)
        f.create_dataset("t-coordinate", data=tc)

    # A native sample set with a big-endian chunked f32 field (read through the raw path, PS §11 E1).
    with new_file("samples_bigendian.h5") as f:
        native_root(f)
        g = f.create_group("samples/be")
        vstr(g, "kind", "pde_samples")
        vstr(g, "pde", "poisson2d")
        vstr(g, "layout", "sample,x,y")
        g.attrs.create("grid_shape", np.array([4, 4], dtype="<i8"))
        data = (np.arange(48).reshape(3, 4, 4) * 0.5).astype(">f4")
        g.create_dataset("outputs/u", data=data, chunks=(1, 4, 4), compression="gzip", shuffle=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    native_features()
    links()
    matlab()
    sparse_groups()
    pdebench()
    for name in sorted(os.listdir(OUT)):
        size = os.path.getsize(path(name))
        if size > 64 * 1024:
            sys.exit(f"{name} is {size} bytes (> 64 KiB)")
        print(f"{size:7d}  {name}")


if __name__ == "__main__":
    main()
