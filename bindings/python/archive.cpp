// Archives: saving and loading an Organisation as one self-checking file, bytes, and pickling.
#include <pybind11/stl/filesystem.h>

#include "common.hpp"
#include "rapport/archive.hpp"

namespace rapport::python {

void init_archive(py::module_& m) {
  auto load_file = [](const std::filesystem::path& path) {
    // Loading builds a new Organisation nobody else sees yet: no lock, only the GIL released.
    Organisation org = [&] {
      py::gil_scoped_release nogil;
      return load(path);
    }();
    return std::make_shared<PyOrg>(std::move(org));
  };
  auto load_bytes = [](py::bytes data) {
    std::string_view bytes = data;  // borrowed from the bytes object, which the caller keeps alive
    Organisation org = [&] {
      py::gil_scoped_release nogil;
      return load_from_bytes(bytes);
    }();
    return std::make_shared<PyOrg>(std::move(org));
  };
  auto to_bytes = [](const PyOrg& o) {
    std::string bytes = read_nogil(o, [](const Organisation& org) { return save_to_bytes(org); });
    return py::bytes(bytes);
  };

  m.attr("FORMAT_VERSION") = format_version;
  m.def("load", load_file, py::arg("path"),
        "Reads an archive written by `save`. Raises IoError (an OSError) when the file cannot be read, "
        "CorruptArchive, NotAnArchive or ArchiveTooNew (ArchiveError, a ValueError) when it cannot be trusted.");
  m.def("save", [](const PyOrg& o, const std::filesystem::path& path) {
    read_nogil(o, [&](const Organisation& org) { save(org, path); });
  }, py::arg("organisation"), py::arg("path"), "Writes `organisation` to `path` atomically.");
  m.def("load_bytes", load_bytes, py::arg("data"), "Reads the bytes of an archive.");

  auto cls = py::reinterpret_borrow<py::class_<PyOrg, PyOrgPtr>>(m.attr("Organisation"));
  cls.def("save", [](const PyOrg& o, const std::filesystem::path& path) {
       read_nogil(o, [&](const Organisation& org) { save(org, path); });
     }, py::arg("path"),
     "Writes the organisation to `path` atomically (a temporary file renamed over it); on failure `path` "
     "is left as it was and IoError is raised.")
      .def_static("load", load_file, py::arg("path"), "Reads an archive written by `save` (see rapport.load).")
      .def("to_bytes", to_bytes, "The bytes `save` would write.")
      .def_static("from_bytes", load_bytes, py::arg("data"), "Reads the bytes of an archive.")
      .def(py::pickle([to_bytes](const PyOrg& o) { return to_bytes(o); },
                      [load_bytes](py::bytes b) { return load_bytes(b); }));
}

}  // namespace rapport::python
