"""PII conformance: presidio's recognizer tests (required >= 0.98 span-exact precision and recall for
e-mails, IPs, IBANs and cards; phones reported) and datatrove's PII formatter tests (reported beside
datatrove's own behaviour)."""

from collections import Counter

from clearweb.filters.pii import anonymize, find_pii
from tests.conformance.conftest import load_cases

ENTITIES = {"EMAIL_ADDRESS": "email", "IP_ADDRESS": "ip", "IBAN_CODE": "iban", "CREDIT_CARD": "card",
            "PHONE_NUMBER": "phone"}
REQUIRED = ("email", "ip", "iban", "card")


def test_presidio_recognizer_cases(capsys):
    tp, fp, fn = Counter(), Counter(), Counter()
    for case in load_cases("pii_presidio.json"):
        entity = ENTITIES.get(case["entity"])
        if entity is None:
            continue  # URL: not an entity we replace
        found = {(start, end) for start, end, kind in find_pii(case["text"]) if kind == entity}
        if case["spans_specified"]:
            expected = {tuple(span) for span in case["expected_spans"]}
            tp[entity] += len(found & expected)
            fp[entity] += len(found - expected)
            fn[entity] += len(expected - found)
        else:
            tp[entity] += min(len(found), case["expected_count"])
            fp[entity] += max(0, len(found) - case["expected_count"])
            fn[entity] += max(0, case["expected_count"] - len(found))
    scores = {entity: (tp[entity] / max(1, tp[entity] + fp[entity]), tp[entity] / max(1, tp[entity] + fn[entity]))
              for entity in ENTITIES.values()}
    with capsys.disabled():
        for entity, (precision, recall) in scores.items():
            print(f"\npresidio cases, {entity}: precision {precision:.3f} recall {recall:.3f}", end="")
        print()
    for entity in REQUIRED:
        precision, recall = scores[entity]
        assert precision >= 0.98 and recall >= 0.98, entity


def test_report_beside_datatrove(capsys):
    """We change the same inputs as datatrove's PIIFormatter except three, all on purpose:
    - email_line44 ``あいうえお@example.com``: internationalised addresses (RFC 6531) are e-mails
      too; datatrove's pattern is ASCII-only;
    - email_line48 ``email@example.web``: ``.web`` is no public suffix, so presidio's domain check
      rejects it; datatrove replaces it;
    - email_line49 ``email@111.222.333.44444``: neither a domain nor an IP; datatrove replaces it.
    """
    data = load_cases("pii_datatrove.json")
    agree, differ = 0, []
    for case in data["cases"]:
        changed = case.get("changed", case["input"] != case["expected_output"])
        _, counts = anonymize(case["input"], entities=["email", "ip"])
        if bool(counts) == changed:
            agree += 1
        else:
            differ.append(case["name"])
    with capsys.disabled():
        print(f"\ndatatrove PII cases (email + public IPv4): we change the same {agree} of {len(data['cases'])} "
              f"inputs as datatrove; differing: {differ}")
    assert sorted(differ) == ["email_line44", "email_line48", "email_line49"]
