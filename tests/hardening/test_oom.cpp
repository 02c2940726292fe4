// Out of memory: the N-th allocation inside a load, a save, a change of the model, a CSV import or a C
// API call fails with std::bad_alloc, for N = 0, 1, 2, ... until the operation needs fewer allocations.
// Every N must end in an error (an exception, or RAPPORT_NO_MEMORY from the C API) — never a crash,
// never a wrong result, never a changed model after a failed change — and must leak nothing: the bytes
// held afterwards equal those held before (and LeakSanitizer checks the sanitizer build at exit).
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "alloc_hook.hpp"
#include "common.hpp"
#include "rapport/archive.hpp"
#include "rapport/error.hpp"
#include "rapport/io/csv.hpp"
#include "rapport.h"

using namespace rapport;
using namespace hardening;

namespace {

/// How a run with the N-th allocation failing ended.
enum class End { completed, bad_alloc, error };

/// Runs `op` with the n-th allocation failing, for every n until `op` completes without the failure
/// firing; `check(end)` judges each run (outside the armed region). Returns the number of failure
/// points. With `leaks`, each run must end holding the bytes it began with (an operation on an object
/// that outlives it may keep capacity it grew, so changes of the model leave this to LeakSanitizer).
template <class Op, class Check>
long walk(const char* what, Op&& op, Check&& check, bool leaks = true) {
  long points = 0;
  for (long n = 0;; ++n) {
    const std::size_t before = alloc_hook::live();
    End end = End::completed;
    std::string message;
    alloc_hook::fail_at(n);
    try {
      op();
    } catch (const std::bad_alloc&) {
      end = End::bad_alloc;
    } catch (const Error& e) {
      end = End::error;
      alloc_hook::disarm();
      message = e.what();
    }
    alloc_hook::disarm();
    const bool fired = alloc_hook::fired();
    const std::size_t after = alloc_hook::live();
    INFO(what << ": allocation " << n << " failed" << (message.empty() ? "" : ", message: ") << message);
    if (leaks) REQUIRE(after == before);  // nothing leaked
    if (!fired) {
      REQUIRE(end == End::completed);
      std::printf("oom: %-45s %ld allocation failure points\n", what, points);
      return points;
    }
    ++points;
    // A failed nothrow allocation has a fallback; the operation checks its own result.
    if (alloc_hook::fired_nothrow() && end == End::completed) continue;
    check(end);
  }
}

}  // namespace

TEST_CASE("an allocation failure anywhere in a load reports out of memory and leaks nothing", "[hardening][oom]") {
  const Organisation org = sample_org(21, 300, "oom", 4, 12);
  const std::string bytes = save_to_bytes(org);
  (void)load_from_bytes(bytes);  // warm-up: Boost's registries are built on first use, once
  TempDir dir;
  const fs::path file = dir.path / "org.rapport";
  save(org, file);

  const long points = walk("load_from_bytes", [&] {
    const Organisation back = load_from_bytes(bytes);
    if (save_to_bytes(back) != bytes) throw std::logic_error("loaded something else");
  }, [](End end) {
    // A sound archive that cannot be loaded for want of memory is not corrupt: the error must say so.
    REQUIRE(end == End::bad_alloc);
  });
  CHECK(points > 100);
  walk("load (file)", [&] { (void)load(file); }, [](End end) { REQUIRE(end == End::bad_alloc); });
}

TEST_CASE("an allocation failure anywhere in a save reports out of memory and keeps the old file", "[hardening][oom]") {
  const Organisation org = sample_org(22, 300, "oom-save", 4, 12);
  Organisation loose = org;  // with a tombstone and an unsorted tail: the save compacts a copy
  loose.remove_conversation(ConversationId{3});
  loose.add_conversation({RelationshipId{0}, Date{18000}, ConversationKind::ad_hoc, customer_review_guide, 1, {}, {}});
  const std::string expected = save_to_bytes(loose);
  TempDir dir;
  const fs::path file = dir.path / "org.rapport";
  save(org, file);
  const std::string old_bytes = read_file(file);

  walk("save_to_bytes", [&] {
    if (save_to_bytes(loose) != expected) throw std::logic_error("saved something else");
  }, [](End end) { REQUIRE(end == End::bad_alloc); });
  walk("save (file)", [&] { save(loose, file); }, [&](End end) {
    REQUIRE(end == End::bad_alloc);
    REQUIRE(read_file(file) == old_bytes);
    REQUIRE(dir.entries() == std::vector<std::string>{"org.rapport"});
  });
  REQUIRE(read_file(file) == expected);
}

