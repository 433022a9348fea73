/*===- call.c - mljit._call: calling compiled kernels from Python ----------===
 *
 * A cached call must cost about what a NumPy ufunc call costs, so the whole
 * cache-hit path is C: `Kernel.try_call(args)` checks that the positional
 * arguments are C-contiguous arrays of exactly the compiled dtypes and
 * shapes (NotImplemented if not, and the caller takes the general path),
 * allocates the results, fills memref descriptors prepared once per
 * signature, and calls the kernel with the GIL released. `Kernel.call`
 * takes arguments already matched to the signature by Python and converts
 * what needs it (Python scalars, strided views, byte order) first.
 *
 * Results of 64 KiB and more come from the runtime's caching allocator
 * (runtime/Allocator.c), owned by a capsule that is the array's base, so a
 * result the user drops is reused by the next call instead of being faulted
 * in again page by page.
 *
 *===----------------------------------------------------------------------===*/

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_2_0_API_VERSION
#include <numpy/arrayobject.h>

#include "runtime/Allocator.h"
#include "runtime/Guard.h"

#include <stdint.h>
#include <string.h>

#define POOLED_RESULT_BYTES (64 << 10)
#define RESULT_ALIGNMENT 64
/* Descriptor words on the stack before the heap is used. */
#define STACK_WORDS 256
#define STACK_ARGUMENTS 32

typedef struct {
  PyArray_Descr *dtype;
  int rank;
  npy_intp *shape;
  PyObject *shape_tuple; /* for messages */
  npy_intp bytes;        /* -1 if more than memory can address */
  Py_ssize_t words; /* index of its descriptor in the word array */
} Spec;

typedef struct {
  PyObject_HEAD
  void (*function)(void **); /* the packed interface: one pointer per argument */
  PyObject *owner;           /* keeps the machine code alive */
  PyObject *result;          /* how results are returned, see Kernel_new */
  Py_ssize_t inputs, outputs;
  Spec *specs;
  int64_t *templates; /* descriptors with sizes and strides filled in */
  Py_ssize_t words;
} Kernel;

/* --- construction --------------------------------------------------------- */

static int parse_specs(PyObject *list, Spec *specs, Py_ssize_t count,
                       Py_ssize_t *words) {
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyObject *item = PyList_GET_ITEM(list, i);
    PyObject *dtype, *shape;
    if (!PyArg_ParseTuple(item, "OO!", &dtype, &PyTuple_Type, &shape))
      return -1;
    Spec *spec = &specs[i];
    if (!PyArray_DescrConverter(dtype, &spec->dtype))
      return -1;
    spec->rank = (int)PyTuple_GET_SIZE(shape);
    spec->shape_tuple = Py_NewRef(shape);
    spec->shape = PyMem_Calloc(spec->rank ? spec->rank : 1, sizeof(npy_intp));
    if (!spec->shape)
      return -1;
    spec->bytes = PyDataType_ELSIZE(spec->dtype);
    for (int d = 0; d < spec->rank; ++d) {
      spec->shape[d] = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, d));
      if (spec->shape[d] < 0) {
        if (!PyErr_Occurred())
          PyErr_SetString(PyExc_ValueError, "negative dimension");
        return -1;
      }
      if (spec->bytes >= 0 &&
          __builtin_mul_overflow(spec->bytes, spec->shape[d], &spec->bytes))
        spec->bytes = -1;
    }
    spec->words = *words;
    *words += 3 + 2 * spec->rank;
  }
  return 0;
}

