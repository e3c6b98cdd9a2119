// The comment form's anti-bot timing. The article page is the same for every reader (a
// shared cache keeps it), so it carries no token: when the reader first starts on the form,
// this fetches a fresh signed token from the site and puts it into the hidden field. The
// moderation rules then judge how fast the comment was posted after that moment. Without
// this script (no JavaScript) a comment is still accepted, and waits for a moderator.
(function () {
  "use strict";
  var form = document.getElementById("commentform");
  if (!form || !form.elements.token || !window.fetch) {
    return;
  }
  var field = form.elements.token;
  var asked = false;

  function fetchToken() {
    if (asked || field.value) {
      return;
    }
    asked = true;
    fetch(field.getAttribute("data-token-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.token) {
          field.value = data.token;
        }
      })
      .catch(function () {
        asked = false; // try again at the next keystroke
      });
  }

  form.addEventListener("focusin", fetchToken);
  form.addEventListener("input", fetchToken);
})();
