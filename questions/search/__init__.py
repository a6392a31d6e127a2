"""Full-text search over the question bank, in Chinese and English, on SQLite and PostgreSQL.

Neither database's built-in text search finds two-character Chinese words (幻觉, 显存), so the
text is tokenised in Python and the databases only index and match ready-made tokens:

* :mod:`.tokens`: the CJK character ranges and the tokeniser (pure), also used to compare
  questions and answers elsewhere;
* :mod:`.synonyms`: the English/Chinese synonym table and the query parser (pure);
* :mod:`.backends`: the PostgreSQL and SQLite indexes, the search queryset and its pages.

The package imports nothing here, so that the pure modules load without Django.
"""