static void Kernel_dealloc(Kernel *self) {
  if (self->specs)
    for (Py_ssize_t i = 0; i < self->inputs + self->outputs; ++i) {
      Py_XDECREF(self->specs[i].dtype);
      Py_XDECREF(self->specs[i].shape_tuple);
      PyMem_Free(self->specs[i].shape);
    }
  PyMem_Free(self->specs);
  PyMem_Free(self->templates);
  Py_XDECREF(self->owner);
  Py_XDECREF(self->result);
  Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Kernel(address, owner, inputs, outputs, result): `address` of the packed
 * interface, `owner` kept alive with it, `inputs` and `outputs` lists of
 * (dtype, shape). `result` is 0 to return the only result itself, 1 for a
 * tuple of results, or a callable applied to that tuple. */
static PyObject *Kernel_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
  unsigned long long address;
  PyObject *owner, *inputs, *outputs, *result;
  if (kwargs && PyDict_GET_SIZE(kwargs)) {
    PyErr_SetString(PyExc_TypeError, "Kernel() takes positional arguments only");
    return NULL;
  }
  if (!PyArg_ParseTuple(args, "KOO!O!O", &address, &owner, &PyList_Type, &inputs,
                        &PyList_Type, &outputs, &result))
    return NULL;
  if (!address) {
    PyErr_SetString(PyExc_ValueError, "null kernel address");
    return NULL;
  }
  Kernel *self = (Kernel *)type->tp_alloc(type, 0);
  if (!self)
    return NULL;
  self->function = (void (*)(void **))(uintptr_t)address;
  self->owner = Py_NewRef(owner);
  self->result = Py_NewRef(result);
  self->inputs = PyList_GET_SIZE(inputs);
  self->outputs = PyList_GET_SIZE(outputs);
  if (PyLong_Check(result) && PyLong_AsLong(result) == 0 && self->outputs != 1) {
    PyErr_SetString(PyExc_ValueError, "result=0 needs exactly one output");
    goto fail;
  }
  Py_ssize_t count = self->inputs + self->outputs;
  self->specs = PyMem_Calloc(count ? count : 1, sizeof(Spec));
  if (!self->specs)
    goto fail;
  if (parse_specs(inputs, self->specs, self->inputs, &self->words) ||
      parse_specs(outputs, self->specs + self->inputs, self->outputs, &self->words))
    goto fail;
  self->templates = PyMem_Calloc(self->words ? self->words : 1, sizeof(int64_t));
  if (!self->templates)
    goto fail;
  for (Py_ssize_t i = 0; i < count; ++i) {
    const Spec *spec = &self->specs[i];
    int64_t *descriptor = self->templates + spec->words, stride = 1;
    for (int d = spec->rank - 1; d >= 0; --d) {
      descriptor[3 + d] = spec->shape[d];
      descriptor[3 + spec->rank + d] = stride;
      stride *= spec->shape[d] > 1 ? spec->shape[d] : 1;
    }
  }
  return (PyObject *)self;
fail:
  Py_DECREF(self);
  return NULL;
}

/* --- calling -------------------------------------------------------------- */

static void free_pooled(PyObject *capsule) {
  mljit_free(PyCapsule_GetPointer(capsule, NULL));
}

static PyObject *new_result(const Spec *spec) {
  if (spec->bytes < 0)
    return PyErr_Format(PyExc_MemoryError,
                        "a result of shape %S and dtype %S is too large to address",
                        spec->shape_tuple, (PyObject *)spec->dtype);
  Py_INCREF(spec->dtype);
  if (spec->bytes < POOLED_RESULT_BYTES)
    return PyArray_Empty(spec->rank, spec->shape, spec->dtype, 0);
  void *data = mljit_alloc((size_t)spec->bytes, RESULT_ALIGNMENT);
  if (!data) {
    Py_DECREF(spec->dtype);
    return PyErr_Format(PyExc_MemoryError,
                        "cannot allocate %zd bytes for a result of shape %S and dtype %S",
                        spec->bytes, spec->shape_tuple, (PyObject *)spec->dtype);
  }
  PyObject *owner = PyCapsule_New(data, NULL, free_pooled);
  if (!owner) {
    mljit_free(data);
    Py_DECREF(spec->dtype);
    return NULL;
  }
  PyObject *array = PyArray_NewFromDescr(&PyArray_Type, spec->dtype, spec->rank,
                                         spec->shape, NULL, data, NPY_ARRAY_CARRAY, NULL);
  if (!array || PyArray_SetBaseObject((PyArrayObject *)array, owner) < 0) {
    Py_XDECREF(array);
    Py_DECREF(owner);
    return NULL;
  }
  return array;
}