TEST_CASE("a change that runs out of memory leaves the organisation as it was", "[hardening][oom]") {
  const Organisation base = sample_org(23, 200, "oom-change", 3, 9);
  const std::string base_bytes = save_to_bytes(base);
  const UnitId person = *base.find_unit("person-oom-change-4");
  const UnitId team = *base.find_unit("team-oom-change-1");
  const Organisation other = sample_org(27, 60, "oom-other", 2, 3);
  struct Change {
    const char* what;
    std::function<void(Organisation&)> apply;
  };
  const std::vector<Change> changes = {
      {"add_unit", [&](Organisation& o) { o.add_unit({"new-unit-with-a-long-key-0123456789", "Neue Einheit", UnitKind::team, team, {}}); }},
      {"update_unit", [&](Organisation& o) { o.update_unit(team, {"renamed-team-key-0123456789", "Renamed", UnitKind::team, o.unit(team).parent, {}}); }},
      {"add_relationship", [&](Organisation& o) { o.add_relationship({team, person, Bond::service, "a label long enough to allocate"}); }},
      {"add_guide", [&](Organisation& o) {
         o.add_guide({"g-key", "Title", ConversationKind::ad_hoc, Scale{1, 5}, {Question{"q", {{"en", "Question?"}, {"de", "Frage?"}}}}});
       }},
      {"add_conversation", [&](Organisation& o) {
         o.add_conversation({RelationshipId{1}, Date{19000}, ConversationKind::customer_review, customer_review_guide, 7, 8,
                             {{"better", "an answer long enough to need the heap"}, {"standing", "another answer text"}}});
       }},
      {"add_conversations (bulk)", [&](Organisation& o) {
         std::vector<std::uint32_t> rel(500, 1), guide(500, 0);
         std::vector<std::int32_t> date(500, 19001);
         std::vector<std::uint8_t> kind(500, 0), score(500, 5), self(500, ConversationTable::no_score);
         o.add_conversations({rel, date, kind, guide, score, self});
       }},
      {"update_conversation", [&](Organisation& o) {
         o.update_conversation(ConversationId{2}, {RelationshipId{2}, Date{19002}, ConversationKind::customer_review,
                                                   customer_review_guide, 3, {}, {{"better", "a replaced answer of some length"}}});
       }},
      {"remove_conversation", [&](Organisation& o) { o.remove_conversation(ConversationId{0}); }},
      {"add_agreement", [&](Organisation& o) { o.add_agreement({ConversationId{1}, team, "an agreement text of some length", Date{21000}}); }},
      {"add_complaint", [&](Organisation& o) { o.add_complaint({RelationshipId{0}, Date{19003}, Severity::low, "a complaint text of some length"}); }},
      {"erase_person", [&](Organisation& o) { o.erase_person(person); }},
      {"compact", [&](Organisation& o) { o.compact(); }},
      {"copy", [&](Organisation& o) { Organisation copy = o; (void)copy; }},
      {"copy assignment", [&](Organisation& o) { o = other; }},
      {"update_unit (new parent and key)", [&](Organisation& o) {
         o.update_unit(person, {"moved-person-key-0123456789", "Moved", UnitKind::person, *o.find_unit("team-oom-change-2"), team});
       }},
      {"update_relationship", [&](Organisation& o) { o.update_relationship(RelationshipId{0}, "a new label long enough to allocate"); }},
      {"add_conversation (no answers)", [&](Organisation& o) {
         o.add_conversation({RelationshipId{2}, Date{19004}, ConversationKind::ad_hoc, customer_review_guide, {}, {}, {}});
       }},
      {"add_conversations (bulk, new index pages)", [&](Organisation& o) {
         std::vector<std::uint32_t> rel(40000, 1), guide(40000, 0);
         std::vector<std::int32_t> date(40000, 19005);
         std::vector<std::uint8_t> kind(40000, 0), score(40000, 5);
         o.add_conversations({rel, date, kind, guide, score, {}});
       }},
      {"close_agreement", [&](Organisation& o) { o.close_agreement(AgreementId{0}, AgreementStatus::kept, Date{22000}); }},
      {"remove_agreement", [&](Organisation& o) { o.remove_agreement(AgreementId{0}); }},
      {"advance_complaint", [&](Organisation& o) { o.advance_complaint(ComplaintId{0}, ComplaintStage::acknowledged, Date{19600}); }},
      {"advance_complaint (close)", [&](Organisation& o) {
         o.advance_complaint(ComplaintId{0}, ComplaintStage::closed, Date{19601}, ComplaintOutcome::accepted);
       }},
      {"remove_complaint", [&](Organisation& o) { o.remove_complaint(ComplaintId{0}); }},
      {"add_referral", [&](Organisation& o) { o.add_referral({RelationshipId{1}, Date{19602}, ReferralTarget::employee, person}); }},
      {"set_referral_outcome", [&](Organisation& o) { o.set_referral_outcome(ReferralId{0}, ReferralOutcome::won, Date{19603}); }},
      {"remove_referral", [&](Organisation& o) { o.remove_referral(ReferralId{0}); }},
  };
  for (const Change& c : changes) {
    Organisation org = base;
    walk(c.what, [&] { c.apply(org); }, [&](End end) {
      REQUIRE(end == End::bad_alloc);
      REQUIRE(save_to_bytes(org) == base_bytes);  // strong guarantee: nothing changed
    }, false);
  }
}

