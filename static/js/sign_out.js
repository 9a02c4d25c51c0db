// Signing out forgets the update-form drafts this browser kept (static/js/update_form.js),
// so that on a shared council computer the next person cannot read a lead's unsaved text.
(function () {
  "use strict";
  var form = document.querySelector("form[data-sign-out]");
  if (!form || !window.localStorage) { return; }
  form.addEventListener("submit", function () {
    try {
      for (var i = window.localStorage.length - 1; i >= 0; i -= 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("update:") === 0) { window.localStorage.removeItem(key); }
      }
    } catch (e) { /* storage refused: nothing was kept */ }
  });
}());
