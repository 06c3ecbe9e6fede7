/*
 * The page field of an article's or a notice's admin form offers the chosen issue's pages
 * only. Its autocomplete (Django's select2) asks the server with the issue's id, which
 * PageAdmin.get_search_results filters by; choosing another issue clears a page of the one
 * before. Everything else is the admin's own.
 */
(function () {
  "use strict";

  if (!window.django || !window.django.jQuery) {
    return;
  }
  var $ = window.django.jQuery;

  // Django's autocomplete.js builds the request's data; add the issue to the page field's.
  $.ajaxPrefilter(function (options) {
    var issue = document.getElementById("id_issue");
    if (!issue || !issue.value || typeof options.data !== "string") {
      return;
    }
    var params = new URLSearchParams(options.data);
    if (params.get("field_name") !== "page") {
      return;
    }
    params.set("issue", issue.value);
    options.data = params.toString();
  });

  $(function () {
    var issue = $("#id_issue");
    var page = $("#id_page");
    if (!issue.length || !page.length) {
      return;
    }
    var chosen = issue.val();
    // select2 reports a choice with a jQuery change event, not a native one.
    issue.on("change", function () {
      if (issue.val() !== chosen) {
        chosen = issue.val();
        page.val(null).trigger("change");
      }
    });
  });
})();
