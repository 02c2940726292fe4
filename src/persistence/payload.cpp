// The payload of an archive, encoded with Boost.Serialization. The only translation unit that includes
// Boost headers (they are heavy; see TOOLCHAIN.md).
//
// The format has no pointers, no polymorphism and no object tracking: every class is serialized by
// value, carries BOOST_CLASS_VERSION and is never tracked; enums are written as explicit one-byte tags and
// checked on the way in. Saving uses Boost's binary_oarchive; loading uses PayloadIArchive, a binary
// input archive (Boost's "derived archive" pattern) that reads from a stream buffer of ours and refuses
// any count or length larger than the bytes left, so a crafted payload cannot make us allocate what it
// does not hold. The envelope (archive.cpp) has verified length and checksum before a byte is decoded here.
#include "payload.hpp"

#include <boost/archive/basic_archive.hpp>
#include <boost/archive/binary_iarchive_impl.hpp>
#include <boost/archive/binary_oarchive.hpp>
#include <boost/archive/detail/register_archive.hpp>
#include <boost/archive/impl/archive_serializer_map.ipp>
#include <boost/archive/impl/basic_binary_iarchive.ipp>
#include <boost/archive/impl/basic_binary_iprimitive.ipp>
#include <boost/serialization/array_wrapper.hpp>
#include <boost/serialization/collection_size_type.hpp>
#include <boost/serialization/level.hpp>
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/tracking.hpp>
#include <boost/serialization/version.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <streambuf>
#include <string>
#include <vector>

#include "rapport/detail/access.hpp"
#include "rapport/error.hpp"

namespace rapport::detail {
namespace {

constexpr unsigned no_header_flags =
    boost::archive::no_header | boost::archive::no_codecvt | boost::archive::no_tracking;

[[noreturn]] void corrupt(const std::string& what) { throw FormatError("archive corrupt: " + what); }

/// A read-only stream buffer over the payload: small items through a buffer, large blocks (whole
/// columns) straight from the source into their destination.
class SourceBuf : public std::streambuf {
 public:
  SourceBuf(PayloadSource& source, std::uint64_t length) : source_(source), unread_(length), buf_(new char[capacity]) {
    setg(buf_.get(), buf_.get(), buf_.get());
  }
  /// Bytes of the payload not yet handed out (as its length promises; the source may end sooner).
  std::uint64_t left() const { return unread_ + std::uint64_t(egptr() - gptr()); }

 protected:
  int_type underflow() override {
    if (gptr() == egptr()) {
      const std::size_t got = take(buf_.get(), capacity);
      setg(buf_.get(), buf_.get(), buf_.get() + got);
      if (got == 0) return traits_type::eof();
    }
    return traits_type::to_int_type(*gptr());
  }
  std::streamsize xsgetn(char* s, std::streamsize n) override {
    std::size_t done = 0, want = std::size_t(n);
    while (done < want) {
      if (gptr() == egptr() && want - done >= capacity / 2) return std::streamsize(done + take(s + done, want - done));
      if (gptr() == egptr() && underflow() == traits_type::eof()) break;
      const std::size_t k = std::min(want - done, std::size_t(egptr() - gptr()));
      std::memcpy(s + done, gptr(), k);
      gbump(int(k));
      done += k;
    }
    return std::streamsize(done);
  }

 private:
  /// Up to `n` unread bytes from the source; a source that ends early ends the payload there.
  std::size_t take(char* out, std::size_t n) {
    const std::size_t want = std::size_t(std::min<std::uint64_t>(n, unread_));
    const std::size_t got = want ? source_.read(out, want) : 0;
    unread_ = got < want ? 0 : unread_ - got;
    return got;
  }
  static constexpr std::size_t capacity = 1 << 16;
  PayloadSource& source_;
  std::uint64_t unread_;
  std::unique_ptr<char[]> buf_;
};

/// Gathers small writes and passes large blocks (whole columns) straight to the sink.
class SinkBuf : public std::streambuf {
 public:
  explicit SinkBuf(PayloadSink& sink) : sink_(sink), buf_(new char[capacity]) {
    setp(buf_.get(), buf_.get() + capacity);
  }
  /// Hands the gathered bytes to the sink. Not done by sync(): Boost may call that from a destructor,
  /// and the sink throws on I/O errors.
  void flush() {
    if (pptr() > pbase()) {
      sink_.write(pbase(), std::size_t(pptr() - pbase()));
      setp(buf_.get(), buf_.get() + capacity);
    }
  }

