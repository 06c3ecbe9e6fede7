"""Reading the text of scanned pages (OCR) and laying it out as articles and notices.

The parts, each in its own module:

- ``lines``: what the engine gives and the layout reads (Line, Char, Recognition), and how it
  is kept in ``PageRecognition.data``;
- ``engine``: the OCR engine (RapidOCR with the PP-OCRv4 models inside its wheel), picture in,
  Recognition out;
- ``layout``: pure functions from recognised lines to reading order, blocks and articles, and
  to the sections the import parts read (notices go to the notice parser that way);
- ``pipeline``: one page at a time, from its stored scan to draft articles and notices, the
  ID numbers found covered on its images;
- ``tasks``: the same as Celery tasks, for a batch spread over machines.
"""
