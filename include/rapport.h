/*
 * rapport.h — the stable C API of rapport.
 *
 * This header IS the contract: what is not declared here is not promised. It is C99 and usable from
 * C++. Once a version is released, no declaration in it changes: the API grows by adding functions
 * (a changed signature becomes a new function with a `_v2` suffix), enum values are never renumbered,
 * and structs never change layout (a struct that needs a new field becomes a new struct and new
 * functions). docs/c-api.md explains the conventions in prose.
 *
 * Conventions, in short:
 *  - Handles are typed and opaque (`rapport_org*`, `rapport_scores*`). They are checked on every call:
 *    NULL, destroyed (stale) and wrong-type handles give RAPPORT_MISUSE, never a crash.
 *  - Every function that can fail returns a rapport_status and writes its results through out
 *    parameters named `out_*`. Out parameters are reset first thing (ids to RAPPORT_NO_ID, pointers to
 *    NULL, numbers to 0, structs to all-zero/empty), so after a failure they hold that neutral value.
 *  - After each fallible call, rapport_last_error_code() and rapport_last_error_message() describe its
 *    outcome on the calling thread.
 *  - Strings are UTF-8 and NUL-terminated, both ways. Invalid UTF-8 in gives RAPPORT_INVALID_ARGUMENT.
 *  - Ownership is stated on every function: "caller-owned" input is only read during the call;
 *    "library-owned" results must be given back to the named free function; "static" results live
 *    for the life of the process.
 *  - Ids are dense 32-bit numbers the organisation assigns and never reuses; RAPPORT_NO_ID means
 *    "none". Dates are days since 1970-01-01 (int32); RAPPORT_NO_DATE means "none".
 *  - Threading: see "Threading contract" below and docs/c-api.md.
 */
#ifndef RAPPORT_H
#define RAPPORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------- */
/* Version, export macro, features                                                                */
/* ---------------------------------------------------------------------------------------------- */

#define RAPPORT_VERSION_MAJOR 0
#define RAPPORT_VERSION_MINOR 1
#define RAPPORT_VERSION_PATCH 0
#define RAPPORT_VERSION_STRING "0.1.0"
/** MAJOR * 10000 + MINOR * 100 + PATCH, as rapport_version_number() returns it. */
#define RAPPORT_VERSION_NUMBER (RAPPORT_VERSION_MAJOR * 10000 + RAPPORT_VERSION_MINOR * 100 + RAPPORT_VERSION_PATCH)
/** The ABI major version: the number in the shared library's SONAME (librapport.so.0). It changes
 *  only when a released declaration is removed or changed, which this project does not do lightly. */
#define RAPPORT_ABI_VERSION 0

#if defined(_WIN32) && defined(RAPPORT_BUILDING_LIBRARY)
#define RAPPORT_API __declspec(dllexport)
#elif defined(_WIN32)
#define RAPPORT_API __declspec(dllimport)
#elif defined(__GNUC__)
#define RAPPORT_API __attribute__((visibility("default")))
#else
#define RAPPORT_API
#endif

/** The version of the library actually loaded, e.g. "0.1.0". Static: never free it. Compare with
 *  RAPPORT_VERSION_STRING to detect a header/library mismatch. */
RAPPORT_API const char* rapport_version(void);
/** The loaded library's RAPPORT_VERSION_NUMBER. */
RAPPORT_API uint32_t rapport_version_number(void);

/** Bits of rapport_features(): the optional parts built into this library. A function of a part that
 *  was not built in exists anyway (the ABI never depends on the build) and returns
 *  RAPPORT_UNSUPPORTED. */
typedef enum rapport_feature {
  RAPPORT_FEATURE_ARCHIVE = 1,     /**< rapport_org_save / _load / _save_to_bytes / _load_from_bytes */
  RAPPORT_FEATURE_SCORES = 2,      /**< the rapport_score_* functions */
  RAPPORT_FEATURE_THREADSAFE = 4   /**< handles may be shared between threads (always set) */
} rapport_feature;
/** A bitwise OR of rapport_feature values. */
RAPPORT_API uint32_t rapport_features(void);

/* ---------------------------------------------------------------------------------------------- */
/* Status and errors                                                                              */
/* ---------------------------------------------------------------------------------------------- */

/** The outcome of every fallible call. Values are stable; 1-10 equal rapport::ErrorCode. */
typedef enum rapport_status {
  RAPPORT_OK = 0,
  RAPPORT_INVALID_ARGUMENT = 1,  /**< a value out of range, an impossible date, invalid UTF-8, ... */
  RAPPORT_NOT_FOUND = 2,         /**< an id or key that names nothing */
  RAPPORT_DUPLICATE = 3,         /**< a key or relationship that already exists */
  RAPPORT_CONFLICT = 4,          /**< the change would break the model (a cycle, dependants left, ...) */
  RAPPORT_IO = 5,                /**< the operating system refused a file operation */
  RAPPORT_CORRUPT = 6,           /**< an archive that fails its checks */
  RAPPORT_VERSION_TOO_NEW = 7,   /**< an archive written by a newer rapport */
  RAPPORT_NOT_AN_ARCHIVE = 8,    /**< a file that is not a rapport archive at all */
  RAPPORT_NO_DATA = 9,           /**< a score asked of an empty set */
  RAPPORT_SUPPRESSED = 10,       /**< a value withheld to protect individuals (group too small) */
  RAPPORT_NO_MEMORY = 11,        /**< an allocation failed; nothing was changed */
  RAPPORT_MISUSE = 12,           /**< NULL/stale/wrong-type handle, NULL required pointer, double free */
  RAPPORT_INTERNAL = 13,         /**< a bug in rapport; the message says more */
  RAPPORT_UNSUPPORTED = 14       /**< the feature was not built into this library (rapport_features) */
} rapport_status;

/** The status of the last fallible rapport call made on the calling thread (RAPPORT_OK after a
 *  success, or when none was made). Thread-local. */
RAPPORT_API rapport_status rapport_last_error_code(void);
/** A message explaining the last fallible call on the calling thread, prefixed with the function's
 *  name; "" after a success. Never NULL. Borrowed: thread-local storage, valid until the calling
 *  thread's next rapport call. */
RAPPORT_API const char* rapport_last_error_message(void);
/** The enumerator's name, e.g. "RAPPORT_NOT_FOUND"; "RAPPORT_UNKNOWN_STATUS" for other values.
 *  Static: never free it. */
RAPPORT_API const char* rapport_status_name(rapport_status status);

/* Compile-time check that enums are int-sized (they are on every supported ABI; -fshort-enums would
 * break the ABI and is rejected here). */
typedef char rapport_enum_is_int_sized_[sizeof(rapport_status) == sizeof(int32_t) ? 1 : -1];

/* ---------------------------------------------------------------------------------------------- */
/* Ids, dates, enums                                                                              */
/* ---------------------------------------------------------------------------------------------- */

typedef uint32_t rapport_unit_id;
typedef uint32_t rapport_relationship_id;
typedef uint32_t rapport_guide_id;
typedef uint32_t rapport_conversation_id;
typedef uint32_t rapport_agreement_id;
typedef uint32_t rapport_complaint_id;
typedef uint32_t rapport_referral_id;

/** "No id": an absent parent, payer or referred party; what failed calls leave in id out params. */
#define RAPPORT_NO_ID UINT32_MAX
/** "No date": a step not reached, an agreement not closed. */
#define RAPPORT_NO_DATE INT32_MIN
/** "No score": a conversation without a score or self-assessment (also in the bulk uint8 columns). */
#define RAPPORT_NO_SCORE 255

/** The built-in guides every organisation starts with (English and German wording, 0-10 scale). */
#define RAPPORT_GUIDE_CUSTOMER_REVIEW 0u
#define RAPPORT_GUIDE_COOPERATION_REVIEW 1u
#define RAPPORT_GUIDE_EMPLOYEE_REVIEW 2u

/** Days since 1970-01-01 of a calendar date (year 1-9999, month 1-12, day 1-31).
 *  RAPPORT_INVALID_ARGUMENT for an impossible date. */
RAPPORT_API rapport_status rapport_date_from_ymd(int32_t year, int32_t month, int32_t day, int32_t* out_days);
/** The calendar date of `days`, which must lie in the years 1-9999 (else RAPPORT_INVALID_ARGUMENT).
 *  All three out params are required. Every date argument of this API has that same range. */
RAPPORT_API rapport_status rapport_date_to_ymd(int32_t days, int32_t* out_year, int32_t* out_month, int32_t* out_day);

typedef enum rapport_unit_kind {
  RAPPORT_UNIT_PERSON = 0,
  RAPPORT_UNIT_TEAM = 1,
  RAPPORT_UNIT_DEPARTMENT = 2,
  RAPPORT_UNIT_COMPANY = 3,    /**< the organisation itself, root of its hierarchy */
  RAPPORT_UNIT_CUSTOMER = 4,   /**< an external customer organisation or person */
  RAPPORT_UNIT_SUPPLIER = 5,
  RAPPORT_UNIT_CANDIDATE = 6,  /**< a prospective employee */
  RAPPORT_UNIT_MARKET = 7      /**< the external market, where every payer chain ends */
} rapport_unit_kind;

