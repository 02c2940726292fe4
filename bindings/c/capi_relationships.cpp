// C module: relationships between units.
#include <algorithm>

#include "capi_internal.hpp"

using namespace rapport::capi;
using rapport::RelationshipId;
using rapport::UnitId;

extern "C" {

RAPPORT_API rapport_status rapport_relationship_add(rapport_org* org, rapport_unit_id provider,
                                                    rapport_unit_id recipient, rapport_bond bond, const char* label,
                                                    rapport_relationship_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    rapport::RelationshipSpec spec{UnitId{provider}, UnitId{recipient},
                                   enum_arg<rapport::Bond>(bond, rapport::bond_count, "bond"),
                                   std::string(opt_text(label, "label"))};
    out = write_org(org).org().add_relationship(std::move(spec)).value;
  });
}

RAPPORT_API rapport_status rapport_relationship_update(rapport_org* org, rapport_relationship_id id, const char* label) {
  return guarded(__func__, [&] {
    std::string l(opt_text(label, "label"));
    write_org(org).org().update_relationship(RelationshipId{id}, std::move(l));
  });
}

RAPPORT_API rapport_status rapport_relationship_remove(rapport_org* org, rapport_relationship_id id) {
  return guarded(__func__, [&] { write_org(org).org().remove_relationship(RelationshipId{id}); });
}

RAPPORT_API rapport_status rapport_relationship_find(const rapport_org* org, rapport_unit_id provider,
                                                     rapport_unit_id recipient, rapport_bond bond,
                                                     rapport_relationship_id* out_id) {
  return guarded(__func__, [&] {
    reset(out_id, RAPPORT_NO_ID);
    auto& out = need(out_id, "out_id");
    auto b = enum_arg<rapport::Bond>(bond, rapport::bond_count, "bond");
    auto r = read_org(org);
    auto found = r.org().find_relationship(UnitId{provider}, UnitId{recipient}, b);
    if (!found)
      fail(RAPPORT_NOT_FOUND, "no " + std::string(rapport::to_string(b)) + " relationship from unit " +
                                  std::to_string(provider) + " to unit " + std::to_string(recipient));
    out = found->value;
  });
}

RAPPORT_API rapport_status rapport_relationship_get(const rapport_org* org, rapport_relationship_id id,
                                                    rapport_relationship_info* out_info) {
  return guarded(__func__, [&] {
    reset(out_info, rapport_relationship_info{RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_NO_ID, RAPPORT_BOND_SERVICE});
    auto& out = need(out_info, "out_info");
    auto r = read_org(org);
    const rapport::Relationship& x = r.org().relationship(RelationshipId{id});
    out = rapport_relationship_info{x.id.value, x.provider.value, x.recipient.value, rapport_bond(x.bond)};
  });
}

RAPPORT_API rapport_status rapport_relationship_label(const rapport_org* org, rapport_relationship_id id,
                                                      char** out_label) {
  return guarded(__func__, [&] {
    reset(out_label, nullptr);
    auto& out = need(out_label, "out_label");
    auto r = read_org(org);
    out = owned_string(r.org().relationship(RelationshipId{id}).label);
  });
}

RAPPORT_API rapport_status rapport_relationships_list(const rapport_org* org, rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    std::vector<std::uint32_t> ids;
    ids.reserve(r.org().relationships().size());
    for (const rapport::Relationship& x : r.org().relationships()) ids.push_back(x.id.value);
    fill_ids(out, ids);
  });
}

RAPPORT_API rapport_status rapport_relationship_conversations(const rapport_org* org, rapport_relationship_id id,
                                                              rapport_id_array* out_ids) {
  return guarded(__func__, [&] {
    reset(out_ids, rapport_id_array{nullptr, 0});
    auto& out = need(out_ids, "out_ids");
    auto r = read_org(org);
    r.org().relationship(RelationshipId{id});  // NOT_FOUND for an unknown one
    const rapport::ConversationTable& t = r.org().conversations();
    // The clustered part holds the relationship's rows as one run sorted by date; the unsorted tail
    // is scanned and its rows merged in by (date, id).
    std::vector<std::pair<std::int32_t, std::uint32_t>> rows;
    auto [lo, hi] = t.sorted_range(RelationshipId{id});
    for (auto row = lo; row < hi; ++row)
      if (t.live(row)) rows.emplace_back(t.dates()[row], t.ids()[row]);
    auto sorted_end = rows.size();
    for (auto row = t.sorted_rows(); row < t.rows(); ++row)
      if (t.live(row) && t.relationships()[row] == id) rows.emplace_back(t.dates()[row], t.ids()[row]);
    std::sort(rows.begin() + std::ptrdiff_t(sorted_end), rows.end());
    std::inplace_merge(rows.begin(), rows.begin() + std::ptrdiff_t(sorted_end), rows.end());
    std::vector<std::uint32_t> ids;
    ids.reserve(rows.size());
    for (auto& [date, cid] : rows) ids.push_back(cid);
    fill_ids(out, ids);
  });
}

}  // extern "C"
