"""Exports for briefings: panel images and data, and the one-click 简报 (PPTX and PDF).

- ``renderer`` — the one warm headless Chromium (Kaleido) that draws figures and prints PDFs;
- ``panels`` — a page's chart/map/table panel rebuilt on the server as figure + table;
- ``mapfig`` — a map with its geometry inline, drawable offline (PNG/SVG);
- ``content`` — what a briefing says for a page, region and month (the pages' own figures);
- ``pptx_writer`` / ``pdf_writer`` — the briefing as PPTX (native charts) and PDF (A4 landscape);
- ``cli`` — ``cockpit briefing``.
"""