typedef enum rapport_bond {
  RAPPORT_BOND_SERVICE = 0,      /**< provider delivers to the recipient, its customer */
  RAPPORT_BOND_COOPERATION = 1,  /**< peers co-producing for a shared customer; symmetric */
  RAPPORT_BOND_LEADERSHIP = 2    /**< manager -> employee; the employee is the customer */
} rapport_bond;

typedef enum rapport_conversation_kind {
  RAPPORT_CONVERSATION_CUSTOMER_REVIEW = 0,
  RAPPORT_CONVERSATION_COOPERATION_REVIEW = 1,
  RAPPORT_CONVERSATION_EMPLOYEE_REVIEW = 2,
  RAPPORT_CONVERSATION_RETENTION = 3,
  RAPPORT_CONVERSATION_COMPLAINT = 4,
  RAPPORT_CONVERSATION_REFERRAL_REQUEST = 5,
  RAPPORT_CONVERSATION_AD_HOC = 6
} rapport_conversation_kind;

typedef enum rapport_agreement_status {
  RAPPORT_AGREEMENT_OPEN = 0,
  RAPPORT_AGREEMENT_KEPT = 1,
  RAPPORT_AGREEMENT_BROKEN = 2,
  RAPPORT_AGREEMENT_DROPPED = 3
} rapport_agreement_status;

typedef enum rapport_complaint_stage {
  RAPPORT_COMPLAINT_RECEIVED = 0,
  RAPPORT_COMPLAINT_ACKNOWLEDGED = 1,
  RAPPORT_COMPLAINT_IN_PROGRESS = 2,
  RAPPORT_COMPLAINT_RESOLVED = 3,
  RAPPORT_COMPLAINT_CLOSED = 4
} rapport_complaint_stage;

typedef enum rapport_complaint_outcome {
  RAPPORT_COMPLAINT_OUTCOME_NONE = 0,  /**< not closed yet */
  RAPPORT_COMPLAINT_OUTCOME_ACCEPTED = 1,
  RAPPORT_COMPLAINT_OUTCOME_REJECTED = 2,
  RAPPORT_COMPLAINT_OUTCOME_NO_BASIS = 3
} rapport_complaint_outcome;

typedef enum rapport_severity {
  RAPPORT_SEVERITY_LOW = 0,
  RAPPORT_SEVERITY_MEDIUM = 1,
  RAPPORT_SEVERITY_HIGH = 2,
  RAPPORT_SEVERITY_CRITICAL = 3
} rapport_severity;

typedef enum rapport_referral_outcome {
  RAPPORT_REFERRAL_PENDING = 0,
  RAPPORT_REFERRAL_WON = 1,
  RAPPORT_REFERRAL_LOST = 2
} rapport_referral_outcome;

typedef enum rapport_referral_target {
  RAPPORT_REFERRAL_CUSTOMER = 0,  /**< brings a new customer */
  RAPPORT_REFERRAL_EMPLOYEE = 1   /**< brings a (candidate) employee */
} rapport_referral_target;

/* ---------------------------------------------------------------------------------------------- */
/* Library-owned results                                                                          */
/* ---------------------------------------------------------------------------------------------- */

/** Frees a string the library returned (every `char** out_*`). NULL is accepted (RAPPORT_OK).
 *  A pointer the library did not return, or one already freed, gives RAPPORT_MISUSE and is left alone. */
RAPPORT_API rapport_status rapport_string_free(char* s);

/** Frees archive bytes returned by rapport_org_save_to_bytes. NULL is accepted. Misuse as above. */
RAPPORT_API rapport_status rapport_bytes_free(uint8_t* bytes);

/** A library-owned array of ids. Empty arrays have ids == NULL and len == 0. */
typedef struct rapport_id_array {
  uint32_t* ids;
  size_t len;
} rapport_id_array;
/** Frees `array->ids` and resets `*array` to empty. NULL, and an already-empty array, are accepted. */
RAPPORT_API rapport_status rapport_id_array_free(rapport_id_array* array);

/* ---------------------------------------------------------------------------------------------- */
/* Threading contract                                                                             */
/* ---------------------------------------------------------------------------------------------- */
/*
 * - Every function may be called from any thread; handles are not tied to the thread that made them.
 * - A rapport_org may be shared between threads without outside locking. Functions taking
 *   `const rapport_org*` read: any number run at once. Functions taking `rapport_org*` write: each
 *   runs alone on that org (the library holds a readers-writer lock per org). Each call sees the org
 *   whole, before or after any concurrent write; a sequence of calls is not atomic.
 * - Destroying a handle while other threads still use it is a caller error the library survives:
 *   calls already inside the library finish on the live object; calls that start after the destroy
 *   return RAPPORT_MISUSE.
 * - rapport_scores handles are immutable once made; share them freely.
 * - Library-owned arrays and strings are plain memory: the caller must not free one while another
 *   thread still reads it.
 * - The last-error code and message are per thread.
 */

/* ---------------------------------------------------------------------------------------------- */
/* The organisation store                                                                         */
/* ---------------------------------------------------------------------------------------------- */

/** An organisation: every unit, relationship, guide, conversation, agreement, complaint and referral.
 *  A change that fails leaves it as it was. */
typedef struct rapport_org rapport_org;

/** Creates an empty organisation that knows the three built-in guides. On success `*out_org` is
 *  library-owned: destroy it with rapport_org_destroy. */
RAPPORT_API rapport_status rapport_org_create(rapport_org** out_org);
/** Destroys an organisation. NULL is accepted (RAPPORT_OK); a destroyed or wrong-type handle gives
 *  RAPPORT_MISUSE (so a double destroy is detected). */
RAPPORT_API rapport_status rapport_org_destroy(rapport_org* org);
/** An independent deep copy of `org` (a snapshot). `*out_org` must be destroyed with rapport_org_destroy. */
RAPPORT_API rapport_status rapport_org_clone(const rapport_org* org, rapport_org** out_org);

/** How many live records of each sort an organisation holds. */
typedef struct rapport_org_counts {
  uint64_t units;
  uint64_t relationships;
  uint64_t guides;
  uint64_t conversations;
  uint64_t answers;
  uint64_t agreements;
  uint64_t complaints;
  uint64_t referrals;
} rapport_org_counts;
RAPPORT_API rapport_status rapport_org_counts_get(const rapport_org* org, rapport_org_counts* out_counts);
/** Clusters every conversation and reclaims erased text now (otherwise done when due). Ids stay. */
RAPPORT_API rapport_status rapport_org_compact(rapport_org* org);

/* --- archives (RAPPORT_FEATURE_ARCHIVE) ---------------------------------------------------------- */

/** Writes `org` to the file `path` (caller-owned, UTF-8) atomically: on failure the file is left as it
 *  was. RAPPORT_IO when the operating system refuses. */
RAPPORT_API rapport_status rapport_org_save(const rapport_org* org, const char* path);
/** Reads an archive file into a new organisation (`*out_org`, destroy with rapport_org_destroy).
 *  RAPPORT_IO, RAPPORT_NOT_AN_ARCHIVE, RAPPORT_VERSION_TOO_NEW or RAPPORT_CORRUPT on failure; never a
 *  partial organisation. */
RAPPORT_API rapport_status rapport_org_load(const char* path, rapport_org** out_org);
/** The bytes rapport_org_save would write. `*out_bytes` is library-owned (free with
 *  rapport_bytes_free), `*out_len` its length. */
RAPPORT_API rapport_status rapport_org_save_to_bytes(const rapport_org* org, uint8_t** out_bytes, size_t* out_len);
/** Reads archive bytes (caller-owned, `len` of them; `bytes` may be NULL only when len is 0) into a new
 *  organisation. Errors as rapport_org_load. */
RAPPORT_API rapport_status rapport_org_load_from_bytes(const void* bytes, size_t len, rapport_org** out_org);

/* ---------------------------------------------------------------------------------------------- */
/* Units                                                                                          */
/* ---------------------------------------------------------------------------------------------- */

/** Adds a unit. `key` (required, unique, non-empty) is the caller's own id; `name` may be NULL or ""
 *  (then the key is used). `parent` and `payer` are live unit ids or RAPPORT_NO_ID (no payer means
 *  "the parent pays"). Strings are caller-owned and copied. */
RAPPORT_API rapport_status rapport_unit_add(rapport_org* org, const char* key, const char* name,
                                            rapport_unit_kind kind, rapport_unit_id parent,
                                            rapport_unit_id payer, rapport_unit_id* out_id);
/** Replaces every field of a unit (same arguments as rapport_unit_add). RAPPORT_CONFLICT when the
 *  hierarchy or the payer chain would loop. */
RAPPORT_API rapport_status rapport_unit_update(rapport_org* org, rapport_unit_id id, const char* key,
                                               const char* name, rapport_unit_kind kind,
                                               rapport_unit_id parent, rapport_unit_id payer);
/** Removes a unit nothing refers to any more; RAPPORT_CONFLICT while it has children, relationships,
 *  owned agreements or referrals naming it, or is some unit's payer. */
RAPPORT_API rapport_status rapport_unit_remove(rapport_org* org, rapport_unit_id id);
/** The unit whose key is `key`; RAPPORT_NOT_FOUND if none. */
RAPPORT_API rapport_status rapport_unit_find(const rapport_org* org, const char* key, rapport_unit_id* out_id);

