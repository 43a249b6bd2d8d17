"""Statements as clause detection reads them: sentences, headings, list items with lead-ins."""

from __future__ import annotations

from openness.license.sentences import PIECE, units


def statements(text: str) -> list[tuple[str, int]]:
    return [(unit.text, unit.line) for unit in units(text)]


def test_a_list_lead_in_is_carried_onto_each_item_with_the_item_line() -> None:
    text = "You will not use the Model to:\n\n(a) train other models;\n- sell what it produces\n"
    assert statements(text) == [
        ("You will not use the Model to:", 1),
        ("You will not use the Model to: train other models", 3),
        ("You will not use the Model to: sell what it produces", 4),
    ]
    assert [unit.own for unit in units(text)][1:] == ["train other models", "sell what it produces"]


def test_an_open_sentence_leads_into_its_list_and_a_closed_paragraph_ends_it() -> None:
    text = "Licensee agrees that it will not\n1) rent the weights\n\nThat is all.\n- a note\n"
    assert statements(text) == [
        ("Licensee agrees that it will not", 1),
        ("Licensee agrees that it will not rent the weights", 2),
        ("That is all.", 4),
        ("a note", 5),
    ]


def test_a_question_leads_into_its_answer_and_an_unanswered_one_stands_alone() -> None:
    text = (
        "## FAQ\n\n**Can I sell what it generates?**\nNever. Outputs are for personal use.\n\n"
        "That is the answer.\n\nSo is this.\n\n## End\n\nIs that all?\n"
    )
    assert statements(text) == [
        ("FAQ", 1),
        ("Can I sell what it generates? Never.", 4),
        ("Can I sell what it generates? Outputs are for personal use.", 4),
        ("Can I sell what it generates? That is the answer.", 6),
        ("So is this.", 8),
        ("End", 10),
        ("Is that all?", 12),
    ]
    assert units(text)[1].own == "Never."


def test_inline_lists_and_colon_lists_are_split_into_items() -> None:
    text = "You shall not: (i) sublicense it; (ii) rent it; or (iii) sell it. Keep notices."
    assert [unit.text for unit in units(text)] == [
        "You shall not: sublicense it",
        "You shall not: rent it; or",
        "You shall not: sell it.",
        "Keep notices.",
    ]
    assert [unit.text for unit in units("Do not: copy it; share it.")] == [
        "Do not: copy it",
        "Do not: share it.",
    ]


def test_hard_wrapped_sentences_are_joined_and_keep_their_own_lines() -> None:
    text = "The grant is\nworldwide. Use is non-\ncommercial\nonly, e.g. for study.\n"
    assert statements(text) == [
        ("The grant is worldwide.", 1),
        ("Use is non-commercial only, e.g. for study.", 2),
    ]


def test_headings_and_numbered_sections_stand_alone() -> None:
    text = "# Terms\nYou may copy it.\n\n2. Restrictions\n\n2.1 No one may sell it.\n"
    assert statements(text) == [
        ("Terms", 1),
        ("You may copy it.", 2),
        ("2. Restrictions", 4),
        ("2.1 No one may sell it.", 6),
    ]


def test_text_without_punctuation_is_read_in_bounded_pieces() -> None:
    found = units("word " * 10_000)
    assert len(found) > 10_000 * 5 // PIECE
    assert all(len(unit.text) <= PIECE for unit in found)


def test_the_first_inline_item_is_kept_without_a_lead_in_and_lines_follow_semicolons() -> None:
    found = units("Terms. (a) use it for commercial purposes (b) distribute it.")
    assert [unit.own for unit in found] == [
        "Terms.",
        "use it for commercial purposes",
        "distribute it.",
    ]
    text = "You will not: use it commercially;\ntrain other models."
    assert [(unit.own, unit.line) for unit in units(text)] == [
        ("use it commercially", 1),
        ("train other models.", 2),
    ]
