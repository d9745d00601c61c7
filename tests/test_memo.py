"""What a text means is remembered per distinct text, in bounded memory (a long consolidation stays flat)."""

from xl_jixiao import values, vocab
from xl_jixiao.memo import TEXT_MEMO_SIZE, by_text
from xl_jixiao.rules import common


def test_a_memo_keeps_only_the_most_recent_texts():
    calls = []

    @by_text
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    for i in range(TEXT_MEMO_SIZE * 2):
        assert length(f"第{i}项") == len(f"第{i}项")
    assert length.cache_info().currsize == TEXT_MEMO_SIZE  # type: ignore[attr-defined]
    assert length(f"第{TEXT_MEMO_SIZE * 2 - 1}项") and len(calls) == TEXT_MEMO_SIZE * 2  # the newest is kept
    length("第0项")  # the oldest was let go, so it is worked out again
    assert len(calls) == TEXT_MEMO_SIZE * 2 + 1


def test_reading_many_distinct_texts_does_not_grow_the_memos():
    for i in range(TEXT_MEMO_SIZE + 500):
        values.parse_value(f"≥{i}次")
        vocab.parse_label(f"标签{i}")
        common.clean_indicator_name(f"指标{i}（%）")
    for memo in (values._parse_str, vocab.parse_label, common.clean_indicator_name):
        assert memo.cache_info().currsize <= TEXT_MEMO_SIZE  # type: ignore[attr-defined]
    assert values.parse_value("≥95%").op == "≥"


def test_a_memo_per_owner_is_its_own_bounded_and_never_another_owners():
    from xl_jixiao.memo import memo_of

    store: dict = {}
    first, second = {"a": 1}, {"a": 1}  # equal, but two owners
    memo = memo_of(store, first)
    memo["x"] = 1
    assert memo_of(store, first) is memo and memo_of(store, second) == {}
    for i in range(TEXT_MEMO_SIZE + 1):
        memo[str(i)] = i
    assert memo_of(store, first) == {}  # past the bound it starts again
    # an owner whose id a dead one had gets a memo of its own, not the dead one's answers
    store.clear()
    gone = {"b": 2}
    memo_of(store, gone)["y"] = 2
    key = id(gone)
    del gone
    reused = {"c": 3}
    store[id(reused)] = store.pop(key)  # as if the new object had been given the old id
    assert memo_of(store, reused) == {}
