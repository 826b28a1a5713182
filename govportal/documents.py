"""What every printed document of the platform shares: an embedded Chinese font, the styles of a formal
document (公文), and Chinese line breaking.

The documents (the mediation agreement, the hotline's 督办单, the supervision bulletin) are legal or
formal texts in Chinese whatever the page language.
"""

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

# WenQuanYi Zen Hei from Debian's fonts-wqy-zenhei (scripts/lib.sh installs it); embedded in the
# PDF, so the document prints the same anywhere.
FONT_FILE = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
FONT = "WenQuanYiZenHei"
MARGIN = 25 * mm
FRAME_PADDING = 6  # points each side (platypus Frame's default)
TEXT_WIDTH = A4[0] - 2 * MARGIN - 2 * FRAME_PADDING
# Chinese line-breaking rules (标点符号用法 GB/T 15834, like Japanese kinsoku): closing punctuation
# never starts a line, opening punctuation never ends one. ReportLab's CJK wrapping misses the
# full-width comma, colon, semicolon and marks, so body lines are broken here.
NO_LINE_START = "，。、；：？！…—～·）】》」』〕〉〗”’%‰℃,.;:?!)]}"
NO_LINE_END = "（【《「『〔〈〖“‘([{"


@cache
def _font_registered():
    pdfmetrics.registerFont(TTFont(FONT, FONT_FILE, subfontIndex=0))


def document_styles():
    """Return the paragraph styles of a formal document (title, number line on the right, heading,
    body), the embedded font registered."""
    _font_registered()
    base = ParagraphStyle("body", fontName=FONT, fontSize=11.5, leading=19, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=30, alignment=1, spaceAfter=4),
        "number": ParagraphStyle("number", parent=base, alignment=2, spaceAfter=10),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12.5, spaceBefore=8, spaceAfter=2),
        "body": base,
    }


def _breaks_badly(line, rest):
    """Return whether ending a line with `line` and starting the next with `rest` breaks the rules."""
    return rest[:1] in NO_LINE_START or line[-1:] in NO_LINE_END


def lines_break(text, *, font=FONT, size, width=TEXT_WIDTH):
    """Return `text` cut into lines at most `width` points wide that keep the Chinese line-breaking
    rules: where a line would start with closing punctuation (or end with opening punctuation), the
    last character of the line moves down with it."""
    _font_registered()
    lines, line = [], ""
    for char in text:
        if not line or stringWidth(line + char, font, size) <= width:
            line += char
            continue
        rest = char
        while len(line) > 1 and _breaks_badly(line, rest):
            line, rest = line[:-1], line[-1] + rest
        lines.append(line)
        line = rest
    return [*lines, line] if line else lines


def broken_paragraph(text, style):
    """Return a body paragraph of plain `text`, broken into lines by the Chinese rules."""
    lines = lines_break(text, size=style.fontSize, width=TEXT_WIDTH - style.leftIndent - style.rightIndent)
    return Paragraph("<br/>".join(escape(line) for line in lines), style)
