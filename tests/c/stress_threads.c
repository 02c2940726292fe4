/* Thread stress of the C API, holding to the threading contract in rapport.h and docs/c-api.md:
 *  - one organisation shared by readers (const functions) and writers, with no outside locking;
 *  - private organisations created and destroyed on other threads, stale handles checked;
 *  - library-owned results handed from one thread to another and freed there;
 *  - every thread checks that its last error is its own;
 *  - finally the shared organisation is destroyed while readers still run: from then on their calls
 *    must return RAPPORT_MISUSE, and none may crash.
 * Built normally (a CTest test) and with -fsanitize=thread (tests/c/tsan.sh).
 *
 *   stress_threads [iterations]     (default 400)
 */
#define _POSIX_C_SOURCE 200809L
#include <rapport.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define READERS 3
#define WRITERS 2

static rapport_org* shared_org;
static int iterations = 400;
static int failures_total = 0;
static pthread_mutex_t failures_mutex = PTHREAD_MUTEX_INITIALIZER;
/* Set (under the mutex) once the shared org has been destroyed. */
static int destroyed = 0;
static pthread_mutex_t destroyed_mutex = PTHREAD_MUTEX_INITIALIZER;

/* A one-slot mailbox: a writer hands a library-owned string to the churn thread, which frees it. */
static char* mailbox = NULL;
/* A batch score result shared by every reader; the churn thread destroys it now and then. */
static rapport_scores* shared_scores = NULL;
static pthread_mutex_t mailbox_mutex = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char* what, rapport_status s) {
  pthread_mutex_lock(&failures_mutex);
  ++failures_total;
  fprintf(stderr, "stress: %s -> %s (%s)\n", what, rapport_status_name(s), rapport_last_error_message());
  pthread_mutex_unlock(&failures_mutex);
}

static int is_destroyed(void) {
  int d;
  pthread_mutex_lock(&destroyed_mutex);
  d = destroyed;
  pthread_mutex_unlock(&destroyed_mutex);
  return d;
}

/* A call on the shared org: OK, or MISUSE once the org may be destroyed. Returns 0 to stop. */
static int shared_ok(rapport_status s, const char* what, int destroyed_before) {
  if (s == RAPPORT_OK) return 1;
  if (s == RAPPORT_MISUSE && (destroyed_before || is_destroyed())) return 0;
  fail(what, s);
  return 0;
}

static void* reader(void* arg) {
  int id = (int)(size_t)arg, i;
  uint64_t last_units = 0;
  for (i = 0;; ++i) {
    int gone = is_destroyed();
    rapport_org_counts counts;
    rapport_unit_id unit;
    rapport_fishbone fb;
    rapport_id_array ids;
    rapport_conversation_info ci;
    char* key = NULL;
    size_t k;
    if (!shared_ok(rapport_org_counts_get(shared_org, &counts), "counts", gone)) break;
    if (counts.units < last_units) fail("unit count went down", RAPPORT_INTERNAL);
    last_units = counts.units;
    if (!shared_ok(rapport_unit_find(shared_org, "root", &unit), "find root", gone)) break;
    if (!shared_ok(rapport_unit_fishbone(shared_org, unit, &fb), "fishbone", gone)) break;
    /* every relationship id in the fishbone resolves in the same consistent state or a later one */
    for (k = 0; k < fb.output.len; ++k) {
      rapport_relationship_info ri;
      if (!shared_ok(rapport_relationship_get(shared_org, fb.output.ids[k], &ri), "relationship", gone)) break;
      if (ri.provider != unit) fail("fishbone output not provided by root", RAPPORT_INTERNAL);
    }
    if (rapport_fishbone_free(&fb) != RAPPORT_OK) fail("fishbone_free", rapport_last_error_code());
    if (!shared_ok(rapport_conversations_list(shared_org, &ids), "conversations_list", gone)) break;
    if (ids.len > 0 && !shared_ok(rapport_conversation_get(shared_org, ids.ids[ids.len / 2], &ci), "conv get", gone)) {
      rapport_id_array_free(&ids);
      break;
    }
    rapport_id_array_free(&ids);
    if (!shared_ok(rapport_unit_key(shared_org, unit, &key), "unit key", gone)) break;
    if (strcmp(key, "root") != 0) fail("root key", RAPPORT_INTERNAL);
    rapport_string_free(key);
    if (i % 20 == id) {
      /* scores read the org under the same contract; a batch result is shared with no lock at all */
      rapport_scope scope;
      rapport_satisfaction sat;
      rapport_scores* batch = NULL;
      rapport_scores_info info;
      rapport_status s;
      scope.level = RAPPORT_LEVEL_ORGANISATION, scope.id = 0, scope.side = RAPPORT_SIDE_OUTPUT;
      s = rapport_score_satisfaction(shared_org, &scope, NULL, NULL, &sat, NULL, 0, NULL);
      if (s != RAPPORT_OK && s != RAPPORT_NO_DATA && s != RAPPORT_SUPPRESSED && !shared_ok(s, "satisfaction", gone)) break;
      if (!shared_ok(rapport_score_units(shared_org, NULL, NULL, &batch), "score_units", gone)) break;
      if (rapport_scores_get_info(batch, &info) != RAPPORT_OK || info.rows < 1) fail("scores info", rapport_last_error_code());
      pthread_mutex_lock(&mailbox_mutex);
      if (shared_scores == NULL) {
        shared_scores = batch; /* destroyed by the churn thread, read by the others meanwhile */
        batch = NULL;
      }
      pthread_mutex_unlock(&mailbox_mutex);
      rapport_scores_destroy(batch);
    }
    {
      rapport_scores* batch;
      const void* values = NULL;
      size_t len = 0;
      rapport_column_type type;
      rapport_status s;
      pthread_mutex_lock(&mailbox_mutex);
      batch = shared_scores;
      pthread_mutex_unlock(&mailbox_mutex);
      /* the churn thread may destroy it at any moment: then MISUSE, never a crash */
      s = batch ? rapport_scores_column(batch, RAPPORT_COLUMN_N, &values, &len, &type) : RAPPORT_MISUSE;
      if (s != RAPPORT_OK && s != RAPPORT_MISUSE) fail("scores column", s);
    }
    if (i % 50 == id) {
      uint8_t* bytes = NULL;
      size_t len = 0;
      rapport_org* copy = NULL;
      if (!shared_ok(rapport_org_save_to_bytes(shared_org, &bytes, &len), "save_to_bytes", gone)) break;
      if (rapport_org_load_from_bytes(bytes, len, &copy) != RAPPORT_OK) fail("load_from_bytes", rapport_last_error_code());
      rapport_bytes_free(bytes);
      rapport_org_destroy(copy);
      if (!shared_ok(rapport_org_clone(shared_org, &copy), "clone", gone)) break;
      rapport_org_destroy(copy);
    }
    /* this thread's own error, not another's */
    if (rapport_unit_find(shared_org, "no such unit", &unit) == RAPPORT_NOT_FOUND &&
        rapport_last_error_code() != RAPPORT_NOT_FOUND)
      fail("last error code is not this thread's", rapport_last_error_code());
    if (i > 1000000) break;
  }
  return NULL;
}