TEST_CASE("a change to a compacted organisation that runs out of memory leaves it as it was", "[hardening][oom]") {
  // Compacted, then a removal: the sorted part holds a tombstone and the arena wiped text, so changes
  // move sorted rows, merges drop tombstones, and text compaction has something to do. A spare unit
  // (the person's child, paid by them) and a spare relationship can be removed.
  Organisation base = sample_org(26, 200, "oom-compact", 3, 9);
  const UnitId person = *base.find_unit("person-oom-compact-4");
  const UnitId team = *base.find_unit("team-oom-compact-1");
  const UnitId spare = base.add_unit({"spare-oom-compact", "Spare", UnitKind::candidate, person, person});
  const RelationshipId spare_rel =
      base.add_relationship({team, *base.find_unit("team-oom-compact-0"), Bond::cooperation, "spare"});
  base.compact();
  base.remove_conversation(ConversationId{7});
  REQUIRE(base.conversations().sorted_rows() > 100);
  const std::string base_bytes = save_to_bytes(base);
  struct Change {
    const char* what;
    std::function<void(Organisation&)> apply;
  };
  const std::vector<Change> changes = {
      {"remove_unit", [&](Organisation& o) { o.remove_unit(spare); }},
      {"remove_relationship", [&](Organisation& o) { o.remove_relationship(spare_rel); }},
      {"add_conversation (after a merge)", [&](Organisation& o) {
         o.add_conversation({RelationshipId{1}, Date{19000}, ConversationKind::customer_review, customer_review_guide, 7, 8,
                             {{"better", "an answer long enough to need the heap"}}});
       }},
      {"add_conversations (bulk, after a merge)", [&](Organisation& o) {
         std::vector<std::uint32_t> rel(300, 2), guide(300, 0);
         std::vector<std::int32_t> date(300, 18001);
         std::vector<std::uint8_t> kind(300, 1), score(300, 4), self(300, 6);
         o.add_conversations({rel, date, kind, guide, score, self});
       }},
      {"update_conversation (moves a sorted row)", [&](Organisation& o) {
         o.update_conversation(ConversationId{2}, {RelationshipId{3}, Date{19010}, ConversationKind::customer_review,
                                                   customer_review_guide, 3, {}, {{"better", "a replaced answer of some length"}}});
       }},
      {"update_conversation (in place)", [&](Organisation& o) {
         const ConversationFacts f = o.conversation(ConversationId{3});
         o.update_conversation(ConversationId{3}, {f.relationship, f.date, f.kind, f.guide, 2, 2,
                                                   {{"better", "a replaced answer of some length"}, {"standing", "and one more"}}});
       }},
      {"remove_conversation", [&](Organisation& o) { o.remove_conversation(ConversationId{0}); }},
      {"erase_person (with a child and a payee)", [&](Organisation& o) { o.erase_person(person); }},
      {"compact (tombstone and wiped text)", [&](Organisation& o) { o.compact(); }},
  };
  for (const Change& c : changes) {
    Organisation org = base;
    walk(c.what, [&] { c.apply(org); }, [&](End end) {
      REQUIRE(end == End::bad_alloc);
      REQUIRE(save_to_bytes(org) == base_bytes);  // strong guarantee: nothing changed
    }, false);
  }
}

