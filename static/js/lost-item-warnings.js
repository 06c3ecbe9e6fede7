/*
 * Number warnings on the lost items inline, before saving: when an editor types a number or
 * picks a document type, ask the admin (number-warnings/, staff only) whether the number
 * fails its check or was declared void in an earlier notice for the same kind of document,
 * and show the answer under the item's number. Saving still checks everything; this only
 * tells the editor sooner.
 */
(function () {
  "use strict";

  var ROW = /^items-(\d+)-(number|document_type)$/;
  var timers = {};

  function endpoint() {
    return window.location.pathname.replace(/\/notices\/notice\/.*$/, "/notices/notice/number-warnings/");
  }

  function noticeId() {
    var match = window.location.pathname.match(/\/notices\/notice\/(\d+)\/change\//);
    return match ? match[1] : "";
  }

  function show(index, warnings) {
    var number = document.getElementById("id_items-" + index + "-number");
    if (!number) {
      return;
    }
    var id = "items-" + index + "-number-warnings";
    var list = document.getElementById(id);
    if (!warnings.length) {
      if (list) {
        list.remove();
      }
      return;
    }
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "messagelist lost-item-warnings";
      list.setAttribute("role", "status");
      number.parentNode.appendChild(list);
    }
    list.replaceChildren();
    warnings.forEach(function (text) {
      var item = document.createElement("li");
      item.className = "warning";
      item.textContent = text;
      list.appendChild(item);
    });
  }

  function check(index) {
    var number = document.getElementById("id_items-" + index + "-number");
    var type = document.getElementById("id_items-" + index + "-document_type");
    if (!number) {
      return;
    }
    var query = new URLSearchParams({
      number: number.value,
      document_type: type ? type.value : "",
      notice: noticeId()
    });
    fetch(endpoint() + "?" + query.toString(), {credentials: "same-origin"})
      .then(function (response) {
        return response.ok ? response.json() : {warnings: []};
      })
      .then(function (data) {
        show(index, data.warnings || []);
      })
      .catch(function () {});
  }

  function changed(event) {
    var match = ROW.exec(event.target.name || "");
    if (!match) {
      return;
    }
    var index = match[1];
    window.clearTimeout(timers[index]);
    timers[index] = window.setTimeout(function () {
      check(index);
    }, 300);
  }

  document.addEventListener("input", changed);
  document.addEventListener("change", changed);
  // The document type is an autocomplete (select2), which tells jQuery, not the DOM.
  if (window.django && window.django.jQuery) {
    window.django.jQuery(document).on("select2:select select2:clear", changed);
  }
})();