static int matches(PyArrayObject *array, const Spec *spec) {
  PyArray_Descr *dtype = PyArray_DESCR(array);
  if (dtype != spec->dtype &&
      (dtype->type_num != spec->dtype->type_num || !PyArray_ISNBO(dtype->byteorder)))
    return 0;
  if (PyArray_NDIM(array) != spec->rank || !PyArray_IS_C_CONTIGUOUS(array) ||
      !PyArray_ISALIGNED(array))
    return 0;
  return memcmp(PyArray_DIMS(array), spec->shape, spec->rank * sizeof(npy_intp)) == 0;
}

/* Runs the kernel on `arrays` (inputs, already matching) and returns its
 * results as `self->result` says. */
static PyObject *run(Kernel *self, PyArrayObject **arrays) {
  int64_t stack_words[STACK_WORDS];
  void *stack_pointers[2 * STACK_ARGUMENTS];
  Py_ssize_t count = self->inputs + self->outputs;
  int64_t *words = self->words <= STACK_WORDS ? stack_words
                                              : PyMem_Malloc(self->words * sizeof(int64_t));
  void **pointers = count <= STACK_ARGUMENTS ? stack_pointers
                                             : PyMem_Malloc(2 * count * sizeof(void *));
  PyObject *results = PyTuple_New(self->outputs), *value = NULL;
  if (!words || !pointers || !results) {
    PyErr_NoMemory();
    goto done;
  }
  for (Py_ssize_t i = 0; i < self->outputs; ++i) {
    PyObject *array = new_result(&self->specs[self->inputs + i]);
    if (!array)
      goto done;
    PyTuple_SET_ITEM(results, i, array);
  }
  memcpy(words, self->templates, self->words * sizeof(int64_t));
  for (Py_ssize_t i = 0; i < count; ++i) {
    PyArrayObject *array = i < self->inputs
                               ? arrays[i]
                               : (PyArrayObject *)PyTuple_GET_ITEM(results, i - self->inputs);
    int64_t *descriptor = words + self->specs[i].words;
    descriptor[0] = descriptor[1] = (int64_t)(intptr_t)PyArray_DATA(array);
    pointers[count + i] = descriptor;
    pointers[i] = &pointers[count + i];
  }
  int failed;
  size_t failed_bytes = 0;
  Py_BEGIN_ALLOW_THREADS
  failed = mljit_run_guarded(self->function, pointers, &failed_bytes);
  Py_END_ALLOW_THREADS
  if (failed) {
    PyErr_Format(PyExc_MemoryError,
                 "the compiled function could not allocate a temporary of %zu "
                 "bytes (memory its call had allocated before is lost)", failed_bytes);
    goto done;
  }
  if (PyLong_Check(self->result)) {
    value = PyLong_AsLong(self->result) == 0 ? Py_NewRef(PyTuple_GET_ITEM(results, 0))
                                             : Py_NewRef(results);
  } else {
    value = PyObject_CallOneArg(self->result, results);
  }
done:
  Py_XDECREF(results);
  if (words != stack_words)
    PyMem_Free(words);
  if (pointers != stack_pointers)
    PyMem_Free(pointers);
  return value;
}

/* try_call(args): the results, or NotImplemented unless `args` are exactly
 * arrays of the compiled signature. */
