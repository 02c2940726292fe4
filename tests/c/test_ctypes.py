"""Drives librapport through ctypes alone (no pybind11): proof that another runtime can use the C ABI
with nothing but rapport.h. The library path comes from RAPPORT_C_LIBRARY."""
import ctypes as C
import os
import threading

import pytest

LIB = C.CDLL(os.environ["RAPPORT_C_LIBRARY"])

# --- the bits of rapport.h this test needs, transcribed --------------------------------------------
OK, INVALID_ARGUMENT, NOT_FOUND, DUPLICATE, CONFLICT, IO, CORRUPT = 0, 1, 2, 3, 4, 5, 6
NOT_AN_ARCHIVE, NO_MEMORY, MISUSE = 8, 11, 12
NO_ID = 0xFFFFFFFF
NO_SCORE = 255
NO_DATE = -(2**31)
UNIT_COMPANY, UNIT_TEAM, UNIT_PERSON, UNIT_CUSTOMER = 3, 1, 0, 4
BOND_SERVICE, BOND_COOPERATION, BOND_LEADERSHIP = 0, 1, 2
KIND_CUSTOMER_REVIEW = 0
GUIDE_CUSTOMER_REVIEW = 0
FEATURE_ARCHIVE, FEATURE_THREADSAFE = 1, 4

org_p = C.c_void_p  # rapport_org*: opaque


class IdArray(C.Structure):
    _fields_ = [("ids", C.POINTER(C.c_uint32)), ("len", C.c_size_t)]

    def values(self):
        return [self.ids[i] for i in range(self.len)]


class Fishbone(C.Structure):
    _fields_ = [("unit", C.c_uint32), ("input", IdArray), ("throughput", IdArray), ("output", IdArray)]


class UnitInfo(C.Structure):
    _fields_ = [("id", C.c_uint32), ("kind", C.c_int), ("parent", C.c_uint32), ("payer", C.c_uint32),
                ("effective_payer", C.c_uint32)]


class ConversationInfo(C.Structure):
    _fields_ = [("id", C.c_uint32), ("relationship", C.c_uint32), ("date", C.c_int32), ("kind", C.c_int),
                ("guide", C.c_uint32), ("score", C.c_int32), ("self_assessment", C.c_int32)]


class Answer(C.Structure):
    _fields_ = [("question", C.c_char_p), ("text", C.c_char_p)]


class AnswerList(C.Structure):
    _fields_ = [("items", C.POINTER(Answer)), ("len", C.c_size_t)]


class Counts(C.Structure):
    _fields_ = [(n, C.c_uint64) for n in
                ("units", "relationships", "guides", "conversations", "answers", "agreements", "complaints",
                 "referrals")]


def fn(name, restype, *argtypes):
    f = getattr(LIB, name)
    f.restype, f.argtypes = restype, list(argtypes)
    return f


u32p, i32p = C.POINTER(C.c_uint32), C.POINTER(C.c_int32)
status = C.c_int
rapport_version = fn("rapport_version", C.c_char_p)
rapport_features = fn("rapport_features", C.c_uint32)
last_code = fn("rapport_last_error_code", status)
last_message = fn("rapport_last_error_message", C.c_char_p)
status_name = fn("rapport_status_name", C.c_char_p, status)
date_from_ymd = fn("rapport_date_from_ymd", status, C.c_int32, C.c_int32, C.c_int32, i32p)
date_to_ymd = fn("rapport_date_to_ymd", status, C.c_int32, i32p, i32p, i32p)
string_free = fn("rapport_string_free", status, C.c_void_p)
bytes_free = fn("rapport_bytes_free", status, C.c_void_p)
id_array_free = fn("rapport_id_array_free", status, C.POINTER(IdArray))
org_create = fn("rapport_org_create", status, C.POINTER(org_p))
org_destroy = fn("rapport_org_destroy", status, org_p)
org_counts = fn("rapport_org_counts_get", status, org_p, C.POINTER(Counts))
org_save = fn("rapport_org_save", status, org_p, C.c_char_p)
org_load = fn("rapport_org_load", status, C.c_char_p, C.POINTER(org_p))
org_save_to_bytes = fn("rapport_org_save_to_bytes", status, org_p, C.POINTER(C.c_void_p), C.POINTER(C.c_size_t))
org_load_from_bytes = fn("rapport_org_load_from_bytes", status, C.c_void_p, C.c_size_t, C.POINTER(org_p))
unit_add = fn("rapport_unit_add", status, org_p, C.c_char_p, C.c_char_p, C.c_int, C.c_uint32, C.c_uint32, u32p)
unit_find = fn("rapport_unit_find", status, org_p, C.c_char_p, u32p)
unit_get = fn("rapport_unit_get", status, org_p, C.c_uint32, C.POINTER(UnitInfo))
unit_name = fn("rapport_unit_name", status, org_p, C.c_uint32, C.POINTER(C.c_void_p))
unit_fishbone = fn("rapport_unit_fishbone", status, org_p, C.c_uint32, C.POINTER(Fishbone))
fishbone_free = fn("rapport_fishbone_free", status, C.POINTER(Fishbone))
relationship_add = fn("rapport_relationship_add", status, org_p, C.c_uint32, C.c_uint32, C.c_int, C.c_char_p, u32p)
conversation_add = fn("rapport_conversation_add", status, org_p, C.c_uint32, C.c_int32, C.c_int, C.c_uint32,
                      C.c_int32, C.c_int32, C.POINTER(Answer), C.c_size_t, u32p)
