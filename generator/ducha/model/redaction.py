"""What one audience may see: the one place that decides it.

The intranet site has two audiences: the 督查室 itself (``internal``: everything) and
everyone else (``public``: no 内部 case, no internal field, no trace of either). Every
output is made from data that went through a ``Disclosure`` first, so a new output
cannot leak by forgetting a filter: what it is given is all it can show.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from .case import Case, Source
from .measures import Measure
from .notices import Mention, Notice
from .surveys import Survey

PROFILES = ("internal", "public")
#: A case with this visibility is shown only to the office.
INTERNAL_VISIBILITY = "内部"
#: Shown on internal pages only, whatever office.yaml says: 批示件 and signed scans are working papers.
INTERNAL_ONLY = "attachments"


@dataclass(frozen=True)
class Disclosure:
    """The audience's profile and the office's internal fields (office.yaml ``internal_fields``)."""

    profile: str
    internal_fields: frozenset[str]
    publish_criticism: bool = False  # 通报批评 goes out 在一定范围内: public only when office.yaml says so

    @property
    def public(self) -> bool:
        return self.profile != "internal"

    def shows(self, case: Case) -> bool:
        """Whether the audience may know the case exists at all."""
        return not self.public or case.visibility != INTERNAL_VISIBILITY

    def hides_field(self, key: str) -> bool:
        """Whether the record's top-level field ``key`` is withheld from this audience (attachments always are)."""
        return self.public and (key in self.internal_fields or key == INTERNAL_ONLY)

    def case(self, case: Case) -> Case:
        """``case`` with every internal field emptied (for ``public``); unchanged for ``internal``."""
        if not self.public:
            return case
        blank: dict[str, object] = {}
        for item in dataclasses.fields(Case):
            if self.hides_field(item.name):
                blank[item.name] = Source() if item.name == "source" else item.default
        return dataclasses.replace(case, **blank) if blank else case  # type: ignore[arg-type]

    def cases(self, cases: Iterable[Case]) -> tuple[Case, ...]:
        """The cases the audience may see, each with its internal fields emptied."""
        return tuple(self.case(case) for case in cases if self.shows(case))

    def notice(self, notice: Notice, shown_ids: frozenset[str]) -> Notice:
        """``notice`` naming only cases the audience may see.

        A unit's mention keeps the reasons that concern shown cases; a mention left with
        no shown case is dropped (its reason would describe a hidden one).
        """
        if not self.public:
            return notice
        if not self.publish_criticism:
            notice = dataclasses.replace(notice, criticised=(), criticism_withheld=bool(notice.criticised))

        def keep(mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
            kept = []
            for mention in mentions:
                hidden = [c for c in mention.cases if c not in shown_ids]
                if not hidden:
                    kept.append(mention)
                    continue
                cases = tuple(c for c in mention.cases if c in shown_ids)
                if cases:
                    reasons = [part for part in mention.reason.split("；") if not any(c in part for c in hidden)]
                    kept.append(Mention(mention.unit, "；".join(reasons), cases))
            return tuple(kept)

        praised, criticised = keep(notice.praised), keep(notice.criticised)
        partly = tuple(name for name, before, after in (("praised", notice.praised, praised),
                                                        ("criticised", notice.criticised, criticised))
                       if len(after) < len(before))
        return dataclasses.replace(notice, praised=praised, criticised=criticised, partly_withheld=partly)

    def measures(self, measures: Iterable[Measure], shown_ids: frozenset[str]) -> tuple[Measure, ...]:
        """督查问责 records go out 在一定范围内 like criticism; each names only the cases the audience may see."""
        if not self.public:
            return tuple(measures)
        if not self.publish_criticism:
            return ()
        kept = []
        for measure in measures:
            cases = tuple(c for c in measure.cases if c in shown_ids)
            if cases:
                kept.append(dataclasses.replace(measure, cases=cases))
        return tuple(kept)

    def score_line(self, case: str, what: str, record: str, criticism: bool,
                   shown_ids: frozenset[str]) -> tuple[str, str, str]:
        """A published score's line (case ids, what happened, the record): whole for the office; for the
        public, blank where it names a case the public may not see or a criticism it may not read.
        The points stay: they are the unit's score."""
        if not self.public:
            return case, what, record
        hidden = any(c not in shown_ids for c in case.split("、") if c) or (criticism and not self.publish_criticism)
        return ("", "（内部信息，不公开）", "") if hidden else (case, what, record)

    def surveys(self, surveys: Iterable[Survey]) -> tuple[Survey, ...]:
        """督查调研 and 调查 results are the office's working papers: reported 在一定范围内, so internal only."""
        return () if self.public else tuple(surveys)

    def shows_criticism(self) -> bool:
        """Whether the audience may see who was criticised and each unit's tally."""
        return not self.public or self.publish_criticism