/** The fixed-size facts of a unit. */
typedef struct rapport_unit_info {
  rapport_unit_id id;
  rapport_unit_kind kind;
  rapport_unit_id parent;           /**< RAPPORT_NO_ID for a root */
  rapport_unit_id payer;            /**< as set; RAPPORT_NO_ID means "the parent" */
  rapport_unit_id effective_payer;  /**< who actually pays: the payer, else the parent, else RAPPORT_NO_ID */
} rapport_unit_info;
RAPPORT_API rapport_status rapport_unit_get(const rapport_org* org, rapport_unit_id id, rapport_unit_info* out_info);
/** The unit's key. `*out_key` is library-owned: free with rapport_string_free. */
RAPPORT_API rapport_status rapport_unit_key(const rapport_org* org, rapport_unit_id id, char** out_key);
/** The unit's display name. `*out_name` is library-owned: free with rapport_string_free. */
RAPPORT_API rapport_status rapport_unit_name(const rapport_org* org, rapport_unit_id id, char** out_name);
/** Every live unit id, ascending. `*out_ids` is library-owned: free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_units_list(const rapport_org* org, rapport_id_array* out_ids);
/** The unit's children in the hierarchy. Free `*out_ids` with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_unit_children(const rapport_org* org, rapport_unit_id id, rapport_id_array* out_ids);
/** The payers from the unit upward (its payer, the payer's payer, ...). Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_unit_payer_chain(const rapport_org* org, rapport_unit_id id, rapport_id_array* out_ids);
/** Every relationship involving the unit, in the order they were added. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_unit_relationships(const rapport_org* org, rapport_unit_id id, rapport_id_array* out_ids);

/** The fishbone (performance fabric) of a unit: relationship ids on each side. Library-owned: free
 *  the whole struct's arrays with rapport_fishbone_free. */
typedef struct rapport_fishbone {
  rapport_unit_id unit;
  rapport_id_array input;       /**< units that serve it: suppliers, its leader */
  rapport_id_array throughput;  /**< cooperations with colleague units */
  rapport_id_array output;      /**< units it serves: customers, its employees */
} rapport_fishbone;
RAPPORT_API rapport_status rapport_unit_fishbone(const rapport_org* org, rapport_unit_id id, rapport_fishbone* out_fishbone);
/** Frees the three arrays and resets `*fishbone` to empty. NULL and an empty fishbone are accepted. */
RAPPORT_API rapport_status rapport_fishbone_free(rapport_fishbone* fishbone);

/** What rapport_person_erase removed. */
typedef struct rapport_erasure_report {
  uint64_t relationships;
  uint64_t conversations;
  uint64_t answers;
  uint64_t agreements;
  uint64_t complaints;
  uint64_t referrals;
} rapport_erasure_report;
/** Erases everything about one person (kind person or candidate): their relationships with every
 *  conversation, answer, agreement, complaint and referral on them, agreements they own, referrals
 *  naming them, and the unit. Erased text is overwritten in memory. Their children move up to their
 *  parent. RAPPORT_INVALID_ARGUMENT if the unit is not a person. */
RAPPORT_API rapport_status rapport_person_erase(rapport_org* org, rapport_unit_id id, rapport_erasure_report* out_report);

/* ---------------------------------------------------------------------------------------------- */
/* Relationships                                                                                  */
/* ---------------------------------------------------------------------------------------------- */

/** Adds a directed relationship provider -> recipient. `label` (what is delivered) may be NULL ("").
 *  RAPPORT_DUPLICATE if the pair already has this bond (a cooperation in either direction). */
RAPPORT_API rapport_status rapport_relationship_add(rapport_org* org, rapport_unit_id provider,
                                                    rapport_unit_id recipient, rapport_bond bond,
                                                    const char* label, rapport_relationship_id* out_id);
/** Replaces the label (NULL means ""). */
RAPPORT_API rapport_status rapport_relationship_update(rapport_org* org, rapport_relationship_id id, const char* label);
/** Removes a relationship that has no conversations, complaints or referrals left (else RAPPORT_CONFLICT). */
RAPPORT_API rapport_status rapport_relationship_remove(rapport_org* org, rapport_relationship_id id);
/** The relationship with this provider, recipient and bond (either direction for a cooperation). */
RAPPORT_API rapport_status rapport_relationship_find(const rapport_org* org, rapport_unit_id provider,
                                                     rapport_unit_id recipient, rapport_bond bond,
                                                     rapport_relationship_id* out_id);

typedef struct rapport_relationship_info {
  rapport_relationship_id id;
  rapport_unit_id provider;
  rapport_unit_id recipient;
  rapport_bond bond;
} rapport_relationship_info;
RAPPORT_API rapport_status rapport_relationship_get(const rapport_org* org, rapport_relationship_id id,
                                                    rapport_relationship_info* out_info);
/** The label. `*out_label` is library-owned: free with rapport_string_free. */
RAPPORT_API rapport_status rapport_relationship_label(const rapport_org* org, rapport_relationship_id id, char** out_label);
/** Every live relationship id, ascending. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_relationships_list(const rapport_org* org, rapport_id_array* out_ids);
/** The relationship's conversations, by date. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_relationship_conversations(const rapport_org* org, rapport_relationship_id id,
                                                              rapport_id_array* out_ids);

/* ---------------------------------------------------------------------------------------------- */
/* Guides                                                                                         */
/* ---------------------------------------------------------------------------------------------- */

/** One wording of one guide question, for rapport_guide_add. A question is created at the first entry
 *  with its key, in that order; further entries with the same key add languages. `language` ("en",
 *  "de", ...) and `text` may both be NULL to declare a question without wording. Caller-owned. */
typedef struct rapport_question_text {
  const char* key;
  const char* language;
  const char* text;
} rapport_question_text;

/** Adds a custom guide with a unique `key`, an English `title` (NULL means ""), the conversation kind it
 *  is written for, an integer scale `scale_min` < `scale_max` <= 254, and `n_texts` question wordings
 *  (`texts` may be NULL when n_texts is 0). */
RAPPORT_API rapport_status rapport_guide_add(rapport_org* org, const char* key, const char* title,
                                             rapport_conversation_kind kind, int32_t scale_min, int32_t scale_max,
                                             const rapport_question_text* texts, size_t n_texts,
                                             rapport_guide_id* out_id);
RAPPORT_API rapport_status rapport_guide_find(const rapport_org* org, const char* key, rapport_guide_id* out_id);

typedef struct rapport_guide_info {
  rapport_guide_id id;
  rapport_conversation_kind kind;
  int32_t scale_min;
  int32_t scale_max;
  uint32_t question_count;
  int32_t builtin;  /**< 1 for the three built-in guides, else 0 */
} rapport_guide_info;
RAPPORT_API rapport_status rapport_guide_get(const rapport_org* org, rapport_guide_id id, rapport_guide_info* out_info);
/** The guide's key. Free `*out_key` with rapport_string_free. */
RAPPORT_API rapport_status rapport_guide_key(const rapport_org* org, rapport_guide_id id, char** out_key);
/** The guide's title. Free `*out_title` with rapport_string_free. */
RAPPORT_API rapport_status rapport_guide_title(const rapport_org* org, rapport_guide_id id, char** out_title);
/** The key of question `index` (0-based; RAPPORT_NOT_FOUND past the end). Free with rapport_string_free. */
RAPPORT_API rapport_status rapport_guide_question_key(const rapport_org* org, rapport_guide_id id, uint32_t index,
                                                      char** out_key);
/** The wording of question `index` in `language` (NULL means "en"), else English, else any; "" if the
 *  question has none. Free with rapport_string_free. */
RAPPORT_API rapport_status rapport_guide_question_text(const rapport_org* org, rapport_guide_id id, uint32_t index,
                                                       const char* language, char** out_text);
/** Every guide id, ascending. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_guides_list(const rapport_org* org, rapport_id_array* out_ids);

/* ---------------------------------------------------------------------------------------------- */
/* Conversations                                                                                  */
/* ---------------------------------------------------------------------------------------------- */

/** A free-text answer to one guide question: in, caller-owned; out, part of a rapport_answer_list. */
typedef struct rapport_answer {
  const char* question;  /**< the guide question's key */
  const char* text;
} rapport_answer;

/** Records one conversation on a relationship, following guide `guide`. `score` and `self_assessment`
 *  are on the guide's scale or RAPPORT_NO_SCORE. `answers` (caller-owned, may be NULL when n_answers is
 *  0) answer distinct questions of the guide. */
RAPPORT_API rapport_status rapport_conversation_add(rapport_org* org, rapport_relationship_id relationship,
                                                    int32_t date, rapport_conversation_kind kind,
                                                    rapport_guide_id guide, int32_t score, int32_t self_assessment,
                                                    const rapport_answer* answers, size_t n_answers,
                                                    rapport_conversation_id* out_id);
/** Replaces a conversation's facts and answers (arguments as rapport_conversation_add). Its agreements
 *  stay and take the new date; RAPPORT_CONFLICT if one would then fall due or close before it was made. */
RAPPORT_API rapport_status rapport_conversation_update(rapport_org* org, rapport_conversation_id id,
                                                       rapport_relationship_id relationship, int32_t date,
                                                       rapport_conversation_kind kind, rapport_guide_id guide,
                                                       int32_t score, int32_t self_assessment,
                                                       const rapport_answer* answers, size_t n_answers);
