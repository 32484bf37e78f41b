// The admin for keyboard and screen reader: focus on what a save did, numbered names of new rows.
"use strict";

function focusWhatHappened() {
  // After a save (or a refusal), the message says what happened: start there. A form sent back
  // with errors starts at its note on them.
  const target = document.querySelector("[data-focus-on-load]") ||
    document.querySelector("#content-main .errornote");
  if (target) {
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }
}

document.addEventListener("DOMContentLoaded", focusWhatHappened);
// The browser moves to the address's #part after the page has loaded, which can take the focus
// from the message (budgetplan.kernel.admin_base.to_the_message sends a save there for that
// reason); give it back.
window.addEventListener("load", () => {
  const target = document.querySelector("[data-focus-on-load]");
  if (target && !target.contains(document.activeElement)) {
    target.focus();
  }
});

// A row added with "Lägg till" is a copy of the empty row; Django numbers its ids and names,
// this numbers the names its fields are read by ("Startdatum, aktivitet 3 under mål 1.1").
document.addEventListener("formset:added", (event) => {
  const row = event.target;
  const match = /-(\d+)$/.exec(row.id || "");
  if (!match) {
    return;
  }
  const number = String(Number(match[1]) + 1);
  row.querySelectorAll("[aria-label*='__prefix__']").forEach((field) => {
    field.setAttribute("aria-label", field.getAttribute("aria-label").replace("__prefix__", number));
  });
});
