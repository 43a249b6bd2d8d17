"""Front matter is parsed safely and key lines are found for evidence."""

from openness.sources.card import key_line, parse_front_matter

CARD = "---\nlanguage: en\nlicense: mit\ndatasets:\n- a/b\n---\n# Title\n"


def test_front_matter_and_key_lines() -> None:
    data, warnings = parse_front_matter(CARD)
    assert data == {"language": "en", "license": "mit", "datasets": ["a/b"]}
    assert warnings == []
    assert key_line(CARD, "license") == 3
    assert key_line(CARD, "datasets") == 4
    assert key_line(CARD, "missing") is None
    assert key_line("no front matter", "license") is None


def test_no_front_matter_is_empty_without_warning() -> None:
    assert parse_front_matter("# Just a title\n") == ({}, [])


def test_malformed_and_hostile_front_matter_become_warnings() -> None:
    for text in (
        "---\nlicense: [unclosed\n---\n",
        "---\n- a list\n---\n",
        "---\nx: !!python/object/apply:os.system ['true']\n---\n",
        "---\na: &a [1, 2]\nb: [*a, *a, *a]\n---\n",
    ):
        data, warnings = parse_front_matter(text)
        assert data == {}
        assert len(warnings) == 1 and "front matter" in warnings[0]
