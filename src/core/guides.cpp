// The built-in conversation guides, worded after the source articles (our own wording), in English and
// German. Question keys are stable: answers and exports refer to them.
#include "rapport/guide.hpp"

namespace rapport {

std::string_view Question::text_in(std::string_view language) const {
  if (auto it = text.find(std::string(language)); it != text.end()) return it->second;
  if (auto it = text.find("en"); it != text.end()) return it->second;
  return text.empty() ? std::string_view() : std::string_view(text.begin()->second);
}

std::optional<std::size_t> Guide::question_index(std::string_view key) const {
  for (std::size_t i = 0; i < questions.size(); ++i)
    if (questions[i].key == key) return i;
  return std::nullopt;
}

namespace {
Question q(std::string key, std::string en, std::string de) {
  return Question{std::move(key), {{"en", std::move(en)}, {"de", std::move(de)}}};
}
}  // namespace

const std::vector<GuideSpec>& builtin_guides() {
  static const std::vector<GuideSpec> guides{
      GuideSpec{
          "customer_review",
          "Customer review",
          ConversationKind::customer_review,
          Scale{0, 10},
          {
              q("standing", "Where do we stand with you? On a scale from 0 to 10, how satisfied are you with our work?",
                "Wo stehen wir bei Ihnen? Wie zufrieden sind Sie auf einer Skala von 0 bis 10 mit unserer Arbeit?"),
              q("better", "What can we do better? Do you have wishes we may not know about yet?",
                "Was können wir besser machen? Gibt es Wünsche, die wir vielleicht noch nicht kennen?"),
              q("goals", "What are your goals for next year, and how can we help you reach them? What occupies you most right now?",
                "Welche Ziele haben Sie im nächsten Jahr, und wie können wir Sie dabei unterstützen? Was beschäftigt Sie gerade am meisten?"),
          }},
      GuideSpec{
          "cooperation_review",
          "Cooperation review",
          ConversationKind::cooperation_review,
          Scale{0, 10},
          {
              q("needs", "What matters to us? Let us make our needs of each other clear.",
                "Was ist uns wichtig? Wir machen unsere Bedürfnisse aneinander deutlich."),
              q("improve", "How can we improve our cooperation?",
                "Wie können wir unsere Zusammenarbeit verbessern?"),
              q("conflicts", "Are there possible conflicts between us, and how do we want to deal with them?",
                "Gibt es mögliche Konflikte zwischen uns, und wie wollen wir mit ihnen umgehen?"),
          }},
      GuideSpec{
          "employee_review",
          "Employee review: leadership as a service",
          ConversationKind::employee_review,
          Scale{0, 10},
          {
              q("contact", "How are you? What has happened for you personally this year?",
                "Wie geht es Ihnen? Was hat Sie dieses Jahr persönlich bewegt?"),
              q("service", "What does my leadership service offer you, and what is its benefit to you?",
                "Was bietet Ihnen meine Führungsleistung, und welchen Nutzen hat sie für Sie?"),
              q("rules", "Which rules and processes of working together do we agree on?",
                "Auf welche Regeln und Abläufe der Zusammenarbeit verständigen wir uns?"),
              q("trust", "Have I kept the agreements we made? Where did I not?",
                "Habe ich unsere Vereinbarungen eingehalten? Wo nicht?"),
              q("contribution", "What is your contribution: your responsibilities, goals and competences?",
                "Was ist Ihr Beitrag: Ihre Verantwortung, Ihre Ziele und Kompetenzen?"),
              q("motives", "What are your own goals and motives?",
                "Was sind Ihre eigenen Ziele und Beweggründe?"),
              q("proposals", "What do you propose we change?",
                "Was schlagen Sie vor, das wir ändern?"),
              q("referrals", "Whom would you recommend to us as a colleague or a customer?",
                "Wen würden Sie uns als Kollegin, Kollegen oder Kunden empfehlen?"),
              q("engagement", "Can I count on your \"yes\" to your work with us for the coming year?",
                "Kann ich für das kommende Jahr auf Ihr \"Ja\" zu Ihrer Arbeit bei uns zählen?"),
              q("support", "Is there a special situation in which you need our support?",
                "Gibt es eine besondere Situation, in der Sie unsere Unterstützung brauchen?"),
              q("satisfaction", "On a scale from 0 to 10, how satisfied are you with my leadership?",
                "Wie zufrieden sind Sie auf einer Skala von 0 bis 10 mit meiner Führung?"),
          }},
  };
  return guides;
}

}  // namespace rapport