/** Removes a conversation with its answers and the agreements made in it. */
RAPPORT_API rapport_status rapport_conversation_remove(rapport_org* org, rapport_conversation_id id);

/** Bulk insert (a CRM's nightly sync): `n` conversations from caller-owned parallel arrays, in one
 *  call. `relationships`, `dates` (days since 1970-01-01), `kinds` (rapport_conversation_kind values),
 *  `guides` and `scores` (on each guide's scale, or RAPPORT_NO_SCORE) are required when n > 0;
 *  `self_assessments` may be NULL (none). Every row is checked first, then all are inserted, or none
 *  (the message names the first bad row). The new ids are consecutive from `*out_first_id`.
 *  Fastest when rows come sorted by (relationship, date). */
RAPPORT_API rapport_status rapport_conversations_add_bulk(rapport_org* org, size_t n, const uint32_t* relationships,
                                                          const int32_t* dates, const uint8_t* kinds,
                                                          const uint32_t* guides, const uint8_t* scores,
                                                          const uint8_t* self_assessments,
                                                          rapport_conversation_id* out_first_id);

typedef struct rapport_conversation_info {
  rapport_conversation_id id;
  rapport_relationship_id relationship;
  int32_t date;
  rapport_conversation_kind kind;
  rapport_guide_id guide;
  int32_t score;            /**< RAPPORT_NO_SCORE if none */
  int32_t self_assessment;  /**< RAPPORT_NO_SCORE if none */
} rapport_conversation_info;
RAPPORT_API rapport_status rapport_conversation_get(const rapport_org* org, rapport_conversation_id id,
                                                    rapport_conversation_info* out_info);
/** Every live conversation id, in clustered (relationship, date) order for the compacted part. Free
 *  with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_conversations_list(const rapport_org* org, rapport_id_array* out_ids);

/** A library-owned list of answers; `items[i].question` and `.text` point into the same allocation.
 *  Free with rapport_answer_list_free. */
typedef struct rapport_answer_list {
  rapport_answer* items;
  size_t len;
} rapport_answer_list;
/** The conversation's answers, in guide question order. */
RAPPORT_API rapport_status rapport_conversation_answers(const rapport_org* org, rapport_conversation_id id,
                                                        rapport_answer_list* out_answers);
/** Frees the list and resets `*answers` to empty. NULL and an empty list are accepted. */
RAPPORT_API rapport_status rapport_answer_list_free(rapport_answer_list* answers);
/** The agreements made in the conversation, ascending. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_conversation_agreements(const rapport_org* org, rapport_conversation_id id,
                                                           rapport_id_array* out_ids);

/* ---------------------------------------------------------------------------------------------- */
/* Agreements                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

/** Records a commitment made in conversation `conversation` by unit `owner`, due on `due` (not before
 *  the conversation's date). `text` (caller-owned) may be NULL (""). It starts open. */
RAPPORT_API rapport_status rapport_agreement_add(rapport_org* org, rapport_conversation_id conversation,
                                                 rapport_unit_id owner, const char* text, int32_t due,
                                                 rapport_agreement_id* out_id);
/** Closes an open agreement as kept, broken or dropped on `date`; RAPPORT_CONFLICT if already closed. */
RAPPORT_API rapport_status rapport_agreement_close(rapport_org* org, rapport_agreement_id id,
                                                   rapport_agreement_status status, int32_t date);
RAPPORT_API rapport_status rapport_agreement_remove(rapport_org* org, rapport_agreement_id id);

typedef struct rapport_agreement_info {
  rapport_agreement_id id;
  rapport_conversation_id conversation;
  rapport_unit_id owner;
  int32_t made;  /**< the conversation's date */
  int32_t due;
  rapport_agreement_status status;
  int32_t closed;  /**< RAPPORT_NO_DATE while open */
} rapport_agreement_info;
RAPPORT_API rapport_status rapport_agreement_get(const rapport_org* org, rapport_agreement_id id,
                                                 rapport_agreement_info* out_info);
/** The agreement's text. Free `*out_text` with rapport_string_free. */
RAPPORT_API rapport_status rapport_agreement_text(const rapport_org* org, rapport_agreement_id id, char** out_text);
/** Every live agreement id, ascending. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_agreements_list(const rapport_org* org, rapport_id_array* out_ids);

/* ---------------------------------------------------------------------------------------------- */
/* Complaints                                                                                     */
/* ---------------------------------------------------------------------------------------------- */

/** Records a complaint by the recipient of `relationship`, received on `received`. `text` may be NULL. */
RAPPORT_API rapport_status rapport_complaint_add(rapport_org* org, rapport_relationship_id relationship,
                                                 int32_t received, rapport_severity severity, const char* text,
                                                 rapport_complaint_id* out_id);
/** Moves a complaint on to a later stage on `date` (not before the current stage's date). `outcome` is
 *  RAPPORT_COMPLAINT_OUTCOME_NONE except when closing, where it is required. */
RAPPORT_API rapport_status rapport_complaint_advance(rapport_org* org, rapport_complaint_id id,
                                                     rapport_complaint_stage stage, int32_t date,
                                                     rapport_complaint_outcome outcome);
RAPPORT_API rapport_status rapport_complaint_remove(rapport_org* org, rapport_complaint_id id);

typedef struct rapport_complaint_info {
  rapport_complaint_id id;
  rapport_relationship_id relationship;
  rapport_severity severity;
  rapport_complaint_stage stage;      /**< the latest stage reached */
  rapport_complaint_outcome outcome;  /**< set once closed */
  int32_t steps[5];                   /**< the date each stage was reached (by rapport_complaint_stage), or RAPPORT_NO_DATE */
} rapport_complaint_info;
RAPPORT_API rapport_status rapport_complaint_get(const rapport_org* org, rapport_complaint_id id,
                                                 rapport_complaint_info* out_info);
/** The complaint's text. Free `*out_text` with rapport_string_free. */
RAPPORT_API rapport_status rapport_complaint_text(const rapport_org* org, rapport_complaint_id id, char** out_text);
/** Every live complaint id, ascending. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_complaints_list(const rapport_org* org, rapport_id_array* out_ids);

/* ---------------------------------------------------------------------------------------------- */
/* Referrals                                                                                      */
/* ---------------------------------------------------------------------------------------------- */

/** Records that the recipient of `relationship` recommended the provider on `date`. `referred` is the
 *  referred third party's unit id, or RAPPORT_NO_ID when it is not known as a unit. */
RAPPORT_API rapport_status rapport_referral_add(rapport_org* org, rapport_relationship_id relationship, int32_t date,
                                                rapport_referral_target target, rapport_unit_id referred,
                                                rapport_referral_id* out_id);
/** Ends a pending referral as won or lost on `date`; RAPPORT_CONFLICT if it has ended already. */
RAPPORT_API rapport_status rapport_referral_set_outcome(rapport_org* org, rapport_referral_id id,
                                                        rapport_referral_outcome outcome, int32_t date);
RAPPORT_API rapport_status rapport_referral_remove(rapport_org* org, rapport_referral_id id);

typedef struct rapport_referral_info {
  rapport_referral_id id;
  rapport_relationship_id relationship;
  int32_t date;
  rapport_referral_target target;
  rapport_unit_id referred;  /**< RAPPORT_NO_ID when not known as a unit */
  rapport_referral_outcome outcome;
  int32_t closed;            /**< RAPPORT_NO_DATE while pending */
} rapport_referral_info;
RAPPORT_API rapport_status rapport_referral_get(const rapport_org* org, rapport_referral_id id,
                                                rapport_referral_info* out_info);
/** Every live referral id, ascending. Free with rapport_id_array_free. */
RAPPORT_API rapport_status rapport_referrals_list(const rapport_org* org, rapport_id_array* out_ids);

/* ---------------------------------------------------------------------------------------------- */
/* Scores (RAPPORT_FEATURE_SCORES)                                                                */
/* ---------------------------------------------------------------------------------------------- */
/*
 * docs/scores.md defines every score. Each value carries a rapport_score_status: only
 * RAPPORT_SCORE_OK values may be shown; otherwise the value fields are 0. Aggregates over people's
 * answers (every level but one relationship) are suppressed below the privacy minimum group size, and
 * when another report would reveal a small group (complementary suppression).
 *
 * A single-score function returns RAPPORT_OK when the value is OK, RAPPORT_NO_DATA when there was
 * nothing to score and RAPPORT_SUPPRESSED when the value is withheld; in those two cases the result
 * struct is still filled (its `status` tells suppressed from complementary-suppressed), so that the
 * caller may show the counts the score allows.
 */

/** Whether a score's value may be used. Values are stable. */
typedef enum rapport_score_status {
  RAPPORT_SCORE_OK = 0,
  RAPPORT_SCORE_NO_DATA = 1,                  /**< nothing to score: an empty set */
  RAPPORT_SCORE_SUPPRESSED = 2,               /**< fewer distinct respondents than the minimum group size */
  RAPPORT_SCORE_SUPPRESSED_COMPLEMENTARY = 3  /**< enough, but another report would reveal a small group */
} rapport_score_status;

