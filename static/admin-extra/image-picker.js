// The image picker beside the article's text (templates/admin/articles/article/change_form.html).
// Without this script the editor types the ids the list shows; with it, "Insert" puts
// ![](image:ID) at the cursor, on a line of its own (a figure), and the preview follows.
(function () {
  "use strict";
  var body = document.getElementById("id_body");
  var buttons = document.querySelectorAll(".image-insert");
  if (!body || !buttons.length) {
    return;
  }

  function insert(id) {
    var text = body.value;
    var start = body.selectionStart;
    var end = body.selectionEnd;
    var before = text.slice(0, start);
    var after = text.slice(end);
    var opening = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
    var closing = after === "" || /^\n\n/.test(after) ? "" : /^\n/.test(after) ? "\n" : "\n\n";
    var markup = opening + "![](image:" + id + ")" + closing;
    body.focus();
    body.setRangeText(markup, start, end, "end");
    // The preview (preview.js) and Django's "unsaved changes" logic listen for input.
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      insert(button.getAttribute("data-image-id"));
    });
  });
})();
