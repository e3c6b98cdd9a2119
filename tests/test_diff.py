"""Comparing texts: word by word (the admin's Markdown), and a rendered body as readers read
it, block by block, with only the changed blocks and a little context."""

import difflib
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.diff import (
    MAX_WORDS,
    Block,
    before_after,
    block_diff,
    blocks_of,
    has_changes,
    word_diff,
)
from articles.markup import render_markdown


def test_word_diff_marks_insertions_and_deletions():
    html = word_diff("Ketamine works slowly here.", "Ketamine works quickly here.")
    assert "<del>slowly </del><ins>quickly </ins>" in html
    assert html.startswith("Ketamine works ")


def test_word_diff_escapes_html_in_either_text():
    html = word_diff("<b>old</b>", "<script>new</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_whitespace_only_changes_are_not_changes():
    assert not has_changes("a  b\n", "a b")
    assert has_changes("a b", "a c")


def test_before_after_marks_the_words_each_side_lost_or_gained():
    before, after = before_after("Sleep and Health", "Sleep and Your <Health>")
    assert before == "Sleep and <del>Health</del>"
    assert after == "Sleep and <ins>Your &lt;Health&gt;</ins>"


def blocks(markdown):
    return [(block.kind, block.text) for block in blocks_of(render_markdown(markdown))]


def test_a_rendered_body_reads_as_blocks_of_plain_text():
    markdown = (
        "## Why **sleep** matters\n\nSleep [restores](https://example.org/a) the *body*.\n\n"
        "- **Rest:** it helps.\n- Naps\n  - short ones\n\n> A quote.\n\n"
        "| Hours | Age |\n|---|---|\n| 8 | adult |\n\n`5 < 6 & 7`\n\nA claim.[^1]\n\n"
        "[^1]: A source, https://example.org/b\n"
    )
    assert blocks(markdown) == [
        ("heading", "Why sleep matters"),
        ("paragraph", "Sleep restores the body."),
        ("item", "Rest: it helps."),
        ("item", "Naps"),
        ("item", "short ones"),
        ("quote", "A quote."),
        ("row", "Hours · Age"),
        ("row", "8 · adult"),
        ("paragraph", "5 < 6 & 7"),  # the text, unescaped here, escaped when shown
        ("paragraph", "A claim.[1]"),
        ("heading", "References"),
        ("item", "A source, https://example.org/b"),  # without the "↩" back link
    ]
    # Each block knows the heading it comes under.
    sections = [block.section for block in blocks_of(render_markdown(markdown))]
    assert sections == [0] * 10 + [10, 10]


def test_an_empty_body_has_no_blocks():
    assert blocks_of("") == [] and blocks("") == []


def diff(old_markdown, new_markdown):
    old, new = blocks_of(render_markdown(old_markdown)), blocks_of(render_markdown(new_markdown))
    rows = block_diff(old, new)
    return [(row.state, row.kind, str(row.html)) for row in rows]


ARTICLE = "\n\n".join(
    [
        "## One",
        "First paragraph.",
        "Second paragraph.",
        "## Two",
        "Third paragraph.",
        "Fourth paragraph, with a sentence. And another one.",
        "Fifth paragraph.",
        "Sixth paragraph.",
        "## Three",
        "Seventh paragraph.",
    ]
)


def test_only_the_changed_block_is_shown_with_its_heading_and_neighbours():
    new = ARTICLE.replace("And another one.", "And a **better** one.")
    assert diff(ARTICLE, new) == [
        ("context", "heading", "Two"),
        ("context", "paragraph", "Third paragraph."),
        (
            "changed",
            "paragraph",
            "Fourth paragraph, with a sentence. And <del>another</del> <ins>a better</ins> one.",
        ),
        ("context", "paragraph", "Fifth paragraph."),
        ("gap", "gap", "…"),
    ]


def test_added_and_removed_blocks_are_marked_whole():
    new = ARTICLE.replace("Sixth paragraph.", "A new paragraph.\n\n- A new item").replace(
        "Seventh paragraph.", ""
    )
    rows = diff(ARTICLE, new)
    assert ("added", "paragraph", "<ins>A new paragraph.</ins>") in rows
    assert ("added", "item", "<ins>A new item</ins>") in rows
    assert ("removed", "paragraph", "<del>Sixth paragraph.</del>") in rows
    assert ("removed", "paragraph", "<del>Seventh paragraph.</del>") in rows
    assert ("context", "heading", "Three") in rows


def test_changes_far_apart_are_separated_by_a_gap():
    new = ARTICLE.replace("First", "1st").replace("Seventh", "7th")
    states = [state for state, _kind, _html in diff(ARTICLE, new)]
    assert states == ["context", "changed", "context", "gap", "context", "changed"]
    assert diff(ARTICLE, new)[3:5] == [("gap", "gap", "…"), ("context", "heading", "Three")]


def test_the_same_words_in_other_markdown_are_no_change():
    assert diff("Sleep *well*.\n\n\n- a", "Sleep _well_.\n\n* a") == []


def test_the_text_is_escaped():
    rows = diff("Take `<b>` & rest.", "Take `<script>alert(1)</script>` & rest.")
    assert rows == [
        (
            "changed",
            "paragraph",
            "Take <del>&lt;b&gt;</del> "
            "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins> &amp; rest.",
        )
    ]


def test_a_one_word_change_in_a_huge_paragraph_is_fast():
    words = [f"word{number % 500}" for number in range(60_000)]
    old, new = " ".join(words), " ".join(words[:30_000] + ["inserted"] + words[30_000:])
    started = time.perf_counter()
    ((state, _kind, html),) = diff(old, new)
    assert time.perf_counter() - started < 2
    assert state == "changed" and "<ins>inserted</ins>" in html


def test_a_rewritten_huge_paragraph_is_shown_removed_and_added_without_comparing_words():
    old = " ".join(f"old{number}" for number in range(MAX_WORDS))
    new = " ".join(f"new{number}" for number in range(MAX_WORDS))
    started = time.perf_counter()
    rows = diff(old, new)
    assert time.perf_counter() - started < 2
    assert [state for state, _kind, _html in rows] == ["removed", "added"]


paragraphs = st.lists(
    st.sampled_from(["## A", "## B", "One.", "Two words.", "- Item", "Three <x> & y.", ""]),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(old=paragraphs, new=paragraphs)
def test_any_two_bodies_compare_and_show_each_changed_block_once(old, new):
    old_blocks = blocks_of(render_markdown("\n\n".join(old)))
    new_blocks = blocks_of(render_markdown("\n\n".join(new)))
    rows = block_diff(old_blocks, new_blocks)
    assert (rows == []) == (old_blocks == new_blocks)
    # Each block not kept as it was shows exactly once: as changed, or added, or removed.
    matcher = difflib.SequenceMatcher(a=old_blocks, b=new_blocks, autojunk=False)
    kept = sum(size for *_, size in matcher.get_matching_blocks())
    states = [row.state for row in rows]
    assert states.count("added") + states.count("changed") == len(new_blocks) - kept
    assert states.count("removed") + states.count("changed") == len(old_blocks) - kept
    # No markup but the marks: the texts' own "<x>" is escaped.
    for row in rows:
        assert re.sub(r"</?(ins|del)>", "", row.html).count("<") == 0


def test_html_lxml_refuses_still_reads_as_its_text():
    assert blocks_of("<?xml version='1.0' encoding='utf-8'?><p>Sleep.</p>") == [
        Block("paragraph", "Sleep.")
    ]


def test_the_context_after_a_change_stays_in_its_section():
    rows = diff(ARTICLE, ARTICLE.replace("Sixth paragraph.", "Sixth and last paragraph."))
    assert rows == [
        ("context", "heading", "Two"),
        ("gap", "gap", "…"),
        ("context", "paragraph", "Fifth paragraph."),
        ("changed", "paragraph", "Sixth <ins>and last</ins> paragraph."),
        ("gap", "gap", "…"),  # not the heading of the next section
    ]
