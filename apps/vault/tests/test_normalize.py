"""Two spellings of the same name meet in the index; different names do not."""

from hypothesis import example, given
from hypothesis import strategies as st

from apps.vault.normalize import normalize_document_number, normalize_name

names = st.text(alphabet=st.characters(categories=["L", "Zs", "Pd"]), max_size=40)


@given(names)
def test_normalising_twice_changes_nothing(name: str) -> None:
    assert normalize_name(normalize_name(name)) == normalize_name(name)


@given(names)
@example("ᾀ")  # one letter in lower case, two in capitals ("ἈΙ")
def test_case_does_not_matter(name: str) -> None:
    assert normalize_name(name.upper()) == normalize_name(name.lower())


@given(st.lists(st.text(alphabet="abcdefghij", min_size=1, max_size=8), min_size=1, max_size=4))
def test_order_of_names_does_not_matter(tokens: list[str]) -> None:
    assert normalize_name(" ".join(tokens)) == normalize_name(" ".join(reversed(tokens)))


def test_accents_punctuation_and_scripts() -> None:
    assert normalize_name("José  María") == normalize_name("jose maria")
    assert normalize_name("O'Brien-Núñez") == normalize_name("obrien nunez")
    assert normalize_name("Дмитрий") == normalize_name("Dmitriy")
    assert normalize_name("Haddad") != normalize_name("Hadad")


@given(st.text(max_size=30))
def test_document_numbers_keep_only_letters_and_digits(raw: str) -> None:
    normalised = normalize_document_number(raw)
    assert normalised == normalised.upper()
    assert all(ch.isascii() and ch.isalnum() for ch in normalised)


def test_document_number_spacing_does_not_matter() -> None:
    assert normalize_document_number("rl 091-2345") == normalize_document_number("RL0912345")