TEST_CASE("a change whose housekeeping runs out of memory fails unchanged or succeeds in full", "[hardening][oom]") {
  // Merging the conversation table and compacting the text arena are deferred housekeeping: when they
  // cannot get memory, the change that triggered them still succeeds and they are retried later. Every
  // failure point must end either in bad_alloc with nothing changed, or in the complete change.
  Organisation base = sample_org(28, 70000, "oom-hk", 3, 9);
  REQUIRE(base.conversations().sorted_rows() == base.conversations().rows());
  {  // an unsorted tail one row short of the merge
    const std::size_t n = std::max<std::size_t>(1 << 16, base.conversations().sorted_rows() / 8);
    std::vector<std::uint32_t> rel(n), guide(n, 0);
    std::vector<std::int32_t> date(n);
    std::vector<std::uint8_t> kind(n, 0), score(n, 5);
    for (std::size_t i = 0; i < n; ++i) rel[i] = std::uint32_t(i * 7 % 12), date[i] = std::int32_t(20000 - i % 977);
    base.add_conversations({rel, date, kind, guide, score, {}});
  }
  // Answered conversations removed until the next removal makes the wiped text half of the arena.
  std::size_t total = 0, wiped = 0;
  for (std::uint32_t c = 0; c < 50; ++c) total += base.answers(ConversationId{c}).at(0).text.size();
  std::uint32_t next = 0;
  for (; (wiped + base.answers(ConversationId{next}).at(0).text.size()) * 2 < total; ++next) {
    wiped += base.answers(ConversationId{next}).at(0).text.size();
    base.remove_conversation(ConversationId{next});
  }
  const std::string base_bytes = save_to_bytes(base);
  struct Change {
    const char* what;
    std::function<void(Organisation&)> apply;
  };
  const std::vector<Change> changes = {
      {"add_conversation (merge due)", [&](Organisation& o) {
         o.add_conversation({RelationshipId{1}, Date{18500}, ConversationKind::customer_review, customer_review_guide, 7, 8,
                             {{"better", "an answer long enough to need the heap"}}});
       }},
      {"remove_conversation (text compaction due)", [&](Organisation& o) { o.remove_conversation(ConversationId{next}); }},
  };
  for (const Change& c : changes) {
    Organisation done = base;
    c.apply(done);
    const std::string done_bytes = save_to_bytes(done);
    REQUIRE(done_bytes != base_bytes);
    long points = 0, deferred = 0;
    for (long n = 0;; ++n) {
      Organisation org = base;
      End end = End::completed;
      alloc_hook::fail_at(n);
      try {
        c.apply(org);
      } catch (const std::bad_alloc&) {
        end = End::bad_alloc;
      }
      alloc_hook::disarm();
      INFO(c.what << ": allocation " << n << " failed");
      if (!alloc_hook::fired()) {
        REQUIRE(end == End::completed);
        break;
      }
      ++points;
      if (end == End::completed) {
        ++deferred;
        REQUIRE(save_to_bytes(org) == done_bytes);
        REQUIRE(org.answer_count() == done.answer_count());
      } else {
        REQUIRE(save_to_bytes(org) == base_bytes);
      }
    }
    std::printf("oom: %-45s %ld allocation failure points, %ld deferred\n", c.what, points, deferred);
    CHECK(deferred > 0);
  }
}


TEST_CASE("an allocation failure anywhere in a CSV import reports out of memory and leaks nothing", "[hardening][oom][csv]") {
  TempDir dir;
  const Organisation org = sample_org(24, 120, "oom-csv", 3, 6);
  io::export_csv(org, dir.path / "csv");
  // A bad row too, so that the issue list is built under failures as well.
  {
    std::string units = read_file(dir.path / "csv" / "units.csv");
    write_file(dir.path / "csv" / "units.csv", units + "bad-unit,,no-such-kind,,\n");
  }
  io::ImportOptions options;
  options.keep_going = true;
  options.threads = 1;
  (void)io::import_csv(dir.path / "csv", options);  // warm-up
  walk("import_csv", [&] {
    io::ImportResult r = io::import_csv(dir.path / "csv", options);
    if (r.issue_count != 1 || !r.organisation) throw std::logic_error("imported something else");
  }, [](End end) { REQUIRE(end == End::bad_alloc); });
}



