// The case page while its PDF is made in the background (budgetplan.document.pdf_jobs): asks the
// status address every two seconds and shows where the PDF is; when the file of the current
// revision is stored, the message becomes its download link. While the decision is saved, the
// page reloads once the case is decided. Without this script the links still work: the PDF link
// answers with a page that reloads itself until the file is ready.
(function () {
  "use strict";
  var pdf = document.querySelector("[data-pdf-status-url]");
  var decision = document.querySelector("[data-decision-status-url]");
  var element = pdf || decision;
  if (!element || !window.fetch) {
    return;
  }
  var url = element.getAttribute("data-pdf-status-url") || element.getAttribute("data-decision-status-url");
  var tries = 0;

  function showReady(body) {
    var link = document.createElement("a");
    link.href = body.url;
    link.setAttribute("download", "");
    link.textContent = "Ladda ner PDF (revision " + body.revision + ")";
    var item = pdf.parentNode;
    item.textContent = "";
    item.appendChild(link);
  }

  function poll() {
    tries += 1;
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) {
          return;
        }
        if (decision && (body.decided || !body.deciding)) {
          window.location.reload();
          return;
        }
        if (pdf && !decision) {
          pdf.textContent = body.message;
          pdf.className = "pdf-status pdf-status--" + body.state;
          if (body.state === "done" && body.url) {
            showReady(body);
            return;
          }
          if (body.state === "failed") {
            return;
          }
        }
        if (tries < 300) {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        if (tries < 300) {
          window.setTimeout(poll, 5000);
        }
      });
  }
  window.setTimeout(poll, 1000);
})();
