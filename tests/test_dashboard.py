"""The dashboard shows the summary figures, follows decisions, and exports a one-page PDF."""
from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from reviewer.domain.people import User
from reviewer.domain.vocabulary import DecisionKind, Role
from reviewer.ingest.synthetic import write_demo_file
from reviewer.services import deciding
from reviewer.services.evaluating import evaluate, resolve_policy
from reviewer.services.importing import import_file
from reviewer.services.summary import summary_figures
from reviewer.store.database import Database
from reviewer.ui.dashboard import Dashboard

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")
ATTORNEY = User("A. Deputy", Role.ATTORNEY, "1")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dash")
    write_demo_file(folder / "demo.csv", rows=3000, county="SACRAMENTO", seed=11)
    db = Database(folder / "r.db")
    import_file(db, folder / "demo.csv")
    evaluate(db, "SACRAMENTO", date(2019, 11, 11), resolve_policy("sacramento-configurable-2019"))
    yield db
    db.dispose()


@pytest.fixture
def dashboard(qtbot, seeded):
    dash = Dashboard(seeded)
    qtbot.addWidget(dash)
    with qtbot.waitSignal(dash.refreshed, timeout=20000):
        dash.show()
    yield dash
    dash.close()


def test_shows_the_figures(dashboard, seeded):
    f = summary_figures(seeded)
    assert f.evaluated > 50
    assert dashboard.tiles["evaluated"].value.text() == f"{f.evaluated:,}"
    assert dashboard.tiles["persons"].value.text() == f"{f.persons:,}"
    assert dashboard.tiles["flagged"].value.text() == f"{f.flagged:,}"
    assert "Sacramento County as of 2019-11-11" in dashboard.subtitle.text()
    assert dashboard.audit_line.text().startswith("Audit log verified: ")
    assert dashboard.people["no_felony"][0].text() == f"{f.projected.no_felony:,}"
    assert dashboard.pdf_button.isEnabled()
    image = dashboard.grab()
    assert not image.isNull() and image.width() > 300


def test_follows_decisions(dashboard, seeded, qtbot):
    before = dashboard.figures
    pending = deciding.pending_ids(seeded, suggestion="DISMISS_AND_SEAL")
    deciding.decide(seeded, pending[0], ATTORNEY, DecisionKind.ACCEPT)
    with qtbot.waitSignal(dashboard.refreshed, timeout=20000):
        dashboard.refresh()
        dashboard.refresh()  # asked again while running: done once more, right after
    after = dashboard.figures
    assert after.decided == before.decided + 1
    assert after.decisions["DISMISS_AND_SEAL"] == before.decisions["DISMISS_AND_SEAL"] + 1
    assert dashboard.people["persons"][0].text() == f"{after.persons:,}"


def test_export_pdf(dashboard, tmp_path):
    out = dashboard.export_pdf(tmp_path / "summary.pdf")
    assert out is not None and out.exists() and not (tmp_path / "summary.pdf.part").exists()
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    f = dashboard.figures
    for expected in ("Proposition 64 review: summary", "Sacramento", f"{f.evaluated:,}", "Convictions by section and level",
                     "Will no longer have a felony", f"{f.projected.no_felony:,}", "Review queue"):
        assert expected in text, expected
    assert f.audit.startswith("Audit log verified") and f.audit in text  # the head is on every summary PDF


def test_empty_database(qtbot, tmp_path):
    db = Database(tmp_path / "empty.db")
    dash = Dashboard(db)
    qtbot.addWidget(dash)
    with qtbot.waitSignal(dash.refreshed, timeout=20000):
        dash.show()
    assert dash.subtitle.text() == "Nothing evaluated yet" and dash.tiles["evaluated"].value.text() == "0"
    out = dash.export_pdf(tmp_path / "empty.pdf")
    assert "nothing evaluated yet" in PdfReader(str(out)).pages[0].extract_text()
    dash.close()
    db.dispose()


def test_open_dashboard_follows_decisions(qtbot, tmp_path, gogen_dir):
    """The dashboard opened from the main window recomputes when an attorney decides."""
    from datetime import date

    from reviewer.services.evaluating import evaluate
    from reviewer.services.importing import import_file
    from reviewer.store.database import Database
    from reviewer.ui import open_main_window

    db_path = tmp_path / "d.db"
    db = Database(db_path)
    import_file(db, gogen_dir / "no_headers.csv")
    evaluate(db, "SAN JOAQUIN", date(2019, 11, 11))
    db.dispose()
    window = open_main_window(str(db_path), "Dash Tester", "attorney")
    qtbot.addWidget(window)
    window.open_dashboard()
    board = window._tools["dashboard"]
    qtbot.waitUntil(lambda: board.figures is not None, timeout=10000)
    with qtbot.waitSignal(board.refreshed, timeout=10000):
        window.accept_current()
