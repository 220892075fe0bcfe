"""File names every common file system can hold: an attachment's name must check out on Windows (NTFS, FAT),
macOS and Linux alike, or a clone there loses the file, or the whole checkout fails.

Refused: Windows' reserved device names whatever the extension (``con.pdf``, ``LPT1.docx``), the
characters Windows reserves (``< > : " / \\ | ? *``) and control characters, a trailing dot or
space (Windows drops it), more than 255 bytes (the limit of ext4 and APFS), and a name that is
not in Unicode's composed form (NFC), which macOS may store decomposed and git then sees renamed.
"""

from __future__ import annotations

import unicodedata

_DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³")})
_RESERVED = '<>:"/\\|?*'
MAX_NAME_BYTES = 255


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a file's name on some common file system, in Chinese; None when it can be."""
    reserved = "".join(dict.fromkeys(c for c in name if c in _RESERVED or ord(c) < 32 or ord(c) == 127))
    if reserved:
        shown = "、".join(repr(c)[1:-1] if ord(c) < 32 or ord(c) == 127 else c for c in reserved)
        return f"文件名「{name}」含有 Windows 等文件系统不允许的字符（{shown}）"
    if name.endswith((".", " ")):
        return f"文件名「{name}」以点或空格结尾：Windows 会把它去掉，文件就对不上了"
    device = name.split(".")[0].rstrip(" ").upper()
    if device in _DEVICES:
        return f"文件名「{name}」是 Windows 保留的设备名（{device}），在 Windows 上无法创建这个文件"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"文件名「{name}」超过 {MAX_NAME_BYTES} 字节，有的文件系统存不下"
    if unicodedata.normalize("NFC", name) != name:
        return f"文件名「{name}」的字符不是标准的组合形式（NFC），在 macOS 上会被改写，与登记的不再一致"
    return None
