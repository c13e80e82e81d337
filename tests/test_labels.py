import pytest

from stance.errors import LabelError
from stance.labels import LABELS, normalize_label, parse_labels


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("condemn", "condemn"),
        ("Condemn", "condemn"),
        (" SUPPORT ", "support"),
        ("De-escalate", "deescalate"),
        ("de_escalation", "deescalate"),
        ("call for de-escalation", "deescalate"),
        ("Calls for deescalation", "deescalate"),
        ("denial", "deny"),
        ("Other", "other"),
        ("neutral", "other"),
    ],
)
def test_aliases_map_to_labels(raw, expected):
    assert normalize_label(raw) == expected


@pytest.mark.parametrize("raw", ["", "condem", "escalate", "pro", "condemn;support", "1"])
def test_other_spellings_are_rejected(raw):
    with pytest.raises(LabelError, match="unknown label"):
        normalize_label(raw)


def test_label_sets_put_the_primary_first_without_repeats():
    assert parse_labels("support;condemn;condemn", primary="condemn") == ("condemn", "support")
    assert parse_labels("", primary="deny") == ("deny",)


def test_label_order_is_the_contract():
    assert LABELS == ("condemn", "support", "deny", "deescalate", "other")
