/* Uses the installed librapport: an organisation, a bulk insert and a batch score. */
#include <rapport.h>

#include <stdio.h>

int main(void) {
  rapport_org* org = NULL;
  rapport_unit_id team, customer;
  rapport_relationship_id rel;
  rapport_conversation_id first;
  rapport_scores* scores = NULL;
  rapport_scores_info info;
  uint32_t rels[3];
  int32_t dates[3];
  uint8_t kinds[3] = {0, 0, 0}, values[3] = {7, 9, 10};
  uint32_t guides[3] = {0, 0, 0};
  int i, ok;
  ok = rapport_org_create(&org) == RAPPORT_OK &&
       rapport_unit_add(org, "team", NULL, RAPPORT_UNIT_TEAM, RAPPORT_NO_ID, RAPPORT_NO_ID, &team) == RAPPORT_OK &&
       rapport_unit_add(org, "acme", NULL, RAPPORT_UNIT_CUSTOMER, RAPPORT_NO_ID, RAPPORT_NO_ID, &customer) == RAPPORT_OK &&
       rapport_relationship_add(org, team, customer, RAPPORT_BOND_SERVICE, NULL, &rel) == RAPPORT_OK;
  for (i = 0; i < 3; ++i) rels[i] = rel, dates[i] = 20000 + i;
  ok = ok && rapport_conversations_add_bulk(org, 3, rels, dates, kinds, guides, values, NULL, &first) == RAPPORT_OK &&
       rapport_score_relationships(org, NULL, NULL, &scores) == RAPPORT_OK &&
       rapport_scores_get_info(scores, &info) == RAPPORT_OK && info.rows == 1;
  rapport_scores_destroy(scores);
  rapport_org_destroy(org);
  printf("consumer_c: librapport %s %s\n", rapport_version(), ok ? "works" : "FAILED");
  return ok ? 0 : 1;
}