/** The level a score is asked at. Values are stable. */
typedef enum rapport_score_level {
  RAPPORT_LEVEL_RELATIONSHIP = 0,  /**< one relationship: a named one-to-one score, never suppressed */
  RAPPORT_LEVEL_UNIT = 1,          /**< what a unit's customers, employees and colleagues say about it */
  RAPPORT_LEVEL_SIDE = 2,          /**< one side of a unit's fishbone */
  RAPPORT_LEVEL_SUBTREE = 3,       /**< every unit of a subtree of the hierarchy, as providers */
  RAPPORT_LEVEL_ORGANISATION = 4   /**< every relationship */
} rapport_score_level;

/** A side of a unit's fishbone. Values are stable. */
typedef enum rapport_side {
  RAPPORT_SIDE_INPUT = 0,
  RAPPORT_SIDE_THROUGHPUT = 1,
  RAPPORT_SIDE_OUTPUT = 2
} rapport_side;

/** Where a score is asked: `id` is the relationship id (level relationship) or the unit id (unit, side,
 *  subtree; ignored for the organisation); `side` is used by RAPPORT_LEVEL_SIDE only. */
typedef struct rapport_scope {
  rapport_score_level level;
  uint32_t id;
  rapport_side side;
} rapport_scope;

/** The dates `begin <= d < end` (days since 1970-01-01). */
typedef struct rapport_period {
  int32_t begin;
  int32_t end;
} rapport_period;

/** Bit of a conversation kind in rapport_filter.kinds; of a bond in rapport_filter.bonds. */
#define RAPPORT_BIT(value) (1u << (value))
#define RAPPORT_ALL_KINDS 0x7Fu
/** The yearly reviews: customer, cooperation, employee and retention. */
#define RAPPORT_REVIEW_KINDS 0x0Fu
#define RAPPORT_ALL_BONDS 0x07u

/** Which conversations a score counts. Start from RAPPORT_FILTER_INIT; passing NULL means the same
 *  (every live conversation). */
typedef struct rapport_filter {
  rapport_period period;  /**< {RAPPORT_NO_DATE, RAPPORT_NO_DATE}: any date; else both bounds set */
  uint32_t kinds;         /**< bit set of rapport_conversation_kind (RAPPORT_BIT) */
  uint32_t bonds;         /**< bit set of the relationship's rapport_bond */
  rapport_guide_id guide; /**< only conversations on this guide, or RAPPORT_NO_ID for any */
} rapport_filter;
#define RAPPORT_FILTER_INIT {{RAPPORT_NO_DATE, RAPPORT_NO_DATE}, RAPPORT_ALL_KINDS, RAPPORT_ALL_BONDS, RAPPORT_NO_ID}

/** Minimum group sizes for aggregates over people's answers. NULL means RAPPORT_PRIVACY_INIT.
 *  A minimum below 3 gives RAPPORT_INVALID_ARGUMENT. */
typedef struct rapport_privacy {
  int32_t min_group;       /**< k for scores (default 5) */
  int32_t min_group_text;  /**< k for free-text answers (default 10) */
  int32_t complementary;   /**< 1: also suppress groups recoverable by subtracting two reports */
} rapport_privacy;
#define RAPPORT_PRIVACY_INIT {5, 10, 1}

/** The kind of record a contribution names. Values are stable. */
typedef enum rapport_record_kind {
  RAPPORT_RECORD_CONVERSATION = 0,
  RAPPORT_RECORD_AGREEMENT = 1,
  RAPPORT_RECORD_COMPLAINT = 2,
  RAPPORT_RECORD_RELATIONSHIP = 3
} rapport_record_kind;

/** One record behind a score and its share of the headline value (the shares add up to it). */
typedef struct rapport_contribution {
  rapport_record_kind kind;
  uint32_t id;
  double value;         /**< the record's own value (its score, ...) */
  double contribution;  /**< its share of the headline value */
} rapport_contribution;

/** A library-owned list of contributions. Free with rapport_contribution_list_free. Score functions
 *  take an optional `out_records`: NULL means "do not explain"; records are never given for a value
 *  that is not RAPPORT_SCORE_OK. */
typedef struct rapport_contribution_list {
  rapport_contribution* items;
  size_t len;
} rapport_contribution_list;
/** Frees the list and resets it to empty. NULL and an empty list are accepted. */
RAPPORT_API rapport_status rapport_contribution_list_free(rapport_contribution_list* records);

/** Satisfaction statistics of a set of scored conversations. */
typedef struct rapport_satisfaction {
  rapport_score_status status;
  int32_t scale_min;          /**< the one scale all answers lie on; -1 and -1 when there are several */
  int32_t scale_max;
  int64_t n;                  /**< scored conversations */
  int64_t respondents;        /**< distinct respondents */
  double mean;                /**< on the scale (0 when several scales) */
  double sd;                  /**< population standard deviation, on the scale */
  double mean_normalised;     /**< 0-100, comparable across scales */
  double sd_normalised;
  uint32_t distribution_len;  /**< scale_max - scale_min + 1 with one scale, else 0 */
} rapport_satisfaction;
/** Satisfaction at `scope`. `out_distribution` (caller-owned, may be NULL) receives the counts of
 *  scale_min..scale_max, at most `distribution_capacity` of them (255 always suffice). */
RAPPORT_API rapport_status rapport_score_satisfaction(const rapport_org* org, const rapport_scope* scope,
                                                      const rapport_filter* filter, const rapport_privacy* privacy,
                                                      rapport_satisfaction* out_result, int64_t* out_distribution,
                                                      size_t distribution_capacity,
                                                      rapport_contribution_list* out_records);

/** NPS bucket edges. Values are stable. */
typedef enum rapport_nps_preset {
  RAPPORT_NPS_STANDARD = 0,  /**< promoter 9-10, passive 7-8, detractor 0-6 */
  RAPPORT_NPS_CULTUREIQ = 1  /**< eNPS: promoter 9-10, passive 6-8, detractor 0-5 */
} rapport_nps_preset;

typedef struct rapport_nps {
  rapport_score_status status;
  int64_t n;
  int64_t respondents;
  int64_t promoters;
  int64_t passives;
  int64_t detractors;
  double nps;  /**< 100 * (promoters - detractors) / n, -100..100 */
  double se;   /**< standard error, in NPS points */
} rapport_nps;
/** NPS at `scope` over conversations on 0-10 guides only; RAPPORT_INVALID_ARGUMENT when the filter's
 *  guide, or every scored answer at the scope, is on another scale. */
RAPPORT_API rapport_status rapport_score_nps(const rapport_org* org, const rapport_scope* scope,
                                             const rapport_filter* filter, const rapport_privacy* privacy,
                                             rapport_nps_preset preset, rapport_nps* out_result,
                                             rapport_contribution_list* out_records);

/** CSAT presets. Values are stable. */
typedef enum rapport_csat_preset {
  RAPPORT_CSAT_TOP_TWO_BOX = 0,  /**< percentage of answers in the two highest values of the scale */
  RAPPORT_CSAT_MEAN = 1          /**< the mean answer */
} rapport_csat_preset;

typedef struct rapport_csat {
  rapport_score_status status;
  int32_t scale_min;
  int32_t scale_max;
  int64_t n;
  int64_t respondents;
  double value;             /**< top-two-box: percent 0-100; mean: on the scale */
  double value_normalised;  /**< 0-100 */
} rapport_csat;
/** CSAT at `scope`; the answers must lie on one scale (filter by guide), else RAPPORT_INVALID_ARGUMENT. */
RAPPORT_API rapport_status rapport_score_csat(const rapport_org* org, const rapport_scope* scope,
                                              const rapport_filter* filter, const rapport_privacy* privacy,
                                              rapport_csat_preset preset, rapport_csat* out_result,
                                              rapport_contribution_list* out_records);

typedef struct rapport_trend {
  rapport_score_status status;  /**< OK only when both periods are OK */
  rapport_satisfaction before;
  rapport_satisfaction after;
  double delta;        /**< after.mean_normalised - before.mean_normalised, 0-100 points */
  int32_t has_delta_scale;
  double delta_scale;  /**< after.mean - before.mean on the one scale both lie on (if has_delta_scale) */
  int32_t has_se;
  double se;           /**< Welch standard error of delta (if has_se: both periods have >= 2 answers) */
} rapport_trend;
/** The change of mean satisfaction at `scope` from period `before` to period `after` (the filter's
 *  period must be unset). */
RAPPORT_API rapport_status rapport_score_trend(const rapport_org* org, const rapport_scope* scope, rapport_period before,
                                               rapport_period after, const rapport_filter* filter,
                                               const rapport_privacy* privacy, rapport_trend* out_result,
                                               rapport_contribution_list* out_records);

/** Coverage: the share of the scope's relationships that had a conversation of one of `kinds` (a
 *  bit set; RAPPORT_REVIEW_KINDS is the articles' rule) in the twelve months up to `as_of`. */
typedef struct rapport_coverage {
  rapport_score_status status;  /**< NO_DATA when the scope has no relationships; never suppressed */
  int64_t relationships;
  int64_t covered;
  double share;                 /**< covered / relationships, 0-1 */
} rapport_coverage;
/** `out_overdue` (optional, library-owned: rapport_id_array_free) receives the relationships without
 *  such a conversation, ascending. */