conversation_get = fn("rapport_conversation_get", status, org_p, C.c_uint32, C.POINTER(ConversationInfo))
conversation_answers = fn("rapport_conversation_answers", status, org_p, C.c_uint32, C.POINTER(AnswerList))
answer_list_free = fn("rapport_answer_list_free", status, C.POINTER(AnswerList))
add_bulk = fn("rapport_conversations_add_bulk", status, org_p, C.c_size_t, u32p, i32p, C.POINTER(C.c_uint8), u32p,
              C.POINTER(C.c_uint8), C.POINTER(C.c_uint8), u32p)
relationship_conversations = fn("rapport_relationship_conversations", status, org_p, C.c_uint32, C.POINTER(IdArray))


def check(s):
    assert s == OK, (status_name(s).decode(), last_message().decode())


def take_string(p):
    """Copies a library-owned string and gives it back to the library."""
    try:
        return C.string_at(p.value).decode("utf-8")
    finally:
        check(string_free(p))


def day(y, m, d):
    out = C.c_int32()
    check(date_from_ymd(y, m, d, C.byref(out)))
    return out.value


@pytest.fixture
def org():
    h = org_p()
    check(org_create(C.byref(h)))
    yield h
    check(org_destroy(h))


def add_unit(org, key, kind=UNIT_TEAM, parent=NO_ID, name=None):
    out = C.c_uint32()
    check(unit_add(org, key.encode(), name.encode() if name else None, kind, parent, NO_ID, C.byref(out)))
    return out.value


def add_rel(org, provider, recipient, bond=BOND_SERVICE, label=b"x"):
    out = C.c_uint32()
    check(relationship_add(org, provider, recipient, bond, label, C.byref(out)))
    return out.value


def test_version_and_features():
    assert rapport_version().decode().count(".") == 2
    assert rapport_features() & FEATURE_THREADSAFE
    assert rapport_features() & FEATURE_ARCHIVE
    assert status_name(NOT_FOUND) == b"RAPPORT_NOT_FOUND"


def test_dates_round_trip():
    y, m, d = C.c_int32(), C.c_int32(), C.c_int32()
    check(date_to_ymd(day(2025, 12, 31), C.byref(y), C.byref(m), C.byref(d)))
    assert (y.value, m.value, d.value) == (2025, 12, 31)
    out = C.c_int32(7)
    assert date_from_ymd(2025, 2, 30, C.byref(out)) == INVALID_ARGUMENT
    assert out.value == 0


def test_units_strings_and_errors(org):
    company = add_unit(org, "co", UNIT_COMPANY)
    team = add_unit(org, "team", parent=company, name="Lohnbüro")  # UTF-8 both ways
    name = C.c_void_p()
    check(unit_name(org, team, C.byref(name)))
    assert take_string(name) == "Lohnbüro"
    info = UnitInfo()
    check(unit_get(org, team, C.byref(info)))
    assert (info.id, info.kind, info.parent, info.effective_payer) == (team, UNIT_TEAM, company, company)
    found = C.c_uint32()
    assert unit_find(org, b"nobody", C.byref(found)) == NOT_FOUND
    assert found.value == NO_ID
    assert last_code() == NOT_FOUND
    assert b"rapport_unit_find" in last_message() and b"nobody" in last_message()
    out = C.c_uint32()
    assert unit_add(org, b"team", None, UNIT_TEAM, NO_ID, NO_ID, C.byref(out)) == DUPLICATE
    assert unit_add(org, b"\xc3\x28", None, UNIT_TEAM, NO_ID, NO_ID, C.byref(out)) == INVALID_ARGUMENT


