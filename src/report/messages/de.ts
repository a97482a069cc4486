import type { Catalogue } from "./catalogue.js";

export const de: Catalogue = {
  reasons: {
    required: "{field} ist Pflicht, aber leer",
    invalid_email: "{field} ist keine gültige E-Mail-Adresse",
    invalid_date: "{field} ist kein gültiges Datum (dd/mm/yyyy verwenden)",
    invalid_gender: "{field} ist unbekannt; m, w, d oder u verwenden (leer heißt unbekannt)",
    invalid_phone:
      "{field} ist keine gültige Telefonnummer; schreiben Sie sie in internationaler Form, z. B. +49 151 23456789",
    invalid_bsn: "{field} ist keine gültige BSN",
    invalid_role: "{field} ist keine bekannte Gruppe; wählen Sie aus {roles}",
    invalid_id: "{field} ist keine gültige ID",
    duplicate_in_file: "wiederholt Zeile {ref} dieser Datei; nur Zeile {ref} zählt",
    conflict_in_file:
      "{field} kommt in dieser Datei mehrfach mit anderen Daten vor (auch in Zeile {ref}); es ist nicht zu sagen, welche Zeile stimmt",
    external_id_in_use: "{field} wird auf der Plattform bereits verwendet",
    email_in_use: "{field} wird auf der Plattform bereits verwendet (aktiv oder inaktiv, Klient oder Professional)",
    bsn_in_use: "{field} wird auf der Plattform bereits verwendet",
    not_found: "das Konto existiert auf der Plattform nicht",
    client_not_found: "der Klient existiert auf der Plattform nicht",
    professional_not_found: "der Professional existiert auf der Plattform nicht",
    email_mismatch: "{field} gehört nicht zu diesem Konto (Abgleich fehlgeschlagen)",
    externally_managed: "das Konto wird von einem externen System verwaltet und darf hier nicht geändert werden",
    already_exists: "das Konto existiert bereits so, wie diese Zeile es beschreibt",
    changed_since_test_run: "das Ergebnis hat sich seit dem genehmigten Testlauf geändert; nicht ausgeführt",
    api_error: "die Plattform lehnte ab",
    cell_error: "{field}: die Zelle zeigt {value}: korrigieren Sie die Formel oder tippen Sie den Wert ein",
    unsafe_value:
      "{field} enthält Zeichen, die nicht auf die Plattform dürfen (Steuer-, Richtungs- oder unsichtbare Zeichen, oder ein =, +, - oder @ am Anfang, das eine Tabellenkalkulation als Formel ausführt)",
    inactive_account:
      "ein inaktives Konto, wie diese Zeile es beschreibt, existiert bereits; ein unterbrochener Lauf kann es angelegt haben: setzen Sie diesen Lauf mit demselben Befehl (demselben --out) fort, dann wird es aktiviert",
    missing_on_platform: "laut Journal wurde diese Zeile ausgeführt, aber die Plattform hat das Ergebnis nicht (mehr)",
    stored_differently:
      "die Plattform hat diese Zeile angenommen, speichert aber nicht, was für {fields} gesendet wurde (eine Einstellung der Plattform lässt diese Felder womöglich weg oder ändert sie); der Lauf wurde nach dieser Zeile angehalten",
    depends_on_row:
      "hängt von {ref} ab, die nicht ausgeführt wird (ungültig, doppelt oder ausgefallen); korrigieren Sie zuerst diese Zeile",
  },
  details: {
    unavailable: "die Plattform versagte immer wieder (keine Antwort nach jedem Versuch)",
    earlier_start:
      "ein früherer Start dieses Laufs hat diese Zeile geschrieben, und die Plattform speichert sie nicht so, wie das Blatt sie angibt; korrigieren Sie das Konto auf der Plattform (oder mit einem Änderungsblatt)",
    formula_without_value:
      "{field}: Formel ohne berechneten Wert: öffnen und speichern Sie die Datei in Excel, oder fügen Sie die Werte ein",
    formula_zero:
      "{field}: jede Formel dieser Spalte ergibt 0 oder nichts, also wurde keine berechnet: öffnen und speichern Sie die Datei in Excel, oder fügen Sie die Werte ein",
    formula_start:
      "{field} beginnt mit =, +, - oder @, was eine Tabellenkalkulation als Formel ausführt; entfernen Sie dieses Zeichen",
    control: "{field} enthält ein Steuer- oder Textrichtungszeichen (in Excel unsichtbar); tippen Sie den Wert neu ein",
    invisible: "{field} enthält ein unsichtbares Zeichen (ohne Breite); tippen Sie den Wert neu ein",
    excel_number:
      "Excel hat diese ID in eine Zahl verwandelt und Ziffern verloren: formatieren Sie die Spalte als Text",
    too_long: "{field} ist zu lang (höchstens 64 Zeichen für eine ID, 100 für einen Namen)",
    wrong_kind: "{field} ist die URL einer anderen Art von Konto",
    american: "{field} steht in amerikanischer Reihenfolge (Monat/Tag); dd/mm/yyyy verwenden",
    excel_american:
      "Excel hat dieses Datum als Monat/Tag gelesen, wie andere Daten in dieser Spalte zeigen; prüfen Sie es und formatieren Sie die Spalte als Text",
    two_digit_year: "{field} hat eine zweistellige Jahreszahl; vier Ziffern verwenden",
    future: "{field} liegt in der Zukunft",
    too_old: "{field} liegt vor 1900",
    not_a_date: "{field} ist kein Datum (dd/mm/yyyy verwenden)",
    length: "{field} muss 9 Ziffern haben",
    checksum: "{field} besteht die Elferprobe nicht",
  },
  statuses: {
    valid: "gültig",
    planned: "geplant",
    done: "ausgeführt",
    unchanged: "unverändert",
    invalid: "ungültig",
    duplicate: "doppelt",
    dropout: "Ausfall",
    failed: "fehlgeschlagen",
  },
  warnings: {
    unknown_column: 'Spalte {column} ("{header}") ist unbekannt und wird ignoriert.',
    ignored_column: "Spalte {column} wird ignoriert: die Plattform hat dieses Feld nicht.",
    other_sheets: 'Die Datei hat {sheets} Tabellenblätter; nur "{sheet}" wurde gelesen.',
    hidden_sheet: 'Das Tabellenblatt "{sheet}" ist ausgeblendet.',
    hidden_rows: "Ausgeblendete Zeilen wurden auch gelesen: {rows}.",
    bsn_padded:
      "BSNs mit weniger als 9 Ziffern wurden mit führenden Nullen ergänzt (Excel hatte sie entfernt): Zeilen {rows}.",
    american_dates: "Spalte {column}: Excel hat Datumsangaben in amerikanischer Reihenfolge gelesen: Zeilen {rows}.",
    macros: "Die Datei enthält Makros (.xlsm); sie wurden nicht ausgeführt, nur die Daten wurden gelesen.",
    merged_cells:
      "Verbundene Zellen ({ranges}): nur die Zelle links oben eines solchen Bereichs enthält einen Wert; die anderen Zellen wurden als leer gelesen.",
    unnamed_column: "Spalte {column} hat keine Überschrift, enthält aber Daten; diese Spalte wurde nicht gelesen.",
    formula_column:
      "Spalte {column} enthält Formeln; ihre berechneten Werte wurden gelesen: prüfen Sie, ob es die gemeinten Werte sind.",
    sheets_skipped: 'Das Blatt "{sheet}" wurde gelesen; übersprungen: {skipped}.',
    rows_above_header: "Die Kopfzeile ist Zeile {header}; die Zeilen darüber wurden nicht gelesen: {rows}.",
    number_format:
      "Spalte {column}: Zahlen wurden so gelesen, wie ihr Zahlenformat sie zeigt (führende Nullen, fester Text): Zeilen {rows}.",
    no_data_rows:
      "Das Tabellenblatt hat eine Kopfzeile (Zeile {header_row}), aber keine Datenzeilen: es gibt nichts zu importieren.",
    sheet_skipped: 'Das Blatt "{sheet}" passt zu keinem Skript und wurde übersprungen.',
  },
  sheetRef: 'Zeile {row} des Blatts "{sheet}"',
  crossSheet: {
    conflict_in_file:
      "{field} steht auch in {ref}, mit anderen Daten; eine E-Mail-Adresse gehört zu einem Konto (Klient oder Fachkraft)",
  },
  labels: {
    row: "Zeile",
    status: "Status",
    reason: "Grund",
    summary: "Zusammenfassung",
    report: "Bericht",
    script: "Skript",
    mode: "Art",
    file: "Datei (sha256)",
    sheet: "Tabellenblatt",
    rows: "Zeilen",
    count: "Anzahl",
    created: "Erstellt",
    platform: "Plattform",
    notes: "Hinweise",
    moreRow: "und 1 weitere Zeile (siehe report.json)",
    moreRows: "und {n} weitere Zeilen (siehe report.json)",
  },
  modes: { validate: "Prüfung", "test-run": "Testlauf", run: "endgültiger Lauf" },
};
