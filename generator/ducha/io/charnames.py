"""Names for the control and invisible characters staff must find and delete, in their words."""

from __future__ import annotations

import unicodedata

_NAMES = {
    "\x00": "空字符 NUL", "\t": "制表符 Tab", "\n": "换行", "\r": "回车符 CR", "\x0b": "垂直制表符", "\x0c": "换页符",
    "\x1b": "转义符 ESC", "\x7f": "删除符 DEL", "\u00ad": "软连字符", "\u200b": "零宽空格", "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符", "\u2060": "零宽不换行符", "\ufeff": "零宽不换行空格（BOM）", "\u2028": "行分隔符",
    "\u2029": "段分隔符", "\u0085": "下一行符 NEL",
}


def character_name(ch: str) -> str:
    """A control or invisible character named so that staff can find it: 零宽空格 U+200B."""
    code = f"U+{ord(ch):04X}"
    if ch in _NAMES:
        return f"{_NAMES[ch]} {code}"
    if "\u202a" <= ch <= "\u202e" or "\u2066" <= ch <= "\u2069" or ch in "\u200e\u200f\u061c":
        return f"文字方向控制符 {code}"
    return f"{'控制字符' if unicodedata.category(ch) == 'Cc' else '不可见字符'} {code}"
