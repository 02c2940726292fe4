// rapport.sample(): the bundled sample organisation, for notebooks and examples.
#include "common.hpp"

#ifdef RAPPORT_PY_HAVE_SAMPLE
#include "sample.hpp"
#endif

namespace rapport::python {

void init_sample(py::module_& m) {
#ifdef RAPPORT_PY_HAVE_SAMPLE
  m.def("sample", [](std::uint64_t seed) {
    Organisation org = [&] {
      py::gil_scoped_release nogil;
      return cli::make_sample(seed);
    }();
    return std::make_shared<PyOrg>(std::move(org));
  }, py::arg("seed") = 2026,
     "The bundled sample organisation: Stadtwerke Rheinfeld, a fictional municipal energy supplier with yearly "
     "reviews 2023-2026 and a story (a blind spot, a hidden strength, a local optimiser, a team at retention "
     "risk, overdue conversations). The same seed gives the same organisation; `rapport sample` writes it as CSV.");
#else
  (void)m;
#endif
}

}  // namespace rapport::python