 protected:
  int_type overflow(int_type c) override {
    flush();
    if (!traits_type::eq_int_type(c, traits_type::eof())) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    if (std::size_t(n) >= capacity / 2) {
      flush();
      sink_.write(s, std::size_t(n));
      return n;
    }
    std::streamsize done = 0;
    while (done < n) {
      if (pptr() == epptr()) flush();
      const auto k = std::min<std::streamsize>(n - done, epptr() - pptr());
      std::memcpy(pptr(), s + done, std::size_t(k));
      pbump(int(k));
      done += k;
    }
    return n;
  }
  int sync() override { return 0; }

 private:
  static constexpr std::size_t capacity = 1 << 16;
  PayloadSink& sink_;
  std::unique_ptr<char[]> buf_;
};

/// Boost's binary input archive, made safe for bytes we did not write: every collection count and
/// string length must fit in the bytes left, objects are never tracked, and the encoding is always the
/// one of the archive library version this build writes (older versions read counts by other paths).
class PayloadIArchive
    : public boost::archive::binary_iarchive_impl<PayloadIArchive, char, std::char_traits<char>> {
  using base = boost::archive::binary_iarchive_impl<PayloadIArchive, char, std::char_traits<char>>;
  using primitive = boost::archive::basic_binary_iprimitive<PayloadIArchive, char, std::char_traits<char>>;
  friend class boost::archive::detail::interface_iarchive<PayloadIArchive>;
  friend class boost::archive::detail::common_iarchive<PayloadIArchive>;
  friend class boost::archive::basic_binary_iarchive<PayloadIArchive>;
  friend primitive;
  friend class boost::archive::load_access;

 public:
  explicit PayloadIArchive(SourceBuf& buf) : base(buf, no_header_flags), buf_(buf) {
    init(no_header_flags);
    if (get_library_version() != boost::archive::BOOST_ARCHIVE_VERSION())
      corrupt("unexpected Boost archive library version");
  }

  std::uint64_t bytes_left() const { return buf_.left(); }
  /// Throws unless `n` more bytes are there to be read.
  void require(std::uint64_t n, const char* what) const {
    if (n > bytes_left())
      corrupt(std::string(what) + " needs " + std::to_string(n) + " bytes, only " +
              std::to_string(bytes_left()) + " are left in the payload");
  }

  std::uint32_t conversation_id_slots = 0;  ///< read by the Organisation's load

 protected:
  template <class T>
  void load_override(T& t) {
    base::load_override(t);
  }
  void load_override(boost::serialization::collection_size_type& t) {
    base::load_override(t);
    if (std::size_t(t) > bytes_left())
      corrupt("collection of " + std::to_string(std::size_t(t)) + " items, only " +
              std::to_string(bytes_left()) + " bytes are left in the payload");
  }
  void load_override(boost::archive::tracking_type& t) {
    std::uint8_t x = 0;  // the binary encoding of tracking_type (library version > 6)
    load_binary(&x, 1);
    if (x != 0) corrupt("object tracking is not part of the format");
    t = boost::archive::tracking_type(false);
  }

  using primitive::load;
  void load(std::string& s) {
    std::size_t n = 0;
    load_binary(&n, sizeof n);
    require(n, "a string");
    s.resize(n);
    if (n) load_binary(s.data(), n);
  }

 private:
  SourceBuf& buf_;
};

}  // namespace
}  // namespace rapport::detail

BOOST_SERIALIZATION_REGISTER_ARCHIVE(rapport::detail::PayloadIArchive)
BOOST_SERIALIZATION_USE_ARRAY_OPTIMIZATION(rapport::detail::PayloadIArchive)

template class boost::archive::basic_binary_iprimitive<rapport::detail::PayloadIArchive, char,
                                                       std::char_traits<char>>;
template class boost::archive::basic_binary_iarchive<rapport::detail::PayloadIArchive>;
template class boost::archive::binary_iarchive_impl<rapport::detail::PayloadIArchive, char,
                                                    std::char_traits<char>>;
template class boost::archive::detail::archive_serializer_map<rapport::detail::PayloadIArchive>;

// --- class traits: every serialized class is versioned, never tracked ------------------------------

