// C module: units, the hierarchy, the fishbone, erasing a person.
#include "capi_internal.hpp"

using namespace rapport::capi;
using rapport::UnitId;

namespace {

rapport::UnitSpec unit_spec(const char* key, const char* name, const rapport_unit_kind& kind, rapport_unit_id parent,
                            rapport_unit_id payer) {
  rapport::UnitSpec spec;
  spec.key = std::string(text(key, "key"));
  spec.name = std::string(opt_text(name, "name"));
  spec.kind = enum_arg<rapport::UnitKind>(kind, rapport::unit_kind_count, "unit kind");
  spec.parent = opt_id<UnitId>(parent);
  spec.payer = opt_id<UnitId>(payer);
  return spec;
}

constexpr rapport_id_array empty_ids{nullptr, 0};

}  // namespace

extern "C" {

RAPPORT_API rapport_status rapport_unit_add(rapport_org* org, const char* key, const char* name, rapport_unit_kind kind,
                                            rapport_unit_id parent, rapport_unit_id payer, rapport_unit_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    auto spec = unit_spec(key, name, kind, parent, payer);
    out = write_org(org).org().add_unit(std::move(spec)).value;
  });
}

RAPPORT_API rapport_status rapport_unit_update(rapport_org* org, rapport_unit_id id, const char* key, const char* name,
                                               rapport_unit_kind kind, rapport_unit_id parent, rapport_unit_id payer) {
  return guarded(__func__, [&] {
    auto spec = unit_spec(key, name, kind, parent, payer);
    write_org(org).org().update_unit(UnitId{id}, std::move(spec));
  });
}

RAPPORT_API rapport_status rapport_unit_remove(rapport_org* org, rapport_unit_id id) {
  return guarded(__func__, [&] { write_org(org).org().remove_unit(UnitId{id}); });
}

RAPPORT_API rapport_status rapport_unit_find(const rapport_org* org, const char* key, rapport_unit_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    auto k = text(key, "key");
    auto r = read_org(org);
    auto found = r.org().find_unit(k);
    if (!found) fail(RAPPORT_NOT_FOUND, "no unit has the key '" + std::string(k) + "'");
    out = found->value;
  });
}

RAPPORT_API rapport_status rapport_unit_get(const rapport_org* org, rapport_unit_id id, rapport_unit_info* out_info) {
  return guarded(__func__, [&] {
    reset(out_info, rapport_unit_info{RAPPORT_NO_ID, RAPPORT_UNIT_PERSON, RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_NO_ID});
    auto& out = need(out_info, "out_info");
    auto r = read_org(org);
    const rapport::Unit& u = r.org().unit(UnitId{id});
    out = rapport_unit_info{u.id.value, rapport_unit_kind(u.kind), id_out(u.parent), id_out(u.payer),
                            id_out(u.effective_payer())};
  });
}

RAPPORT_API rapport_status rapport_unit_key(const rapport_org* org, rapport_unit_id id, char** out_key) {
  return guarded(__func__, [&] {
    reset(out_key, nullptr);
    auto& out = need(out_key, "out_key");
    auto r = read_org(org);
    out = owned_string(r.org().unit(UnitId{id}).key);
  });
}

RAPPORT_API rapport_status rapport_unit_name(const rapport_org* org, rapport_unit_id id, char** out_name) {
  return guarded(__func__, [&] {
    reset(out_name, nullptr);
    auto& out = need(out_name, "out_name");
    auto r = read_org(org);
    out = owned_string(r.org().unit(UnitId{id}).name);
  });
}

RAPPORT_API rapport_status rapport_units_list(const rapport_org* org, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, empty_ids);
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    std::vector<std::uint32_t> ids;
    ids.reserve(r.org().units().size());
    for (const rapport::Unit& u : r.org().units()) ids.push_back(u.id.value);
    fill_ids(out, ids);
  });
}

RAPPORT_API rapport_status rapport_unit_children(const rapport_org* org, rapport_unit_id id, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, empty_ids);
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    fill_ids(out, r.org().children(UnitId{id}));
  });
}

RAPPORT_API rapport_status rapport_unit_payer_chain(const rapport_org* org, rapport_unit_id id,
                                                    rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, empty_ids);
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    fill_ids(out, r.org().payer_chain(UnitId{id}));
  });
}

RAPPORT_API rapport_status rapport_unit_relationships(const rapport_org* org, rapport_unit_id id,
                                                      rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, empty_ids);
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    fill_ids(out, r.org().relationships_of(UnitId{id}));
  });
}

RAPPORT_API rapport_status rapport_unit_fishbone(const rapport_org* org, rapport_unit_id id,
                                                 rapport_fishbone* out_fishbone) {
  return guarded(__func__, [&] {
    reset(out_fishbone, rapport_fishbone{RAPPORT_NO_ID, empty_ids, empty_ids, empty_ids});
    auto& out = need(out_fishbone, "out_fishbone");
    auto r = read_org(org);
    rapport::Fishbone f = r.org().fishbone(UnitId{id});
    r.lock.unlock();
    rapport_fishbone result{f.unit.value, empty_ids, empty_ids, empty_ids};
    try {
      fill_ids(result.input, f.input);
      fill_ids(result.throughput, f.throughput);
      fill_ids(result.output, f.output);
    } catch (...) {
      owned_discard(result.input.ids), owned_discard(result.throughput.ids), owned_discard(result.output.ids);
      throw;
    }
    out = result;
  });
}

RAPPORT_API rapport_status rapport_fishbone_free(rapport_fishbone* fishbone) {
  return guarded(__func__, [&] {
    if (!fishbone) return;
    // Every valid array is freed even if another one is not; the first misuse is then reported.
    std::optional<ApiError> first;
    auto one = [&](rapport_id_array& a, const char* arg) {
      try {
        owned_free(a.ids, AllocKind::ids, arg);
        a = empty_ids;
      } catch (ApiError& e) {
        if (!first) first = std::move(e);
      }
    };
    one(fishbone->input, "fishbone->input.ids");
    one(fishbone->throughput, "fishbone->throughput.ids");
    one(fishbone->output, "fishbone->output.ids");
    if (first) throw *first;
    fishbone->unit = RAPPORT_NO_ID;
  });
}

RAPPORT_API rapport_status rapport_person_erase(rapport_org* org, rapport_unit_id id, rapport_erasure_report* out_report) {
  return guarded(__func__, [&] {
    reset(out_report, rapport_erasure_report{});
    auto& out = need(out_report, "out_report");
    auto rep = write_org(org).org().erase_person(UnitId{id});
    out = rapport_erasure_report{rep.relationships, rep.conversations, rep.answers,
                                 rep.agreements,    rep.complaints,    rep.referrals};
  });
}

}  // extern "C"
