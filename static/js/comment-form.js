// The comment form's script: comforts on top of a form that works without it.
//
// - The anti-bot timing. The article page is the same for every reader (a shared cache
//   keeps it), so it carries no token: when the reader first starts on the form, this
//   fetches a fresh signed token and puts it into the hidden field. Without this script a
//   comment is still accepted, and waits for a moderator.
// - The nonce. A random value, kept for the browser tab, in the hidden "nonce" field: a
//   comment sent again (the first answer never came, the reader pressed Back) is then
//   recognised and shown instead of being posted twice (comments/resubmission.py).
//   Without this script the server recognises the same text from the same reader.
// - "Reply" moves the one form under the comment answered (without a reload), quoting it;
//   "Cancel reply" moves it back. Without the script the link opens ?replyto=, which the
//   server renders the same way (comments/templatetags/comment_tags.py).
// - A character counter against the limit. The textarea's maxlength would cut a long
//   paste without a word; this script lifts it and says how much is too much instead.
// - "Preview": the comment as the site will show it, rendered by the server
//   (comments/views.py, preview_comment), so it is exactly what readers will see.
// - The draft: the text is kept in this tab at each send and put back into an empty form,
//   for a post the site could not answer (Varnish's "may not have been saved" page).
//
// - No "Report" on one's own comment: the thread is the same for every reader, so it has
//   the link; the reader's own part names their comments (data-own-comments) and this
//   removes it there. Without the script the report page says it is their own comment.
//
// Only same-origin requests, and no inline style or script (the Content-Security-Policy).
(function () {
  "use strict";
  document.querySelectorAll("[data-own-comments]").forEach(function (mark) {
    mark.getAttribute("data-own-comments").split(" ").forEach(function (id) {
      var selector = "#comment-" + id + ' a[href$="/comments/' + id + '/report/"]';
      document.querySelectorAll(selector).forEach(function (link) {
        link.remove();
      });
    });
  });
  var form = document.getElementById("commentform");
  if (!form || !form.elements.body) {
    return;
  }
  var textarea = form.elements.body;

  // A polite live region, outside the form (which moves), for what sighted readers see change.
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("aria-live", "polite");
  status.id = "comment-form-status";
  var home = document.getElementById("respond-home");
  (home || form).insertAdjacentElement("afterend", status);

  function announce(text) {
    // Emptied first, so the same words said twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function describeBy(element, id) {
    var ids = (element.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (ids.indexOf(id) < 0) {
      ids.push(id);
      element.setAttribute("aria-describedby", ids.join(" "));
    }
  }

  // --- The form token ---------------------------------------------------------------------
  var tokenField = form.elements.token;
  var asked = false;

  function fetchToken() {
    if (asked || !tokenField || tokenField.value || !window.fetch) {
      return;
    }
    asked = true;
    fetch(tokenField.getAttribute("data-token-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.token) {
          tokenField.value = data.token;
        }
      })
      .catch(function () {
        asked = false; // try again at the next keystroke
      });
  }

  form.addEventListener("focusin", fetchToken);
  form.addEventListener("input", fetchToken);

  // --- The nonce ---------------------------------------------------------------------------
  // Kept in sessionStorage, so that Back, or a reload, gives the form the same one however
  // the browser brings the page back. The server keys a post by nonce, article, parent and
  // text, so one nonce serves every comment of the tab.
  var nonceField = form.elements.nonce;
  var NONCE_KEY = "comment-form-nonce";

  function newNonce() {
    if (!window.crypto || !window.crypto.getRandomValues) {
      return ""; // the server then keys the post by its reader
    }
    return Array.from(window.crypto.getRandomValues(new Uint8Array(16)), function (byte) {
      return byte.toString(16).padStart(2, "0");
    }).join("");
  }

  function tabNonce() {
    var nonce = "";
    try {
      nonce = window.sessionStorage.getItem(NONCE_KEY) || "";
      if (!/^[0-9a-f]{32}$/.test(nonce)) {
        nonce = newNonce();
        window.sessionStorage.setItem(NONCE_KEY, nonce);
      }
    } catch (error) {
      nonce = nonce || newNonce(); // storage refused: this page's own
    }
    return nonce;
  }

  function fillNonce() {
    if (nonceField && !nonceField.value) {
      nonceField.value = tabNonce();
    }
  }

  form.addEventListener("focusin", fillNonce);
  form.addEventListener("input", fillNonce);
  form.addEventListener("submit", fillNonce);

  // --- Reply under the comment ------------------------------------------------------------
  var section = document.getElementById("respond");
  var heading = document.getElementById("reply-title");
  var replyField = form.elements.replyto;
  var QUOTE_LENGTH = 200; // as comments/markup.py QUOTE_LENGTH
  var context = section && section.querySelector(".reply-context");
  var cancelButton = null;
  var replyLink = null; // the "Reply" link answered: focus goes back to it on cancel

  function quoteOf(body) {
    // The comment's words on one line, shortened, as the server quotes them: set as text,
    // never as HTML.
    var copy = body.cloneNode(true);
    copy.querySelectorAll("br").forEach(function (br) {
      br.replaceWith(" ");
    });
    var characters = Array.from(copy.textContent.replace(/\s+/g, " ").trim());
    if (characters.length > QUOTE_LENGTH) {
      return characters.slice(0, QUOTE_LENGTH - 1).join("").trimEnd() + "…";
    }
    return characters.join("");
  }

  function showReplyContext() {
    // The server renders the quote and a "Cancel reply" link for ?replyto=; here the link
    // becomes a button that moves the form back without leaving the page.
    if (!context) {
      context = document.createElement("div");
      context.className = "reply-context";
      var quote = document.createElement("blockquote");
      quote.className = "reply-quote";
      var holder = document.createElement("p");
      holder.className = "reply-cancel";
      context.append(quote, holder);
      heading.insertAdjacentElement("afterend", context);
    }
    if (!cancelButton) {
      cancelButton = document.createElement("button");
      cancelButton.type = "button";
      cancelButton.className = "reply-cancel-button";
      cancelButton.textContent = "Cancel reply";
      cancelButton.addEventListener("click", cancelReply);
      context.querySelector(".reply-cancel").replaceChildren(cancelButton);
    }
    context.hidden = false;
  }

  function addressWith(replyto) {
    // The article's address (after a form error the page shows the post address, which
    // only redirects), keeping the page of comments.
    var url = new URL(window.location.href);
    url.pathname = new URL(form.action).pathname.replace(/comments\/$/, "");
    if (replyto) {
      url.searchParams.set("replyto", replyto);
    } else {
      url.searchParams.delete("replyto");
    }
    url.hash = "respond";
    return url.toString();
  }

  function openReply(link) {
    var id = link.getAttribute("data-replyto");
    var comment = document.getElementById("comment-" + id);
    var actions = link.closest(".comment-actions");
    if (!comment || !actions) {
      return false;
    }
    actions.insertAdjacentElement("afterend", section);
    replyField.value = id;
    var name = comment.querySelector(".comment-author").textContent.trim();
    heading.textContent = "Reply to " + name;
    showReplyContext();
    context.querySelector(".reply-quote").textContent = quoteOf(
      comment.querySelector(".comment-body")
    );
    replyLink = link;
    window.history.replaceState(null, "", addressWith(id));
    textarea.focus();
    announce("Replying to " + name + ". The form is now under their comment.");
    return true;
  }

  function cancelReply() {
    home.insertAdjacentElement("afterend", section);
    replyField.value = "";
    heading.textContent = "Leave a Reply";
    context.hidden = true;
    window.history.replaceState(null, "", addressWith(null));
    announce("Reply cancelled. The form is back at the end of the comments.");
    if (replyLink && document.body.contains(replyLink)) {
      replyLink.focus();
    } else {
      textarea.focus();
    }
    replyLink = null;
  }

  if (section && heading && replyField && home) {
    if (context && replyField.value) {
      // Opened as ?replyto= by the server.
      replyLink = document.querySelector(
        'a.comment-reply-link[data-replyto="' + CSS.escape(replyField.value) + '"]'
      );
      showReplyContext();
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.comment-reply-link");
      if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) {
        return; // a new tab or window gets the page with ?replyto=
      }
      if (openReply(link)) {
        event.preventDefault();
      }
    });
  }

  // --- The character counter --------------------------------------------------------------
  // The limit comes from the page (the model's max_length, written by the template).
  var limit = parseInt(textarea.getAttribute("maxlength"), 10);
  textarea.removeAttribute("maxlength");
  var counter = document.createElement("p");
  counter.id = textarea.id + "_counter";
  counter.className = "char-counter";
  textarea.insertAdjacentElement("afterend", counter);
  describeBy(textarea, counter.id);
  var announceTimer = null;
  var wasOver = false;

  function number(value) {
    return value.toLocaleString("en-US");
  }

  function countText() {
    // Characters as the server counts them (code points, line breaks as one).
    var left = limit - Array.from(textarea.value).length;
    if (left >= 0) {
      return { over: false, left: left, text: number(left) + (left === 1 ? " character left" : " characters left") };
    }
    return {
      over: true,
      left: left,
      text:
        "Too long by " + number(-left) + (left === -1 ? " character" : " characters") +
        ": the limit is " + number(limit) + ". Nothing was cut; please shorten your comment before posting.",
    };
  }

  function updateCounter(pasted) {
    var count = countText();
    counter.textContent = count.text;
    counter.classList.toggle("is-over", count.over);
    if (count.over) {
      textarea.setAttribute("aria-invalid", "true");
    } else if (wasOver) {
      textarea.removeAttribute("aria-invalid");
    }
    // Said aloud when it matters (over the limit, or near it), once the typing pauses:
    // not at every keystroke.
    window.clearTimeout(announceTimer);
    if (count.over !== wasOver || pasted) {
      announce(count.text);
    } else if (count.over || count.left < 200) {
      announceTimer = window.setTimeout(function () {
        announce(counter.textContent);
      }, 1500);
    }
    wasOver = count.over;
  }

  var justPasted = false;
  textarea.addEventListener("paste", function () {
    justPasted = true;
  });
  textarea.addEventListener("input", function () {
    updateCounter(justPasted && countText().over);
    justPasted = false;
  });
  updateCounter(false);

  form.addEventListener("submit", function (event) {
    if (countText().over) {
      // The server would refuse it too (keeping the text); this saves the round trip.
      event.preventDefault();
      announce(counter.textContent);
      textarea.focus();
    }
  });

  // --- The draft kept in this tab (issue 24: a post the site could not answer) ------------
  // If the app servers do not answer a post, Varnish's page says the comment may not have
  // been saved and sends the reader back to the article to check. The text is kept here
  // at each send, in this tab only (sessionStorage), and put back into an empty form when
  // the reader returns; a page that confirms the post (a success message) forgets it.
  var draftKey = "cms-comment-draft:" + window.location.pathname;
  var drafts = null;
  try {
    drafts = window.sessionStorage;
  } catch (error) {
    drafts = null; // storage refused (private mode, a policy): the form works without it
  }
  if (drafts) {
    if (document.querySelector(".message-success")) {
      drafts.removeItem(draftKey);
    } else if (!textarea.value && drafts.getItem(draftKey)) {
      textarea.value = drafts.getItem(draftKey);
      announce(
        "Your text from before is back in the form. If your comment shows above as awaiting " +
          "moderation, it was saved: do not send it again."
      );
    }
    form.addEventListener("submit", function () {
      if (textarea.value) {
        drafts.setItem(draftKey, textarea.value);
      }
    });
  }

  // --- Preview ----------------------------------------------------------------------------
  var previewUrl = form.getAttribute("data-preview-url");
  var submit = form.querySelector('[type="submit"]');
  if (!previewUrl || !submit || !window.fetch || !window.FormData) {
    return;
  }
  var previewButton = document.createElement("button");
  previewButton.type = "button";
  previewButton.className = "btn comment-preview-button";
  previewButton.textContent = "Preview";
  submit.insertAdjacentElement("afterend", previewButton);

  var panel = document.createElement("section");
  panel.className = "comment-preview";
  panel.id = "comment-preview";
  panel.hidden = true;
  panel.setAttribute("aria-labelledby", "comment-preview-title");
  var panelTitle = document.createElement("h3");
  panelTitle.id = "comment-preview-title";
  panelTitle.tabIndex = -1;
  panelTitle.textContent = "Preview: your comment as it will be shown";
  var output = document.createElement("div");
  output.className = "comment-preview-output";
  panel.append(panelTitle, output);
  previewButton.insertAdjacentElement("afterend", panel);
  previewButton.setAttribute("aria-controls", panel.id);

  function showPreview(html, error) {
    if (html) {
      // The server's rendering: escaped and sanitised there exactly as a saved comment is.
      output.innerHTML = html;
    } else {
      var message = document.createElement("p");
      message.className = "comment-preview-error";
      message.textContent = error;
      output.replaceChildren(message);
    }
    panel.hidden = false;
    panelTitle.focus();
  }

  previewButton.addEventListener("click", function () {
    var data = new FormData();
    ["body", "name", "email", "website"].forEach(function (field) {
      if (form.elements[field]) {
        data.append(field, form.elements[field].value);
      }
    });
    previewButton.disabled = true;
    fetch(previewUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().catch(function () {
          return {};
        });
      })
      .then(function (answer) {
        showPreview(
          answer.html,
          answer.error || "The preview could not be made just now. Your text is still here."
        );
      })
      .catch(function () {
        showPreview(null, "The preview could not be made: are you offline? Your text is still here.");
      })
      .finally(function () {
        previewButton.disabled = false;
      });
  });
})();
