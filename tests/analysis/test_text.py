def test_words_whisper_splits_off_join_without_a_space():
    """'mid -sized', '1 .8 %' and "it 's" were shown with spaces inside; dashes and decimals
    that stand alone keep theirs."""
    from voicecoach.analysis.text import join_words

    assert join_words(["a", "mid", "-sized", "team"]) == "a mid-sized team"
    assert join_words(["down", "to", "1", ".8", "%", "."]) == "down to 1.8%."
    assert join_words(["it", "'s", "done,", "then", "-", "the", "check", "-out"]) == (
        "it's done, then - the check-out"
    )
    assert join_words(["Version", "2.", "It", "shipped"]) == "Version 2. It shipped"
    assert join_words(["one\ntwo", "  three "]) == "one two three"  # one line, as quoted
