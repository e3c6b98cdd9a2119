from articles.diff import has_changes, word_diff


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