def test_conversations_answers_and_bulk(org):
    team, cust = add_unit(org, "team"), add_unit(org, "acme", UNIT_CUSTOMER)
    rel = add_rel(org, team, cust)
    answers = (Answer * 2)(Answer(b"goals", "Wachstum".encode()), Answer(b"standing", b"fine"))
    cid = C.c_uint32()
    check(conversation_add(org, rel, day(2025, 5, 1), KIND_CUSTOMER_REVIEW, GUIDE_CUSTOMER_REVIEW, 9, NO_SCORE,
                           answers, 2, C.byref(cid)))
    lst = AnswerList()
    check(conversation_answers(org, cid, C.byref(lst)))
    got = [(lst.items[i].question.decode(), lst.items[i].text.decode()) for i in range(lst.len)]
    check(answer_list_free(C.byref(lst)))
    assert got == [("standing", "fine"), ("goals", "Wachstum")]
    assert not lst.items and lst.len == 0

    n = 10_000
    rels = (C.c_uint32 * n)(*([rel] * n))
    dates = (C.c_int32 * n)(*[day(1990, 1, 1) + i for i in range(n)])  # up to 2017
    kinds = (C.c_uint8 * n)()
    guides = (C.c_uint32 * n)()
    scores = (C.c_uint8 * n)(*[i % 11 for i in range(n)])
    first = C.c_uint32()
    check(add_bulk(org, n, rels, dates, kinds, guides, scores, None, C.byref(first)))
    assert first.value == cid.value + 1
    info = ConversationInfo()
    check(conversation_get(org, first.value + 12, C.byref(info)))
    assert (info.relationship, info.score, info.self_assessment) == (rel, 12 % 11, NO_SCORE)
    ids = IdArray()
    check(relationship_conversations(org, rel, C.byref(ids)))
    assert ids.len == n + 1 and ids.values()[-1] == cid.value  # by date: the 2025 conversation last
    check(id_array_free(C.byref(ids)))
    scores[77] = 42  # off the scale: the whole batch is refused
    assert add_bulk(org, n, rels, dates, kinds, guides, scores, None, C.byref(first)) == INVALID_ARGUMENT
    assert b"row 77" in last_message()
    counts = Counts()
    check(org_counts(org, C.byref(counts)))
    assert counts.conversations == n + 1 and counts.answers == 2


def test_fishbone(org):
    hr, payroll, ana = add_unit(org, "hr"), add_unit(org, "payroll"), add_unit(org, "ana", UNIT_PERSON)
    serves = add_rel(org, payroll, hr)
    coop = add_rel(org, hr, payroll, BOND_COOPERATION)
    leads = add_rel(org, hr, ana, BOND_LEADERSHIP)
    fb = Fishbone()
    check(unit_fishbone(org, hr, C.byref(fb)))
    assert (fb.input.values(), fb.throughput.values(), fb.output.values()) == ([serves], [coop], [leads])
    check(fishbone_free(C.byref(fb)))
    assert fb.input.len == 0


def test_archive_round_trip(org, tmp_path):
    add_unit(org, "a")
    data, n = C.c_void_p(), C.c_size_t()
    check(org_save_to_bytes(org, C.byref(data), C.byref(n)))
    raw = C.string_at(data, n.value)
    check(bytes_free(data))
    back = org_p()
    check(org_load_from_bytes(raw, len(raw), C.byref(back)))
    check(org_destroy(back))
    damaged = bytearray(raw)
    damaged[-3] ^= 1
    assert org_load_from_bytes(bytes(damaged), len(damaged), C.byref(back)) == CORRUPT
    assert back.value is None
    path = str(tmp_path / "org.rapport").encode()
    check(org_save(org, path))
    check(org_load(path, C.byref(back)))
    out = C.c_uint32()
    check(unit_find(back, b"a", C.byref(out)))
    check(org_destroy(back))
    assert org_load(str(tmp_path / "missing").encode(), C.byref(back)) == IO


def test_misuse_is_answered_not_crashed():
    out = C.c_uint32()
    assert unit_find(None, b"x", C.byref(out)) == MISUSE
    h = org_p()
    check(org_create(C.byref(h)))
    assert unit_find(h, b"x", None) == MISUSE  # NULL out parameter
    assert unit_find(h, None, C.byref(out)) == MISUSE
    check(org_destroy(h))
    assert unit_find(h, b"x", C.byref(out)) == MISUSE  # stale handle
    assert b"destroyed" in last_message()
    assert org_destroy(h) == MISUSE  # double destroy
    assert org_destroy(None) == OK
    assert unit_find(C.c_void_p(0x7fff0000), b"x", C.byref(out)) == MISUSE  # not a handle at all
    s = C.c_void_p()
    h2 = org_p()
    check(org_create(C.byref(h2)))
    add_unit(h2, "k")
    check(unit_name(h2, 0, C.byref(s)))
    check(string_free(s))
    assert string_free(s) == MISUSE  # double free
    assert bytes_free(C.create_string_buffer(8)) == MISUSE  # memory the library did not hand out
    check(org_destroy(h2))


