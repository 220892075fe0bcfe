"""``ducha remind``: each working morning, one digest per recipient of what needs attention.

The lists come from ``rules/queues.attention`` (超期, 临期, 需续报, 退回重办, 待回头看, and for the
督查室 待审核); this module only words them, addresses them and sends them. The same records and
day give byte-identical mails (fixed Date and Message-ID). Whether a digest was already sent is
decided from the day and the records of what went out: every digest sent is written, with its
SHA-256, to the day's sent list (``<log>/<year>/<day>.sent``, a text file kept in git by the
scheduled job), and a recipient already listed there for the day gets nothing more that day.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import smtplib
import ssl
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ducha.errors import UsageError
from ducha.io.atomic import write_file
from ducha.load.records import load_cases
from ducha.model.office import Office, ReminderSettings
from ducha.model.redaction import Disclosure
from ducha.outputs.present import due_text, milestone_reasons, receipt_text, remaining
from ducha.rules.calendar import calendar_for
from ducha.rules.deadlines import Status, status_board
from ducha.rules.queues import Attention, attention

#: Where the sent lists live, under the repository, unless told otherwise.
LOG_DIR = "reminders"
_SHANGHAI = ZoneInfo("Asia/Shanghai")
#: The hour the digests are dated: the morning they are meant for.
_MORNING = dt.time(8, 0, tzinfo=_SHANGHAI)


@dataclass(frozen=True)
class Section:
    """One list in a digest: its heading and its lines."""

    key: str
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Digest:
    """One recipient's reminder for one day: a unit, or the 督查室 (``unit`` None)."""

    day: dt.date
    unit: str | None
    recipient: str
    addresses: tuple[str, ...]
    subject: str
    text: str
    sections: tuple[Section, ...]

    @property
    def key(self) -> str:
        """The digest's identity: SHA-256 of its day, recipient, addresses and words."""
        raw = "\n".join((self.day.isoformat(), self.recipient, ",".join(self.addresses), self.subject, self.text))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def as_json(self) -> dict[str, Any]:
        """What the messaging bot receives (keys are a contract)."""
        return {"date": self.day.isoformat(), "recipient": self.recipient, "unit": self.unit, "subject": self.subject,
                "text": self.text, "lists": {s.key: list(s.lines) for s in self.sections}, "id": self.key[:16]}


def _item(status: Status, unit: str | None, facts: str) -> str:
    """One item: id and title, 协办 for a unit's co-handled item, the facts, and the lead unit for the 督查室."""
    case = status.case
    role = "（协办）" if unit is not None and case.lead_unit != unit else ""
    who = f"，主办：{case.lead_unit}" if unit is None and case.lead_unit else ""
    return f"{case.id} {case.title}{role}（{facts}{who}）"


def _line(status: Status, unit: str | None) -> str:
    left = remaining(status)
    schedule = "".join(f"，{reason}" for reason in milestone_reasons(status))
    return _item(status, unit, f"到期 {due_text(status)}{f'，{left}' if left else ''}{schedule}")


def _receipt_line(status: Status, unit: str | None) -> str:
    receipt = status.receipt
    assert receipt is not None  # only items with a 签收 state are listed
    return _item(status, unit, f"应于 {receipt.due} 前签收，{receipt_text(status)}")


def _progress_line(status: Status, unit: str | None) -> str:
    case = status.case
    last = max((p.date for p in case.progress if p.date <= status.today), default=None)
    duty = "，重点事项须随时报告" if case.priority == "重点" else ""
    return _item(status, unit, (f"最近进展 {last.isoformat()}" if last else f"{case.assigned} 交办后未报送进展") + duty)


def _followup_line(status: Status, unit: str | None) -> str:
    return _item(status, unit, f"{status.case.closed_on(status.today)} 办结，尚未回访复核")


def _review_line(status: Status) -> str:
    case = status.case
    report = case.reports[-1]
    return f"{case.id} {case.title}（{case.lead_unit} {report.doc_no}，{report.date} 报送）"


