"""Personal data at rest (PIPL, domain.md §7): encrypted, matched by a keyed hash, shown masked.

One helper for every personal field the platform stores — callers' and citizens' phone numbers,
callers' names, Open311 reporters' e-mail and names, participants' phones (the points ledger's
people), mediation parties' ID and phone numbers. A field is kept as up to three columns (`sealed`):

- `<field>_encrypted`: Fernet (AES-128-CBC with a random IV, authenticated with HMAC-SHA256)
  under FIELD_ENCRYPTION_KEY, so equal numbers give different ciphertexts;
- `<field>_masked`: the form pages, exports, PDFs and the admin show (govportal.masking);
- `<field>_hash`, where rows are looked up by the number ("this caller's earlier calls", "this
  phone's reward points"): HMAC-SHA256 under a key derived from FIELD_ENCRYPTION_KEY (HKDF with
  its own label, so the two uses never share a key). Keyed because a plain hash of a phone
  number is reversed by hashing the ~10¹⁰ possible numbers; without the key it cannot be.

Losing FIELD_ENCRYPTION_KEY loses the numbers and makes the hashes unmatchable: back it up
apart from the database (docs/deploy.md).
"""

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

KEY_MISSING = "Set FIELD_ENCRYPTION_KEY to record personal numbers and names."
INDEX_KEY_LABEL = b"govportal blind index v1"
HASH_LENGTH = 64  # hex characters of an HMAC-SHA256


def _key():
    if not settings.FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured(KEY_MISSING)
    return settings.FIELD_ENCRYPTION_KEY


def _fernet():
    return Fernet(_key())


def encrypt(text):
    """Return `text` encrypted (authenticated, with a random IV) as ASCII, or "" for no text."""
    return _fernet().encrypt(text.encode()).decode("ascii") if text else ""


def decrypt(token):
    """Return the text `token` was made from ("" for none)."""
    return _fernet().decrypt(token.encode("ascii")).decode() if token else ""


@functools.lru_cache(maxsize=4)
def _index_key(field_key):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INDEX_KEY_LABEL).derive(
        base64.urlsafe_b64decode(field_key))


def blind_index(text):
    """Return the keyed hash (64 hex characters) that finds rows holding `text`, or "" for no text."""
    if not text:
        return ""
    return hmac.new(_index_key(_key()), text.encode(), hashlib.sha256).hexdigest()


def sealed(field, text, *, mask, indexed=False):
    """Return the columns a model stores for the personal `field` holding `text`, ready for create().

    {field}_encrypted and {field}_masked, and {field}_hash when rows are looked up by it.
    """
    columns = {f"{field}_encrypted": encrypt(text), f"{field}_masked": mask(text)}
    if indexed:
        columns[f"{field}_hash"] = blind_index(text)
    return columns


# --- data migrations: clear columns → sealed ones, and back ------------------------------------

MIGRATION_BATCH = 2000


def _batches(model, fields):
    """Yield the rows of `model` with a value in one of `fields`, in primary-key order, a batch at a time.

    Keyset pagination: no server-side cursor (PgBouncer-safe) and no OFFSET rescans.
    """
    nonempty = functools.reduce(lambda q, field: q | ~Q(**{field: ""}), fields, Q())
    last = None
    while True:
        rows = model.objects.filter(nonempty).order_by("pk").only("pk", *fields)
        rows = list((rows if last is None else rows.filter(pk__gt=last))[:MIGRATION_BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def rows_seal(model, fields):
    """Fill the sealed columns of every row of `model` from its clear ones; `fields`: (field, mask, indexed)."""
    names = [field for field, _mask, _indexed in fields]
    for rows in _batches(model, names):
        columns = set()
        for row in rows:
            for field, mask, indexed in fields:
                values = sealed(field, getattr(row, field), mask=mask, indexed=indexed)
                columns.update(values)
                for column, value in values.items():
                    setattr(row, column, value)
        model.objects.bulk_update(rows, sorted(columns))


def rows_unseal(model, fields):
    """The reverse of rows_seal: put the decrypted text of each of `fields` back in its clear column."""
    encrypted = [f"{field}_encrypted" for field in fields]
    for rows in _batches(model, encrypted):
        for row in rows:
            for field in fields:
                setattr(row, field, decrypt(getattr(row, f"{field}_encrypted")))
        model.objects.bulk_update(rows, list(fields))
