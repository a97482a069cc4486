// The baseline: exceljs's own streaming read of a workbook, rows counted and nothing else done.
import ExcelJS from "exceljs";

const reader = new ExcelJS.stream.xlsx.WorkbookReader(process.argv[2], {
  sharedStrings: "cache",
  styles: "cache",
  hyperlinks: "ignore",
  worksheets: "emit",
});
let rows = 0;
for await (const sheet of reader) {
  for await (const row of sheet) if (row.values.length > 0) rows++;
  break;
}
console.log(`exceljs read ${rows} rows`);
