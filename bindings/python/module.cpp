// The private native module of the `rapport` package. Import `rapport`, not this.
#include "common.hpp"
#include "rapport/version.hpp"

PYBIND11_MODULE(_rapport, m) {
  using namespace rapport::python;
  m.doc() = "rapport's native core (private: import rapport)";
  m.attr("__version__") = RAPPORT_VERSION_STRING;
  // Order matters: later areas use the enums, errors and classes that earlier ones registered.
  init_errors(m);
  init_types(m);
  init_model(m);
  init_conversations(m);
  init_archive(m);
  init_scores(m);
  init_sample(m);
}