RAPPORT_API rapport_status rapport_score_coverage(const rapport_org* org, const rapport_scope* scope, int32_t as_of,
                                                  uint32_t kinds, rapport_coverage* out_result,
                                                  rapport_id_array* out_overdue, rapport_contribution_list* out_records);

/** Reliability (trust): how the agreements of the scope that fell due in a period were kept. */
typedef struct rapport_reliability {
  rapport_score_status status;  /**< NO_DATA when none due in the period was kept or broken */
  int64_t due;                  /**< agreements due in the period, any status */
  int64_t kept;
  int64_t broken;
  int64_t dropped;
  int64_t open;
  int64_t kept_on_time;         /**< of those kept, closed on or before their due date */
  int64_t open_overdue;         /**< open agreements (due any time) past their due date at `as_of` */
  double reliability;           /**< kept / (kept + broken), 0-1 */
  double on_time_share;         /**< kept_on_time / (kept + broken), 0-1 */
} rapport_reliability;
RAPPORT_API rapport_status rapport_score_reliability(const rapport_org* org, const rapport_scope* scope,
                                                     rapport_period period, int32_t as_of,
                                                     rapport_reliability* out_result,
                                                     rapport_contribution_list* out_records);

/** Health bands: red <= 50 < yellow <= 75 < green. Values are stable. */
typedef enum rapport_band { RAPPORT_BAND_RED = 0, RAPPORT_BAND_YELLOW = 1, RAPPORT_BAND_GREEN = 2 } rapport_band;
/** The components of health, in rapport_health.parts order. Values are stable. */
typedef enum rapport_health_component {
  RAPPORT_HEALTH_SATISFACTION = 0,
  RAPPORT_HEALTH_TREND = 1,
  RAPPORT_HEALTH_RELIABILITY = 2,
  RAPPORT_HEALTH_RECENCY = 3,
  RAPPORT_HEALTH_COMPLAINTS = 4
} rapport_health_component;
/** Relative weights of the components (normalised over those with data). NULL means the defaults,
 *  RAPPORT_HEALTH_WEIGHTS_INIT; negative weights, or all 0, give RAPPORT_INVALID_ARGUMENT. */
typedef struct rapport_health_weights {
  double satisfaction;
  double trend;
  double reliability;
  double recency;
  double complaints;
} rapport_health_weights;
#define RAPPORT_HEALTH_WEIGHTS_INIT {0.40, 0.15, 0.20, 0.15, 0.10}
typedef struct rapport_score_part {
  rapport_score_status status;  /**< parts without data (or suppressed) are left out of the mean */
  double score;                 /**< health: 0-100; retention: a risk 0-1 */
  double weight;                /**< effective weight after renormalising, 0 when left out */
  double contribution;          /**< weight * score; the parts add up to the total */
} rapport_score_part;
typedef struct rapport_health {
  rapport_score_status status;  /**< NO_DATA when no component has data */
  double health;                /**< 0-100 */
  rapport_band band;
  rapport_score_part parts[5];  /**< by rapport_health_component */
} rapport_health;
/** Health of a relationship, unit, side or subtree as of `as_of` (docs/scores.md gives the formula).
 *  The parts explain it. */
RAPPORT_API rapport_status rapport_score_health(const rapport_org* org, const rapport_scope* scope, int32_t as_of,
                                                const rapport_health_weights* weights, const rapport_privacy* privacy,
                                                rapport_health* out_result);

/** Kinds of perception gap. Values are stable. */
typedef enum rapport_gap_kind {
  RAPPORT_GAP_NONE = 0,            /**< |gap| <= a third of the scale's span */
  RAPPORT_GAP_BLIND_SPOT = 1,      /**< self > others by more than that */
  RAPPORT_GAP_HIDDEN_STRENGTH = 2  /**< self < others by more than that */
} rapport_gap_kind;
typedef struct rapport_gap {
  rapport_score_status status;
  int64_t n;
  int64_t respondents;
  double self_mean;     /**< normalised 0-100 */
  double others_mean;   /**< normalised 0-100 */
  double gap;           /**< self_mean - others_mean, normalised points */
  int32_t has_gap_scale;
  double gap_scale;     /**< the gap in scale units, when all answers lie on one scale */
  rapport_gap_kind kind;
  int32_t significant;  /**< 1 when |gap| exceeds a third of the span */
} rapport_gap;
/** Perception gap at `scope`: the provider's self-assessment minus the recipient's score, over the
 *  conversations that hold both. */
RAPPORT_API rapport_status rapport_score_gap(const rapport_org* org, const rapport_scope* scope,
                                             const rapport_filter* filter, const rapport_privacy* privacy,
                                             rapport_gap* out_result, rapport_contribution_list* out_records);

typedef struct rapport_reciprocity {
  rapport_score_status status;  /**< OK when both directions have scores; one-to-one: never suppressed */
  rapport_unit_id a;
  rapport_unit_id b;
  int64_t n_a_of_b;
  int64_t n_b_of_a;
  double a_of_b;       /**< a's mean normalised score of b (b the provider, a the recipient) */
  double b_of_a;
  double difference;   /**< a_of_b - b_of_a */
} rapport_reciprocity;
RAPPORT_API rapport_status rapport_score_reciprocity(const rapport_org* org, rapport_unit_id a, rapport_unit_id b,
                                                     const rapport_filter* filter, rapport_reciprocity* out_result,
                                                     rapport_contribution_list* out_records);

/** Thresholds of the local optimiser flag. NULL means RAPPORT_LOCAL_OPTIMISER_OPTIONS_INIT. */
typedef struct rapport_local_optimiser_options {
  double min_index;                   /**< "large": at least this many normalised points */
  double min_z;                       /**< "significant": index / se at least this */
  int32_t exclude_payer_from_fabric;  /**< 1: leave the payer chain out of the fabric mean */
} rapport_local_optimiser_options;
#define RAPPORT_LOCAL_OPTIMISER_OPTIONS_INIT {20.0, 1.96, 0}
typedef struct rapport_local_optimiser {
  rapport_score_status status;  /**< NO_DATA unless both the payer chain and the fabric rated the unit */
  int64_t n_payer;
  int64_t n_fabric;
  int64_t respondents_fabric;
  double payer_mean;   /**< normalised rating from the payer chain */
  double fabric_mean;  /**< normalised rating from the throughput and output sides */
  double index;        /**< payer_mean - fabric_mean */
  int32_t has_se;
  double se;
  int32_t flagged;     /**< 1 when large and significant */
} rapport_local_optimiser;
/** The local optimiser index of `unit`: rated well upward, badly by its fabric. */
RAPPORT_API rapport_status rapport_score_local_optimiser(const rapport_org* org, rapport_unit_id unit,
                                                         const rapport_filter* filter,
                                                         const rapport_local_optimiser_options* options,
                                                         const rapport_privacy* privacy,
                                                         rapport_local_optimiser* out_result,
                                                         rapport_contribution_list* out_records);

/** The factors of retention risk, in rapport_retention.parts order. Values are stable. */
typedef enum rapport_retention_factor {
  RAPPORT_RETENTION_SATISFACTION = 0,
  RAPPORT_RETENTION_TREND = 1,
  RAPPORT_RETENTION_RECENCY = 2,
  RAPPORT_RETENTION_BROKEN_AGREEMENTS = 3
} rapport_retention_factor;
/** NULL means RAPPORT_RETENTION_WEIGHTS_INIT. */
typedef struct rapport_retention_weights {
  double satisfaction;
  double trend;
  double recency;
  double broken_agreements;
} rapport_retention_weights;
#define RAPPORT_RETENTION_WEIGHTS_INIT {0.40, 0.20, 0.20, 0.20}
typedef struct rapport_retention {
  rapport_score_status status;  /**< NO_DATA when the employee has no leadership relationship */
  rapport_unit_id employee;
  double risk;                  /**< 0-1 */
  rapport_score_part parts[4];  /**< by rapport_retention_factor; `score` is that factor's risk 0-1 */
} rapport_retention;
/** Retention risk of an employee (the customer of a leadership relationship) as of `as_of`. A named
 *  one-to-one score: never suppressed. */
RAPPORT_API rapport_status rapport_score_retention(const rapport_org* org, rapport_unit_id employee, int32_t as_of,
                                                   const rapport_retention_weights* weights,
                                                   rapport_retention* out_result);

/** Replacement cost presets, as a share of annual salary. Values are stable. */
typedef enum rapport_replacement_cost {
  RAPPORT_REPLACEMENT_PERCENT_21 = 0,     /**< 21 % (median of 27 case studies) */
  RAPPORT_REPLACEMENT_MONTHS_6_TO_9 = 1,  /**< 0.5-0.75 of annual salary */
  RAPPORT_REPLACEMENT_HALF_TO_DOUBLE = 2  /**< 0.5-2x annual salary */
} rapport_replacement_cost;
typedef struct rapport_cost_of_loss {
  double replacement_low;   /**< in the salary's currency */
  double replacement_high;
  double expected_low;      /**< risk x replacement cost */
  double expected_high;
} rapport_cost_of_loss;
/** Expected cost of loss = risk x replacement cost. RAPPORT_INVALID_ARGUMENT for a risk outside 0-1 or
 *  a negative salary. */
