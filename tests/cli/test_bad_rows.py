"""Every kind of bad CSV row is reported with file, line, column and reason, and nothing is written."""
import pytest

from conftest import rapport, write_folder

UNITS = """key,name,kind,parent,payer
market,Market,market,,
co,Company,company,,market
hr,HR,department,co,
sales,Sales,department,co,
anna,Anna,person,hr,
ben,Ben,person,sales,
"""
RELATIONSHIPS = """key,provider,recipient,bond,label
r1,hr,sales,service,recruiting
r2,anna,ben,leadership,leadership
"""
CONVERSATIONS = """id,relationship,date,kind,score,self_assessment
c1,r1,2025-03-01,customer_review,7,9
c2,r2,2025-04-01,employee_review,8,
"""
ANSWERS = "conversation,question,text\nc1,better,Faster hiring\n"
AGREEMENTS = "conversation,owner,text,due,status,closed\nc1,hr,Weekly call,2025-06-01,kept,2025-05-20\n"
COMPLAINTS = ("relationship,received,severity,text,acknowledged,closed,outcome\n"
              "r1,2025-02-01,high,Slow,2025-02-03,2025-03-01,accepted\n")
REFERRALS = "relationship,date,target,referred,outcome,closed\nr1,2025-05-01,customer,,won,2025-06-01\n"


def base():
    return {"units.csv": UNITS, "relationships.csv": RELATIONSHIPS, "conversations.csv": CONVERSATIONS,
            "answers.csv": ANSWERS, "agreements.csv": AGREEMENTS, "complaints.csv": COMPLAINTS,
            "referrals.csv": REFERRALS}


