"""填表报数 intake: import figures from files people send (CSV, XLSX, XLS, ODS).

``import_files(files, scope=, filer=, task=, period=, dry_run=)`` reads and checks every file,
returns a :class:`Plan` (what would be written: new, changed old → new, unchanged; problems by
file, row and column; soft warnings) and, when every file is clean and it is not a dry run, writes
all of it in one transaction. ``template_xlsx`` builds a task's wide template for download.
See README "导入文件" for the formats and docs/ARCHITECTURE.md for the contract.
"""

from __future__ import annotations

from .commit import import_files
from .model import KIND_NAMES, FilePlan, Issue, Item, Plan

__all__ = ["KIND_NAMES", "FilePlan", "Issue", "Item", "Plan", "import_files"]
