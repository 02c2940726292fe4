// C module: saving and loading archives.
#include <cstring>

#include "capi_internal.hpp"
#include "rapport/archive.hpp"

using namespace rapport::capi;

extern "C" {

RAPPORT_API rapport_status rapport_org_save(const rapport_org* org, const char* path) {
  return guarded(__func__, [&] {
    std::string p(text(path, "path"));
    auto r = read_org(org);
    rapport::save(r.org(), std::filesystem::path(p));
  });
}

RAPPORT_API rapport_status rapport_org_load(const char* path, rapport_org** out_org) {
  return guarded(__func__, [&] {
    reset(out_org, nullptr);
    auto& out = need(out_org, "out_org");
    std::string p(text(path, "path"));
    out = new_org_handle(rapport::load(std::filesystem::path(p)));
  });
}

RAPPORT_API rapport_status rapport_org_save_to_bytes(const rapport_org* org, uint8_t** out_bytes, size_t* out_len) {
  return guarded(__func__, [&] {
    reset(out_bytes, nullptr), reset(out_len, 0);
    auto &bytes = need(out_bytes, "out_bytes");
    auto &len = need(out_len, "out_len");
    std::string b;
    {
      auto r = read_org(org);
      b = rapport::save_to_bytes(r.org());
    }
    auto* p = static_cast<uint8_t*>(owned_alloc(b.size(), AllocKind::bytes));
    if (!b.empty()) std::memcpy(p, b.data(), b.size());
    bytes = p;
    len = b.size();
  });
}

RAPPORT_API rapport_status rapport_org_load_from_bytes(const void* bytes, size_t len, rapport_org** out_org) {
  return guarded(__func__, [&] {
    reset(out_org, nullptr);
    auto& out = need(out_org, "out_org");
    if (len > 0 && !bytes) fail(RAPPORT_MISUSE, "bytes is NULL but len is " + std::to_string(len));
    std::string_view view(len ? static_cast<const char*>(bytes) : "", len);
    out = new_org_handle(rapport::load_from_bytes(view));
  });
}

}  // extern "C"