RAPPORT_API rapport_status rapport_cost_of_loss_estimate(double risk, double annual_salary,
                                                         rapport_replacement_cost preset,
                                                         rapport_cost_of_loss* out_result);

/* --- SERVQUAL ------------------------------------------------------------------------------------ */
/*
 * A SERVQUAL questionnaire is an ordinary guide whose question keys are `<dimension>.expectation` and
 * `<dimension>.perception` (optionally with an item between: `reliability.on_time.perception`), the
 * dimension one of tangibles, reliability, responsiveness, assurance, empathy. Each answer is the
 * integer on the guide's scale written as the answer text ("6"), recorded with rapport_conversation_add
 * (the conversation's score may be RAPPORT_NO_SCORE). One conversation is one respondent's
 * questionnaire. rapport_guide_add_servqual creates such a guide.
 */

/** The SERVQUAL dimensions, in rapport_servqual.dimensions order. Values are stable. */
typedef enum rapport_servqual_dimension {
  RAPPORT_SERVQUAL_TANGIBLES = 0,
  RAPPORT_SERVQUAL_RELIABILITY = 1,
  RAPPORT_SERVQUAL_RESPONSIVENESS = 2,
  RAPPORT_SERVQUAL_ASSURANCE = 3,
  RAPPORT_SERVQUAL_EMPATHY = 4
} rapport_servqual_dimension;
/** The number of SERVQUAL dimensions: the length of rapport_servqual.dimensions and of the optional
 *  `out_records` array of rapport_score_servqual. */
#define RAPPORT_SERVQUAL_DIMENSIONS 5

/** What a SERVQUAL value measures. Values are stable. */
typedef enum rapport_servqual_mode {
  RAPPORT_SERVQUAL_GAP = 0,              /**< perception - expectation, over items answered with both */
  RAPPORT_SERVQUAL_PERCEPTIONS_ONLY = 1  /**< the mean perception (SERVPERF); expectations ignored */
} rapport_servqual_mode;

/** One dimension of a SERVQUAL result. Privacy applies per dimension (its distinct respondents): only a
 *  RAPPORT_SCORE_OK dimension may be shown; the others hold 0 in every double field. */
typedef struct rapport_servqual_dimension_result {
  rapport_servqual_dimension dimension;
  rapport_score_status status;
  int64_t n;            /**< items counted in the mode's value (pairs in gap mode, perceptions otherwise) */
  int64_t respondents;  /**< distinct respondents who answered the dimension */
  double perception;    /**< mean perception, on the scale */
  double expectation;   /**< mean expectation, on the scale (0 in perceptions-only mode) */
  double value;         /**< gap mode: mean(perception - expectation); perceptions only: mean perception */
} rapport_servqual_dimension_result;

typedef struct rapport_servqual {
  rapport_score_status status;  /**< OK when at least one dimension is OK; else NO_DATA or a suppression */
  rapport_servqual_mode mode;
  int32_t scale_min;            /**< the questionnaires' scale; -1 and -1 when none was found */
  int32_t scale_max;
  int64_t invalid_answers;      /**< SERVQUAL answers skipped: not an integer on the scale */
  double overall;               /**< unweighted mean of the OK dimensions' values (0 unless status is OK) */
  rapport_servqual_dimension_result dimensions[RAPPORT_SERVQUAL_DIMENSIONS];  /**< by rapport_servqual_dimension */
} rapport_servqual;

/** Adds a SERVQUAL guide (kind ad hoc) with the questions `<dimension>.expectation` and
 *  `<dimension>.perception` for the five dimensions, worded in English and German, under the unique
 *  `key` (required; "servqual" is the customary one) and on the scale `scale_min` < `scale_max` <= 254
 *  (1-7 is the customary one). `key` is caller-owned and copied. RAPPORT_DUPLICATE when the key is
 *  taken. */
RAPPORT_API rapport_status rapport_guide_add_servqual(rapport_org* org, const char* key, int32_t scale_min,
                                                      int32_t scale_max, rapport_guide_id* out_id);

/** SERVQUAL at `scope` per dimension, in `mode`, over the SERVQUAL questionnaires the filter selects
 *  (they must share one scale, else RAPPORT_INVALID_ARGUMENT: filter by guide). Returns RAPPORT_OK when
 *  `out_result->status` is OK, else RAPPORT_NO_DATA or RAPPORT_SUPPRESSED with the struct still filled;
 *  with RAPPORT_OK single dimensions may still be withheld (their own status says so). `*out_result`
 *  (caller-owned) is reset first to NO_DATA in every status, scale -1, values 0.
 *  `out_records` is NULL (do not explain) or a caller-owned array of RAPPORT_SERVQUAL_DIMENSIONS lists,
 *  all reset first; list d receives the conversations behind dimension d's value when that dimension is
 *  OK (their contributions add up to it), else it stays empty. Each list is library-owned: free every
 *  one with rapport_contribution_list_free. */
RAPPORT_API rapport_status rapport_score_servqual(const rapport_org* org, const rapport_scope* scope,
                                                  const rapport_filter* filter, const rapport_privacy* privacy,
                                                  rapport_servqual_mode mode, rapport_servqual* out_result,
                                                  rapport_contribution_list* out_records);

/* --- free-text answers under privacy ------------------------------------------------------------- */

/** One free-text answer as returned by rapport_score_free_text; part of a rapport_text_answer_list. */
typedef struct rapport_text_answer {
  rapport_conversation_id conversation;  /**< the conversation that gave it */
  const char* text;                      /**< UTF-8, never NULL, never "" */
} rapport_text_answer;

/** A library-owned list of free-text answers; every `items[i].text` points into the same allocation.
 *  Empty lists have items == NULL and len == 0. Free with rapport_text_answer_list_free. */
typedef struct rapport_text_answer_list {
  rapport_text_answer* items;
  size_t len;
} rapport_text_answer_list;
/** Frees the list and resets `*answers` to empty. NULL and an empty list are accepted; a copy of a
 *  freed list, or a list the library did not return, gives RAPPORT_MISUSE and is left alone. */
RAPPORT_API rapport_status rapport_text_answer_list_free(rapport_text_answer_list* answers);

/** How many answered, and whether the texts may be shown. */
typedef struct rapport_free_text {
  rapport_score_status status;  /**< OK: the texts are in the list; otherwise the list is empty */
  int64_t respondents;          /**< distinct respondents among the conversations that answered */
} rapport_free_text;

/** The non-empty free-text answers to the guide question `question_key` (required, caller-owned) at
 *  `scope`, over the conversations the filter selects, in conversation order. An aggregate (every level
 *  but one relationship) needs `privacy->min_group_text` distinct respondents (default 10), and
 *  complementary suppression applies with that minimum; one relationship's answers are named and
 *  never withheld. Returns RAPPORT_OK with the texts, or RAPPORT_NO_DATA / RAPPORT_SUPPRESSED with
 *  `out_result` filled and `*out_answers` empty, so that a withheld group is told apart from one that
 *  gave no answers. `*out_answers` is library-owned: free it with rapport_text_answer_list_free. */
RAPPORT_API rapport_status rapport_score_free_text(const rapport_org* org, const rapport_scope* scope,
                                                   const char* question_key, const rapport_filter* filter,
                                                   const rapport_privacy* privacy, rapport_free_text* out_result,
                                                   rapport_text_answer_list* out_answers);

/* --- batch scores: every unit, subtree or relationship in one pass ------------------------------ */

/** The result of a batch: columns with one row per unit (or relationship) id, row i = id i, with
 *  RAPPORT_SCORE_NO_DATA for ids that name nothing (rapport_score_unit_years: one row per unit and
 *  year, see there). Which columns a result has depends on the function that made it (see
 *  rapport_score_column). Immutable once made: share it between threads freely. Library-owned: destroy
 *  with rapport_scores_destroy. */
typedef struct rapport_scores rapport_scores;

/** Whose view a per-unit batch takes. Values are stable. */
typedef enum rapport_role {
  RAPPORT_ROLE_PROVIDER = 0,  /**< scores on relationships the unit provides: what its customers say */
  RAPPORT_ROLE_RECIPIENT = 1  /**< scores the unit gave (one respondent: always suppressed as aggregates) */
} rapport_role;

/** Options of a batch. NULL means RAPPORT_BATCH_OPTIONS_INIT. A batch counts one scale: conversations
 *  on guides with another scale are skipped (and counted). */
typedef struct rapport_batch_options {
  rapport_role role;
  int32_t scale_min;
  int32_t scale_max;
  rapport_nps_preset preset;  /**< the NPS columns are filled only for a 0-10 scale */
  rapport_privacy privacy;
} rapport_batch_options;
#define RAPPORT_BATCH_OPTIONS_INIT {RAPPORT_ROLE_PROVIDER, 0, 10, RAPPORT_NPS_STANDARD, RAPPORT_PRIVACY_INIT}

/** Every unit's satisfaction and NPS (as provider, by default). `*out_scores` is library-owned. */
RAPPORT_API rapport_status rapport_score_units(const rapport_org* org, const rapport_filter* filter,
                                               const rapport_batch_options* options, rapport_scores** out_scores);
/** Every unit's subtree (the unit and all below it, as providers). */
RAPPORT_API rapport_status rapport_score_subtrees(const rapport_org* org, const rapport_filter* filter,
                                                  const rapport_batch_options* options, rapport_scores** out_scores);
