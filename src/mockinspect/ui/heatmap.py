"""The live 5x5 risk heat map: severity up, occurrence across, cells coloured by the risk
matrix's levels, each holding how many findings sit there."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from mockinspect.domain.session import Finding
from mockinspect.services import rules
from mockinspect.ui.common import tr
from mockinspect.ui.style import colours, mix, text_on


class HeatMap(QWidget):
    """Counts of rated findings by severity x occurrence, on the matrix's colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.matrix = rules.risk_matrix()
        self.counts: Counter[tuple[int, int]] = Counter()
        self.setMinimumSize(QSize(230, 236))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(tr("Risk heat map"))

    def sizeHint(self) -> QSize:
        return QSize(270, 236)

    def set_findings(self, findings: Sequence[Finding]) -> None:
        self.counts = Counter(
            (f.severity, f.occurrence) for f in findings if f.severity is not None and f.occurrence is not None
        )
        self.setToolTip(tr("{n} rated findings", n=sum(self.counts.values())))
        self.update()

    def count(self, severity: int, occurrence: int) -> int:
        return self.counts.get((severity, occurrence), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        margin_left, margin_bottom = 34.0, 38.0
        side = min((self.width() - margin_left - 4) / 5, (self.height() - margin_bottom - 4) / 5)
        font = QFont(self.font())
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        text_colour = self.palette().windowText().color()
        theme = colours()
        for severity in range(1, 6):
            for occurrence in range(1, 6):
                level = self.matrix.level(severity, occurrence)
                x = margin_left + (occurrence - 1) * side
                y = (5 - severity) * side + 2
                rect = QRectF(x + 1, y + 1, side - 2, side - 2)
                n = self.count(severity, occurrence)
                # a cell holding findings in the level's full colour, an empty one as a tint of it
                fill = level.colour if n else mix(theme.base, level.colour, 0.2 if theme.dark else 0.24)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(fill))
                painter.drawRoundedRect(rect, 3, 3)
                if n:
                    font.setBold(True)
                    painter.setFont(font)
                    painter.setPen(QColor(text_on(fill)))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(n))
        painter.setFont(small)
        painter.setPen(text_colour)
        for i in range(1, 6):
            painter.drawText(QRectF(0, (5 - i) * side + 2, margin_left - 6, side), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(i))
            painter.drawText(QRectF(margin_left + (i - 1) * side, 5 * side + 4, side, 16), Qt.AlignmentFlag.AlignCenter, str(i))
        painter.drawText(QRectF(margin_left, 5 * side + 20, 5 * side, 16), Qt.AlignmentFlag.AlignCenter, tr("occurrence →"))
        painter.save()
        painter.translate(12, 5 * side / 2 + 34)
        painter.rotate(-90)
        painter.drawText(0, 0, tr("severity →"))
        painter.restore()
        painter.end()
