"""Throwaway SSH keys, and commits signed with them as the review server signs its merges."""

from __future__ import annotations

import subprocess
from pathlib import Path


def keygen(folder: Path, name: str) -> tuple[Path, str]:
    """A throwaway SSH key: its private key file and its public line."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (folder / f"{name}.pub").read_text(encoding="utf-8").strip()


def signed(key: Path) -> tuple[str, ...]:
    """The git options that sign a commit with ``key`` (SSH format), to put before the git command."""
    return ("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "-c", "commit.gpgsign=true")


def signer_line(public: str) -> str:
    """The office.yaml ``review_signers`` entry for a server key: an ``allowed_signers`` line."""
    return f"gitea@dcs.example.cn {public}"