# (case, file, new content (or a function of the old), expected message)
CASES = [
    ("unknown unit", "relationships.csv", RELATIONSHIPS + "r3,hr,nobody,service,x\n",
     "relationships.csv:4: recipient: unknown unit 'nobody'"),
    ("unknown relationship", "conversations.csv", CONVERSATIONS + "c3,r9,2025-03-01,customer_review,7,\n",
     "conversations.csv:4: relationship: unknown relationship 'r9'"),
    ("bad date", "conversations.csv", CONVERSATIONS + "c3,r1,2025/03/01,customer_review,7,\n",
     "conversations.csv:4: date: not an ISO 8601 date (expected YYYY-MM-DD): '2025/03/01'"),
    ("impossible date", "conversations.csv", CONVERSATIONS + "c3,r1,2025-02-30,customer_review,7,\n",
     "conversations.csv:4: date: impossible date: '2025-02-30'"),
    ("score off scale", "conversations.csv", CONVERSATIONS + "c3,r1,2025-03-02,customer_review,11,\n",
     "conversations.csv:4: score: 11 is outside the scale 0-10 of guide 'customer_review'"),
    ("self-assessment off scale", "conversations.csv", CONVERSATIONS + "c3,r1,2025-03-02,customer_review,5,12\n",
     "conversations.csv:4: self_assessment: 12 is outside the scale 0-10"),
    ("score not a number", "conversations.csv", CONVERSATIONS + "c3,r1,2025-03-02,customer_review,seven,\n",
     "conversations.csv:4: score: not a whole number: 'seven'"),
    ("negative score", "conversations.csv", CONVERSATIONS + "c3,r1,2025-03-02,customer_review,-1,\n",
     "conversations.csv:4: score: not a whole number: '-1'"),
    ("missing column", "conversations.csv", "id,relationship,kind,score\nc1,r1,customer_review,7\n",
     "conversations.csv:1: date: required column is missing"),
    ("unknown column", "units.csv", UNITS.replace("payer\n", "payer,colour\n", 1).replace(",\n", ",,\n"),
     "units.csv:1: colour: unknown column"),
    ("unquoted quote", "units.csv", UNITS + 'joe,Jo"e,person,hr,\n',
     "units.csv:8: name: a quote inside an unquoted field"),
    ("unterminated quote", "units.csv", UNITS + 'joe,"Joe,person,hr,\n',
     "units.csv:8: name: a quoted field is never closed"),
    ("text after closing quote", "units.csv", UNITS + 'joe,"Joe"x,person,hr,\n',
     "units.csv:8: name: text after a closing quote"),
    ("wrong column count", "units.csv", UNITS + "joe,Joe,person\n",
     "units.csv:8: wrong number of fields: the header has 5, this row 3"),
    ("duplicate unit key", "units.csv", UNITS + "anna,Anna again,person,hr,\n",
     "units.csv:8: key: duplicate key 'anna' (first on line 6)"),
    ("duplicate conversation id", "conversations.csv", CONVERSATIONS + "c1,r1,2025-05-01,customer_review,7,\n",
     "conversations.csv:4: id: duplicate key 'c1' (first on line 2)"),
    ("duplicate relationship key", "relationships.csv", RELATIONSHIPS + "r1,sales,hr,service,x\n",
     "relationships.csv:4: key: duplicate key 'r1' (first on line 2)"),
    ("duplicate relationship", "relationships.csv", RELATIONSHIPS + "r3,hr,sales,service,again\n",
     "relationships.csv:4: duplicate relationship: service between 'hr' and 'sales' already exists"),
    ("self relationship", "relationships.csv", RELATIONSHIPS + "r3,hr,hr,service,x\n",
     "relationships.csv:4: a unit cannot have a relationship with itself"),
    ("unknown kind", "conversations.csv", CONVERSATIONS + "c3,r1,2025-03-02,chat,7,\n",
     "conversations.csv:4: kind: unknown conversation kind 'chat'"),
    ("unknown guide", "conversations.csv",
     "id,relationship,date,kind,guide,score\nc1,r1,2025-03-01,customer_review,nope,7\n",
     "conversations.csv:2: guide: unknown guide 'nope'"),
    ("empty required value", "conversations.csv", CONVERSATIONS + "c3,,2025-03-02,customer_review,7,\n",
     "conversations.csv:4: relationship: required value is empty"),
    ("unknown bond", "relationships.csv", RELATIONSHIPS + "r3,sales,hr,friendship,x\n",
     "relationships.csv:4: bond: unknown bond 'friendship'"),
    ("unknown unit kind", "units.csv", UNITS + "bot,Bot,robot,hr,\n",
     "units.csv:8: kind: unknown unit kind 'robot'"),
    ("invalid UTF-8", "units.csv", UNITS.encode() + b"joe,J\xffe,person,hr,\n",
     "units.csv:8: name: not valid UTF-8"),
    ("unknown parent", "units.csv", UNITS + "joe,Joe,person,nowhere,\n",
     "units.csv:8: parent: unknown unit 'nowhere'"),
    ("parent cycle", "units.csv", UNITS + "a,A,team,b,\nb,B,team,a,\n",
     "units.csv:8: parent: parent/payer cycle"),
    ("agreement due before its conversation", "agreements.csv",
     "conversation,owner,text,due\nc1,hr,Call,2025-01-01\n",
     "agreements.csv:2: due: due 2025-01-01, before the conversation on 2025-03-01"),
    ("agreement closed without date", "agreements.csv",
     "conversation,owner,text,due,status\nc1,hr,Call,2025-06-01,kept\n",
     "agreements.csv:2: closed: an agreement that is kept needs the date it was closed"),
    ("agreement with unknown status", "agreements.csv",
     "conversation,owner,text,due,status,closed\nc1,hr,Call,2025-06-01,forgotten,\n",
     "agreements.csv:2: status: unknown agreement status 'forgotten'"),
    ("agreement on unknown conversation", "agreements.csv",
     "conversation,owner,text,due\nc9,hr,Call,2025-06-01\n",
     "agreements.csv:2: conversation: unknown conversation 'c9'"),
    ("complaint steps out of order", "complaints.csv",
     "relationship,received,acknowledged\nr1,2025-02-01,2025-01-15\n",
     "complaints.csv:2: acknowledged: acknowledged 2025-01-15 is before received 2025-02-01"),
    ("complaint closed without outcome", "complaints.csv",
     "relationship,received,closed\nr1,2025-02-01,2025-03-01\n",
     "complaints.csv:2: outcome: a closed complaint needs an outcome"),
    ("complaint with unknown severity", "complaints.csv",
     "relationship,received,severity\nr1,2025-02-01,apocalyptic\n",
     "complaints.csv:2: severity: unknown severity 'apocalyptic'"),
    ("referral won without date", "referrals.csv",
     "relationship,date,outcome\nr1,2025-05-01,won\n",
     "referrals.csv:2: closed: a referral that is won needs the date it was closed"),
    ("referral names a party of its relationship", "referrals.csv",
     "relationship,date,referred\nr1,2025-05-01,sales\n",
     "referrals.csv:2: referred: a referral names a third party"),
    ("answer to an unknown question", "answers.csv", "conversation,question,text\nc1,weather,Sunny\n",
     "answers.csv:2: question: guide 'customer_review' has no question 'weather'"),
    ("answer given twice", "answers.csv", ANSWERS + "c1,better,Again\n",
     "answers.csv:3: question: question 'better' is answered twice for this conversation (first on line 2)"),
    ("answer to a rejected conversation", "conversations.csv",
     CONVERSATIONS.replace("c1,r1,2025-03-01,customer_review,7,9", "c1,r1,2025-03-01,customer_review,70,9"),
     "answers.csv:2: conversation: conversation 'c1' was rejected"),
]


