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

// A folded table, once opened, can be left without passing each of its fields: a link at its
// top leads past it, to the next table or to the save buttons.
function addSkipLinks() {
  const groups = [...document.querySelectorAll(".js-inline-admin-formset")];
  groups.forEach((group, index) => {
    const summary = group.querySelector("details > summary");
    const next = index + 1 < groups.length ? groups[index + 1].id : "spara";
    if (!summary || !document.getElementById(next)) {
      return;
    }
    const heading = group.querySelector(".inline-heading");
    const link = document.createElement("a");
    link.href = `#${next}`;
    link.className = "skip-past";
    link.textContent = `Hoppa förbi ${heading ? heading.textContent.trim().toLowerCase() : "tabellen"}`;
    summary.after(link);
  });
}

// A table wider than the screen scrolls in its own box. Where the box holds nothing the keyboard
// can reach (a table with no rows yet), the box itself takes the focus, so it can be scrolled
// with the arrow keys, and is named by its table's heading.
function scrollableTablesReachable() {
  document.querySelectorAll(".inline-group .tabular").forEach((box) => {
    const reachable = box.querySelector("a[href], button, input:not([type=hidden]), select, textarea, [tabindex]");
    if (reachable || box.scrollWidth <= box.clientWidth) {
      return;
    }
    const heading = box.closest(".inline-group")?.querySelector(".inline-heading, h2");
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", heading ? heading.textContent.trim() : "Tabell");
  });
}

document.addEventListener("DOMContentLoaded", addSkipLinks);
document.addEventListener("DOMContentLoaded", scrollableTablesReachable);
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

// Widgets the admin's scripts draw, named as the fields they stand for. A choice with search
// (select2) is read by its chosen text alone, which says nothing when nothing is chosen; the
// search icon of a two-list choice carries a label that its element may not have.
function nameScriptedWidgets(root) {
  root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const combobox = select.nextElementSibling &&
      select.nextElementSibling.querySelector(".select2-selection[role='combobox']");
    if (!combobox || !select.id || document.getElementById(`${select.id}-name`)) {
      return;
    }
    const label = document.querySelector(`label[for='${select.id}']`);
    const text = select.getAttribute("aria-label") ||
      (label ? label.textContent.replace(/:\s*$/, "").trim() : "");
    if (!text) {
      return;
    }
    const name = document.createElement("span");
    name.id = `${select.id}-name`;
    name.hidden = true;
    name.textContent = text;
    select.parentNode.insertBefore(name, select);
    const shown = combobox.getAttribute("aria-labelledby") || "";
    combobox.setAttribute("aria-labelledby", `${name.id} ${shown}`.trim());
    // The chosen text is read as part of the choice's name; on its own it is no text box.
    const chosen = shown && document.getElementById(shown);
    if (chosen) {
      chosen.removeAttribute("role");
      chosen.removeAttribute("aria-readonly");
    }
  });
  root.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
}

// After every other script's own load handler has drawn its widgets.
window.addEventListener("load", () => setTimeout(() => nameScriptedWidgets(document), 0));

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
  setTimeout(() => nameScriptedWidgets(row), 0);
});