namespace {

/// A script of C API calls; stops at the first failure, which must be RAPPORT_NO_MEMORY, and always
/// releases what it got. Returns true when every call succeeded.
bool capi_script(const std::string& archive) {
  rapport_org* org = nullptr;
  rapport_org* copy = nullptr;
  rapport_org* loaded = nullptr;
  char* s = nullptr;
  uint8_t* bytes = nullptr;
  rapport_id_array ids{};
  rapport_answer_list answers{};
  rapport_fishbone fb{};
  bool ok = true;
  auto step = [&](rapport_status st) {
    if (!ok) return false;
    if (st != RAPPORT_OK) {
      ok = false;
      if (st != RAPPORT_NO_MEMORY || rapport_last_error_code() != RAPPORT_NO_MEMORY)
        throw std::logic_error(std::string("unexpected status ") + rapport_status_name(st) + ": " + rapport_last_error_message());
    }
    return ok;
  };
  rapport_unit_id market, company, team, person, client;
  rapport_relationship_id rel, lead;
  rapport_conversation_id conv;
  rapport_guide_id guide;
  size_t len = 0;
  rapport_erasure_report report;
  const rapport_answer ans[] = {{"better", "an answer long enough to need the heap"}};
  const rapport_question_text qs[] = {{"q1", "en", "First?"}, {"q1", "de", "Erste?"}, {"q2", "en", "Second?"}};
  step(rapport_org_create(&org)) && step(rapport_unit_add(org, "market", "Market", RAPPORT_UNIT_MARKET, RAPPORT_NO_ID, RAPPORT_NO_ID, &market)) &&
      step(rapport_unit_add(org, "company", "Company", RAPPORT_UNIT_COMPANY, RAPPORT_NO_ID, market, &company)) &&
      step(rapport_unit_add(org, "team-with-a-long-key-0123456789", "Team", RAPPORT_UNIT_TEAM, company, RAPPORT_NO_ID, &team)) &&
      step(rapport_unit_add(org, "person-with-a-long-key-0123456789", "Erika Muster", RAPPORT_UNIT_PERSON, team, RAPPORT_NO_ID, &person)) &&
      step(rapport_unit_add(org, "client", "Client", RAPPORT_UNIT_CUSTOMER, RAPPORT_NO_ID, market, &client)) &&
      step(rapport_relationship_add(org, team, client, RAPPORT_BOND_SERVICE, "service label of some length", &rel)) &&
      step(rapport_relationship_add(org, team, person, RAPPORT_BOND_LEADERSHIP, "leadership", &lead)) &&
      step(rapport_guide_add(org, "pulse", "Pulse", RAPPORT_CONVERSATION_AD_HOC, 1, 5, qs, 3, &guide)) &&
      step(rapport_conversation_add(org, rel, 19000, RAPPORT_CONVERSATION_CUSTOMER_REVIEW, RAPPORT_GUIDE_CUSTOMER_REVIEW, 8,
                                    RAPPORT_NO_SCORE, ans, 1, &conv)) &&
      step(rapport_conversation_answers(org, conv, &answers)) && step(rapport_answer_list_free(&answers)) &&
      step(rapport_unit_name(org, person, &s)) && step(rapport_string_free(s)) && ((s = nullptr), true) &&
      step(rapport_units_list(org, &ids)) && step(rapport_id_array_free(&ids)) &&
      step(rapport_unit_fishbone(org, team, &fb)) && step(rapport_fishbone_free(&fb)) &&
      step(rapport_org_clone(org, &copy)) &&
      step(rapport_org_save_to_bytes(org, &bytes, &len)) &&
      step(rapport_org_load_from_bytes(archive.data(), archive.size(), &loaded)) &&
      step(rapport_person_erase(copy, person, &report));
  // Clean-up always succeeds, whatever failed before.
  if (rapport_bytes_free(bytes) != RAPPORT_OK || rapport_string_free(s) != RAPPORT_OK ||
      rapport_id_array_free(&ids) != RAPPORT_OK || rapport_answer_list_free(&answers) != RAPPORT_OK ||
      rapport_fishbone_free(&fb) != RAPPORT_OK || rapport_org_destroy(loaded) != RAPPORT_OK ||
      rapport_org_destroy(copy) != RAPPORT_OK || rapport_org_destroy(org) != RAPPORT_OK)
    throw std::logic_error("a clean-up call failed");
  return ok;
}

}  // namespace

TEST_CASE("an allocation failure anywhere in a C API call gives RAPPORT_NO_MEMORY", "[hardening][oom][capi]") {
  const std::string archive = save_to_bytes(sample_org(25, 100, "oom-capi", 2, 4));
  REQUIRE(capi_script(archive));  // warm-up: the handle registry and thread-locals exist from now on
  long points = 0;
  for (long n = 0;; ++n) {
    alloc_hook::fail_at(n);
    bool ok = false;
    std::string unexpected;
    try {
      ok = capi_script(archive);
    } catch (const std::exception& e) {
      unexpected = e.what();
    }
    alloc_hook::disarm();
    INFO("allocation " << n << " failed");
    REQUIRE(unexpected.empty());  // only RAPPORT_NO_MEMORY, only from the call whose allocation failed
    if (!alloc_hook::fired()) {
      REQUIRE(ok);
      break;
    }
    ++points;
  }
  std::printf("oom: %-45s %ld allocation failure points\n", "C API script", points);
  CHECK(points > 50);
}

