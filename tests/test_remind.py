"""``ducha remind``: the day's digests per unit and for the 督查室, sent to a real SMTP server
(aiosmtpd) and a webhook on localhost, never twice a day, and nothing on a day off.

The office is tests/fixtures/remind: seven items made so that on 2026-11-23 (a Monday) each list
holds known items; the lists below are worked out by hand from those records.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import re
import shutil
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from aiosmtpd.controller import Controller

from ducha.load.records import load_cases
from ducha.model.case import Stage
from ducha.rules.deadlines import Light, Status, status_board
from ducha.rules.queues import attention

from .conftest import REPO, TESTS, Invoke, free_port

FIXTURE = TESTS / "fixtures" / "remind"
DAY = "2026-11-23"
OFFICE = "dcs@dcs.example.cn"
#: Each mailbox's lists on 2026-11-23, a Monday, worked out by hand from the fixture's records (yellow_days 3,
#: progress every 30 days, 回头看 after 90) with the official calendar: no holiday or 调休 day falls between
#: 2026-11-19 and 2026-12-31. Most overdue first, fewest working days left first.
OVERDUE_0007 = "DC-2026-0007 内部超期事项庚（到期 2026-11-19，超期2个工作日{}）"  # Thursday: Fri 20 and Mon 23 are past it
OVERDUE_0001 = "DC-2026-0001 超期事项甲（到期 2026-11-20，超期1个工作日{}）"  # Friday: Mon 23 is past it
YELLOW_0002 = "DC-2026-0002 临期事项乙{}（到期 2026-11-25，剩2个工作日{}）"  # Tue 24 and Wed 25
RETURNED_0004 = "DC-2026-0004 退回重办事项丁（到期 2026-12-31，剩28个工作日{}）"  # 24–27 and 30 Nov, 23 weekdays of December
PROGRESS_0003 = "DC-2026-0003 久未续报事项丙（2026-10-01 交办后未报送进展{}）"  # 53 days without progress
EXPECTED = {
    OFFICE: {
        "超期未办结": [OVERDUE_0007.format("，主办：市教育局"), OVERDUE_0001.format("，主办：市财政局")],
        "临期（黄灯）": [YELLOW_0002.format("", "，主办：市教育局")],
        "退回重办": [RETURNED_0004.format("，主办：市教育局")],
        "需续报进展": [PROGRESS_0003.format("，主办：市财政局")],
        "待审核办理报告": ["DC-2026-0006 待审核事项己（市财政局 测财〔2026〕3号，2026-11-20 报送）"],  # not yet reviewed
        "待回头看（回访复核）": ["DC-2026-0005 待回头看事项戊（2026-07-01 办结，尚未回访复核，主办：市住建局）"],  # 145 days since
    },
    # 市财政局 leads 0001, 0003 and 0006 (0006 waits for the office, not for it) and co-handles 0002.
    "czj@czj.example.cn": {"超期未办结": [OVERDUE_0001.format("")], "临期（黄灯）": [YELLOW_0002.format("（协办）", "")],
                           "需续报进展": [PROGRESS_0003.format("")]},
    # 市教育局 leads 0002, 0004 and the internal 0007, which only the office hears of.
    "jyj@jyj.example.cn": {"临期（黄灯）": [YELLOW_0002.format("", "")], "退回重办": [RETURNED_0004.format("")]},
}
SUBJECTS = {
    OFFICE: "督查提醒：测试市人民政府督查室 2026-11-23（超期未办结2项，临期1项，退回重办1项，需续报进展1项，待审核办理报告1项，待回头看1项）",
    "czj@czj.example.cn": "督查提醒：市财政局 2026-11-23（超期未办结1项，临期1项，需续报进展1项）",
    "jyj@jyj.example.cn": "督查提醒：市教育局 2026-11-23（临期1项，退回重办1项）",
}


def office_copy(tmp_path: Path, port: int, extra: str = "") -> Path:
    root = tmp_path / "office"
    shutil.copytree(FIXTURE, root)
    office = root / "office.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace("port: 2525", f"port: {port}") + extra, encoding="utf-8")
    return root


def lists_in(text: str) -> dict[str, list[str]]:
    """The items under each 【heading】 of a digest's body."""
    found: dict[str, list[str]] = {}
    heading = None
    for line in text.splitlines():
        if match := re.match(r"^【(.+)】\d+项$", line):
            heading = match.group(1)
            found[heading] = []
        elif heading and (match := re.match(r"^  \d+\. (DC-\d{4}-\d{4} .+)$", line)):
            found[heading].append(match.group(1))
    return found