/** Every relationship's satisfaction and NPS (one-to-one: OK or no data, never suppressed). */
RAPPORT_API rapport_status rapport_score_relationships(const rapport_org* org, const rapport_filter* filter,
                                                       const rapport_batch_options* options,
                                                       rapport_scores** out_scores);
/** The latest scored conversation of every relationship (by date, then conversation id), on any
 *  scale: row i = relationship i, with the columns ID, STATUS (OK, or NO_DATA when the relationship has
 *  no scored conversation the filter selects; one-to-one, so never suppressed), CONVERSATION
 *  (RAPPORT_NO_ID when none), DATE, SCORE (on that conversation's guide's scale) and SCORE_NORMALISED
 *  (0-100); DATE and SCORE hold 0 where STATUS is not OK. `filter` (caller-owned) may be NULL.
 *  `*out_scores` is library-owned: destroy it with rapport_scores_destroy. */
RAPPORT_API rapport_status rapport_score_latest(const rapport_org* org, const rapport_filter* filter,
                                                rapport_scores** out_scores);
/** Every unit's mean satisfaction per calendar year `first_year`..`last_year` (at most 32 years, within
 *  1-9998) and the change against the year before, in one pass. Rows are unit-major:
 *  row = unit * (last_year - first_year + 1) + (year - first_year), for every unit id. Columns: ID (the
 *  unit id), YEAR, STATUS (of the year's mean: primary suppression per unit and year), N, RESPONDENTS,
 *  MEAN, SD (on the options' scale), CHANGE_STATUS (of the change: OK only when both years are OK; never
 *  OK for first_year), DELTA (mean minus the year before's, on the scale), DELTA_SE (Welch, sample
 *  variances) and HAS_SE (1 where DELTA_SE is valid: both years have at least two answers). MEAN and SD
 *  hold 0 where STATUS is not OK, DELTA and DELTA_SE where CHANGE_STATUS is not OK. The filter's period
 *  must be unset (the years are the periods), else RAPPORT_INVALID_ARGUMENT. `filter` and `options`
 *  (caller-owned) may be NULL; the options' NPS preset is not used. `*out_scores` is library-owned:
 *  destroy it with rapport_scores_destroy. */
RAPPORT_API rapport_status rapport_score_unit_years(const rapport_org* org, int32_t first_year, int32_t last_year,
                                                    const rapport_filter* filter,
                                                    const rapport_batch_options* options,
                                                    rapport_scores** out_scores);
/** Every unit's local optimiser index (as rapport_score_local_optimiser, for all units in one pass):
 *  row i = unit i, with the columns ID, STATUS (NO_DATA unless both the payer chain and the fabric
 *  rated the unit; SUPPRESSED when the fabric has too few respondents), N_PAYER, N_FABRIC,
 *  RESPONDENTS_FABRIC (filled whatever the status), PAYER_MEAN, FABRIC_MEAN, INDEX, SE, HAS_SE and
 *  FLAGGED (all 0 where STATUS is not OK). `filter`, `options` and `privacy` (caller-owned) may be
 *  NULL. `*out_scores` is library-owned: destroy it with rapport_scores_destroy. */
RAPPORT_API rapport_status rapport_score_local_optimisers(const rapport_org* org, const rapport_filter* filter,
                                                          const rapport_local_optimiser_options* options,
                                                          const rapport_privacy* privacy,
                                                          rapport_scores** out_scores);
/** Destroys a batch result; every column pointer borrowed from it dies with it. NULL is accepted;
 *  a destroyed or wrong-type handle gives RAPPORT_MISUSE. */
RAPPORT_API rapport_status rapport_scores_destroy(rapport_scores* scores);

typedef struct rapport_scores_info {
  uint64_t rows;                /**< every column has this many values, except the NPS ones when !has_nps */
  int64_t skipped_other_scale;  /**< scored conversations left out because their guide has another scale
                                     (0 for rapport_score_latest and _local_optimisers, which take any scale) */
  int32_t has_nps;              /**< 1 when the NPS columns are filled (a 0-10 scale), else 0 (length 0) */
} rapport_scores_info;
RAPPORT_API rapport_status rapport_scores_get_info(const rapport_scores* scores, rapport_scores_info* out_info);

/** The columns of a batch result, with their element type. Values are stable. Which batch has which
 *  column: ID and STATUS every batch; N to NPS_SE rapport_score_units, _subtrees and _relationships;
 *  CONVERSATION to SCORE_NORMALISED rapport_score_latest; N, RESPONDENTS, MEAN, SD and YEAR to HAS_SE
 *  rapport_score_unit_years; HAS_SE and N_PAYER to FLAGGED rapport_score_local_optimisers. Asking a
 *  batch for a column it does not have gives RAPPORT_INVALID_ARGUMENT. */
typedef enum rapport_score_column {
  RAPPORT_COLUMN_ID = 0,               /**< uint32_t: unit or relationship id (= row, except unit_years) */
  RAPPORT_COLUMN_STATUS = 1,           /**< uint8_t: rapport_score_status; only OK rows may be shown */
  RAPPORT_COLUMN_N = 2,                /**< int64_t */
  RAPPORT_COLUMN_RESPONDENTS = 3,      /**< int64_t */
  RAPPORT_COLUMN_MEAN = 4,             /**< double, on the scale */
  RAPPORT_COLUMN_SD = 5,               /**< double, population sd on the scale */
  RAPPORT_COLUMN_MEAN_NORMALISED = 6,  /**< double, 0-100 */
  RAPPORT_COLUMN_PROMOTERS = 7,        /**< int64_t (NPS columns: 0-10 scale only) */
  RAPPORT_COLUMN_PASSIVES = 8,         /**< int64_t */
  RAPPORT_COLUMN_DETRACTORS = 9,       /**< int64_t */
  RAPPORT_COLUMN_NPS = 10,             /**< double, -100..100 */
  RAPPORT_COLUMN_NPS_SE = 11,          /**< double */
  RAPPORT_COLUMN_CONVERSATION = 12,    /**< uint32_t: the latest scored conversation, or RAPPORT_NO_ID */
  RAPPORT_COLUMN_DATE = 13,            /**< int32_t: its date, days since 1970-01-01 */
  RAPPORT_COLUMN_SCORE = 14,           /**< uint8_t: its score, on its guide's scale */
  RAPPORT_COLUMN_SCORE_NORMALISED = 15,/**< double, 0-100 */
  RAPPORT_COLUMN_YEAR = 16,            /**< int32_t: the calendar year of the row */
  RAPPORT_COLUMN_CHANGE_STATUS = 17,   /**< uint8_t: rapport_score_status of the change from the year before */
  RAPPORT_COLUMN_DELTA = 18,           /**< double: mean minus the year before's mean, on the scale */
  RAPPORT_COLUMN_DELTA_SE = 19,        /**< double: Welch standard error of DELTA */
  RAPPORT_COLUMN_HAS_SE = 20,          /**< uint8_t: 1 where DELTA_SE (unit_years) or SE (local optimisers) is valid */
  RAPPORT_COLUMN_N_PAYER = 21,         /**< int64_t: ratings from the payer chain */
  RAPPORT_COLUMN_N_FABRIC = 22,        /**< int64_t: ratings from the fabric (throughput and output sides) */
  RAPPORT_COLUMN_RESPONDENTS_FABRIC = 23, /**< int64_t */
  RAPPORT_COLUMN_PAYER_MEAN = 24,      /**< double, normalised 0-100 */
  RAPPORT_COLUMN_FABRIC_MEAN = 25,     /**< double, normalised 0-100 */
  RAPPORT_COLUMN_INDEX = 26,           /**< double: PAYER_MEAN - FABRIC_MEAN */
  RAPPORT_COLUMN_SE = 27,              /**< double: standard error of INDEX */
  RAPPORT_COLUMN_FLAGGED = 28          /**< uint8_t: 1 when the index is large and significant */
} rapport_score_column;

/** The element type of a column. Values are stable. */
typedef enum rapport_column_type {
  RAPPORT_TYPE_UINT8 = 0,
  RAPPORT_TYPE_UINT32 = 1,
  RAPPORT_TYPE_INT64 = 2,
  RAPPORT_TYPE_DOUBLE = 3,
  RAPPORT_TYPE_INT32 = 4
} rapport_column_type;

/** A column of a batch result, borrowed: `*out_values` points at `*out_len` elements of `*out_type`,
 *  owned by `scores` and valid until rapport_scores_destroy. RAPPORT_INVALID_ARGUMENT for a column the
 *  batch does not have (see rapport_score_column). */
RAPPORT_API rapport_status rapport_scores_column(const rapport_scores* scores, rapport_score_column column,
                                                 const void** out_values, size_t* out_len,
                                                 rapport_column_type* out_type);
/** Copies a column into a caller-owned array of `capacity_bytes` bytes. `*out_len` receives the number
 *  of elements, also when the array is too small: then nothing is copied and the call returns
 *  RAPPORT_INVALID_ARGUMENT. `dst` may be NULL only when the column is empty. */
RAPPORT_API rapport_status rapport_scores_copy_column(const rapport_scores* scores, rapport_score_column column,
                                                      void* dst, size_t capacity_bytes, size_t* out_len);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* RAPPORT_H */
