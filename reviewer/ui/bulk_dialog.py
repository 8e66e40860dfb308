"""Accept all shown: what it would decide, by outcome, before it runs. Challenges are left out unless ticked."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from reviewer.domain.vocabulary import Outcome


class BulkAcceptDialog(QDialog):
    def __init__(self, breakdown: dict[Outcome, list[int]], by_hand: int, user: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Accept all shown")
        self.setMinimumWidth(480)
        self._breakdown = breakdown
        layout = QVBoxLayout(self)
        intro = QLabel(f"Accept the suggestion for the pending convictions shown, by outcome. Each decision is "
                       f"recorded on its own in the audit log, under {user}; Ctrl+Z takes the whole step back.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.boxes: dict[Outcome, QCheckBox] = {}
        for outcome in sorted(breakdown, key=lambda o: (o.is_challenge, o.label)):
            ids = breakdown[outcome]
            box = QCheckBox(f"{outcome.label}: {len(ids):,}")
            box.setObjectName(f"bulk_{outcome.value}")
            box.setChecked(not outcome.is_challenge)  # a challenge is never accepted unseen
            if outcome.is_challenge:
                box.setText(box.text() + "  (challenges: tick to include them)")
                box.setStyleSheet("color: #8a4b00; font-weight: bold;")
            box.toggled.connect(self._update)
            self.boxes[outcome] = box
            layout.addWidget(box)
        if by_hand:
            layout.addWidget(QLabel(f"{by_hand:,} shown need review: they stay pending."))
        self.total = QLabel()
        self.total.setObjectName("bulkTotal")
        layout.addWidget(self.total)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def chosen_ids(self) -> list[int]:
        return [cid for outcome, box in self.boxes.items() if box.isChecked() for cid in self._breakdown[outcome]]

    def _update(self, *_args) -> None:
        n = len(self.chosen_ids())
        self.total.setText(f"<b>{n:,}</b> convictions will be accepted.")
        self.ok_button.setText(f"Accept {n:,}")
        self.ok_button.setEnabled(n > 0)


__all__ = ["BulkAcceptDialog"]
