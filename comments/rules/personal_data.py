"""Personal data in a comment's text: a phone number, an email address, a street address.

Regular expressions, tuned to miss doses, years and ranges ("500 mg", "2019-2021"): a
phone number needs 10 to 15 digits (8 with a leading +), a street address a number, a
capitalised name and a street word ("221B Baker Street"), or a UK or US postcode.
"""

import re

# From the start of a run of address characters only: a long run is read once, not once
# from each of its characters.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Groups of digits separated by a space, dot or dash, perhaps a +country and (area code).
# Atomic (?>...): taken greedily and never tried again in shorter pieces, so a long run of
# digits costs one pass, not every way of cutting it into groups.
PHONE = re.compile(
    r"(?<![\w.,/])(\+\s?)?(?>(?:\(\d{1,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]?\(?\d{2,}\)?){1,5})"
    r"(?!\w|[.,/]\d)"
)
STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Boulevard|Blvd|Close|Court|Crescent|Place|"
    "Terrace|Way|Gardens|Grove|Square|Parkway|Highway|Hwy"
)
STREET = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][a-z']+\s+){{1,3}}(?:{STREET_WORDS}|"
    rf"{STREET_WORDS.lower()})\b"
)
# UK (SW1A 1AA, M1 1AE) and US (NY 10001, CA 94103-1234) postcodes, in capitals.
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]{2}\s\d{5}(?:-\d{4})?)\b")


def _phone_numbers(text):
    for match in PHONE.finditer(text):
        digits = sum(character.isdigit() for character in match.group())
        if (match.group(1) and 8 <= digits <= 15) or 10 <= digits <= 15:
            yield match.group().strip()


def find_personal_data(text):
    """[(kind, the text found)] for each kind of personal data in ``text``, in the order
    phone number, email address, street address; [] when there is none."""
    found = []
    for phone in _phone_numbers(text):
        found.append(("phone number", phone))
        break
    email = EMAIL.search(text)
    if email:
        found.append(("email address", email.group()))
    street = STREET.search(text) or POSTCODE.search(text)
    if street:
        found.append(("street address", street.group()))
    return found