def test_last_error_is_per_thread(org):
    add_unit(org, "t")
    seen = {}

    def worker(i):
        out = C.c_uint32()
        for _ in range(200):
            if i % 2:
                unit_find(org, b"missing", C.byref(out))
                seen.setdefault(i, set()).add(last_code())
            else:
                unit_find(org, b"t", C.byref(out))
                seen.setdefault(i, set()).add(last_code())

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {0: {OK}, 1: {NOT_FOUND}, 2: {OK}, 3: {NOT_FOUND}}


class Scope(C.Structure):
    _fields_ = [("level", C.c_int), ("id", C.c_uint32), ("side", C.c_int)]


class Satisfaction(C.Structure):
    _fields_ = [("status", C.c_int), ("scale_min", C.c_int32), ("scale_max", C.c_int32), ("n", C.c_int64),
                ("respondents", C.c_int64), ("mean", C.c_double), ("sd", C.c_double),
                ("mean_normalised", C.c_double), ("sd_normalised", C.c_double), ("distribution_len", C.c_uint32)]


class ScoresInfo(C.Structure):
    _fields_ = [("rows", C.c_uint64), ("skipped_other_scale", C.c_int64), ("has_nps", C.c_int32)]


LEVEL_UNIT, LEVEL_RELATIONSHIP = 1, 0
SCORE_OK, SCORE_SUPPRESSED = 0, 2
SUPPRESSED = 10
COLUMN_STATUS, COLUMN_MEAN, COLUMN_NPS = 1, 4, 10
TYPE_UINT8, TYPE_DOUBLE = 0, 3
score_satisfaction = fn("rapport_score_satisfaction", status, org_p, C.POINTER(Scope), C.c_void_p, C.c_void_p,
                        C.POINTER(Satisfaction), C.POINTER(C.c_int64), C.c_size_t, C.c_void_p)
score_units = fn("rapport_score_units", status, org_p, C.c_void_p, C.c_void_p, C.POINTER(C.c_void_p))
scores_destroy = fn("rapport_scores_destroy", status, C.c_void_p)
scores_info = fn("rapport_scores_get_info", status, C.c_void_p, C.POINTER(ScoresInfo))
scores_column = fn("rapport_scores_column", status, C.c_void_p, C.c_int, C.POINTER(C.c_void_p),
                   C.POINTER(C.c_size_t), C.POINTER(C.c_int))
scores_copy = fn("rapport_scores_copy_column", status, C.c_void_p, C.c_int, C.c_void_p, C.c_size_t,
                 C.POINTER(C.c_size_t))


def test_scores_single_and_batch(org):
    big, small = add_unit(org, "big"), add_unit(org, "small")
    when = day(2025, 3, 3)
    for i in range(8):
        cust = add_unit(org, f"c{i}", UNIT_CUSTOMER)
        rel = add_rel(org, big if i < 6 else small, cust)
        cid = C.c_uint32()
        check(conversation_add(org, rel, when, KIND_CUSTOMER_REVIEW, GUIDE_CUSTOMER_REVIEW, min(4 + i, 10), NO_SCORE, None, 0,
                               C.byref(cid)))
    sat, dist = Satisfaction(), (C.c_int64 * 255)()
    # The small unit has two customers: withheld (primary suppression), and says so.
    assert score_satisfaction(org, C.byref(Scope(LEVEL_UNIT, small, 2)), None, None, C.byref(sat), dist, 255,
                              None) == SUPPRESSED
    assert sat.status == SCORE_SUPPRESSED and sat.mean == 0
    check(score_satisfaction(org, C.byref(Scope(LEVEL_RELATIONSHIP, 0, 2)), None, None, C.byref(sat), dist, 255,
                             None))
    assert (sat.n, sat.mean, dist[4]) == (1, 4.0, 1)

    batch = C.c_void_p()
    check(score_units(org, None, None, C.byref(batch)))
    try:
        info = ScoresInfo()
        check(scores_info(batch, C.byref(info)))
        assert info.rows == 10 and info.has_nps == 1
        ptr, n, kind = C.c_void_p(), C.c_size_t(), C.c_int()
        check(scores_column(batch, COLUMN_STATUS, C.byref(ptr), C.byref(n), C.byref(kind)))
        statuses = C.cast(ptr, C.POINTER(C.c_uint8))[:n.value]  # borrowed, read in place
        assert kind.value == TYPE_UINT8 and statuses[small] == SCORE_SUPPRESSED
        means = (C.c_double * info.rows)()  # caller-owned array
        check(scores_copy(batch, COLUMN_MEAN, means, C.sizeof(means), C.byref(n)))
        assert n.value == info.rows and all(means[u] == 0 for u in range(10) if statuses[u] != SCORE_OK)
    finally:
        check(scores_destroy(batch))
    assert scores_destroy(batch) == MISUSE
    assert scores_destroy(org) == MISUSE  # an org handle is not a rapport_scores