#define RAPPORT_SERIALIZED_CLASS(T, V)                                   \
  BOOST_CLASS_IMPLEMENTATION(T, boost::serialization::object_class_info) \
  BOOST_CLASS_VERSION(T, V)                                              \
  BOOST_CLASS_TRACKING(T, boost::serialization::track_never)

RAPPORT_SERIALIZED_CLASS(rapport::UnitId, 1)
RAPPORT_SERIALIZED_CLASS(rapport::RelationshipId, 1)
RAPPORT_SERIALIZED_CLASS(rapport::GuideId, 1)
RAPPORT_SERIALIZED_CLASS(rapport::ConversationId, 1)
RAPPORT_SERIALIZED_CLASS(rapport::AgreementId, 1)
RAPPORT_SERIALIZED_CLASS(rapport::ComplaintId, 1)
RAPPORT_SERIALIZED_CLASS(rapport::ReferralId, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Date, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Unit, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Relationship, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Scale, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Question, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Guide, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Agreement, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Complaint, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Referral, 1)
RAPPORT_SERIALIZED_CLASS(rapport::Organisation, 1)

// std::optional (Boost 1.74 has no support for it): a class template, so the traits by hand.
namespace boost::serialization {
template <class T>
struct implementation_level<std::optional<T>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<object_class_info> type;
  BOOST_STATIC_CONSTANT(int, value = type::value);
};
template <class T>
struct version<std::optional<T>> {
  typedef mpl::int_<1> type;
  typedef mpl::integral_c_tag tag;
  BOOST_STATIC_CONSTANT(int, value = type::value);
};
template <class T>
struct tracking_level<std::optional<T>> {
  typedef mpl::integral_c_tag tag;
  typedef mpl::int_<track_never> type;
  BOOST_STATIC_CONSTANT(int, value = type::value);
};
}  // namespace boost::serialization

// --- the free save/load functions -------------------------------------------------------------------

