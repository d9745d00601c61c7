"""Excel integration through xlwings: macros behind the ribbon buttons and UDFs.

This package is the only place that talks to xlwings, and it imports xlwings
lazily (inside functions), so ``import xl_jixiao.excel`` works without it.

* :mod:`.live` – a live ``xw.Book`` → ``{sheet: values}`` → :class:`~xl_jixiao.model.Submission`,
  in one bulk ``.value`` read per sheet;
* :mod:`.macros` – 校验, 合计, 清除标记, 汇总, 生成批复表, written once against
  ``xw.Book`` and using only operations every xlwings client replays (values,
  fill colour, number format, sheets);
* :mod:`.scripts` – the same macros as ``@xw.script`` for xlwings Lite and xlwings Server;
* :mod:`.udfs` – ``JX_VALUE``, ``JX_CHECK``, ``JX_TOTAL``, ``JX_LEVEL2`` (``@xw.func``);
* :mod:`.remote` – payloads for xlwings' remote engine (``xw.Book(json=…)``) made
  from workbook files, and a replay of the actions a macro returns.
"""
