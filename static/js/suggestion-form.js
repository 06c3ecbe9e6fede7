/*
 * The correction form on an article's page (articles/article_detail.html). The page is cached
 * and shared by every reader, so it carries no CSRF token: this script fetches the reader's own
 * from the never-cached token URL (which also sets the CSRF cookie) when the form is opened,
 * with the text to correct (the page does not carry the body twice), puts them in the form's
 * fields and only then lets it be sent, to the form's own page (/articles/<id>/suggest/), which
 * thanks the reader or shows what was wrong. Without this script the form stays hidden and the
 * link in the notice above it leads to that page instead.
 */
(function () {
  "use strict";

  var details = document.querySelector("details.suggestion");
  if (!details || !window.fetch) {
    return;
  }
  var form = details.querySelector("form");
  var tokenField = form.querySelector('input[name="csrfmiddlewaretoken"]');
  var tokenError = form.querySelector("[data-token-error]");
  var button = form.querySelector('button[type="submit"]');
  var pending = null;

  function fetchToken() {
    if (!pending) {
      pending = fetch(details.getAttribute("data-token-url"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("token: HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          tokenField.value = data.csrf_token;
          // The text to correct comes with the token (the page does not repeat it); what the
          // reader has typed already is kept, the version it starts from is always set.
          Object.keys(data.fields || {}).forEach(function (name) {
            var field = form.elements[name];
            if (field && (name === "base" || !field.value)) {
              field.value = data.fields[name];
            }
          });
        })
        .catch(function (error) {
          pending = null; // try again on the next attempt to send
          throw error;
        });
    }
    return pending;
  }

  details.hidden = false;
  details.addEventListener("toggle", function () {
    if (details.open) {
      fetchToken().then(
        function () {
          tokenError.hidden = true;
        },
        function () {
          tokenError.hidden = false; // no text to correct and no token: say where to go
        }
      );
    }
  });

  form.addEventListener("submit", function (event) {
    if (tokenField.value) {
      return;
    }
    event.preventDefault();
    button.disabled = true;
    fetchToken().then(
      function () {
        tokenError.hidden = true;
        form.submit();
      },
      function () {
        tokenError.hidden = false;
        button.disabled = false;
      }
    );
  });

  // Back to the page after sending (the browser's back/forward cache): the button works again.
  window.addEventListener("pageshow", function () {
    button.disabled = false;
  });

  // The notice's link "发现错误?帮我们改正" opens the form here rather than its own page.
  document.querySelectorAll('a[data-opens="' + details.id + '"]').forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
        return; // a new tab or window: the form's own page
      }
      event.preventDefault();
      details.open = true;
      details.scrollIntoView({ block: "start" });
      details.querySelector("summary").focus();
    });
  });
})();
