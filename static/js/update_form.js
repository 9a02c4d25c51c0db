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

// Writing on the update form is never lost (the form works the same without this):
// - while the lead types, the session is kept alive, and its end is announced;
// - the form's values are kept in this browser (localStorage) as they are typed, and
//   offered back when the form is next opened showing other values: after a save that
//   landed on the sign-in page, a closed tab or a crash;
// - leaving the page with changes not yet sent asks first;
// - "Copy last month's text" fills a narrative from last month's.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-key]");
  if (!form) { return; }

  var DRAFT_PREFIX = "update:";
  var DRAFT_KEY = form.dataset.draftKey;
  var DRAFT_DAYS = 30;
  // A session ends after an hour without a request; typing makes none.
  var PING_EVERY = 5 * 60 * 1000;
  // Once the session has ended, how soon to look again for a sign-in in another tab.
  var RETRY_EVERY = 30 * 1000;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  // --- The form's values -------------------------------------------------------------

  // What the lead writes: textareas, text inputs, radios and selects. Not the CSRF
  // token, the month or the versions (hidden), nor buttons.
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return false; }
      var tag = el.tagName.toLowerCase();
      if (tag === "textarea" || tag === "select") { return true; }
      return tag === "input" && (el.type === "text" || el.type === "radio");
    });
  }

  function values() {
    var result = {};
    fields().forEach(function (el) {
      if (el.type === "radio") {
        if (!(el.name in result)) { result[el.name] = ""; }
        if (el.checked) { result[el.name] = el.value; }
      } else {
        result[el.name] = el.value;
      }
    });
    return result;
  }

  function fill(saved) {
    fields().forEach(function (el) {
      if (!(el.name in saved)) { return; }
      if (el.type === "radio") {
        el.checked = el.value === saved[el.name];
      } else {
        el.value = saved[el.name];
      }
    });
  }

  // The version of each item's update the values were written against (hidden fields).
  function versionInputs() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.type === "hidden" && /(^|-)version$/.test(el.name);
    });
  }

  function versions() {
    var result = {};
    versionInputs().forEach(function (el) { result[el.name] = el.value; });
    return result;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // Dates as the server shows them (30/06/2009), so "30/6/09" typed and saved compares
  // equal to the page that comes back. The accepted forms are DATE_INPUT_FORMATS'.
  function canonicalDate(value) {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(value);
    var year;
    if (m) {
      year = parseInt(m[3], 10);
      if (m[3].length === 2) { year += year < 69 ? 2000 : 1900; }
      return pad(parseInt(m[1], 10)) + "/" + pad(parseInt(m[2], 10)) + "/" + year;
    }
    m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
    if (m) {
      return pad(parseInt(m[3], 10)) + "/" + pad(parseInt(m[2], 10)) + "/" + m[1];
    }
    return value;
  }

  // As the server keeps a value: without the white space at either end (Django strips
  // it), with the browser's line ends.
  function normalised(name, value) {
    var text = String(value).replace(/\r\n?/g, "\n").trim();
    return /actual_finish$/.test(name) ? canonicalDate(text) : text;
  }

  // Whether `saved` holds anything other than `shown`, over the fields on the page.
  function differs(saved, shown) {
    return Object.keys(saved).some(function (name) {
      return name in shown &&
        normalised(name, saved[name]) !== normalised(name, shown[name]);
    });
  }

  // --- The draft in this browser -----------------------------------------------------

  var storage = null;
  try {
    storage = window.localStorage;
    storage.getItem(DRAFT_KEY);
  } catch (e) {
    storage = null; // Storage refused (a browser setting): no drafts, the rest works.
  }

  function draftRead(key) {
    var draft;
    try {
      draft = JSON.parse(storage.getItem(key));
    } catch (e) {
      return null;
    }
    return draft && typeof draft.savedAt === "number" && draft.values ? draft : null;
  }

  function draftWrite() {
    if (!storage) { return; }
    try {
      storage.setItem(DRAFT_KEY, JSON.stringify({
        savedAt: Date.now(), values: values(), versions: versions()
      }));
    } catch (e) {
      // Storage full: the form still works, only this safety net is missing.
    }
  }

  function draftRemove() {
    if (storage) { storage.removeItem(DRAFT_KEY); }
  }

  // Drafts of any form older than DRAFT_DAYS go: that month's update is long done.
  function draftsPrune() {
    var oldest = Date.now() - DRAFT_DAYS * 24 * 60 * 60 * 1000;
    var key, i, draft;
    for (i = storage.length - 1; i >= 0; i -= 1) {
      key = storage.key(i);
      if (key && key.indexOf(DRAFT_PREFIX) === 0) {
        draft = draftRead(key);
        if (!draft || draft.savedAt < oldest) { storage.removeItem(key); }
      }
    }
  }

  function when(time) {
    var at = new Date(time);
    var today = new Date();
    var clock = pad(at.getHours()) + ":" + pad(at.getMinutes());
    if (at.toDateString() === today.toDateString()) { return clock; }
    return clock + " on " + at.getDate() + " " + MONTHS[at.getMonth()];
  }

  function button(text, className) {
    var el = document.createElement("button");
    el.type = "button";
    el.className = className;
    el.textContent = text;
    return el;
  }

  // A page showing errors or an edit conflict shows values that were posted but not
  // saved: they are all unsaved changes, to keep and to warn about.
  var unsavedOnLoad = Boolean(
    document.getElementById("error-summary-title") ||
    document.getElementById("conflict-title")
  );
  var shownOnLoad = values();
  var submitting = false;
  var offered = null; // The draft the notice offers, until restored or discarded.

  function changed() {
    return unsavedOnLoad || differs(values(), shownOnLoad);
  }

  function noticeShow(draft) {
    var notice = document.createElement("div");
    var message = document.createElement("p");
    var actions = document.createElement("div");
    var restore = button("Restore them", "button button--small");
    var discard = button("Discard them", "button button--secondary button--small");
    var time = when(draft.savedAt);
    notice.className = "notice draft-notice";
    notice.setAttribute("role", "status");
    notice.tabIndex = -1;
    message.className = "draft-notice__message";
    message.textContent = "You have unsaved changes from " + time + " on this device.";
    actions.className = "button-group draft-notice__actions";
    actions.appendChild(restore);
    actions.appendChild(discard);
    notice.appendChild(message);
    notice.appendChild(actions);
    form.insertBefore(notice, form.firstChild);

    function answered(text) {
      offered = null;
      message.textContent = text;
      notice.removeChild(actions);
      notice.focus();
    }

    restore.addEventListener("click", function () {
      fill(draft.values);
      // Against the versions the text was written for: the server then reports any
      // change someone else saved since, rather than the restore replacing it unseen.
      versionInputs().forEach(function (el) {
        if (draft.versions && draft.versions[el.name] !== undefined) {
          el.value = draft.versions[el.name];
        }
      });
      draftWrite();
      answered("Your changes from " + time + " are back in the form. " +
        "They are not saved until you save the form.");
    });
    discard.addEventListener("click", function () {
      draftRemove();
      answered("Your unsaved changes from " + time + " have been discarded.");
    });
  }

  if (storage) {
    draftsPrune();
    var stored = draftRead(DRAFT_KEY);
    if (unsavedOnLoad) {
      draftWrite();
    } else if (stored && differs(stored.values, shownOnLoad)) {
      offered = stored;
      noticeShow(stored);
    } else if (stored) {
      // The values were saved (or never changed): nothing to offer.
      draftRemove();
    }
  }

  function onEdit() {
    if (changed()) {
      draftWrite();
    } else if (!offered) {
      // Back to the values shown: nothing to keep. A draft still on offer is kept.
      draftRemove();
    }
    keepAlive();
  }

  form.addEventListener("input", onEdit);
  // The status proposed for an actual finish is set by script, after its change event.
  form.addEventListener("change", onEdit);

  // Not cleared on submit: the post may land on the sign-in page, and the draft is what
  // brings the text back after signing in. The next page load that shows these values
  // removes it.
  form.addEventListener("submit", function () {
    submitting = true;
    csrfRefresh();
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !changed()) { return; }
    event.preventDefault();
    event.returnValue = ""; // Older browsers show the dialog only with this set.
  });

  // --- Keeping the session alive -----------------------------------------------------

  var keepaliveUrl = form.dataset.keepaliveUrl;
  var lastPing = Date.now(); // Loading this page renewed the session.
  var pinging = false;
  var ended = false;
  var everEnded = false;
  var alertBox = null;

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function csrfInput() {
    return form.querySelector("input[name='csrfmiddlewaretoken']");
  }

  function csrfToken() {
    // Signing in again (in another tab) replaces the CSRF token the page was given;
    // the cookie has the new one.
    var fresh = everEnded ? cookie("csrftoken") : null;
    var input = csrfInput();
    return fresh || (input ? input.value : "");
  }

  function csrfRefresh() {
    var input = csrfInput();
    var fresh = everEnded ? cookie("csrftoken") : null;
    if (input && fresh) { input.value = fresh; }
  }

  function alertShow(loginUrl) {
    var link;
    if (!alertBox) {
      alertBox = document.createElement("div");
      alertBox.setAttribute("role", "alert");
      form.insertBefore(alertBox, form.firstChild);
    }
    alertBox.className = "notice notice--warning session-alert";
    alertBox.textContent = "";
    alertBox.appendChild(document.createTextNode("Your session has ended: "));
    if (loginUrl) {
      link = document.createElement("a");
      link.href = loginUrl;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = "sign in again in another tab";
      alertBox.appendChild(link);
    } else {
      alertBox.appendChild(document.createTextNode("sign in again in another tab"));
    }
    alertBox.appendChild(document.createTextNode("; your text is kept in this browser."));
  }

  function alertResolve() {
    if (!alertBox) { return; }
    alertBox.className = "notice session-alert session-alert--resolved";
    alertBox.textContent = "You are signed in again. Save the form to keep your text.";
  }

  function ping() {
    if (!keepaliveUrl || !window.fetch) { return; }
    pinging = true;
    lastPing = Date.now();
    window.fetch(keepaliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest" }
    }).then(function (response) {
      pinging = false;
      if (response.status === 204) {  // Still signed in: the session was renewed.
        if (ended) {
          ended = false;
          alertResolve();
        }
        return null;
      }
      if (response.status !== 200) { return null; }  // A passing fault: try again later.
      return response.json().then(function (body) {
        if (body && body.signed_in === false) {
          ended = everEnded = true;
          alertShow(body.login_url);
        }
      }, function () { return null; });
    }, function () {
      pinging = false; // Offline for a moment: the next keystroke tries again.
    });
  }

  function keepAlive() {
    if (!pinging && Date.now() - lastPing >= (ended ? RETRY_EVERY : PING_EVERY)) {
      ping();
    }
  }

  // Back from signing in in another tab: find out at once.
  window.addEventListener("focus", function () {
    if (ended && !pinging) { ping(); }
  });

  // --- Copy last month's text --------------------------------------------------------

  form.querySelectorAll("textarea[data-last-text]").forEach(function (textarea) {
    var label = form.querySelector("label[for='" + textarea.id + "']");
    if (!label) { return; }
    var section = textarea.closest("section");
    var heading = section ? section.querySelector("h2, h3") : null;
    var field = label.textContent.trim();
    var item = heading ? heading.textContent.trim() : "";
    var copy = button("Copy last month's text", "link-button copy-last");
    var context = document.createElement("span");
    context.className = "visually-hidden";
    context.textContent = " into " + field + (item ? ", " + item : "");
    copy.appendChild(context);
    label.parentNode.insertBefore(copy, label.nextSibling);

    copy.addEventListener("click", function () {
      var last = textarea.dataset.lastText;
      if (textarea.value === last) { textarea.focus(); return; }
      if (textarea.value.trim() && !window.confirm(
        "Replace the text in " + field + (item ? " (" + item + ")" : "") +
        " with last month's text?"
      )) { return; }
      textarea.value = last;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      textarea.focus();
    });
  });
}());
