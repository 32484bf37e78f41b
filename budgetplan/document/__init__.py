"""The case's document: the whole case read for the page (selectors), its exports (page, PDF,
workbook), its change log, and its life (draft → proposed → decided), whose guard plugs into the
kernel's write path."""