static PyObject *Kernel_try_call(Kernel *self, PyObject *args) {
  if (!PyTuple_Check(args) || PyTuple_GET_SIZE(args) != self->inputs)
    Py_RETURN_NOTIMPLEMENTED;
  PyArrayObject *stack[STACK_ARGUMENTS];
  PyArrayObject **arrays = self->inputs <= STACK_ARGUMENTS
                               ? stack
                               : PyMem_Malloc(self->inputs * sizeof(PyArrayObject *));
  if (!arrays)
    return PyErr_NoMemory();
  PyObject *value = NULL;
  for (Py_ssize_t i = 0; i < self->inputs; ++i) {
    PyObject *item = PyTuple_GET_ITEM(args, i);
    if (!PyArray_CheckExact(item) || !matches((PyArrayObject *)item, &self->specs[i])) {
      value = Py_NewRef(Py_NotImplemented);
      goto done;
    }
    arrays[i] = (PyArrayObject *)item;
  }
  value = run(self, arrays);
done:
  if (arrays != stack)
    PyMem_Free(arrays);
  return value;
}

/* call(leaves): the results for leaves already matched to the signature,
 * converted to C-contiguous arrays of the compiled dtypes where needed. */
static PyObject *Kernel_call(Kernel *self, PyObject *leaves) {
  PyObject *sequence = PySequence_Fast(leaves, "leaves must be a sequence");
  if (!sequence)
    return NULL;
  PyObject *value = NULL;
  Py_ssize_t converted = 0;
  PyArrayObject **arrays = PyMem_Calloc(self->inputs ? self->inputs : 1, sizeof(PyArrayObject *));
  if (!arrays) {
    PyErr_NoMemory();
    goto done;
  }
  if (PySequence_Fast_GET_SIZE(sequence) != self->inputs) {
    PyErr_Format(PyExc_TypeError, "expected %zd arguments, got %zd", self->inputs,
                 PySequence_Fast_GET_SIZE(sequence));
    goto done;
  }
  for (; converted < self->inputs; ++converted) {
    const Spec *spec = &self->specs[converted];
    Py_INCREF(spec->dtype);
    PyObject *array = PyArray_FromAny(PySequence_Fast_GET_ITEM(sequence, converted),
                                      spec->dtype, 0, 0,
                                      NPY_ARRAY_IN_ARRAY | NPY_ARRAY_FORCECAST, NULL);
    if (!array)
      goto done;
    arrays[converted] = (PyArrayObject *)array;
    if (!matches(arrays[converted], spec)) {
      PyErr_Format(PyExc_ValueError, "argument %zd does not have the compiled shape",
                   converted);
      ++converted;
      goto done;
    }
  }
  value = run(self, arrays);
done:
  for (Py_ssize_t i = 0; i < converted; ++i)
    Py_XDECREF(arrays[i]);
  PyMem_Free(arrays);
  Py_DECREF(sequence);
  return value;
}

static PyMethodDef Kernel_methods[] = {
    {"try_call", (PyCFunction)Kernel_try_call, METH_O,
     "try_call(args): results, or NotImplemented if args do not match exactly"},
    {"call", (PyCFunction)Kernel_call, METH_O,
     "call(leaves): results for leaves of the compiled signature"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject KernelType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "mljit._call.Kernel",
    .tp_basicsize = sizeof(Kernel),
    .tp_dealloc = (destructor)Kernel_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A compiled kernel with its signature, callable on NumPy arrays.",
    .tp_methods = Kernel_methods,
    .tp_new = Kernel_new,
};

static PyObject *cached_bytes(PyObject *module, PyObject *unused) {
  (void)module;
  (void)unused;
  return PyLong_FromSize_t(mljit_cached_bytes());
}

static PyMethodDef module_methods[] = {
    {"cached_bytes", cached_bytes, METH_NOARGS,
     "Bytes the runtime's allocator holds for reuse."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "mljit._call",
    "Calling compiled kernels on NumPy arrays (the cache-hit path).", -1,
    module_methods,
};

PyMODINIT_FUNC PyInit__call(void) {
  import_array();
  if (PyType_Ready(&KernelType) < 0)
    return NULL;
  PyObject *m = PyModule_Create(&module);
  if (!m)
    return NULL;
  if (PyModule_AddObjectRef(m, "Kernel", (PyObject *)&KernelType) < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