def sections(lists: Attention) -> tuple[Section, ...]:
    """The non-empty lists of ``lists``, worded, in the order a reader acts on them."""
    unit = lists.unit
    found = [
        Section("receipts", "待签收", tuple(_receipt_line(s, unit) for s in lists.receipts)),
        Section("overdue", "超期未办结", tuple(_line(s, unit) for s in lists.overdue)),
        Section("yellow", "临期（黄灯）", tuple(_line(s, unit) for s in lists.yellow)),
        Section("returned", "退回重办", tuple(_line(s, unit) for s in lists.returned)),
        Section("progress_due", "需续报进展", tuple(_progress_line(s, unit) for s in lists.progress_due)),
        Section("pending_review", "待审核办理报告", tuple(_review_line(s) for s in lists.pending_review)),
        Section("followups_due", "待回头看（回访复核）", tuple(_followup_line(s, unit) for s in lists.followups_due)),
    ]
    return tuple(s for s in found if s.lines)


def _digest(office: Office, lists: Attention, recipient: str, addresses: tuple[str, ...]) -> Digest:
    parts = sections(lists)
    counts = "，".join(f"{s.title.split('（')[0]}{len(s.lines)}项" for s in parts)
    subject = f"督查提醒：{recipient} {lists.today.isoformat()}（{counts}）"
    whom = "督查室各位同志" if lists.unit is None else f"{recipient}"
    body = [f"{whom}：", "", f"截至 {lists.today.isoformat()}，以下督查事项需要办理或关注：", ""]
    for part in parts:
        body.append(f"【{part.title}】{len(part.lines)}项")
        body += [f"  {n}. {line}" for n, line in enumerate(part.lines, 1)]
        body.append("")
    body += ["详情请查看督查事项站点；办理进展请通过填报表单或台账报送。",
             "本邮件由督查事项系统按记录自动生成，请勿直接回复。", "", office.name]
    return Digest(lists.today, lists.unit, recipient, addresses, subject, "\n".join(body) + "\n", parts)


def digests(office: Office, statuses: Sequence[Status], today: dt.date) -> list[Digest]:
    """Every non-empty digest of ``today``: the 督查室's first, then each unit's in office.yaml order.

    Units hear only of what the public profile shows them: an internal (``内部``) item is the
    督查室's alone.
    """
    settings = office.reminders
    own = attention(statuses, today)
    out = []
    if not own.empty:
        out.append(_digest(office, own, office.name, settings.office if settings else ()))
    disclosure = Disclosure("public", frozenset(office.internal_fields))
    shared = [s for s in statuses if disclosure.shows(s.case)]
    for unit in office.units:
        lists = attention(shared, today, unit.name)
        if not lists.empty:
            out.append(_digest(office, lists, unit.name, settings.units.get(unit.name, ()) if settings else ()))
    return out


def is_workday(office: Office, day: dt.date) -> bool:
    """Whether ``day`` is a working day by the office's calendar (调休 weekends included)."""
    return calendar_for(office.holiday_overrides).is_workday(day)


@dataclass(frozen=True)
class Plan:
    """The day's reminders: none on a day off, else every non-empty digest."""

    office: Office
    day: dt.date
    workday: bool
    digests: tuple[Digest, ...]


def plan(root: Path, day: dt.date) -> Plan:
    """Read and check the records, and word the digests of ``day`` (nothing on a day off)."""
    office, cases = load_cases(root, as_of=day)  # a past day is allowed: the records as they stood then
    if not is_workday(office, day):
        return Plan(office, day, False, ())
    return Plan(office, day, True, tuple(digests(office, status_board(office, cases, day), day)))


def message(digest: Digest, sender: str) -> EmailMessage:
    """The digest as a mail; Date and Message-ID come from the day and the digest, not the clock."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(digest.addresses)
    mail["Subject"] = digest.subject
    mail["Date"] = email.utils.format_datetime(dt.datetime.combine(digest.day, _MORNING))
    domain = sender.rpartition("@")[2] or "ducha.invalid"
    mail["Message-ID"] = f"<ducha-remind.{digest.day.isoformat()}.{digest.key[:24]}@{domain}>"
    mail.set_content(digest.text)
    return mail


# --- Sent lists: which digests of a day went out ------------------------------------------------------


def sent_file(log: Path, day: dt.date) -> Path:
    return log / str(day.year) / f"{day.isoformat()}.sent"


def already_sent(log: Path, day: dt.date) -> frozenset[tuple[str, str]]:
    """(recipient, channel) pairs listed as sent on ``day``: each recipient gets one digest a day per channel."""
    path = sent_file(log, day)
    if not path.is_file():
        return frozenset()
    return frozenset((" ".join(parts[2:]), parts[1]) for line in path.read_text(encoding="utf-8").splitlines()
                     if len(parts := line.split()) >= 3 and not line.startswith("#"))


def _record(log: Path, day: dt.date, digest: Digest, channel: str) -> None:
    """Add one line to the day's sent list, replacing the file whole (never half-written)."""
    path = sent_file(log, day)
    old = path.read_text(encoding="utf-8") if path.is_file() else "# 已发送的督查提醒：摘要 SHA-256  渠道  收件方\n"
    write_file(path, f"{old}{digest.key}  {channel}  {digest.recipient}\n")