static void* writer(void* arg) {
  int id = (int)(size_t)arg, i;
  rapport_unit_id root;
  int32_t day0;
  rapport_date_from_ymd(2024, 1, 1, &day0);
  if (rapport_unit_find(shared_org, "root", &root) != RAPPORT_OK) {
    fail("writer: root", rapport_last_error_code());
    return NULL;
  }
  for (i = 0; i < iterations; ++i) {
    char key[64];
    rapport_unit_id u;
    rapport_relationship_id r;
    rapport_conversation_id c, first;
    rapport_agreement_id a;
    rapport_answer answer;
    uint32_t rels[8];
    int32_t dates[8];
    uint8_t kinds[8], scores[8];
    uint32_t guides[8];
    int k;
    sprintf(key, "w%d-%d", id, i);
    if (rapport_unit_add(shared_org, key, NULL, RAPPORT_UNIT_CUSTOMER, RAPPORT_NO_ID, RAPPORT_NO_ID, &u) != RAPPORT_OK) {
      fail("unit_add", rapport_last_error_code());
      break;
    }
    if (rapport_relationship_add(shared_org, root, u, RAPPORT_BOND_SERVICE, key, &r) != RAPPORT_OK) {
      fail("relationship_add", rapport_last_error_code());
      break;
    }
    answer.question = "better";
    answer.text = key;
    if (rapport_conversation_add(shared_org, r, day0 + i, RAPPORT_CONVERSATION_CUSTOMER_REVIEW,
                                 RAPPORT_GUIDE_CUSTOMER_REVIEW, i % 11, RAPPORT_NO_SCORE, &answer, 1, &c) != RAPPORT_OK)
      fail("conversation_add", rapport_last_error_code());
    if (rapport_agreement_add(shared_org, c, root, "follow up", day0 + i + 30, &a) != RAPPORT_OK)
      fail("agreement_add", rapport_last_error_code());
    for (k = 0; k < 8; ++k) {
      rels[k] = r;
      dates[k] = day0 + i + k;
      kinds[k] = RAPPORT_CONVERSATION_CUSTOMER_REVIEW;
      guides[k] = RAPPORT_GUIDE_CUSTOMER_REVIEW;
      scores[k] = (uint8_t)((i + k) % 11);
    }
    if (rapport_conversations_add_bulk(shared_org, 8, rels, dates, kinds, guides, scores, NULL, &first) != RAPPORT_OK)
      fail("add_bulk", rapport_last_error_code());
    if (i % 3 == 0 && rapport_conversation_remove(shared_org, first) != RAPPORT_OK)
      fail("conversation_remove", rapport_last_error_code());
    if (i % 7 == 0 && rapport_agreement_close(shared_org, a, RAPPORT_AGREEMENT_KEPT, day0 + i + 3) != RAPPORT_OK)
      fail("agreement_close", rapport_last_error_code());
    if (i % 25 == 0 && rapport_org_compact(shared_org) != RAPPORT_OK) fail("compact", rapport_last_error_code());
    /* an expected error: this thread's last error must say so, whatever the others do */
    if (rapport_unit_add(shared_org, key, NULL, RAPPORT_UNIT_TEAM, RAPPORT_NO_ID, RAPPORT_NO_ID, &u) != RAPPORT_DUPLICATE ||
        rapport_last_error_code() != RAPPORT_DUPLICATE || strstr(rapport_last_error_message(), key) == NULL)
      fail("duplicate not reported to this thread", rapport_last_error_code());
    if (i % 10 == 0) {
      char* label = NULL;
      if (rapport_relationship_label(shared_org, r, &label) != RAPPORT_OK) fail("label", rapport_last_error_code());
      pthread_mutex_lock(&mailbox_mutex);
      if (mailbox == NULL) {
        mailbox = label; /* freed by the churn thread */
        label = NULL;
      }
      pthread_mutex_unlock(&mailbox_mutex);
      rapport_string_free(label);
    }
  }
  return NULL;
}

