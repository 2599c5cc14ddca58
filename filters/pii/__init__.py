"""PII: find and replace emails, IP addresses, IBANs, payment cards and phone numbers.

``find_pii(text)`` -> ``[(start, end, entity)]``; ``anonymize(text)`` -> ``(text, counts)``, and the
``PIIAnonymizer`` datatrove step. Built on presidio-analyzer's pattern recognizers, without an NLP
model (no spaCy pipeline is loaded, nothing is downloaded).
"""

from clearweb.filters.pii.detect import PLACEHOLDERS, anonymize, find_pii
from clearweb.filters.pii.step import PIIAnonymizer

__all__ = ["PLACEHOLDERS", "PIIAnonymizer", "anonymize", "find_pii"]