@dataclass(frozen=True)
class Outcome:
    """What happened to one digest on one channel."""

    recipient: str
    channel: str
    state: str  # sent, skipped (already sent today), none (no address), failed
    detail: str = ""


Transport = Callable[[EmailMessage], None]


def _smtp(settings: ReminderSettings, env: Mapping[str, str]) -> tuple[smtplib.SMTP, Transport]:
    smtp = settings.smtp
    password = env.get(smtp.password_env, "")
    if smtp.username and not password:
        raise UsageError(f"环境变量 {smtp.password_env} 未设置：SMTP 登录需要密码。"
                         f"修改：设置该环境变量（CI 中设为机密变量），或在 office.yaml 的 reminders.smtp 中去掉 username。")
    context = ssl.create_default_context()
    client = (smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=30, context=context) if smtp.tls == "ssl"
              else smtplib.SMTP(smtp.host, smtp.port, timeout=30))
    if smtp.tls == "starttls":
        client.starttls(context=context)
    if smtp.username:
        client.login(smtp.username, password)

    def transport(mail: EmailMessage) -> None:
        client.send_message(mail)

    return client, transport


def _post(url: str, token: str, payload: dict[str, Any]) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(payload, ensure_ascii=False).encode("utf-8"), headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def send(office: Office, found: Sequence[Digest], day: dt.date, log: Path, env: Mapping[str, str]) -> list[Outcome]:
    """Send each digest not yet in the day's sent list, by mail and (if set) to the webhook."""
    settings = office.reminders
    if settings is None:
        raise UsageError("office.yaml 中没有 reminders（提醒）设置。修改：按 README「提醒」一节填写邮件服务器和收件人。")
    done = already_sent(log, day)
    outcomes: list[Outcome] = []
    mails = [d for d in found if d.addresses and (d.recipient, "mail") not in done]
    outcomes += [Outcome(d.recipient, "mail", "skipped") for d in found if d.addresses and (d.recipient, "mail") in done]
    outcomes += [Outcome(d.recipient, "mail", "none") for d in found if not d.addresses]
    if mails:
        try:
            client, transport = _smtp(settings, env)
        except (OSError, smtplib.SMTPException) as error:
            return outcomes + [Outcome(d.recipient, "mail", "failed", f"无法连接邮件服务器：{error}") for d in mails]
        with client:
            for digest in mails:
                try:
                    transport(message(digest, settings.smtp.sender))
                except (OSError, smtplib.SMTPException) as error:
                    outcomes.append(Outcome(digest.recipient, "mail", "failed", str(error)))
                    continue
                _record(log, day, digest, "mail")
                outcomes.append(Outcome(digest.recipient, "mail", "sent", ", ".join(digest.addresses)))
    hook = settings.webhook
    if hook is not None:
        token = env.get(hook.token_env, "") if hook.token_env else ""
        for digest in found:
            if (digest.recipient, "webhook") in done:
                outcomes.append(Outcome(digest.recipient, "webhook", "skipped"))
                continue
            try:
                _post(hook.url, token, digest.as_json())
            except OSError as error:
                outcomes.append(Outcome(digest.recipient, "webhook", "failed", str(error)))
                continue
            _record(log, day, digest, "webhook")
            outcomes.append(Outcome(digest.recipient, "webhook", "sent", hook.url))
    return outcomes


def preview(office: Office, found: Sequence[Digest]) -> str:
    """Every mail as it would be sent (dry run), headers and body."""
    sender = office.reminders.smtp.sender if office.reminders else "ducha@ducha.invalid"
    out = []
    for digest in found:
        mail = message(digest, sender)
        head = "\n".join(f"{name}: {value}" for name, value in mail.items() if name in ("From", "To", "Subject", "Date"))
        if not digest.addresses:
            head += "\n（未在 office.yaml 的 reminders 中设置收件人：不发送邮件）"
        out.append(f"{head}\n\n{digest.text}")
    return ("\n" + "─" * 40 + "\n").join(out)