class Inbox:
    """aiosmtpd's handler: every mail it accepts, as delivered."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"

    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(raw, policy=email.policy.default) for _, raw in self.received]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


def test_the_lists_come_from_the_queues() -> None:
    """The queues behind the digests, by hand: (id, due, light, working days left (none once past due), working days overdue)."""
    day = dt.date(2026, 11, 23)
    office, cases = load_cases(FIXTURE)
    statuses = status_board(office, cases, day)

    def rows(found: tuple[Status, ...]) -> list[tuple[str, dt.date | None, Light, int | None, int]]:
        return [(s.case.id, s.due, s.light, s.working_days_left, s.workdays_overdue) for s in found]

    mine = attention(statuses, day, "市财政局")
    assert rows(mine.overdue) == [("DC-2026-0001", dt.date(2026, 11, 20), Light.RED, None, 1)]
    assert rows(mine.yellow) == [("DC-2026-0002", dt.date(2026, 11, 25), Light.YELLOW, 2, 0)]
    assert rows(mine.progress_due) == [("DC-2026-0003", dt.date(2026, 12, 31), Light.GREEN, 28, 0)]
    assert mine.returned == mine.pending_review == mine.followups_due == mine.receipts == ()
    everything = attention(statuses, day)
    assert rows(everything.overdue) == [("DC-2026-0007", dt.date(2026, 11, 19), Light.RED, None, 2),
                                        ("DC-2026-0001", dt.date(2026, 11, 20), Light.RED, None, 1)]
    assert rows(everything.returned) == [("DC-2026-0004", dt.date(2026, 12, 31), Light.GREEN, 28, 0)]
    assert everything.returned[0].stage is Stage.RETURNED
    # Its report came in on 2026-11-20, before the due date: done in time, whatever the review says later.
    assert rows(everything.pending_review) == [("DC-2026-0006", dt.date(2026, 12, 31), Light.DONE, None, 0)]
    assert [(s.case.id, s.light, s.followup_due) for s in everything.followups_due] == [("DC-2026-0005", Light.DONE, True)]


def test_the_mails_of_a_day_arrive_with_each_units_lists(tmp_path: Path, invoke: Invoke, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    root = office_copy(tmp_path, port)
    result = invoke(root, "remind", "--today", DAY, "--send")
    assert result.exit_code == 0, result.output
    assert "邮件  市住建局  未设置收件人，未发送" in result.output
    mails = inbox.messages()
    assert sorted(str(m["To"]).split(", ")[0] for m in mails) == sorted(EXPECTED)
    for mail in mails:
        first = str(mail["To"]).split(", ")[0]
        assert str(mail["Subject"]) == SUBJECTS[first]
        assert str(mail["From"]) == "ducha@dcs.example.cn"
        assert str(mail["Date"]) == "Mon, 23 Nov 2026 08:00:00 +0800"
        body = mail.get_body(("plain",))
        assert body is not None
        assert lists_in(body.get_content()) == EXPECTED[first], first
    czj = next(m for m in mails if "czj@" in str(m["To"]))
    assert str(czj["To"]) == "czj@czj.example.cn, czj-office@czj.example.cn"
    envelope = next(rcpt for (rcpt, _), mail in zip(inbox.received, mails, strict=True) if mail is czj)
    assert sorted(envelope) == ["czj-office@czj.example.cn", "czj@czj.example.cn"]
    internal = "内部超期事项庚"
    assert [m["To"] for m in mails if internal in (m.get_body(("plain",)) or m).get_content()] == [OFFICE]


def test_running_twice_a_day_sends_nothing_twice(tmp_path: Path, invoke: Invoke, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    root = office_copy(tmp_path, port)
    assert invoke(root, "remind", "--today", DAY, "--send").exit_code == 0
    first = [raw for _, raw in inbox.received]
    assert len(first) == 3
    again = invoke(root, "remind", "--today", DAY, "--send")
    assert again.exit_code == 0
    assert len(inbox.received) == 3
    assert again.output.count("今天已发送过，跳过") == 3
    sent = (root / "reminders" / "2026" / "2026-11-23.sent").read_text(encoding="utf-8").splitlines()
    assert [line.split()[1:] for line in sent[1:]] == [
        ["mail", "测试市人民政府督查室"], ["mail", "市财政局"], ["mail", "市教育局"]]
    # The next working day is a new day: the digests go out again.
    assert invoke(root, "remind", "--today", "2026-11-24", "--send").exit_code == 0
    assert len(inbox.received) == 6


def test_same_records_and_day_give_the_same_mails(tmp_path: Path, invoke: Invoke, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    one = office_copy(tmp_path / "a", port)
    two = office_copy(tmp_path / "b", port)
    assert invoke(one, "remind", "--today", DAY, "--send").exit_code == 0
    assert invoke(two, "remind", "--today", DAY, "--send").exit_code == 0
    raw = [content for _, content in inbox.received]
    assert raw[:3] == raw[3:]
    ids = [str(m["Message-ID"]) for m in inbox.messages()[:3]]
    assert all(re.fullmatch(r"<ducha-remind\.2026-11-23\.[0-9a-f]{24}@dcs\.example\.cn>", i) for i in ids)
    assert invoke(one, "remind", "--today", DAY).output == invoke(two, "remind", "--today", DAY).output


def test_the_dry_run_prints_every_mail_and_sends_nothing(tmp_path: Path, invoke: Invoke, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    root = office_copy(tmp_path, port)
    result = invoke(root, "remind", "--today", DAY)
    assert result.exit_code == 0
    assert inbox.received == []
    assert not (root / "reminders").exists()
    assert result.output.count("Subject: 督查提醒：") == 4
    assert "（未在 office.yaml 的 reminders 中设置收件人：不发送邮件）" in result.output
    assert result.output.rstrip().endswith("预览：共 4 份提醒，未发送。确认无误后加 --send 发送。")


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Hook.received.append((self.headers.get("Authorization", ""), json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_webhook_gets_each_digest_as_json_once(tmp_path: Path, invoke: Invoke, smtp: tuple[Inbox, int],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _, port = smtp
    Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        hook = f"  webhook:\n    url: http://127.0.0.1:{server.server_address[1]}/bot\n    token_env: DUCHA_TEST_BOT\n"
        root = office_copy(tmp_path, port, hook)
        monkeypatch.setenv("DUCHA_TEST_BOT", "s3cret")
        assert invoke(root, "remind", "--today", DAY, "--send").exit_code == 0
        assert invoke(root, "remind", "--today", DAY, "--send").exit_code == 0
    finally:
        server.shutdown()
    assert [auth for auth, _ in Hook.received] == ["Bearer s3cret"] * 4
    posted = {body["recipient"]: body for _, body in Hook.received}
    assert list(posted) == ["测试市人民政府督查室", "市财政局", "市教育局", "市住建局"]
    assert posted["市住建局"]["lists"] == {"followups_due": ["DC-2026-0005 待回头看事项戊（2026-07-01 办结，尚未回访复核）"]}
    assert posted["市教育局"]["lists"]["returned"] == [RETURNED_0004.format("")]
    assert posted["市财政局"]["date"] == "2026-11-23" and posted["市财政局"]["unit"] == "市财政局"


def test_a_mail_server_that_refuses_is_reported_and_retried_next_run(tmp_path: Path, invoke: Invoke) -> None:
    root = office_copy(tmp_path, free_port())  # nothing listens there
    result = invoke(root, "remind", "--today", DAY, "--send")
    assert result.exit_code == 1
    assert result.output.count("发送失败：无法连接邮件服务器") == 3
    assert not (root / "reminders" / "2026" / "2026-11-23.sent").exists()


def test_a_tiaoxiu_saturday_is_a_working_morning_and_a_holiday_is_skipped(tmp_path: Path, invoke: Invoke) -> None:
    # 2026-10-10 is a Saturday worked in exchange for the National Day holiday (调休上班, chinesecalendar);
    # 2026-10-11 is an ordinary Sunday; 2026-10-05 a Monday inside the holiday.
    root = office_copy(tmp_path, 2525)
    saturday = invoke(root, "remind", "--today", "2026-10-10")
    assert saturday.exit_code == 0
    assert "Subject: 督查提醒：测试市人民政府督查室 2026-10-10（待回头看1项）" in saturday.output
    for day in ("2026-10-11", "2026-10-05"):
        skipped = invoke(root, "remind", "--today", day, "--send")
        assert (skipped.exit_code, skipped.output) == (0, f"{day} 不是工作日（按办公日历），不发送提醒。\n")


def test_the_ci_schedule_runs_every_morning_and_leaves_days_off_to_ducha() -> None:
    workflow = (REPO / ".github" / "workflows" / "remind.yml").read_text(encoding="utf-8")
    assert re.search(r"cron: \"30 23 \* \* \*\"", workflow)  # 07:30 in Beijing, every day: 调休 Saturdays too
    assert "ducha remind --send" in workflow and "DUCHA_SMTP_PASSWORD: ${{ secrets.DUCHA_SMTP_PASSWORD }}" in workflow


def test_unknown_units_in_the_reminder_settings_are_refused(tmp_path: Path, invoke: Invoke) -> None:
    root = office_copy(tmp_path, 2525)
    office = root / "office.yaml"
    office.write_text(office.read_text(encoding="utf-8").replace("    市教育局: [jyj", "    市教委: [jyj"), encoding="utf-8")
    result = invoke(root, "remind", "--today", DAY)
    assert result.exit_code == 1
    assert "office.yaml:25:5:" in result.output and "reminders.units.市教委" in result.output
    assert "单位「市教委」未在 units 中登记" in result.output
