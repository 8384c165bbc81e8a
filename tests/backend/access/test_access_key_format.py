"""The key format: generation, what people may type, the keyed hash, and hash-only storage."""

import hashlib
import hmac
import re
from collections import Counter

import pytest
from django.test import override_settings

from access.actions import issue_keys
from access.keys import (
    ALPHABET,
    ENTROPY_BITS,
    KEY_LENGTH,
    PREFIX_LENGTH,
    MalformedKey,
    generate_key,
    key_hash,
    key_prefix,
    normalize_key,
)
from access.models import AccessKey, Role

DISPLAY_FORM = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")


def test_the_alphabet_is_crockford_base32():
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(set(ALPHABET)) == 32


def test_a_key_has_80_bits_and_60_of_them_are_secret():
    assert ENTROPY_BITS == 80
    assert (KEY_LENGTH - PREFIX_LENGTH) * 5 >= 60


def test_it_generates_four_groups_of_four_crockford_characters():
    for _ in range(50):
        assert DISPLAY_FORM.match(generate_key())


def test_generated_keys_are_distinct_and_use_every_symbol():
    keys = [generate_key() for _ in range(2000)]
    assert len(set(keys)) == 2000
    counts = Counter("".join(keys).replace("-", ""))
    assert set(counts) == set(ALPHABET)
    # 32,000 characters: about 1,000 of each symbol if the choice is uniform.
    assert min(counts.values()) > 800
    assert max(counts.values()) < 1200


def test_a_generated_key_normalizes_to_itself_without_dashes():
    key = generate_key()
    assert normalize_key(key) == key.replace("-", "")


@pytest.mark.parametrize(
    "typed",
    [
        "K7QF-M2ZD-9XHC-R4TB",
        "k7qf-m2zd-9xhc-r4tb",
        "K7QFM2ZD9XHCR4TB",
        "k7qf m2zd 9xhc r4tb",
        "  K7QF-M2ZD 9XHC\tR4TB ",
        "K-7-Q-F-M2ZD-9XHC-R4TB",
    ],
)
def test_it_accepts_lowercase_spaces_and_dashes(typed):
    assert normalize_key(typed) == "K7QFM2ZD9XHCR4TB"


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("IIII-LLLL-OOOO-1100", "1111111100001100"),
        ("iiii-llll-oooo-1100", "1111111100001100"),
        ("K7QF-M2ZD-9XHC-R4TI", "K7QFM2ZD9XHCR4T1"),
        ("K7QF-M2ZD-9XHC-R4TO", "K7QFM2ZD9XHCR4T0"),
    ],
)
def test_it_reads_the_crockford_confusables_as_digits(typed, canonical):
    assert normalize_key(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "K7QF-M2ZD-9XHC-R4T",  # 15 characters
        "K7QF-M2ZD-9XHC-R4TBB",  # 17 characters
        "K7QF-M2ZD-9XHC-R4TU",  # U is not in the alphabet
        "K7QF-M2ZD-9XHC-R4T!",
        "K7QF.M2ZD.9XHC.R4TB",
        "K7QF_M2ZD_9XHC_R4TB",
        "K7QF-M2ZD-9XHC-R4TÉ",
        "----------------",
    ],
)
def test_it_rejects_wrong_length_and_characters(typed):
    with pytest.raises(MalformedKey):
        normalize_key(typed)


def test_the_prefix_is_the_first_four_canonical_characters():
    assert key_prefix("K7QFM2ZD9XHCR4TB") == "K7QF"


@override_settings(KEY_PEPPER="pepper-one")
def test_the_hash_is_hmac_sha256_with_the_pepper():
    expected = hmac.new(b"pepper-one", b"K7QFM2ZD9XHCR4TB", hashlib.sha256).hexdigest()
    assert key_hash("K7QFM2ZD9XHCR4TB") == expected
    assert len(expected) == 64


def test_a_different_pepper_gives_a_different_hash():
    with override_settings(KEY_PEPPER="pepper-one"):
        first = key_hash("K7QFM2ZD9XHCR4TB")
    with override_settings(KEY_PEPPER="pepper-two"):
        second = key_hash("K7QFM2ZD9XHCR4TB")
    assert first != second
    assert first != hashlib.sha256(b"K7QFM2ZD9XHCR4TB").hexdigest()


def test_the_stored_row_holds_the_hash_and_prefix_but_never_the_key(circle_a):
    issued = issue_keys([circle_a], Role.PARTICIPANT, labels=["Pat"])[0]
    canonical = normalize_key(issued.plaintext)
    row = AccessKey.objects.values().get(pk=issued.record.pk)

    for field, value in row.items():
        text = str(value).upper()
        assert issued.plaintext not in text, field
        assert canonical not in text, field
        assert canonical[PREFIX_LENGTH:] not in text, field
    assert row["key_hash"] == key_hash(canonical)
    assert row["prefix"] == canonical[:4] == issued.plaintext[:4]