@pytest.mark.parametrize("case,file,content,message", CASES, ids=[c[0] for c in CASES])
def test_bad_row_is_reported_and_nothing_written(tmp_path, case, file, content, message):
    files = base()
    files[file] = content
    folder = write_folder(tmp_path / "csv", files)
    archive = tmp_path / "out.rapport"
    p = rapport("import", folder, "-o", archive, check=2)
    assert message in p.stderr, p.stderr
    assert "nothing was written" in p.stderr
    assert not archive.exists()
    # check reports the same problem with the same exit code
    c = rapport("check", folder, check=2)
    assert message in c.stderr


def test_missing_units_file(tmp_path):
    folder = write_folder(tmp_path / "csv", {"relationships.csv": RELATIONSHIPS})
    p = rapport("import", folder, "-o", tmp_path / "a.rapport", check=2)
    assert "units.csv: file is missing" in p.stderr


def test_every_bad_row_is_reported(tmp_path):
    files = base()
    files["conversations.csv"] = CONVERSATIONS + "".join(
        f"x{i},r1,2025-13-0{i},customer_review,5,\n" for i in range(1, 6))
    folder = write_folder(tmp_path / "csv", files)
    p = rapport("import", folder, "-o", tmp_path / "a.rapport", check=2)
    for line in range(4, 9):
        assert f"conversations.csv:{line}: date: impossible date" in p.stderr


def test_a_failed_import_leaves_an_existing_archive_alone(tmp_path):
    good = write_folder(tmp_path / "good", base())
    archive = tmp_path / "a.rapport"
    rapport("import", good, "-o", archive, "-q", check=0)
    before = archive.read_bytes()
    files = base()
    files["units.csv"] = UNITS + "anna,dup,person,hr,\n"
    bad = write_folder(tmp_path / "bad", files)
    rapport("import", bad, "-o", archive, check=2)
    assert archive.read_bytes() == before


def test_keep_going_imports_valid_rows_and_writes_rejects(tmp_path):
    files = base()
    files["conversations.csv"] = CONVERSATIONS + "c3,r9,2025-03-01,customer_review,7,\nc4,r1,2025-03-09,customer_review,6,\n"
    folder = write_folder(tmp_path / "csv", files)
    archive = tmp_path / "a.rapport"
    p = rapport("import", folder, "-o", archive, "--keep-going", check=0)
    rejects = tmp_path / "a.rapport.rejects.csv"
    assert rejects.exists(), p.stderr
    text = rejects.read_text()
    assert text.startswith("file,line,column,reason,record\n")
    assert "conversations.csv,4,relationship,unknown relationship 'r9',\"c3,r9,2025-03-01,customer_review,7,\"" in text
    c = rapport("check", archive, check=0)
    assert "3 conversations" in c.stdout


