import type { Catalogue } from "./catalogue.js";

export const nl: Catalogue = {
  reasons: {
    required: "{field} is verplicht, maar leeg",
    invalid_email: "{field} is geen geldig e-mailadres",
    invalid_date: "{field} is geen geldige datum (gebruik dd/mm/yyyy)",
    invalid_gender: "{field} is onbekend; gebruik m, v, a of o (leeg is onbekend)",
    invalid_phone: "{field} is geen geldig telefoonnummer; schrijf het in de internationale vorm, bijv. +31 6 12345678",
    invalid_bsn: "{field} is geen geldig BSN",
    invalid_role: "{field} is geen bekende groep; kies uit {roles}",
    invalid_id: "{field} is geen geldig ID",
    duplicate_in_file: "herhaalt rij {ref} van dit bestand; alleen rij {ref} telt",
    conflict_in_file:
      "{field} staat vaker in dit bestand (ook in rij {ref}), met andere gegevens; niet te zeggen welke rij klopt",
    external_id_in_use: "{field} is op het platform al in gebruik",
    email_in_use: "{field} is op het platform al in gebruik (actief of inactief, cliënt of professional)",
    bsn_in_use: "{field} is op het platform al in gebruik",
    not_found: "het account bestaat niet op het platform",
    client_not_found: "de cliënt bestaat niet op het platform",
    professional_not_found: "de professional bestaat niet op het platform",
    email_mismatch: "{field} hoort niet bij dit account (controle mislukt)",
    externally_managed: "het account wordt beheerd door een extern systeem en mag hier niet worden gewijzigd",
    already_exists: "het account bestaat al zoals in deze rij beschreven",
    changed_since_test_run: "de uitkomst is veranderd sinds de goedgekeurde testrun; niet uitgevoerd",
    api_error: "het platform weigerde",
    cell_error: "{field}: de cel toont {value}: herstel de formule of typ de waarde",
    unsafe_value:
      "{field} bevat tekens die niet op het platform mogen komen (stuur-, richting- of onzichtbare tekens, of een =, +, - of @ vooraan die een spreadsheet als formule uitvoert)",
    inactive_account:
      "er is al een inactief account zoals in deze rij beschreven; een onderbroken run kan het hebben aangemaakt: hervat die run met dezelfde opdracht (dezelfde --out), dan wordt het geactiveerd",
    missing_on_platform:
      "het journaal zegt dat deze rij is uitgevoerd, maar het platform heeft de uitkomst niet (meer)",
    stored_differently:
      "het platform nam deze rij aan, maar bewaart niet wat is gestuurd voor {fields} (een instelling van het platform laat deze velden mogelijk weg of verandert ze); de run is na deze rij gestopt",
    depends_on_row:
      "hangt af van {ref}, die niet wordt uitgevoerd (ongeldig, dubbel of afgevallen); corrigeer die rij eerst",
  },
  details: {
    unavailable: "het platform bleef falen (geen antwoord na elke poging)",
    earlier_start:
      "een eerdere start van deze run heeft deze rij geschreven, en het platform bewaart haar niet zoals het blad haar geeft; corrigeer het account op het platform (of met een wijzigingsblad)",
    formula_without_value:
      "{field}: formule zonder berekende waarde: open en bewaar het bestand in Excel, of plak de waarden",
    formula_zero:
      "{field}: elke formule in deze kolom geeft 0 of niets, dus geen enkele is berekend: open en bewaar het bestand in Excel, of plak de waarden",
    formula_start: "{field} begint met =, +, - of @, wat een spreadsheet als formule uitvoert; haal dat teken weg",
    control: "{field} bevat een stuur- of tekstrichtingteken (onzichtbaar in Excel); typ de waarde opnieuw",
    invisible: "{field} bevat een onzichtbaar teken (zonder breedte); typ de waarde opnieuw",
    excel_number: "Excel heeft dit ID in een getal veranderd en cijfers verloren: maak de kolom tekst",
    too_long: "{field} is te lang (hoogstens 64 tekens voor een ID, 100 voor een naam)",
    wrong_kind: "{field} is de URL van een ander soort account",
    american: "{field} staat in Amerikaanse volgorde (maand/dag); gebruik dd/mm/yyyy",
    excel_american:
      "Excel heeft deze datum als maand/dag gelezen, zoals andere datums in deze kolom laten zien; controleer hem en maak de kolom tekst",
    two_digit_year: "{field} heeft een jaartal van 2 cijfers; gebruik 4 cijfers",
    future: "{field} ligt in de toekomst",
    too_old: "{field} ligt vóór 1900",
    not_a_date: "{field} is geen datum (gebruik dd/mm/yyyy)",
    length: "{field} moet 9 cijfers hebben",
    checksum: "{field} voldoet niet aan de elfproef",
  },
  statuses: {
    valid: "geldig",
    planned: "gepland",
    done: "uitgevoerd",
    unchanged: "ongewijzigd",
    invalid: "ongeldig",
    duplicate: "dubbel",
    dropout: "uitval",
    failed: "mislukt",
  },
  warnings: {
    unknown_column: 'Kolom {column} ("{header}") is onbekend en wordt genegeerd.',
    ignored_column: "Kolom {column} wordt genegeerd: het platform heeft dit veld niet.",
    other_sheets: 'Het bestand heeft {sheets} werkbladen; alleen "{sheet}" is gelezen.',
    hidden_sheet: 'Het werkblad "{sheet}" is verborgen.',
    hidden_rows: "Verborgen rijen zijn wel gelezen: {rows}.",
    bsn_padded:
      "BSN's met minder dan 9 cijfers zijn aangevuld met voorloopnullen (Excel had ze weggelaten): rijen {rows}.",
    american_dates: "Kolom {column}: Excel heeft datums in Amerikaanse volgorde gelezen: rijen {rows}.",
    macros: "Het bestand bevat macro's (.xlsm); die zijn niet uitgevoerd, alleen de gegevens zijn gelezen.",
    merged_cells:
      "Samengevoegde cellen ({ranges}): alleen de cel linksboven van zo'n bereik bevat een waarde; de andere cellen zijn als leeg gelezen.",
    unnamed_column: "Kolom {column} heeft geen kop maar wel gegevens; die kolom is niet gelezen.",
    formula_column:
      "Kolom {column} bevat formules; hun berekende waarden zijn gelezen: controleer of dat de bedoelde waarden zijn.",
    sheets_skipped: 'Het blad "{sheet}" is gelezen; overgeslagen: {skipped}.',
    rows_above_header: "De kopregel is rij {header}; de rijen erboven zijn niet gelezen: {rows}.",
    number_format:
      "Kolom {column}: getallen zijn gelezen zoals hun getalnotatie ze toont (voorloopnullen, vaste tekst): rijen {rows}.",
    no_data_rows:
      "Het werkblad heeft een kopregel (rij {header_row}) maar geen rijen met gegevens: er is niets te importeren.",
    sheet_skipped: 'Het blad "{sheet}" past bij geen script en is overgeslagen.',
  },
  sheetRef: 'rij {row} van blad "{sheet}"',
  crossSheet: {
    conflict_in_file:
      "{field} staat ook in {ref}, met andere gegevens; een e-mailadres hoort bij één account (cliënt of professional)",
  },
  labels: {
    row: "Rij",
    status: "Status",
    reason: "Reden",
    summary: "Samenvatting",
    report: "Rapport",
    script: "Script",
    mode: "Soort",
    file: "Bestand (sha256)",
    sheet: "Werkblad",
    rows: "Rijen",
    count: "Aantal",
    created: "Gemaakt",
    platform: "Platform",
    notes: "Opmerkingen",
    moreRow: "en nog 1 rij (zie report.json)",
    moreRows: "en nog {n} rijen (zie report.json)",
  },
  modes: { validate: "controle", "test-run": "testrun", run: "definitieve run" },
};
