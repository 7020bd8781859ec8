"""The person record's validation rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from concord.domain.persons import PersonInput, person_to_row
from concord.domain.validation import first_error


def test_a_name_is_required() -> None:
    with pytest.raises(ValidationError):
        PersonInput.model_validate({"dob": "1980"})
    assert PersonInput.model_validate({"family_names": "Ng"}).display_name() == "Ng"
    assert (
        PersonInput.model_validate({"given_names": "Ana", "family_names": "Ruiz"}).display_name()
        == "Ana Ruiz"
    )


def test_names_are_nfc_normalised() -> None:
    decomposed = "Ame\u0301lie"
    assert PersonInput.model_validate({"full_name": decomposed}).full_name == "Amélie"


def test_content_hash_ignores_nothing_that_matters() -> None:
    a = PersonInput.model_validate({"full_name": "A B", "dob": "1980"})
    b = PersonInput.model_validate({"full_name": "A B", "dob": "1981"})
    assert (
        a.content_hash()
        == PersonInput.model_validate({"full_name": "A B", "dob": "1980"}).content_hash()
    )
    assert a.content_hash() != b.content_hash()


def test_row_has_a_default_review_date() -> None:
    row = person_to_row(PersonInput.model_validate({"full_name": "A B"}))
    assert row["review_date"] > "2030"


@given(
    st.dictionaries(
        st.sampled_from(["full_name", "dob", "sex", "nationalities", "aliases", "x"]),
        st.text(max_size=30) | st.integers() | st.lists(st.text(max_size=5), max_size=3),
    )
)
def test_any_input_either_validates_or_names_a_field(data: dict[str, object]) -> None:
    try:
        PersonInput.model_validate(data)
    except ValidationError as exc:
        err = first_error(exc)
        assert err.message
        assert err.status == 422
