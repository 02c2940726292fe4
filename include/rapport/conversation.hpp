#pragma once
/// \file Conversations: dated records on one relationship, following a guide.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rapport/date.hpp"
#include "rapport/guide.hpp"
#include "rapport/ids.hpp"

namespace rapport {

/// A free-text answer to one question of the conversation's guide.
struct Answer {
  std::string question;  ///< the guide question's key
  std::string text;
  friend bool operator==(const Answer&, const Answer&) = default;
};

/// What the caller supplies to record a conversation.
struct ConversationSpec {
  RelationshipId relationship;
  Date date;
  ConversationKind kind = ConversationKind::customer_review;
  GuideId guide = customer_review_guide;
  std::optional<int> score;            ///< the recipient's satisfaction, on the guide's scale
  std::optional<int> self_assessment;  ///< how the provider thinks the recipient rates it, same scale
  std::vector<Answer> answers;
};

/// The fixed-size facts of one conversation, as stored column-wise.
struct ConversationFacts {
  ConversationId id;
  RelationshipId relationship;
  Date date;
  ConversationKind kind{};
  GuideId guide;
  std::optional<int> score;
  std::optional<int> self_assessment;
  friend bool operator==(const ConversationFacts&, const ConversationFacts&) = default;
};

}  // namespace rapport
