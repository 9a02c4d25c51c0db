// Progressive enhancement of the "Your PDF is being prepared" page: instead of reloading
// the whole page (its <noscript> meta refresh), ask the same address for JSON, say how
// long it has been, and start the download when the PDF is ready.
(function () {
  "use strict";
  var box = document.querySelector("[data-pdf-status]");
  if (!box || !window.fetch) { return; }
  var url = box.dataset.pdfStatus + "?format=json";
  var progress = box.querySelector(".pdf-progress");
  var started = Date.now();
  progress.hidden = false;

  function say(text) { progress.textContent = text; }

  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        if (job.ready) {
          say("Your PDF is ready: the download is starting.");
          window.location.href = job.download_url;
        } else if (job.failed) {
          window.location.reload();  // the page then says what went wrong
        } else {
          var seconds = Math.round((Date.now() - started) / 1000);
          say("Still preparing your PDF (" + seconds + " seconds so far) …");
          window.setTimeout(check, 1500);
        }
      })
      .catch(function () { window.setTimeout(check, 3000); });
  }
  say("Preparing your PDF …");
  window.setTimeout(check, 1000);
}());
