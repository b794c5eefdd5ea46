"""Property tests of the offset map: every derived character points back into the source."""

from hypothesis import given
from hypothesis import strategies as st

from pipeline.offsets import Edit, apply_edits, diff_edits

ALPHABET = st.sampled_from(list("產生(chǎn)服務wù 黨组织\n?h委"))


@st.composite
def text_and_edits(draw):
    text = "".join(draw(st.lists(ALPHABET, max_size=40)))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        edits.append(Edit(start, end, "".join(draw(st.lists(ALPHABET, max_size=3)))))
    return text, edits


def expected_text(text, edits):
    pieces, cursor = [], 0
    for edit in edits:
        pieces += [text[cursor:edit.start], edit.replacement]
        cursor = edit.end
    return "".join(pieces) + text[cursor:]


@given(text_and_edits())
def test_offsets_apply_edits_gives_the_edited_text_and_a_map_of_its_length(case):
    text, edits = case
    new, mapping = apply_edits(text, edits)
    assert new == expected_text(text, edits)
    assert len(mapping) == len(new)


@given(text_and_edits())
def test_offsets_map_is_monotone_and_in_bounds(case):
    text, edits = case
    _new, mapping = apply_edits(text, edits)
    for start, end in zip(mapping.starts, mapping.ends, strict=True):
        assert 0 <= start <= end <= len(text)
        assert start < end or not text  # only an empty source leaves nothing to point at
    assert list(mapping.starts) == sorted(mapping.starts)


@given(text_and_edits())
def test_offsets_untouched_characters_map_to_themselves(case):
    text, edits = case
    deletions_only = [Edit(e.start, e.end, "") for e in edits]
    new, mapping = apply_edits(text, deletions_only)
    for index, char in enumerate(new):
        assert text[mapping.starts[index]:mapping.ends[index]] == char


@given(text_and_edits(), text_and_edits())
def test_offsets_composed_maps_stay_in_the_first_source(first, second):
    text, edits = first
    middle, to_text = apply_edits(text, edits)
    later_edits = [e for e in second[1] if e.end <= len(middle)]
    final, to_middle = apply_edits(middle, later_edits)
    composed = to_text.then(to_middle)
    assert len(composed) == len(final)
    for index in range(len(final)):
        start, end = composed.span(index, index + 1)
        assert 0 <= start <= end <= len(text)
        assert start < end or not text


@given(st.text(alphabet="黨組織产生abc", max_size=20), st.text(alphabet="党组织产生ab", max_size=20))
def test_offsets_diff_edits_reproduce_the_converted_line(before, after):
    new, _ = apply_edits(before, diff_edits(before, after))
    assert new == after


def test_offsets_pinyin_deletion_maps_back_to_the_annotated_span():
    new, mapping = apply_edits("產(chǎn)生", [Edit(1, 7, "")])
    assert new == "產生"
    assert mapping.span(0, 2) == (0, 8)
