#pragma once
/// \file Guides: the question sets conversations follow, with the scale their score uses.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/ids.hpp"

namespace rapport {

/// The kinds of conversation. Values are stable.
enum class ConversationKind : std::uint8_t {
  customer_review = 0,     ///< yearly, with a customer
  cooperation_review = 1,  ///< yearly, with a colleague unit
  employee_review = 2,     ///< yearly, leadership as a service
  retention = 3,           ///< with a top performer
  complaint = 4,
  referral_request = 5,
  ad_hoc = 6,
};
inline constexpr int conversation_kind_count = 7;

std::string_view to_string(ConversationKind);
ConversationKind parse_conversation_kind(std::string_view);

/// An integer rating scale `min..max`; scores are stored in the scale's own units.
struct Scale {
  std::uint8_t min = 0;
  std::uint8_t max = 10;

  bool contains(int score) const { return score >= min && score <= max; }
  int span() const { return max - min; }
  /// `(x - min) / (max - min) * 100`, the comparable form of any scale.
  double normalise(double x) const { return (x - min) / double(max - min) * 100.0; }
  /// NPS is defined only for a 0-10 scale.
  bool is_nps() const { return min == 0 && max == 10; }
  friend bool operator==(Scale, Scale) = default;
};

/// One question of a guide, with its wording per language ("en", "de", ...).
struct Question {
  std::string key;                           ///< stable, e.g. "better"; answers are keyed by it
  std::map<std::string, std::string> text;   ///< language code -> wording
  /// The wording in `language`, else English, else any.
  std::string_view text_in(std::string_view language) const;
  friend bool operator==(const Question&, const Question&) = default;
};

struct GuideSpec {
  std::string key;                ///< unique, e.g. "customer_review"
  std::string title;              ///< English title
  ConversationKind kind = ConversationKind::ad_hoc;  ///< the conversation kind it is written for
  Scale scale;                    ///< the satisfaction score's scale
  std::vector<Question> questions;
  friend bool operator==(const GuideSpec&, const GuideSpec&) = default;
};

struct Guide : GuideSpec {
  GuideId id;
  bool builtin = false;
  /// Index of the question with `key`, if any.
  std::optional<std::size_t> question_index(std::string_view key) const;
};

/// The guides every Organisation starts with, written after the source articles, in English and German:
/// customer review (0-10), cooperation review (0-10), employee review (0-10). Their ids are 0, 1, 2.
const std::vector<GuideSpec>& builtin_guides();
inline constexpr GuideId customer_review_guide{0};
inline constexpr GuideId cooperation_review_guide{1};
inline constexpr GuideId employee_review_guide{2};

}  // namespace rapport