namespace boost::serialization {

using OArchive = boost::archive::binary_oarchive;
using IArchive = rapport::detail::PayloadIArchive;
using rapport::detail::corrupt;

namespace {

/// Every load checks the class version the file carries; version 1 is the only one so far.
void check_version(unsigned v, unsigned current, const char* what) {
  if (v == 0 || v > current)
    corrupt(std::string(what) + " record has version " + std::to_string(v) + ", this build reads 1.." +
            std::to_string(current));
}

// Enums travel as explicit one-byte tags: their stable values, checked against the known range.
template <class E>
void put_enum(OArchive& ar, E e) {
  const auto tag = static_cast<std::uint8_t>(e);
  ar << tag;
}
template <class E>
E get_enum(IArchive& ar, int count, const char* what) {
  std::uint8_t tag = 0;
  ar >> tag;
  if (tag >= count) corrupt(std::string("unknown ") + what + " " + std::to_string(tag));
  return static_cast<E>(tag);
}

void put_flag(OArchive& ar, bool b) {
  const std::uint8_t x = b ? 1 : 0;
  ar << x;
}
bool get_flag(IArchive& ar, const char* what) {
  std::uint8_t x = 0;
  ar >> x;
  if (x > 1) corrupt(std::string("flag ") + what + " is " + std::to_string(x));
  return x == 1;
}

// A count of records; records are at least one byte each, which the archive checks against the bytes left.
void put_count(OArchive& ar, std::size_t n) {
  const collection_size_type c(n);
  ar << c;
}
std::size_t get_count(IArchive& ar) {
  collection_size_type c;
  ar >> c;
  return std::size_t(c);
}

// A column of numbers moves as one block (Boost's array optimization: a single read or write).
template <class T, class A>
void put_column(OArchive& ar, const std::vector<T, A>& v) {
  put_count(ar, v.size());
  if (!v.empty()) ar << make_array(v.data(), v.size());
}
template <class T, class A>
void get_column(IArchive& ar, std::vector<T, A>& v, const char* what) {
  const std::size_t n = get_count(ar);
  ar.require(std::uint64_t(n) * sizeof(T), what);
  v.clear();
  v.resize(n);
  if (n) ar >> make_array(v.data(), n);
}

// The slots of a Table: a count, then each slot as an optional record. A record's id is its slot.
template <class T>
void put_slots(OArchive& ar, const std::vector<std::optional<T>>& slots) {
  put_count(ar, slots.size());
  for (const auto& s : slots) ar << s;
}
template <class T>
void get_slots(IArchive& ar, std::vector<std::optional<T>>& slots, const char* what) {
  const std::size_t n = get_count(ar);
  if (n >= std::numeric_limits<std::uint32_t>::max())
    corrupt(std::string("too many ") + what + " slots: " + std::to_string(n));
  slots.clear();
  // Grow as records arrive rather than trusting the count with memory: each is far larger than a byte.
  slots.reserve(std::min<std::size_t>(n, 1024));
  for (std::size_t i = 0; i < n; ++i) {
    ar >> slots.emplace_back();
    if (slots.back()) slots.back()->id = decltype(slots.back()->id)(std::uint32_t(i));
  }
}

}  // namespace

// std::optional<T>: a flag byte, then the value.
template <class T>
void save(OArchive& ar, const std::optional<T>& o, const unsigned int) {
  put_flag(ar, o.has_value());
  if (o) ar << *o;
}
template <class T>
void load(IArchive& ar, std::optional<T>& o, const unsigned int v) {
  check_version(v, 1, "optional");
  if (!get_flag(ar, "present")) {
    o.reset();
    return;
  }
  ar >> o.emplace();
}
template <class Archive, class T>
void serialize(Archive& ar, std::optional<T>& o, const unsigned int v) {
  split_free(ar, o, v);
}

// Ids and dates: the 32-bit value.
template <class Tag>
void save(OArchive& ar, const rapport::Id<Tag>& id, const unsigned int) {
  ar << id.value;
}
template <class Tag>
void load(IArchive& ar, rapport::Id<Tag>& id, const unsigned int v) {
  check_version(v, 1, "id");
  ar >> id.value;
}
template <class Archive, class Tag>
void serialize(Archive& ar, rapport::Id<Tag>& id, const unsigned int v) {
  split_free(ar, id, v);
}

void save(OArchive& ar, const rapport::Date& d, const unsigned int) { ar << d.days; }
void load(IArchive& ar, rapport::Date& d, const unsigned int v) {
  check_version(v, 1, "date");
  ar >> d.days;
}

void save(OArchive& ar, const rapport::Unit& u, const unsigned int) {
  ar << u.key << u.name;
  put_enum(ar, u.kind);
  ar << u.parent << u.payer;
}
void load(IArchive& ar, rapport::Unit& u, const unsigned int v) {
  check_version(v, 1, "unit");
  ar >> u.key >> u.name;
  u.kind = get_enum<rapport::UnitKind>(ar, rapport::unit_kind_count, "unit kind");
  ar >> u.parent >> u.payer;
}

void save(OArchive& ar, const rapport::Relationship& r, const unsigned int) {
  ar << r.provider << r.recipient;
  put_enum(ar, r.bond);
  ar << r.label;
}
void load(IArchive& ar, rapport::Relationship& r, const unsigned int v) {
  check_version(v, 1, "relationship");
  ar >> r.provider >> r.recipient;
  r.bond = get_enum<rapport::Bond>(ar, rapport::bond_count, "bond");
  ar >> r.label;
}

void save(OArchive& ar, const rapport::Scale& s, const unsigned int) { ar << s.min << s.max; }
void load(IArchive& ar, rapport::Scale& s, const unsigned int v) {
  check_version(v, 1, "scale");
  ar >> s.min >> s.max;
}

void save(OArchive& ar, const rapport::Question& q, const unsigned int) {
  ar << q.key;
  put_count(ar, q.text.size());
  for (const auto& [language, text] : q.text) ar << language << text;
}
void load(IArchive& ar, rapport::Question& q, const unsigned int v) {
  check_version(v, 1, "question");
  ar >> q.key;
  const std::size_t n = get_count(ar);
  q.text.clear();
  for (std::size_t i = 0; i < n; ++i) {
    std::string language, text;
    ar >> language >> text;
    // Written from a std::map, so strictly ascending; anything else was not written by us.
    if (!q.text.empty() && !(q.text.rbegin()->first < language))
      corrupt("question '" + q.key + "': languages out of order or repeated");
    q.text.emplace_hint(q.text.end(), std::move(language), std::move(text));
  }
}

void save(OArchive& ar, const rapport::Guide& g, const unsigned int) {
  ar << g.key << g.title;
  put_enum(ar, g.kind);
  ar << g.scale;
  put_count(ar, g.questions.size());
  for (const auto& q : g.questions) ar << q;
  put_flag(ar, g.builtin);
}
void load(IArchive& ar, rapport::Guide& g, const unsigned int v) {
  check_version(v, 1, "guide");
  ar >> g.key >> g.title;
  g.kind = get_enum<rapport::ConversationKind>(ar, rapport::conversation_kind_count, "conversation kind");
  ar >> g.scale;
  const std::size_t n = get_count(ar);
  g.questions.clear();
  g.questions.reserve(std::min<std::size_t>(n, 64));
  for (std::size_t i = 0; i < n; ++i) ar >> g.questions.emplace_back();
  g.builtin = get_flag(ar, "builtin");
}

void save(OArchive& ar, const rapport::Agreement& a, const unsigned int) {
  ar << a.conversation << a.owner << a.text << a.due << a.made;
  put_enum(ar, a.status);
  ar << a.closed;
}
void load(IArchive& ar, rapport::Agreement& a, const unsigned int v) {
  check_version(v, 1, "agreement");
  ar >> a.conversation >> a.owner >> a.text >> a.due >> a.made;
  a.status = get_enum<rapport::AgreementStatus>(ar, rapport::agreement_status_count, "agreement status");
  ar >> a.closed;
}

void save(OArchive& ar, const rapport::Complaint& c, const unsigned int) {
  ar << c.relationship << c.received;
  put_enum(ar, c.severity);
  ar << c.text;
  for (const auto& step : c.steps) ar << step;
  put_enum(ar, c.outcome);
}
void load(IArchive& ar, rapport::Complaint& c, const unsigned int v) {
  check_version(v, 1, "complaint");
  ar >> c.relationship >> c.received;
  c.severity = get_enum<rapport::Severity>(ar, 4, "severity");
  ar >> c.text;
  for (auto& step : c.steps) ar >> step;
  c.outcome = get_enum<rapport::ComplaintOutcome>(ar, 4, "complaint outcome");
}

void save(OArchive& ar, const rapport::Referral& r, const unsigned int) {
  ar << r.relationship << r.date;
  put_enum(ar, r.target);
  ar << r.referred;
  put_enum(ar, r.outcome);
  ar << r.closed;
}
void load(IArchive& ar, rapport::Referral& r, const unsigned int v) {
  check_version(v, 1, "referral");
  ar >> r.relationship >> r.date;
  r.target = get_enum<rapport::ReferralTarget>(ar, 2, "referral target");
  ar >> r.referred;
  r.outcome = get_enum<rapport::ReferralOutcome>(ar, 3, "referral outcome");
  ar >> r.closed;
}

// The Organisation: its tables in a fixed order; the conversation table as columns (the file's bulk);
// answers as columns over a text arena that holds exactly the answers' texts, in answer order (garbage
// left by removed or erased answers is never written).
void save(OArchive& ar, const rapport::Organisation& org, const unsigned int) {
  using A = rapport::detail::Access;
  auto& o = const_cast<rapport::Organisation&>(org);  // Access reads through non-const references only
  put_slots(ar, A::units(o));
  put_slots(ar, A::relationships(o));
  put_slots(ar, A::guides(o));

  auto& t = A::conversations(o);
  put_column(ar, A::ids(t));
  put_column(ar, A::relationships(t));
  put_column(ar, A::dates(t));
  put_column(ar, A::kinds(t));
  put_column(ar, A::guides(t));
  put_column(ar, A::scores(t));
  put_column(ar, A::self_assessments(t));
  const std::uint32_t id_slots = t.id_bound();
  ar << id_slots;

  const auto& rows = A::answers(o);
  const std::string& arena = A::text(o);
  std::vector<std::uint32_t> conversation(rows.size()), question(rows.size()), length(rows.size());
  bool packed = true;  // the arena already holds exactly the answers, in order
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    conversation[i] = rows[i].conversation;
    question[i] = rows[i].question;
    length[i] = rows[i].length;
    packed = packed && rows[i].offset == at;
    at += rows[i].length;
  }
  packed = packed && at == arena.size();
  put_column(ar, conversation);
  put_column(ar, question);
  put_column(ar, length);
  if (packed) {
    ar << arena;
  } else {
    std::string text;
    text.reserve(at);
    for (const auto& r : rows) text.append(arena, r.offset, r.length);
    ar << text;
  }

