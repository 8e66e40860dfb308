"""The fabricated filing office used by the document and print tests and the sample pages."""
from __future__ import annotations

OFFICE_DOCUMENT = {
    "county": "San Joaquin", "court_name": "Superior Court of the State of California",
    "court_address": ["180 E. Weber Avenue", "Stockton, CA 95202"], "district_attorney": "Pat Example",
    "deputy_name": "Jane Q. Deputy", "deputy_bar_number": "234567",
    "office_address": ["222 E. Weber Avenue, Room 202", "Stockton, CA 95202"], "phone": "(209) 555-0100",
    "email": "prop64@da.example.gov", "public_defender": "Office of the Public Defender, County of San Joaquin",
    "public_defender_address": ["102 S. San Joaquin Street", "Stockton, CA 95202"], "city": "Stockton",
    "public_defender_email": "eservice@pd.example.gov",
}
