"""ducha: 督查事项 kept as YAML records in git.

Rooms, in the order data flows through them:
``io`` (read and write files) → ``model`` (frozen records, office, the log registry,
what a profile may see) → ``rules`` (calendar, deadlines, validation, metrics,
escalation, the 通报) → ``load`` (a repository read and validated) → ``repo`` (the only
git code: history, audit trail, guard, archive) → ``outputs`` (text, site, DOCX, 台账,
calendars) and ``intake`` (what writes records: new cases, ledger import, issued
notices, a new office) → ``cli`` (a thin skin).
"""

from ducha import bytecode

__version__ = "0.2.0"

bytecode.install()  # before any record class is made: their dataclass methods from the cache
