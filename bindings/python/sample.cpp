// rapport.sample(): the bundled sample organisation, for notebooks and examples.
#include "common.hpp"
#include "rapport/sample.hpp"

namespace rapport::python {

void init_sample(py::module_& m) {
  m.def("sample", [](std::uint64_t seed) {
    Organisation org = [&] {
      py::gil_scoped_release nogil;
      return sample_organisation(seed);
    }();
    return std::make_shared<PyOrg>(std::move(org));
  }, py::arg("seed") = 2026,
     "The bundled sample organisation: Stadtwerke Rheinfeld, a fictional municipal energy supplier with yearly "
     "reviews 2023-2026 and a story (a blind spot, a hidden strength, a local optimiser, a team at retention "
     "risk, overdue conversations). The same seed gives the same organisation; `rapport sample` writes it as CSV.");
}

}  // namespace rapport::python
