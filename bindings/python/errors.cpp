// The error mapping: the core's one exception hierarchy onto Python classes that are also builtins,
// so `except ValueError`, `except KeyError` and `except OSError` do what a Python user expects.
//
//   rapport.Error(Exception)                 .code: the core's stable error name ("not_found", ...)
//   ├── ValidationError(Error, ValueError)   invalid argument
//   │   ├── DuplicateError                   an id, key or relationship that already exists
//   │   ├── ConflictError                    the change would break the model
//   │   ├── NoData                           a score asked of an empty set
//   │   └── Suppressed                       a value withheld to protect individuals
//   ├── NotFound(Error, KeyError)            an unknown id or key
//   ├── IoError(Error, OSError)              a file operation the OS refused
//   └── ArchiveError(Error, ValueError)      a file that cannot be loaded as an archive
//       ├── CorruptArchive                   damaged or truncated
//       ├── NotAnArchive                     not a rapport archive at all
//       └── ArchiveTooNew                    written by a newer rapport
#include "common.hpp"

namespace rapport::python {
namespace {

struct Classes {
  PyObject *error, *validation, *duplicate, *conflict, *no_data, *suppressed, *not_found, *io, *archive,
      *corrupt, *not_an_archive, *too_new;
};
Classes classes{};  // leaked references: they live as long as the interpreter

PyObject* make_class(py::module_& m, const char* name, py::tuple bases, const char* doc, bool plain_str = false) {
  py::dict ns;
  ns["__module__"] = "rapport";
  ns["__doc__"] = doc;
  // KeyError quotes its message in str(); a NotFound reads better as plain text.
  if (plain_str) ns["__str__"] = py::module_::import("builtins").attr("Exception").attr("__str__");
  py::object cls = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyType_Type))(name, bases, ns);
  m.attr(name) = cls;
  return cls.release().ptr();
}

std::string_view code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::invalid_argument: return "invalid_argument";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::duplicate: return "duplicate";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::io: return "io";
    case ErrorCode::corrupt: return "corrupt";
    case ErrorCode::version_too_new: return "version_too_new";
    case ErrorCode::not_an_archive: return "not_an_archive";
    case ErrorCode::no_data: return "no_data";
    case ErrorCode::suppressed: return "suppressed";
  }
  return "unknown";
}

PyObject* class_for(const Error& e) {
  switch (e.code()) {
    case ErrorCode::duplicate: return classes.duplicate;
    case ErrorCode::conflict: return classes.conflict;
    case ErrorCode::no_data: return classes.no_data;
    case ErrorCode::suppressed: return classes.suppressed;
    case ErrorCode::not_found: return classes.not_found;
    case ErrorCode::io: return classes.io;
    case ErrorCode::corrupt: return classes.corrupt;
    case ErrorCode::not_an_archive: return classes.not_an_archive;
    case ErrorCode::version_too_new: return classes.too_new;
    case ErrorCode::invalid_argument: break;
  }
  // The code decides, the C++ type breaks ties: a FormatError is always an archive problem.
  if (dynamic_cast<const FormatError*>(&e)) return classes.corrupt;
  if (dynamic_cast<const IoError*>(&e)) return classes.io;
  if (dynamic_cast<const NotFoundError*>(&e)) return classes.not_found;
  return classes.validation;
}

void raise(const Error& e) {
  PyObject* cls = class_for(e);
  py::object instance = py::reinterpret_borrow<py::object>(cls)(py::str(e.what()));
  instance.attr("code") = py::str(std::string(code_name(e.code())));
  PyErr_SetObject(cls, instance.ptr());
}

}  // namespace

void init_errors(py::module_& m) {
  auto bases = [](auto... b) { return py::make_tuple(py::handle(b)...); };
  PyObject* Exception = PyExc_Exception;
  classes.error = make_class(m, "Error", bases(Exception), "Base of every error rapport raises; `.code` names the kind.");
  PyObject* E = classes.error;
  classes.validation = make_class(m, "ValidationError", bases(E, PyExc_ValueError), "A value or change the model rejects.");
  PyObject* V = classes.validation;
  classes.duplicate = make_class(m, "DuplicateError", bases(V), "An id, key or relationship that already exists.");
  classes.conflict = make_class(m, "ConflictError", bases(V), "A change that would break the model (a cycle, dependants left, a closed record).");
  classes.no_data = make_class(m, "NoData", bases(V), "A score asked of an empty set.");
  classes.suppressed = make_class(m, "Suppressed", bases(V), "A value withheld to protect individuals (group below the minimum size).");
  classes.not_found = make_class(m, "NotFound", bases(E, PyExc_KeyError), "An id or key that names nothing.", true);
  classes.io = make_class(m, "IoError", bases(E, PyExc_OSError), "A file operation the operating system refused.");
  classes.archive = make_class(m, "ArchiveError", bases(E, PyExc_ValueError), "A file that cannot be loaded as a rapport archive.");
  PyObject* A = classes.archive;
  classes.corrupt = make_class(m, "CorruptArchive", bases(A), "An archive that fails its checks: damaged or truncated.");
  classes.not_an_archive = make_class(m, "NotAnArchive", bases(A), "A file that is not a rapport archive at all.");
  classes.too_new = make_class(m, "ArchiveTooNew", bases(A), "An archive written by a newer rapport than this one.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Error& e) {
      raise(e);
    }
  });
}

}  // namespace rapport::python