/* Private orgs made and destroyed; their stale handles must be refused. */
static void* churn(void* arg) {
  int i;
  (void)arg;
  for (i = 0; i < iterations; ++i) {
    rapport_org* org = NULL;
    rapport_unit_id u;
    char* got = NULL;
    if (rapport_org_create(&org) != RAPPORT_OK) {
      fail("org_create", rapport_last_error_code());
      continue;
    }
    if (rapport_unit_add(org, "x", NULL, RAPPORT_UNIT_TEAM, RAPPORT_NO_ID, RAPPORT_NO_ID, &u) != RAPPORT_OK)
      fail("private unit_add", rapport_last_error_code());
    if (rapport_org_destroy(org) != RAPPORT_OK) fail("org_destroy", rapport_last_error_code());
    if (rapport_unit_find(org, "x", &u) != RAPPORT_MISUSE) fail("stale handle accepted", rapport_last_error_code());
    if (rapport_org_destroy(org) != RAPPORT_MISUSE) fail("double destroy accepted", rapport_last_error_code());
    pthread_mutex_lock(&mailbox_mutex);
    got = mailbox;
    mailbox = NULL;
    pthread_mutex_unlock(&mailbox_mutex);
    if (got && rapport_string_free(got) != RAPPORT_OK) fail("string_free across threads", rapport_last_error_code());
    if (i % 10 == 0) {
      rapport_scores* s;
      pthread_mutex_lock(&mailbox_mutex);
      s = shared_scores;
      shared_scores = NULL;
      pthread_mutex_unlock(&mailbox_mutex);
      if (s && rapport_scores_destroy(s) != RAPPORT_OK) fail("scores_destroy", rapport_last_error_code());
    }
  }
  return NULL;
}

int main(int argc, char** argv) {
  pthread_t readers[READERS], writers[WRITERS], churner;
  rapport_unit_id root;
  rapport_org_counts counts;
  size_t i;
  if (argc > 1) iterations = atoi(argv[1]);
  if (rapport_org_create(&shared_org) != RAPPORT_OK ||
      rapport_unit_add(shared_org, "root", "Root", RAPPORT_UNIT_COMPANY, RAPPORT_NO_ID, RAPPORT_NO_ID, &root) != RAPPORT_OK) {
    fprintf(stderr, "setup failed\n");
    return 1;
  }
  for (i = 0; i < READERS; ++i) pthread_create(&readers[i], NULL, reader, (void*)i);
  for (i = 0; i < WRITERS; ++i) pthread_create(&writers[i], NULL, writer, (void*)i);
  pthread_create(&churner, NULL, churn, NULL);
  for (i = 0; i < WRITERS; ++i) pthread_join(writers[i], NULL);
  pthread_join(churner, NULL);

  if (rapport_org_counts_get(shared_org, &counts) != RAPPORT_OK) fail("final counts", rapport_last_error_code());
  if (counts.units != 1 + (uint64_t)WRITERS * (uint64_t)iterations)
    fail("final unit count", RAPPORT_INTERNAL);

  /* Destroy while the readers still run: they must see RAPPORT_MISUSE from then on. */
  pthread_mutex_lock(&destroyed_mutex);
  if (rapport_org_destroy(shared_org) != RAPPORT_OK) fail("destroy shared", rapport_last_error_code());
  destroyed = 1;
  pthread_mutex_unlock(&destroyed_mutex);
  for (i = 0; i < READERS; ++i) pthread_join(readers[i], NULL);
  if (mailbox) rapport_string_free(mailbox);
  if (shared_scores) rapport_scores_destroy(shared_scores);

  if (failures_total) {
    fprintf(stderr, "stress: %d failure(s)\n", failures_total);
    return 1;
  }
  printf("stress: %d readers, %d writers, 1 churn thread, %d iterations each: OK\n", READERS, WRITERS, iterations);
  return 0;
}
