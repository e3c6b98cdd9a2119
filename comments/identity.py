"""One mailbox, one identity: the key under which an email address is compared and counted.

Mail servers deliver many spellings of an address to one mailbox: ``"victim"@example.org``,
``victim@ｅxample.org`` (a full-width letter), ``victim@exam\u00adple.org`` (a soft hyphen, or a
zero-width space, that IDNA drops), ``Victim@EXAMPLE.org``, and at Gmail
``v.i.c.t.i.m+tag@googlemail.com``. Wherever the site compares or counts addresses (the
daily cap on confirmation emails, the block list, subscriptions, the trust a confirmed
address earns, privacy export and erasure) it compares ``mailbox_key(address)``, so that
one mailbox is one identity, whatever the spelling.

The key is itself a deliverable address (subscriptions send to it):

- the whole address in Unicode NFKC, without invisible format characters (Unicode
  category Cf: soft hyphen U+00AD, zero-width space U+200B, joiners, BOM...);
- the domain in lower case, each label through IDNA (Python's ``idna`` codec: nameprep,
  then punycode), so ``bücher.example`` and ``xn--bcher-kva.example`` are one domain;
- the local part in lower case, unquoted when the quotes hide nothing (``"victim"``);
- for the providers that ignore them (IGNORES_DOTS, IGNORES_PLUS_TAGS: Gmail alone
  for now), the dots and the ``+tag`` of the local part dropped, and googlemail.com
  read as gmail.com.
"""

import re
import unicodedata

# Providers that deliver a.b.c@ and abc@ to one mailbox, and abc+anything@ to abc@.
# Only those whose rule is documented: elsewhere "a.b" and "ab" may be two people.
IGNORES_DOTS = frozenset({"gmail.com"})
IGNORES_PLUS_TAGS = frozenset({"gmail.com"})
SAME_PROVIDER = {"googlemail.com": "gmail.com"}

# RFC 5322's dot-atom: a local part that needs no quotes.
_DOT_ATOM = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def _visible(text):
    """``text`` in NFKC without format characters (Cf), which no mailbox name contains."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def mailbox_domain(domain):
    """The domain of an address as IDNA ASCII, lower case, without a trailing dot; "" if it is
    not a domain."""
    domain = _visible(domain).strip().rstrip(".").casefold()
    if not domain:
        return ""
    try:
        labels = [label.encode("idna").decode("ascii") for label in domain.split(".")]
    except UnicodeError:
        return ""
    domain = ".".join(labels).lower()
    return SAME_PROVIDER.get(domain, domain)


def _unquoted(local):
    if len(local) >= 2 and local[0] == local[-1] == '"':
        inner = re.sub(r"\\(.)", r"\1", local[1:-1])
        if _DOT_ATOM.match(inner):
            return inner
    return local


def mailbox_key(address):
    """The key of the mailbox ``address`` reaches: compare and count addresses by it.

    Equal keys mean one mailbox (see this module's docstring for what is folded);
    the key is a deliverable address. "" for an empty value or one with no domain.
    """
    text = _visible(address or "").strip()
    local, at, domain = text.rpartition("@")
    if not at or not local:
        return ""
    domain = mailbox_domain(domain)
    if not domain:
        return ""
    local = _unquoted(local.casefold())
    if domain in IGNORES_PLUS_TAGS:
        local = local.split("+", 1)[0]
    if domain in IGNORES_DOTS:
        local = local.replace(".", "")
    if not local:
        return ""
    return f"{local}@{domain}"
