"""Loading the question bank from the Markdown notes in ``fixtures/``.

Pure steps (no ORM): :mod:`.sections` cuts a note into sections (its shape from
:mod:`.outline`, which reads :mod:`.headings`, :mod:`.papers` and :mod:`.inline`),
:mod:`.normalise` rewrites their Markdown, :mod:`.dedupe` groups duplicate sections by the
words :mod:`.terms` reads; :mod:`.markup` holds the Markdown and HTML constructs the first
two both read. The package imports nothing here, so that they
load without Django.

Apart from them: :mod:`.pipeline` writes the bank (``import_bank``, ``rerender_all``),
:mod:`.notes` adds notes to it (``import_notes``, ``preview_note``), :mod:`.pairs` lists the
unsure duplicates and links series, :mod:`.sources` keeps a question's sources,
:mod:`.findings` opens the editors' findings as flags, :mod:`.bulk` holds the bulk writes and
:mod:`.workers` the CPU-bound preparation, run in worker processes for a large bank.
"""
