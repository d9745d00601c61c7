"""The form importer reads the same content back from Word (.docx) forms in every layout.

The cases of ``test_layout_variants.py`` written as Word documents instead of
workbooks (see the ``docx.*`` kinds in ``layout_variants.py``: paragraphs around
the table, tables split or nested, cells typed on two lines, spaces for
alignment, short rows, content controls and tracked changes), read back with
:func:`xl_jixiao.readers.read_submission` and compared with the base.

Cases: each base plainly, every ``docx.*`` option alone on every base, every
other option alone on one base, the option pairs of ``DOCX_INTERACTIONS``, a few
Word forms as met in practice, and pseudo-random combinations drawn from a seed.

To look at one layout: ``python tests/layout_variants.py /tmp/x.docx synth docx.nest=on lead=section``.
"""

from __future__ import annotations

import pytest
import test_layout_variants as xlsx_cases
from layout_variants import (
    ALL_KINDS,
    DOCX_KINDS,
    DOCX_REAL_LAYOUTS,
    Variant,
    docx_pair_variants,
    docx_single_variants,
    expected,
    plain_variants,
    random_variant,
    render,
)

from xl_jixiao.readers import read_submission

RANDOM_SEEDS = range(2000, 2100)
RANDOM_P = 0.25

# kind / kind=option / a&b (all present) → why the current reader fails on it in a Word document
KNOWN_FAILURES: dict[str, str] = {
}


def _known(v: Variant) -> list[str]:
    tags = v.tags()
    return [f"{key}: {why}" for key, why in KNOWN_FAILURES.items() if all(p in tags for p in key.split("&"))]


def _cases() -> list:
    out = [(v, "docx-" + v.id) for v in plain_variants() + docx_single_variants() + docx_pair_variants()]
    out += [(v, name) for name, v in DOCX_REAL_LAYOUTS.items()]
    for seed in RANDOM_SEEDS:
        v = random_variant(seed, RANDOM_P, ALL_KINDS)
        out.append((v, f"docx-r{seed}-{v.id}"))
    params, seen = [], set()
    for v, ident in out:
        if ident in seen:
            continue
        seen.add(ident)
        reasons = _known(v)
        marks = [pytest.mark.xfail(reason="; ".join(reasons), strict=False)] if reasons else []
        params.append(pytest.param(v, id=ident, marks=marks))
    return params


@pytest.mark.parametrize("variant", _cases())
def test_docx_layout_variant(variant: Variant, tmp_path):
    path = render(variant, tmp_path / "form.docx")
    sub = read_submission(path)
    diffs = xlsx_cases._compare(variant, expected(variant), sub)
    assert not diffs, variant.describe() + "\n" + "\n".join(diffs)
    # judged the same as the plain spreadsheet layout of the same content
    got = xlsx_cases._finding_codes(sub)
    want = xlsx_cases._reference_codes(variant, tmp_path_factory=tmp_path)
    assert got == want, variant.describe() + f"\nfindings {dict(got)} != plain layout's {dict(want)}"


def test_every_docx_kind_is_exercised():
    """Each option of each Word kind appears alone at least once (so a failure names its kind)."""
    singles = {o for v in docx_single_variants() for o in v.opts}
    for kind, options in DOCX_KINDS.items():
        for opt in options[1:]:
            assert (kind, opt) in singles, f"{kind}={opt} never generated alone"