  put_slots(ar, A::agreements(o));
  put_slots(ar, A::complaints(o));
  put_slots(ar, A::referrals(o));
}

void load(IArchive& ar, rapport::Organisation& o, const unsigned int v) {
  using A = rapport::detail::Access;
  check_version(v, 1, "organisation");
  get_slots(ar, A::units(o), "unit");
  get_slots(ar, A::relationships(o), "relationship");
  get_slots(ar, A::guides(o), "guide");

  auto& t = A::conversations(o);
  get_column(ar, A::ids(t), "the conversation id column");
  const std::size_t rows = A::ids(t).size();
  auto same_length = [&](std::size_t n, const char* what) {
    if (n != rows)
      corrupt(std::string("conversation column ") + what + " has " + std::to_string(n) + " rows, ids have " +
              std::to_string(rows));
  };
  get_column(ar, A::relationships(t), "the conversation relationship column");
  same_length(A::relationships(t).size(), "relationship");
  get_column(ar, A::dates(t), "the conversation date column");
  same_length(A::dates(t).size(), "date");
  get_column(ar, A::kinds(t), "the conversation kind column");
  same_length(A::kinds(t).size(), "kind");
  get_column(ar, A::guides(t), "the conversation guide column");
  same_length(A::guides(t).size(), "guide");
  get_column(ar, A::scores(t), "the conversation score column");
  same_length(A::scores(t).size(), "score");
  get_column(ar, A::self_assessments(t), "the conversation self-assessment column");
  same_length(A::self_assessments(t).size(), "self-assessment");
  ar >> ar.conversation_id_slots;

  std::vector<std::uint32_t> conversation, question, length;
  get_column(ar, conversation, "the answer conversation column");
  get_column(ar, question, "the answer question column");
  get_column(ar, length, "the answer length column");
  if (question.size() != conversation.size() || length.size() != conversation.size())
    corrupt("answer columns differ in length");
  std::string& arena = A::text(o);
  ar >> arena;
  auto& answers = A::answers(o);
  answers.clear();
  answers.resize(conversation.size());
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    answers[i] = {conversation[i], question[i], at, length[i]};
    at += length[i];
  }
  if (at != arena.size())
    corrupt("answers cover " + std::to_string(at) + " bytes of text, the text holds " +
            std::to_string(arena.size()));

  get_slots(ar, A::agreements(o), "agreement");
  get_slots(ar, A::complaints(o), "complaint");
  get_slots(ar, A::referrals(o), "referral");
}

}  // namespace boost::serialization

