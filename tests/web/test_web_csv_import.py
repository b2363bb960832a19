"""The three CSV imports of the console share one reader (db/csv_import.py): what a spreadsheet saves is read, and
every refused row is shown with its line and reason."""

from __future__ import annotations

import codecs
import re

from playwright.sync_api import expect


def test_network_import_reads_an_excel_semicolon_file_and_lists_the_bad_row(page_as, live_server, tmp_path):
    """A `;`-separated file with a byte-order mark (Excel, European locale) adds the good member, names line 3."""
    path = tmp_path / "network.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"name;email;languages\r\nAmina Diallo;amina.csv@example.org;en|fr\r\n"
                     b"Bo;not-an-address;en\r\n")
    page = page_as("admin")
    page.goto(live_server.url + "/mobilize/network")
    page.get_by_label("Import a CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    report = page.get_by_role("region", name=re.compile("Last import"))
    expect(report).to_contain_text("1 member(s) added, 0 updated, 1 row(s) refused")
    expect(report).to_contain_text("Line 3: email 'not-an-address' is not an email address")
    expect(page.get_by_role("link", name="Amina Diallo")).to_be_visible()


def test_editors_import_reads_unicode_text_and_lists_the_bad_row(page_as, live_server, tmp_path):
    """Excel's "Unicode text" (UTF-16, tabs) imports the Arabic-named editor and refuses the row without opt-in."""
    path = tmp_path / "editors.txt"
    path.write_bytes("email\tname\tlanguage\topt_in_source\nsahifa@example.org\tسارة\tar\tforum\n"
                     "nope@example.org\tN\ten\t\n".encode("utf-16"))
    page = page_as("admin")
    page.goto(live_server.url + "/distribute/editors")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-summary")).to_contain_text("1 editors added, 0 updated, 1 rows refused")
    refused = page.get_by_role("table", name=re.compile("Refused rows")).locator("tbody tr")
    expect(refused).to_have_count(1)
    expect(refused.first).to_contain_text("3")
    expect(refused.first).to_contain_text("no opt-in source")


def test_registry_import_of_a_file_that_is_not_utf8_says_how_to_save_it(page_as, live_server, tmp_path):
    """A Latin-1 file is not garbled into the registry: the report says to save it as CSV UTF-8."""
    path = tmp_path / "friends.csv"
    path.write_bytes("name,kind\nCôte d'Ivoire,state\n".encode("latin-1"))
    page = page_as("admin")
    page.goto(live_server.url + "/registry/friends")
    page.get_by_label("CSV file (UTF-8)").set_input_files(str(path))
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("0 accepted")
    expect(page.get_by_role("table", name=re.compile("Rows not imported"))).to_contain_text(
        "not UTF-8 text: save it as CSV UTF-8")
