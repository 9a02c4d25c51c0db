// Progressive enhancement of the update form: when an actual finish is entered for an item
// whose chosen status does not count as complete, propose a complete status. The form
// works the same without this script; the server checks the same rule.
(function () {
  "use strict";
  var form = document.querySelector("form[data-complete-statuses]");
  if (!form) { return; }
  var complete = form.dataset.completeStatuses.split(",");
  // The least claiming complete status (e.g. Green "Action completed" rather than Blue).
  var proposal = complete[complete.length - 1];

  form.querySelectorAll("input[name$='-actual_finish']").forEach(function (finish) {
    finish.addEventListener("change", function () {
      if (!finish.value.trim()) { return; }
      var prefix = finish.name.replace(/-actual_finish$/, "");
      var select = form.querySelector("select[name='" + prefix + "-status']");
      if (select) {
        if (complete.indexOf(select.value) === -1) { select.value = proposal; }
        return;
      }
      var chosen = form.querySelector("input[name='" + prefix + "-status']:checked");
      if (!chosen || complete.indexOf(chosen.value) === -1) {
        var radio = form.querySelector("input[name='" + prefix + "-status'][value='" + proposal + "']");
        if (radio) { radio.checked = true; }
      }
    });
  });
}());
