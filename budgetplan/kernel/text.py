"""The constrained markup staff write long texts in, rendered to HTML that can never inject markup.

A text is blocks separated by blank lines. A block whose lines begin with "## " is a heading,
"> " a quoted passage, "- " a bulleted list, "1. " a numbered list; anything else is a paragraph.
Everything the author wrote is escaped; only the tags made here reach the page.
"""
import re
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

NUMBERED_ITEM = re.compile(r"^(\d+)\.\s+(.*)$")


@dataclass
class Block:
    kind: str  # "heading", "paragraph", "quote", "bullets", "numbers"
    lines: list[str] = field(default_factory=list)
    start: int = 1


def parse_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            blocks.append(Block("heading", [lines[0][3:].strip()]))
            if lines[1:]:
                blocks.append(Block("paragraph", lines[1:]))
        elif all(line.startswith(">") for line in lines):
            blocks.append(Block("quote", [line[1:].strip() for line in lines]))
        elif all(line.startswith("- ") for line in lines):
            blocks.append(Block("bullets", [line[2:].strip() for line in lines]))
        elif all(NUMBERED_ITEM.match(line) for line in lines):
            first = int(NUMBERED_ITEM.match(lines[0]).group(1))
            blocks.append(
                Block("numbers", [NUMBERED_ITEM.match(line).group(2) for line in lines], first)
            )
        else:
            blocks.append(Block("paragraph", lines))
    return blocks


def render_blocks(text: str, heading_level: int = 4) -> SafeString:
    level = min(max(heading_level, 2), 6)
    parts = []
    for block in parse_blocks(text):
        if block.kind == "heading":
            parts.append(f"<h{level}>{escape(block.lines[0])}</h{level}>")
        elif block.kind == "quote":
            paragraphs = "".join(f"<p>{escape(line)}</p>" for line in block.lines if line)
            parts.append(f"<blockquote>{paragraphs}</blockquote>")
        elif block.kind == "bullets":
            items = "".join(f"<li>{escape(line)}</li>" for line in block.lines)
            parts.append(f"<ul>{items}</ul>")
        elif block.kind == "numbers":
            items = "".join(f"<li>{escape(line)}</li>" for line in block.lines)
            start = f' start="{block.start}"' if block.start != 1 else ""
            parts.append(f"<ol{start}>{items}</ol>")
        else:
            parts.append(f"<p>{escape(' '.join(block.lines))}</p>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every piece of author text is escaped above