BOOST_SERIALIZATION_SPLIT_FREE(rapport::Date)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Unit)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Relationship)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Scale)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Question)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Guide)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Agreement)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Complaint)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Referral)
BOOST_SERIALIZATION_SPLIT_FREE(rapport::Organisation)

// --- entry points -----------------------------------------------------------------------------------

namespace rapport::detail {

void write_payload(const Organisation& org, PayloadSink& sink) {
  SinkBuf buf(sink);
  {
    boost::archive::binary_oarchive ar(buf, no_header_flags);
    ar << org;
  }
  buf.flush();
}

std::uint32_t read_payload(PayloadSource& source, std::uint64_t length, Organisation& org) {
  SourceBuf buf(source, length);
  try {
    PayloadIArchive ar(buf);
    ar >> org;
    if (buf.left() != 0)
      corrupt(std::to_string(buf.left()) + " bytes left over after the last record of the payload");
    return ar.conversation_id_slots;
  } catch (const FormatError&) {
    throw;
  } catch (const IoError&) {
    throw;  // the file could not be read: not a verdict on its bytes
  } catch (const boost::archive::archive_exception& e) {
    if (e.code == boost::archive::archive_exception::input_stream_error)
      corrupt("the payload ends inside a record (at byte " + std::to_string(length - buf.left()) + " of " +
              std::to_string(length) + ")");
    corrupt(std::string("Boost.Serialization rejected the payload: ") + e.what());
  } catch (const std::bad_alloc&) {
    throw;  // counts are bounded by the bytes left, so this is the machine's memory, not the file
  } catch (const std::length_error& e) {
    corrupt(std::string("a record has an impossible length (") + e.what() + ")");
  } catch (const std::exception& e) {
    corrupt(std::string("the payload cannot be decoded: ") + e.what());
  }
}

unsigned boost_archive_version() { return unsigned(boost::archive::BOOST_ARCHIVE_VERSION()); }

}  // namespace rapport::detail
