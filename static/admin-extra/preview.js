// The article editor's preview beside the text (templates/admin/articles/article/change_form.html).
// Without this script the "Update the preview" button does the work; with it, the preview
// follows the text: the button is pressed for the editor once their typing pauses.
(function () {
  "use strict";
  var button = document.getElementById("preview-button");
  if (!button || !button.form || typeof button.form.requestSubmit !== "function") {
    return;
  }
  var form = button.form;
  var timer = null;
  var PAUSE_MS = 800;

  function refresh() {
    timer = null;
    form.requestSubmit(button);
  }

  form.addEventListener("input", function (event) {
    var name = event.target && event.target.name;
    if (name !== "title" && name !== "summary" && name !== "body") {
      return;
    }
    if (timer !== null) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(refresh, PAUSE_MS);
  });
})();