class TextAnswer(C.Structure):
    _fields_ = [("conversation", C.c_uint32), ("text", C.c_char_p)]


class TextAnswerList(C.Structure):
    _fields_ = [("items", C.POINTER(TextAnswer)), ("len", C.c_size_t)]


class FreeText(C.Structure):
    _fields_ = [("status", C.c_int), ("respondents", C.c_int64)]


class Privacy(C.Structure):
    _fields_ = [("min_group", C.c_int32), ("min_group_text", C.c_int32), ("complementary", C.c_int32)]


SCORE_NO_DATA = 1
COLUMN_CONVERSATION, COLUMN_SCORE = 12, 14
score_free_text = fn("rapport_score_free_text", status, org_p, C.POINTER(Scope), C.c_char_p, C.c_void_p,
                     C.POINTER(Privacy), C.POINTER(FreeText), C.POINTER(TextAnswerList))
text_answer_list_free = fn("rapport_text_answer_list_free", status, C.POINTER(TextAnswerList))
score_latest = fn("rapport_score_latest", status, org_p, C.c_void_p, C.POINTER(C.c_void_p))


def test_free_text_under_privacy_and_latest_batch(org):
    team = add_unit(org, "team")
    convs, rels = [], []
    for i in range(6):
        rels.append(add_rel(org, team, add_unit(org, f"c{i}", UNIT_CUSTOMER)))
        cid = C.c_uint32()
        answer = (Answer * 1)(Answer(b"better", f"Idee {i} für später".encode()))
        check(conversation_add(org, rels[-1], day(2025, 1, 2 + i), KIND_CUSTOMER_REVIEW, GUIDE_CUSTOMER_REVIEW, i,
                               NO_SCORE, answer, 1, C.byref(cid)))
        convs.append(cid.value)
    unit = Scope(LEVEL_UNIT, team, 2)
    res, lst = FreeText(), TextAnswerList()
    # Six respondents, below the default text minimum of 10: withheld, and the list stays empty.
    assert score_free_text(org, C.byref(unit), b"better", None, None, C.byref(res), C.byref(lst)) == SUPPRESSED
    assert (res.status, res.respondents, bool(lst.items), lst.len) == (SCORE_SUPPRESSED, 6, False, 0)
    check(score_free_text(org, C.byref(unit), b"better", None, C.byref(Privacy(5, 6, 1)), C.byref(res),
                          C.byref(lst)))
    got = [(lst.items[i].conversation, lst.items[i].text.decode()) for i in range(lst.len)]
    check(text_answer_list_free(C.byref(lst)))
    assert got == [(c, f"Idee {i} für später") for i, c in enumerate(convs)]
    assert not lst.items and lst.len == 0

    batch = C.c_void_p()
    check(score_latest(org, None, C.byref(batch)))
    try:
        ptr, n, kind = C.c_void_p(), C.c_size_t(), C.c_int()
        check(scores_column(batch, COLUMN_CONVERSATION, C.byref(ptr), C.byref(n), C.byref(kind)))
        assert C.cast(ptr, C.POINTER(C.c_uint32))[:n.value] == convs
        check(scores_column(batch, COLUMN_SCORE, C.byref(ptr), C.byref(n), C.byref(kind)))
        assert kind.value == TYPE_UINT8 and C.cast(ptr, C.POINTER(C.c_uint8))[:n.value] == list(range(6))
        assert scores_column(batch, COLUMN_MEAN, C.byref(ptr), C.byref(n), C.byref(kind)) == INVALID_ARGUMENT
        assert not ptr.value and n.value == 0
    finally:
        check(scores_destroy(batch))
