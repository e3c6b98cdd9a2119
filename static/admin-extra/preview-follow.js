// The preview beside the text follows the caret (templates/admin/articles/article/change_form.html).
// The preview's blocks say which line of the Markdown they start on (data-source-line, written
// by articles/markup.py for the preview only); the block the caret is in is marked and scrolled
// into the frame's view. Each refresh reloads the frame: it keeps its place and the mark.
// Without this script the preview is the same, unmarked.
(function () {
  "use strict";
  var body = document.getElementById("id_body");
  var frame = document.getElementById("article-preview");
  if (!body || !frame) {
    return;
  }
  var MARK = "editing-here";
  var caretLine = null; // null until the caret has been in the text
  var frameScroll = 0;
  var scheduled = false;

  function previewDocument() {
    try {
      return frame.contentDocument;
    } catch (error) {
      return null; // not our page (yet)
    }
  }

  function lineOfCaret() {
    return body.value.slice(0, body.selectionStart).split("\n").length - 1;
  }

  // The innermost block starting at or before the line: the last in the text's order
  // among those with the nearest start (a paragraph rather than its list item).
  function blockAt(doc, line) {
    var found = null;
    var foundStart = -1;
    var blocks = doc.querySelectorAll(".article-body [data-source-line]");
    for (var i = 0; i < blocks.length; i++) {
      var start = parseInt(blocks[i].getAttribute("data-source-line"), 10);
      if (start <= line && start >= foundStart) {
        found = blocks[i];
        foundStart = start;
      }
    }
    // A code block's line is on its <code>: mark the whole <pre>.
    if (found && found.tagName === "CODE" && found.parentElement.tagName === "PRE") {
      found = found.parentElement;
    }
    return found;
  }

  // Scroll the frame alone (scrollIntoView would move the editor's page too).
  function showInFrame(doc, block) {
    var view = doc.defaultView;
    var box = block.getBoundingClientRect();
    if (box.top >= 0 && box.bottom <= view.innerHeight) {
      return;
    }
    var room = view.innerHeight - box.height;
    var offset = room > 0 ? Math.min(room / 3, view.innerHeight / 4) : 16;
    view.scrollTo(0, view.pageYOffset + box.top - offset);
  }

  function mark() {
    scheduled = false;
    var doc = previewDocument();
    if (!doc || !doc.body || caretLine === null) {
      return;
    }
    var block = blockAt(doc, caretLine);
    var old = doc.querySelectorAll("." + MARK);
    for (var i = 0; i < old.length; i++) {
      if (old[i] !== block) {
        old[i].classList.remove(MARK);
      }
    }
    if (block) {
      block.classList.add(MARK);
      showInFrame(doc, block);
    }
  }

  function caretMoved() {
    var line = lineOfCaret();
    if (line === caretLine) {
      return; // the frame's load marks a refreshed preview
    }
    caretLine = line;
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(mark);
    }
  }

  ["keyup", "click", "focus", "input", "select"].forEach(function (name) {
    body.addEventListener(name, caretMoved);
  });
  document.addEventListener("selectionchange", function () {
    if (document.activeElement === body) {
      caretMoved();
    }
  });

  // Where the editor scrolled the preview to, kept across its refreshes.
  function followScrolling(doc) {
    var view = doc.defaultView;
    view.addEventListener("scroll", function () {
      frameScroll = view.pageYOffset;
    });
  }

  var first = previewDocument();
  if (first && first.readyState === "complete" && first.defaultView) {
    followScrolling(first);
  }
  // A refreshed preview opens at its top: put it back where it was, then mark again.
  frame.addEventListener("load", function () {
    var doc = previewDocument();
    if (!doc || !doc.defaultView) {
      return;
    }
    doc.defaultView.scrollTo(0, frameScroll);
    followScrolling(doc);
    mark();
  });
})();
