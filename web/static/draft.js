// The shared draft's editor (web/templates/members/draft.html): live Markdown preview (marked, cleaned by
// DOMPurify), word count against the target length, autosave with the revision it was based on. When a co-author
// saved in between, the server answers 409 and the page submits the form normally: the server then shows both
// versions side by side (nothing is overwritten). No inline script: the CSP only allows files from /static.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form) { return; }
  var body = document.getElementById("f-body");
  var title = document.getElementById("f-title");
  var base = document.getElementById("f-base_revision");
  var preview = document.getElementById("preview");
  var previewTitle = document.getElementById("preview-title");
  var counter = document.getElementById("word-count");
  var status = document.getElementById("save-status");
  var min = parseInt(form.dataset.targetMin, 10), max = parseInt(form.dataset.targetMax, 10);
  var csrf = document.querySelector("meta[name=csrf-token]").content;
  var IDLE_MS = 4000;
  var timer = null, saving = false, dirty = false, submitting = false;

  function say(text) { status.textContent = text; }

  function render() {
    var html = window.marked ? window.marked.parse(body.value || "") : "";
    preview.innerHTML = window.DOMPurify ? window.DOMPurify.sanitize(html) : "";
    previewTitle.textContent = title.value;
    var words = (preview.textContent.match(/[\p{L}\p{N}'’-]+/gu) || []).length;
    var verdict = words < min ? form.dataset.msgShort : (words > max ? form.dataset.msgLong : form.dataset.msgOk);
    counter.textContent = form.dataset.msgWords.replace("{count}", words) + " · " + verdict;
    counter.dataset.words = String(words);
  }

  function autosave() {
    timer = null;
    if (!dirty || submitting) { return; }
    if (saving) { schedule(); return; }
    saving = true; dirty = false;
    say(form.dataset.msgSaving);
    fetch(form.dataset.autosaveUrl, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      saving = false;
      if (result.status === 200) {
        var previous = base.value;
        base.value = String(result.data.revision);
        // the "I agree to submit revision N" button now means the revision just saved
        document.querySelectorAll("form.agree-submit").forEach(function (agree) {
          var field = agree.querySelector("input[name=base_revision]");
          var button = agree.querySelector("button");
          if (field) { field.value = base.value; }
          if (button) { button.textContent = button.textContent.replace(previous, base.value); }
        });
        say(form.dataset.msgSaved.replace("{n}", result.data.revision));
      } else if (result.status === 409) {
        say(form.dataset.msgConflict);
        submitting = true;
        form.submit();  // the server compares both versions and lets the author choose
      } else {
        dirty = true;
        say(form.dataset.msgFailed.replace("{error}", result.data.error || result.status));
      }
    }).catch(function (error) {
      saving = false; dirty = true;
      say(form.dataset.msgFailed.replace("{error}", error.message));
    });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(autosave, IDLE_MS);
  }

  function changed() {
    dirty = true;
    say(form.dataset.msgUnsaved);
    render();
    schedule();
  }

  body.addEventListener("input", changed);
  title.addEventListener("input", changed);
  form.addEventListener("submit", function () { submitting = true; if (timer) { clearTimeout(timer); } });
  window.addEventListener("load", render);
  if (window.marked) { render(); }
})();
