/* Bulk insert of conversations through the C API (a CRM's nightly sync): 10 million rows from caller
 * arrays in one rapport_conversations_add_bulk call, in three input orders, plus an incremental sync
 * into a store that already holds them. Prints conversations per second; asserts no time.
 *
 *   bench_capi_bulk [rows] [relationships]      (defaults: 10000000 100000)
 */
#define _POSIX_C_SOURCE 199309L
#include <rapport.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
static double now(void) { return clock_seconds(CLOCK_MONOTONIC); }
/* CPU time of this process: on a shared machine the fairer measure of the work done. */
static double cpu_now(void) { return clock_seconds(CLOCK_PROCESS_CPUTIME_ID); }
static double last_cpu = 0;

static void check(rapport_status s, const char* what) {
  if (s != RAPPORT_OK) {
    fprintf(stderr, "%s: %s (%s)\n", what, rapport_status_name(s), rapport_last_error_message());
    exit(1);
  }
}

typedef struct columns {
  size_t n;
  uint32_t* relationships;
  int32_t* dates;
  uint8_t* kinds;
  uint32_t* guides;
  uint8_t* scores;
} columns;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t next_random(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static void* xmalloc(size_t bytes) {
  void* p = malloc(bytes ? bytes : 1);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  return p;
}

static columns make_columns(size_t n) {
  columns c;
  c.n = n;
  c.relationships = xmalloc(n * sizeof *c.relationships);
  c.dates = xmalloc(n * sizeof *c.dates);
  c.kinds = xmalloc(n);
  c.guides = xmalloc(n * sizeof *c.guides);
  c.scores = xmalloc(n);
  return c;
}

static void free_columns(columns* c) {
  free(c->relationships), free(c->dates), free(c->kinds), free(c->guides), free(c->scores);
}

static void swap_rows(columns* c, size_t i, size_t j) {
  uint32_t r = c->relationships[i];
  int32_t d = c->dates[i];
  uint8_t s = c->scores[i];
  c->relationships[i] = c->relationships[j], c->relationships[j] = r;
  c->dates[i] = c->dates[j], c->dates[j] = d;
  c->scores[i] = c->scores[j], c->scores[j] = s;
}

/* Row i: relationship first_rel + i / per_rel, one conversation a week from day0 on. */
static void fill_clustered(columns* c, uint32_t first_rel, size_t rels, int32_t day0) {
  size_t per_rel = (c->n + rels - 1) / rels, i;
  for (i = 0; i < c->n; ++i) {
    c->relationships[i] = first_rel + (uint32_t)(i / per_rel);
    c->dates[i] = day0 + (int32_t)(i % per_rel) * 7;
    c->kinds[i] = RAPPORT_CONVERSATION_CUSTOMER_REVIEW;
    c->guides[i] = RAPPORT_GUIDE_CUSTOMER_REVIEW;
    c->scores[i] = (uint8_t)(next_random() % 12); /* 11 = RAPPORT_NO_SCORE below */
    if (c->scores[i] == 11) c->scores[i] = RAPPORT_NO_SCORE;
  }
}

/* The same rows ordered by date (a sync that exports day by day): relationships interleave. */
static void fill_by_date(columns* c, uint32_t first_rel, size_t rels, int32_t day0) {
  size_t i;
  for (i = 0; i < c->n; ++i) {
    c->relationships[i] = first_rel + (uint32_t)(i % rels);
    c->dates[i] = day0 + (int32_t)(i / rels) * 7;
    c->kinds[i] = RAPPORT_CONVERSATION_CUSTOMER_REVIEW;
    c->guides[i] = RAPPORT_GUIDE_CUSTOMER_REVIEW;
    c->scores[i] = (uint8_t)(next_random() % 11);
  }
}

static void shuffle(columns* c) {
  size_t i;
  for (i = c->n; i > 1; --i) swap_rows(c, i - 1, (size_t)(next_random() % i));
}

static rapport_org* make_org(size_t rels) {
  rapport_org* org = NULL;
  size_t teams = 1000, customers = (rels + teams - 1) / teams, i, made = 0;
  rapport_unit_id* team_ids = xmalloc(teams * sizeof *team_ids);
  check(rapport_org_create(&org), "rapport_org_create");
  for (i = 0; i < teams; ++i) {
    char key[32];
    sprintf(key, "team-%zu", i);
    check(rapport_unit_add(org, key, NULL, RAPPORT_UNIT_TEAM, RAPPORT_NO_ID, RAPPORT_NO_ID, &team_ids[i]), "unit");
  }
  for (i = 0; i < customers && made < rels; ++i) {
    char key[32];
    rapport_unit_id cust;
    size_t t;
    sprintf(key, "customer-%zu", i);
    check(rapport_unit_add(org, key, NULL, RAPPORT_UNIT_CUSTOMER, RAPPORT_NO_ID, RAPPORT_NO_ID, &cust), "unit");
    for (t = 0; t < teams && made < rels; ++t, ++made) {
      rapport_relationship_id rel;
      check(rapport_relationship_add(org, team_ids[t], cust, RAPPORT_BOND_SERVICE, "service", &rel), "relationship");
    }
  }
  free(team_ids);
  return org;
}

static double insert(rapport_org* org, const columns* c) {
  rapport_conversation_id first;
  double t0 = now(), c0 = cpu_now(), t;
  check(rapport_conversations_add_bulk(org, c->n, c->relationships, c->dates, c->kinds, c->guides, c->scores, NULL,
                                       &first),
        "rapport_conversations_add_bulk");
  t = now() - t0;
  last_cpu = cpu_now() - c0;
  return t;
}

static void report(const char* what, size_t n, double seconds) {
  printf("%-58s %9zu rows  wall %7.3f s %7.2f M/s  cpu %7.3f s %7.2f M/s\n", what, n, seconds,
         (double)n / seconds / 1e6, last_cpu, (double)n / last_cpu / 1e6);
  fflush(stdout);
}

int main(int argc, char** argv) {
  size_t n = argc > 1 ? (size_t)strtoull(argv[1], NULL, 10) : 10000000u;
  size_t rels = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 100000u;
  int32_t day0;
  columns c = make_columns(n);
  rapport_org* org;
  rapport_org_counts counts;
  check(rapport_date_from_ymd(2015, 1, 5, &day0), "date");
  printf("librapport %s: bulk insert of %zu conversations over %zu relationships\n", rapport_version(), n, rels);

  fill_clustered(&c, 0, rels, day0);
  org = make_org(rels);
  report("sorted by (relationship, date), into an empty store", n, insert(org, &c));
  check(rapport_org_counts_get(org, &counts), "counts");
  if (counts.conversations != n) return 1;
  {
    /* Incremental nightly syncs: one more week for every relationship, in relationship order, into
       the store that already holds the rows above. The first one grows the columns (geometrically);
       the later ones show the steady state. */
    columns inc = make_columns(rels);
    size_t per_rel = (n + rels - 1) / rels;
    int night;
    for (night = 0; night < 3; ++night) {
      char what[80];
      fill_by_date(&inc, 0, rels, day0 + (int32_t)(per_rel + (size_t)night) * 7);
      sprintf(what, "incremental sync #%d (1 row per relationship), full store", night + 1);
      report(what, rels, insert(org, &inc));
    }
    free_columns(&inc);
  }
  check(rapport_org_destroy(org), "destroy");

  fill_by_date(&c, 0, rels, day0);
  org = make_org(rels);
  report("ordered by date (relationships interleaved), empty store", n, insert(org, &c));
  check(rapport_org_destroy(org), "destroy");

  shuffle(&c);
  org = make_org(rels);
  report("random order, empty store", n, insert(org, &c));
  check(rapport_org_destroy(org), "destroy");

  free_columns(&c);
  return 0;
}