def test_rejects_option_without_keep_going_writes_the_problems_only(tmp_path):
    files = base()
    files["units.csv"] = UNITS + "joe,Joe,person\n"
    folder = write_folder(tmp_path / "csv", files)
    rapport("import", folder, "-o", tmp_path / "a.rapport", "--rejects", tmp_path / "r.csv", check=2)
    assert "wrong number of fields" in (tmp_path / "r.csv").read_text()
    assert not (tmp_path / "a.rapport").exists()


def test_lines_count_quoted_newlines_crlf_and_bom(tmp_path):
    files = base()
    units = UNITS.replace("\n", "\r\n") + '"joe","Joe\r\nthe second",person,hr,\r\nbad,Bad,robot,hr,\r\n'
    files["units.csv"] = b"\xef\xbb\xbf" + units.encode()
    folder = write_folder(tmp_path / "csv", files)
    p = rapport("import", folder, "-o", tmp_path / "a.rapport", check=2)
    assert "units.csv:10: kind: unknown unit kind 'robot'" in p.stderr


def test_parallel_parse_reports_exact_lines(tmp_path):
    """A file large enough to be split between threads, with quoted newlines near the split points."""
    files = base()
    rows = [CONVERSATIONS.rstrip("\n")]
    for i in range(60000):
        rows.append(f"k{i},r1,2024-01-{1 + i % 28:02d},customer_review,{i % 11},")
    # quoted ids with line ends inside, all over the file
    for i in range(0, 60000, 997):
        rows[i + 1] = f'"q\n{i}",r1,2024-02-01,customer_review,5,'
    bad_at = [1000, 30001, 59999]
    for i in bad_at:
        rows[i] = f"bad{i},r1,2024-02-31,customer_review,5,"
    files["conversations.csv"] = "\n".join(rows) + "\n"
    folder = write_folder(tmp_path / "csv", files)
    p = rapport("import", folder, "-o", tmp_path / "a.rapport", "--threads", "4", check=2)
    # physical line of list index i: element 0 holds the header and two rows (3 lines)
    def line(i):
        return 3 + i + sum(1 for q in range(0, 60000, 997) if q + 1 < i)
    for i in bad_at:
        assert f"conversations.csv:{line(i)}: date: impossible date: '2024-02-31'" in p.stderr, p.stderr
    assert "3 problems" in p.stderr


def test_custom_guide_scale_and_round_trip(tmp_path):
    files = base()
    files["guides.csv"] = ("guide,title,kind,scale_min,scale_max,question,text_en,text_de\n"
                           "pulse,Pulse check,ad_hoc,1,5,mood,How is it going?,Wie läuft es?\n"
                           "pulse,,,,,\"next, step\",\"What \"\"next\"\"?\",Was nun?\n")
    conv = ("id,relationship,date,kind,guide,score,self_assessment\n"
            "c1,r1,2025-03-01,customer_review,,7,9\nc2,r2,2025-04-01,employee_review,,8,\n")
    files["conversations.csv"] = conv + "c3,r1,2025-06-01,ad_hoc,pulse,5,4\n"
    files["answers.csv"] = ANSWERS + "c3,\"next, step\",\"Say \"\"hi\"\"\nand go\"\n"
    folder = write_folder(tmp_path / "csv", files)
    archive = tmp_path / "a.rapport"
    rapport("import", folder, "-o", archive, "-q", check=0)
    out = tmp_path / "out"
    rapport("export", archive, "-o", out, check=0)
    g = (out / "guides.csv").read_text()
    assert g.startswith("guide,title,kind,scale_min,scale_max,question,text_de,text_en\n")
    assert 'pulse,Pulse check,ad_hoc,1,5,"next, step",Was nun?,"What ""next""?"' in g
    assert 'Say ""hi""\nand go' in (out / "answers.csv").read_text()
    rapport("import", out, "-o", tmp_path / "b.rapport", "-q", check=0)
    # off the custom scale
    files["conversations.csv"] = conv + "c3,r1,2025-06-01,ad_hoc,pulse,6,\n"
    bad = write_folder(tmp_path / "bad", files)
    p = rapport("import", bad, "-o", tmp_path / "c.rapport", check=2)
    assert "conversations.csv:4: score: 6 is outside the scale 1-5 of guide 'pulse'" in p.stderr
